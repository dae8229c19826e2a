/* .npy header parsing; see npy_format.h. */
#include "npy_format.h"

#include <stdio.h>
#include <string.h>

typedef struct cursor {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int eat(cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted Python string ('...' or "..."), no escapes (dtype names have none). */
static int read_string(cursor *c, const char **s, size_t *n)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return -1;
    char q = *c->p++;
    const char *start = c->p;
    while (c->p < c->end && *c->p != q)
        c->p++;
    if (c->p >= c->end)
        return -1;
    *s = start;
    *n = (size_t)(c->p - start);
    c->p++;
    return 0;
}

static int read_word(cursor *c, const char *w)
{
    skip_space(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

/* "(a, b, c)" with an optional trailing comma; "()" is rank 0; an 'L' suffix
 * (Python 2 longs) is accepted. */
static int read_shape(cursor *c, npy_header *h, char *why, size_t why_len)
{
    if (!eat(c, '(')) {
        snprintf(why, why_len, "shape: expected a tuple such as (100, 2)");
        return -1;
    }
    h->rank = 0;
    for (;;) {
        if (eat(c, ')'))
            return 0;
        skip_space(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9') {
            snprintf(why, why_len, "shape: expected a non-negative integer or ')'");
            return -1;
        }
        uint64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (UINT64_MAX - 9) / 10) {
                snprintf(why, why_len, "shape: a dimension too large");
                return -1;
            }
            v = v * 10 + (uint64_t)(*c->p++ - '0');
        }
        if (c->p < c->end && *c->p == 'L')
            c->p++;
        if (h->rank == NPY_MAX_RANK) {
            snprintf(why, why_len, "shape: more than %u dimensions", NPY_MAX_RANK);
            return -1;
        }
        h->shape[h->rank++] = v;
        if (!eat(c, ',')) {
            if (eat(c, ')'))
                return 0;
            snprintf(why, why_len, "shape: expected ',' or ')'");
            return -1;
        }
    }
}

static const struct {
    const char *descr;
    npy_type type;
    uint32_t bytes;
} known_types[] = {
    {"<f4", NPY_F4, 4}, {"<f8", NPY_F8, 8}, {"|u1", NPY_U1, 1}, {"<u1", NPY_U1, 1},
    {"|i1", NPY_I1, 1}, {"<i1", NPY_I1, 1}, {"|b1", NPY_B1, 1}, {"<i4", NPY_I4, 4},
    {"<i8", NPY_I8, 8},
};

static int set_type(const char *s, size_t n, npy_header *h, char *why, size_t why_len)
{
    for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++) {
        if (strlen(known_types[i].descr) == n && memcmp(known_types[i].descr, s, n) == 0) {
            h->type = known_types[i].type;
            h->item_bytes = known_types[i].bytes;
            return 0;
        }
    }
    snprintf(why, why_len,
             "dtype '%.*s': expected '<f4', '<f8', '|u1', '|i1', '|b1', '<i4' or '<i8' "
             "(little-endian numbers)",
             (int)(n > 16 ? 16 : n), s);
    return -1;
}

static int parse_dict(cursor *c, npy_header *h, char *why, size_t why_len)
{
    int have_descr = 0, have_order = 0, have_shape = 0;
    if (!eat(c, '{')) {
        snprintf(why, why_len, "header: expected a dict starting with '{'");
        return -1;
    }
    while (!eat(c, '}')) {
        const char *key, *s;
        size_t kn, n;
        if (read_string(c, &key, &kn) != 0 || !eat(c, ':')) {
            snprintf(why, why_len, "header: expected 'key': value");
            return -1;
        }
        if (kn == 5 && memcmp(key, "descr", 5) == 0) {
            if (read_string(c, &s, &n) != 0) {
                snprintf(why, why_len, "descr: expected a dtype string such as '<f4'");
                return -1;
            }
            if (set_type(s, n, h, why, why_len) != 0)
                return -1;
            have_descr = 1;
        } else if (kn == 13 && memcmp(key, "fortran_order", 13) == 0) {
            if (read_word(c, "True")) {
                snprintf(why, why_len, "fortran_order is True: expected C order (save with "
                                       "numpy.ascontiguousarray)");
                return -1;
            }
            if (!read_word(c, "False")) {
                snprintf(why, why_len, "fortran_order: expected True or False");
                return -1;
            }
            have_order = 1;
        } else if (kn == 5 && memcmp(key, "shape", 5) == 0) {
            if (read_shape(c, h, why, why_len) != 0)
                return -1;
            have_shape = 1;
        } else {
            snprintf(why, why_len, "header: unknown key '%.*s': expected descr, fortran_order, "
                                   "shape", (int)(kn > 20 ? 20 : kn), key);
            return -1;
        }
        if (!eat(c, ',')) {
            if (eat(c, '}'))
                break;
            snprintf(why, why_len, "header: expected ',' or '}'");
            return -1;
        }
    }
    if (!have_descr || !have_order || !have_shape) {
        snprintf(why, why_len, "header: expected the keys descr, fortran_order and shape");
        return -1;
    }
    return 0;
}

void npy_shape_text(const npy_header *h, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "(");
    for (uint32_t i = 0; i < h->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%llu", i ? ", " : "",
                                 (unsigned long long)h->shape[i]);
    if (used < len)
        snprintf(buf + used, len - used, h->rank == 1 ? ",)" : ")");
}

int npy_parse(const uint8_t *bytes, size_t len, npy_header *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (len < 10 || memcmp(bytes, magic, 6) != 0) {
        snprintf(why, why_len, "not a .npy file: expected the magic \"\\x93NUMPY\"");
        return -1;
    }
    uint8_t major = bytes[6];
    uint64_t header_len, start;
    if (major == 1) {
        header_len = (uint64_t)bytes[8] | (uint64_t)bytes[9] << 8;
        start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) {
            snprintf(why, why_len, "truncated in the preamble");
            return -1;
        }
        header_len = (uint64_t)bytes[8] | (uint64_t)bytes[9] << 8 | (uint64_t)bytes[10] << 16 |
                     (uint64_t)bytes[11] << 24;
        start = 12;
    } else {
        snprintf(why, why_len, "format version %u.%u: expected 1.0, 2.0 or 3.0", major, bytes[7]);
        return -1;
    }
    if (header_len > len - start) {
        snprintf(why, why_len, "truncated: the header says %llu bytes, %llu follow",
                 (unsigned long long)header_len, (unsigned long long)(len - start));
        return -1;
    }
    cursor c = {(const char *)bytes + start, (const char *)bytes + start + header_len};
    if (parse_dict(&c, out, why, why_len) != 0)
        return -1;
    out->count = 1;
    for (uint32_t i = 0; i < out->rank; i++) {
        if (out->shape[i] && out->count > UINT64_MAX / out->shape[i]) {
            snprintf(why, why_len, "shape: the element count overflows");
            return -1;
        }
        out->count *= out->shape[i];
    }
    out->data_offset = start + header_len;
    uint64_t have = len - out->data_offset;
    char shape[160];
    npy_shape_text(out, shape, sizeof shape);
    if (out->count > UINT64_MAX / out->item_bytes || out->count * out->item_bytes != have) {
        int cut = out->count <= UINT64_MAX / out->item_bytes && have < out->count * out->item_bytes;
        snprintf(why, why_len, "%s: shape %s needs %llu data bytes, %llu follow",
                 cut ? "truncated" : "size mismatch", shape,
                 (unsigned long long)(out->count <= UINT64_MAX / out->item_bytes
                                          ? out->count * out->item_bytes
                                          : UINT64_MAX),
                 (unsigned long long)have);
        return -1;
    }
    return 0;
}

void npy_to_float(const npy_header *h, const uint8_t *data, uint64_t n, float *out)
{
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *p = data + i * h->item_bytes;
        /* the bytes are little-endian and unaligned: assemble them explicitly */
        uint64_t u = 0;
        for (uint32_t b = 0; b < h->item_bytes; b++)
            u |= (uint64_t)p[b] << (8 * b);
        switch (h->type) {
        case NPY_F4: {
            uint32_t bits = (uint32_t)u;
            float f;
            memcpy(&f, &bits, sizeof f);
            out[i] = f;
            break;
        }
        case NPY_F8: {
            double d;
            memcpy(&d, &u, sizeof d);
            out[i] = (float)d;
            break;
        }
        case NPY_U1:
            out[i] = (float)(uint8_t)u;
            break;
        case NPY_I1:
            out[i] = (float)(int8_t)(uint8_t)u;
            break;
        case NPY_B1:
            out[i] = u ? 1.0f : 0.0f;
            break;
        case NPY_I4:
            out[i] = (float)(int32_t)(uint32_t)u;
            break;
        case NPY_I8:
            out[i] = (float)(int64_t)u;
            break;
        }
    }
}
