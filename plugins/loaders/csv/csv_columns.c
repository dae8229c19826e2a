/* Column selection for the csv loader; see csv_columns.h. */
#include "csv_columns.h"

#include <inttypes.h>
#include <string.h>

/* Index of the column called name[0..len), or -1. */
static int64_t find(const csv_field *names, uint32_t n, const char *name, size_t len)
{
    for (uint32_t i = 0; i < n; i++)
        if (names[i].len == len && memcmp(names[i].text, name, len) == 0)
            return i;
    return -1;
}

/* The next comma-separated item of *list, trimmed; 0 at the end. */
static int next_item(const char **list, const char **item, size_t *len)
{
    const char *p = *list;
    if (!*p)
        return 0;
    const char *comma = strchr(p, ',');
    const char *stop = comma ? comma : p + strlen(p);
    *list = comma ? comma + 1 : stop;
    while (p < stop && *p == ' ')
        p++;
    const char *e = stop;
    while (e > p && e[-1] == ' ')
        e--;
    *item = p;
    *len = (size_t)(e - p);
    return 1;
}

static void header_text(const csv_field *names, uint32_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < n && used + 8 < cap; i++) {
        size_t len = names[i].len;
        if (used + len + 8 >= cap) {
            strcpy(buf + used, ", ...");
            return;
        }
        if (i)
            buf[used++] = ',';
        memcpy(buf + used, names[i].text, len);
        used += len;
        buf[used] = '\0';
    }
}

static int unknown(const dnnr_host *host, const char *file, const char *option, const char *name,
                   size_t len, const csv_field *names, uint32_t n)
{
    char header[512];
    header_text(names, n, header, sizeof header);
    host->set_error(host->ctx, "%s: %s names column '%.*s', which the header lacks: expected one of %s",
                    file, option, (int)len, name, header);
    return DNNR_EINVAL;
}

int csv_columns_pick(const dnnr_host *host, const char *file, const csv_field *names,
                     uint32_t n_names, const char *label, const char *features,
                     const char *exclude, csv_columns *out)
{
    memset(out, 0, sizeof *out);
    int64_t label_at = find(names, n_names, label, strlen(label));
    if (label_at < 0)
        return unknown(host, file, "label", label, strlen(label), names, n_names);
    /* skip[i]: column i is not a feature */
    uint8_t *skip = host->alloc(host->ctx, n_names, 1);
    uint32_t *picked = host->alloc(host->ctx, n_names, sizeof *picked);
    if (!skip || !picked) {
        host->free(host->ctx, skip);
        host->free(host->ctx, picked);
        host->set_error(host->ctx, "%s: out of memory for %" PRIu32 " columns", file, n_names);
        return DNNR_ENOMEM;
    }
    skip[label_at] = 1;
    const char *item;
    size_t len;
    int status = DNNR_OK;
    uint32_t n = 0;
    const char *list = exclude;
    while (status == DNNR_OK && next_item(&list, &item, &len)) {
        int64_t at = find(names, n_names, item, len);
        if (at < 0)
            status = unknown(host, file, "exclude", item, len, names, n_names);
        else
            skip[at] = 1;
    }
    if (status == DNNR_OK && strcmp(features, "all") == 0) {
        for (uint32_t i = 0; i < n_names; i++)
            if (!skip[i])
                picked[n++] = i;
    } else if (status == DNNR_OK) {
        list = features;
        while (status == DNNR_OK && next_item(&list, &item, &len)) {
            int64_t at = find(names, n_names, item, len);
            if (at < 0) {
                status = unknown(host, file, "features", item, len, names, n_names);
            } else if (skip[at]) {
                host->set_error(host->ctx,
                                "%s: features names column '%.*s' twice, or the label or an "
                                "excluded column: expected each feature once",
                                file, (int)len, item);
                status = DNNR_EINVAL;
            } else {
                skip[at] = 1;
                picked[n++] = (uint32_t)at;
            }
        }
    }
    host->free(host->ctx, skip);
    if (status == DNNR_OK && n == 0) {
        host->set_error(host->ctx, "%s: no feature columns left: expected at least one", file);
        status = DNNR_EINVAL;
    }
    if (status != DNNR_OK) {
        host->free(host->ctx, picked);
        return status;
    }
    out->label = (uint32_t)label_at;
    out->features = picked;
    out->n_features = n;
    return DNNR_OK;
}

void csv_columns_release(const dnnr_host *host, csv_columns *c)
{
    host->free(host->ctx, c->features);
    memset(c, 0, sizeof *c);
}
