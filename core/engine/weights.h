/* Trained-weights files, for warm starts. Little-endian:
 *   "DNNRWGT\0"  magic (8 bytes)
 *   u32 version (1), u32 tensor count
 *   per tensor: u32 rank, u32 dims[4] (unused = 0)
 *   per tensor: float32 values (Keras layouts), in the model's parameter order
 *               (per layer: kernel, bias; batch norm: gamma, beta, moving mean,
 *               moving variance)
 *   u64 FNV-1a checksum of every byte before it
 * Written to "<path>.tmp" and renamed, so a reader never sees half a file.
 * Loading refuses a wrong magic or version, a bad checksum, a short or long
 * file and shapes that differ from the model, naming the file and the tensor.
 * A file saved before a trial's extras inserted layers loads into the other
 * layers (the inserted ones stay fresh); see dnnr__weights_load. */
#ifndef DNNR_ENGINE_WEIGHTS_H
#define DNNR_ENGINE_WEIGHTS_H

#include "engine/network.h"
#include "util/error.h"

#define DNNR_WEIGHTS_VERSION 1u

int dnnr__weights_save(dnnr__net *net, const char *path, dnnr_error *err);
int dnnr__weights_load(dnnr__net *net, const char *path, dnnr_error *err);

#endif
