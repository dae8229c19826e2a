/* Journal lines: the JSON parser on any bytes. */
#include "fuzz_targets.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t where;
    dnnr_json *j = dnnr__json_parse((const char *)data, size, &where);
    if (j) {
        (void)dnnr__json_num(j, "trial");
        (void)dnnr__json_str(j, "subject");
        (void)dnnr__json_length(dnnr__json_get(j, "train_loss"));
    }
    dnnr__json_free(j);
    return 0;
}
