/* Worker messages: a truncated or corrupt outcome is refused cleanly. */
#include "fuzz_targets.h"
#include "run/outcome.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dnnr_reader r;
    dnnr__reader_init(&r, data, size);
    dnnr_outcome o;
    if (dnnr__outcome_read(&r, &o) == DNNR_OK)
        dnnr__outcome_clear(&o);
    return 0;
}
