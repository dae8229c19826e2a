/* Fuzz targets over the inputs dnnrepair reads from outside: subject and
 * experiment files, journal lines, and worker messages. Each is a libFuzzer
 * entry (with -DDNNR_FUZZ=ON and clang) and, in every build, a replay driver
 * that ctest runs over tests/fuzz/corpus/<target>/ (SQLite's fuzzcheck idea):
 * crashes found once stay found. */
#ifndef DNNR_TESTS_FUZZ_TARGETS_H
#define DNNR_TESTS_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
