/* Weights files (format in weights.h). */
#include <stdio.h>
#include <string.h>

#include "engine/weights.h"
#include "util/alloc.h"

static const char magic[8] = {'D', 'N', 'N', 'R', 'W', 'G', 'T', 0};

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#define FNV_BASIS 0xcbf29ce484222325ull

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t header_size(uint32_t n_tensors) { return 16 + 20 * (size_t)n_tensors; }

static void write_header(dnnr__net *net, unsigned char *h)
{
    uint32_t n = dnnr__net_n_params(net);
    memcpy(h, magic, 8);
    put_u32(h + 8, DNNR_WEIGHTS_VERSION);
    put_u32(h + 12, n);
    for (uint32_t i = 0; i < n; i++) {
        dnnr__param *p = dnnr__net_param(net, i);
        unsigned char *t = h + 16 + 20 * (size_t)i;
        memset(t, 0, 20);
        put_u32(t, (uint32_t)p->rank);
        for (int d = 0; d < p->rank; d++)
            put_u32(t + 4 + 4 * d, (uint32_t)p->shape[d]);
    }
}

int dnnr__weights_save(dnnr__net *net, const char *path, dnnr_error *err)
{
    uint32_t n = dnnr__net_n_params(net);
    size_t hs = header_size(n);
    unsigned char *h = dnnr__alloc(hs, 1);
    char *tmp = dnnr__asprintf("%s.tmp", path);
    if (!h || !tmp) {
        dnnr__free(h);
        dnnr__free(tmp);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    write_header(net, h);
    int rc = DNNR_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: cannot create", tmp);
    uint64_t sum = fnv1a(FNV_BASIS, h, hs);
    if (rc == DNNR_OK && fwrite(h, 1, hs, f) != hs)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: write failed", tmp);
    float *scratch = dnnr__net_scratch(net);
    for (uint32_t i = 0; rc == DNNR_OK && i < n; i++) {
        dnnr__param *p = dnnr__net_param(net, i);
        size_t bytes = sizeof(float) * (size_t)p->count;
        rc = dnnr__device_download(dnnr__net_device(net), scratch, p->w, 0, bytes, err);
        if (rc == DNNR_OK) {
            sum = fnv1a(sum, scratch, bytes);
            if (fwrite(scratch, 1, bytes, f) != bytes)
                rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: write failed", tmp);
        }
    }
    unsigned char tail[8];
    for (int i = 0; i < 8; i++)
        tail[i] = (unsigned char)(sum >> (8 * i));
    if (rc == DNNR_OK && fwrite(tail, 1, 8, f) != 8)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: write failed", tmp);
    if (f && fclose(f) != 0 && rc == DNNR_OK)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: close failed", tmp);
    if (rc == DNNR_OK && rename(tmp, path) != 0)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: cannot rename into place", path);
    if (rc != DNNR_OK && f)
        remove(tmp);
    dnnr__free(h);
    dnnr__free(tmp);
    return rc;
}

int dnnr__weights_load(dnnr__net *net, const char *path, dnnr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return dnnr__error_set(err, DNNR_EIO, "weights file %s: cannot open", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = len > 0 ? dnnr__alloc((size_t)len, 1) : NULL;
    int rc = DNNR_OK;
    if (len <= 0)
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: empty", path);
    else if (!buf)
        rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    else if (fread(buf, 1, (size_t)len, f) != (size_t)len)
        rc = dnnr__error_set(err, DNNR_EIO, "weights file %s: read failed", path);
    fclose(f);
    size_t size = (size_t)len;
    uint32_t n = dnnr__net_n_params(net);
    if (rc == DNNR_OK && (size < 24 || memcmp(buf, magic, 8) != 0))
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: not a dnnrepair weights file (bad magic)", path);
    if (rc == DNNR_OK && get_u32(buf + 8) != DNNR_WEIGHTS_VERSION)
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: version %u, expected %u", path,
                             get_u32(buf + 8), DNNR_WEIGHTS_VERSION);
    if (rc == DNNR_OK) {
        uint64_t stored = 0;
        for (int i = 0; i < 8; i++)
            stored |= (uint64_t)buf[size - 8 + (size_t)i] << (8 * i);
        if (fnv1a(FNV_BASIS, buf, size - 8) != stored)
            rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: checksum mismatch (corrupt or truncated)", path);
    }
    /* The file's tensors go to the model's parameters in order; when their
     * counts differ, the parameters of layers a trial's extras inserted
     * (batch normalisation) are left out of the order and keep their fresh
     * initialisation, as Keras rebuilds a model around new layers. */
    uint32_t n_file = rc == DNNR_OK ? get_u32(buf + 12) : 0;
    uint32_t *map = rc == DNNR_OK ? dnnr__alloc(n ? n : 1, sizeof *map) : NULL;
    if (rc == DNNR_OK && !map)
        rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    uint32_t n_map = 0;
    const dnnr_model_spec *spec = dnnr__net_spec(net);
    for (uint32_t i = 0; rc == DNNR_OK && i < n; i++)
        if (n_file == n || !spec->layers[dnnr__net_param(net, i)->spec_layer].inserted)
            map[n_map++] = i;
    if (rc == DNNR_OK && n_map != n_file)
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: %u tensors, the model has %u", path,
                             n_file, n);
    size_t expect = header_size(n_file) + 8;
    if (rc == DNNR_OK && size < expect)
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: %zu bytes, too short for %u tensors",
                             path, size, n_file);
    for (uint32_t i = 0; rc == DNNR_OK && i < n_file; i++) {
        dnnr__param *p = dnnr__net_param(net, map[i]);
        const unsigned char *t = buf + 16 + 20 * (size_t)i;
        int same = get_u32(t) == (uint32_t)p->rank;
        for (int d = 0; same && d < p->rank; d++)
            same = get_u32(t + 4 + 4 * d) == (uint32_t)p->shape[d];
        if (!same)
            rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: tensor %u has another shape than the model's", path, i);
        expect += sizeof(float) * (size_t)p->count;
    }
    if (rc == DNNR_OK && expect != size)
        rc = dnnr__error_set(err, DNNR_EPARSE, "weights file %s: %zu bytes, expected %zu", path, size, expect);
    size_t at = header_size(n_file);
    for (uint32_t i = 0; rc == DNNR_OK && i < n_file; i++) {
        dnnr__param *p = dnnr__net_param(net, map[i]);
        size_t bytes = sizeof(float) * (size_t)p->count;
        rc = dnnr__device_upload(dnnr__net_device(net), p->w, 0, buf + at, bytes, err);
        at += bytes;
    }
    dnnr__free(map);
    dnnr__free(buf);
    return rc;
}
