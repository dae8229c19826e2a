/* Subject and experiment files: any bytes give a parse or an error, never a
 * crash, a leak or an out-of-bounds read. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config/experiment.h"
#include "config/subject.h"
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/dnnr_fuzz_cfg_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    dnnr_error err;
    dnnr_subject *s = NULL;
    if (dnnr__subject_read(path, &s, &err) == DNNR_OK)
        dnnr__subject_destroy(s);
    dnnr_experiment *e = NULL;
    if (dnnr__experiment_read(path, &e, &err) == DNNR_OK)
        dnnr__experiment_destroy(e);
    unlink(path);
    return 0;
}
