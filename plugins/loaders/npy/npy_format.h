/**
 * @file npy_format.h
 * @brief NumPy's .npy format: header parsing and element conversion.
 *
 * A .npy file is the magic "\x93NUMPY", a major and a minor version byte, the
 * header length (uint16 little-endian in version 1.0; uint32 in 2.0 and
 * 3.0), the header (a Python dict literal such as
 * "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 36, 60, 1), }"),
 * then the array's bytes. Accepted element types: '<f4', '<f8', '|u1'
 * ('<u1'), '|i1', '|b1', '<i4', '<i8'; C order only; big-endian and
 * object arrays are refused.
 *
 * Knows nothing about files or the host, so tests and fuzzers can feed it bytes.
 */
#ifndef DNNR_NPY_FORMAT_H
#define DNNR_NPY_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_RANK 8u

typedef enum npy_type { NPY_F4, NPY_F8, NPY_U1, NPY_I1, NPY_B1, NPY_I4, NPY_I8 } npy_type;

typedef struct npy_header {
    npy_type type;
    uint32_t item_bytes;
    uint32_t rank;
    uint64_t shape[NPY_MAX_RANK];
    uint64_t count;        /**< product of the shape (1 for rank 0) */
    uint64_t data_offset;  /**< bytes before the array data */
} npy_header;

/**
 * Parse the preamble and header of @p bytes (the whole file, @p len bytes)
 * and check that exactly count * item_bytes data bytes follow. Returns
 * nonzero with the reason in @p why (e.g. "truncated: shape (3, 4) of '<f4'
 * needs 48 data bytes, 40 follow").
 */
int npy_parse(const uint8_t *bytes, size_t len, npy_header *out, char *why, size_t why_len);

/** Convert @p n elements of @p data (of h's type) to floats. */
void npy_to_float(const npy_header *h, const uint8_t *data, uint64_t n, float *out);

/** "(3, 4)" style text of h's shape into @p buf. */
void npy_shape_text(const npy_header *h, char *buf, size_t len);

#endif
