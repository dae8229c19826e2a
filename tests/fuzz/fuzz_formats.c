/* The data-file parsers of the loader plugins (CSV records, svmlight lines,
 * .npy headers) on any bytes: an error with a reason, never a crash or an
 * out-of-bounds read. The first byte picks the parser (and its flags). */
#include <stdlib.h>
#include <string.h>

#include "csv_parse.h"
#include "fuzz_targets.h"
#include "libsvm_parse.h"
#include "npy_format.h"

static void fuzz_csv(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    csv_reader r;
    csv_reader_init(&r, text, size, ',');
    csv_field fields[16];
    size_t n;
    char why[256];
    while (csv_next_record(&r, fields, 16, &n, why, sizeof why) == 1)
        for (size_t i = 0; i < n && i < 16; i++) {
            double v;
            csv_field_number(&fields[i], &v);
        }
    free(text);
}

static void fuzz_libsvm(const uint8_t *data, size_t size, int zero_based)
{
    double label;
    libsvm_pair pairs[64];
    size_t n;
    char why[256];
    libsvm_parse_line((const char *)data, size, zero_based, &label, pairs, 64, &n, why, sizeof why);
}

static void fuzz_npy(const uint8_t *data, size_t size)
{
    npy_header h;
    char why[256];
    if (npy_parse(data, size, &h, why, sizeof why) == 0 && h.count <= 4096) {
        float *out = malloc((h.count ? h.count : 1) * sizeof *out);
        if (out)
            npy_to_float(&h, data + h.data_offset, h.count, out);
        free(out);
        char shape[128];
        npy_shape_text(&h, shape, sizeof shape);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        fuzz_csv(data + 1, size - 1);
        break;
    case 1:
        fuzz_libsvm(data + 1, size - 1, (data[0] / 3) & 1);
        break;
    default:
        fuzz_npy(data + 1, size - 1);
        break;
    }
    return 0;
}
