/* Replays every file of a corpus folder through a fuzz target (no
 * libFuzzer needed), so ctest rechecks every stored input on each build. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"
#include "util/alloc.h"
#include "util/io.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "%s: cannot open the corpus folder\n", argv[1]);
        return 2;
    }
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        size_t len = 0;
        char *data = dnnr__read_file(path, &len);
        if (!data)
            continue;
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        dnnr__free(data);
        n++;
    }
    closedir(d);
    printf("%zu inputs replayed, 0 crashed\n", n);
    return n ? 0 : 1;
}
