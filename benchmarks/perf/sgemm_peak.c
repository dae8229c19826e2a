/*
 * oneDNN's sgemm speed: the practical peak the engine's dense and conv layers
 * can approach on this machine (GEMM is what both reduce to).
 *
 *   sgemm_peak [--seconds S] MxNxK [MxNxK ...]
 *
 * For each shape, C[M,N] = A[M,K] * B[K,N] (row-major, no transposes) runs
 * repeatedly for about S seconds (default 1) after a warm-up call; prints
 * one line per shape: "sgemm MxNxK gflops G seconds_per_call T".
 * Threads: oneDNN's OpenMP runtime, so OMP_NUM_THREADS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <oneapi/dnnl/dnnl.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *random_matrix(long rows, long cols)
{
    float *m = malloc((size_t)rows * (size_t)cols * sizeof *m);
    if (!m)
        return NULL;
    unsigned state = 12345u;
    for (long i = 0; i < rows * cols; i++) {
        state = state * 1664525u + 1013904223u;
        m[i] = (float)(state >> 8) / 16777216.0f - 0.5f;
    }
    return m;
}

static int run_shape(long m, long n, long k, double seconds)
{
    float *a = random_matrix(m, k), *b = random_matrix(k, n), *c = random_matrix(m, n);
    if (!a || !b || !c) {
        fprintf(stderr, "sgemm_peak: out of memory for %ldx%ldx%ld\n", m, n, k);
        free(a);
        free(b);
        free(c);
        return 1;
    }
    dnnl_status_t st = dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    if (st != dnnl_success) {
        fprintf(stderr, "sgemm_peak: dnnl_sgemm failed with status %d\n", (int)st);
        free(a);
        free(b);
        free(c);
        return 1;
    }
    long calls = 0;
    double start = now(), elapsed = 0.0;
    do {
        dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        calls++;
        elapsed = now() - start;
    } while (elapsed < seconds);
    double flops = 2.0 * (double)m * (double)n * (double)k * (double)calls;
    printf("sgemm %ldx%ldx%ld gflops %.2f seconds_per_call %.3g\n", m, n, k, flops / elapsed / 1e9,
           elapsed / (double)calls);
    free(a);
    free(b);
    free(c);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    int failed = 0, shapes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
            continue;
        }
        long m, n, k;
        char extra;
        if (sscanf(argv[i], "%ldx%ldx%ld%c", &m, &n, &k, &extra) != 3 || m <= 0 || n <= 0 ||
            k <= 0) {
            fprintf(stderr, "sgemm_peak: \"%s\": expected a shape MxNxK, e.g. 2048x2048x2048\n",
                    argv[i]);
            return 2;
        }
        failed |= run_shape(m, n, k, seconds);
        shapes++;
    }
    if (shapes == 0)
        failed |= run_shape(2048, 2048, 2048, seconds);
    return failed;
}
