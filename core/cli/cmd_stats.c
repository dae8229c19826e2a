/* `dnnrepair stats`: the Wilcoxon signed-rank test and DeepCrime's killing
 * criterion on files of numbers (one per line), printed as "key = value"
 * lines so scripts can read them. The arithmetic is core/stats; this file
 * only reads files, checks usage and words the results. */
#include "cli/cmd_stats.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "util/alloc.h"
#include "util/error.h"

static const char usage_text[] =
    "usage: dnnrepair stats wilcoxon [--approx | --exact | --auto] A.txt B.txt\n"
    "       dnnrepair stats kill FAULTY.txt FIX.txt [--loss]\n"
    "\n"
    "wilcoxon  Wilcoxon signed-rank test of A against B, paired by line: two-sided,\n"
    "          zero differences dropped, no continuity correction; prints W = min(R+, R-),\n"
    "          z and p, as scipy.stats.wilcoxon.\n"
    "          --approx  normal approximation with the tie-corrected variance (default;\n"
    "                    scipy 1.4's default, used by the repair study)\n"
    "          --exact   exact distribution of R+; zero differences switch to the\n"
    "                    approximation and ties truncate R+, as in scipy\n"
    "          --auto    scipy 1.9-1.14's default: exact up to 50 pairs\n"
    "kill      DeepCrime's statistical killing of a faulty program against its fix\n"
    "          (independent runs, unpaired): GLM z-test, p read to 3 decimals as\n"
    "          DeepCrime does, Cohen's d; killed iff p < 0.05 and d >= 0.5.\n"
    "          --loss    lower is better: killed iff p < 0.05 and d <= -0.5\n"
    "\n"
    "Files hold one number per line; blank lines and lines starting with '#' are skipped.\n";

/* A growing list of numbers read from one file. */
typedef struct number_list {
    double *values;
    size_t n, cap;
} number_list;

static void number_list_free(number_list *list)
{
    dnnr__free(list->values);
    *list = (number_list){0};
}

static int number_list_push(number_list *list, double v)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 64;
        double *grown = dnnr__realloc(list->values, cap * sizeof *grown);
        if (!grown)
            return DNNR_ENOMEM;
        list->values = grown;
        list->cap = cap;
    }
    list->values[list->n++] = v;
    return DNNR_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    return s;
}

/* Parse one trimmed line; the whole text must be one finite number. */
static int parse_number(const char *path, size_t line_no, const char *text, double *out,
                        dnnr_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0')
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%zu: expected a number, got '%.40s'", path,
                               line_no, text);
    if (!isfinite(v) || errno == ERANGE)
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%zu: expected a finite number, got '%.40s'",
                               path, line_no, text);
    *out = v;
    return DNNR_OK;
}

static int read_numbers(const char *path, number_list *list, dnnr_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return dnnr__error_set(err, DNNR_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t line_cap = 0, line_no = 0;
    int rc = DNNR_OK;
    while (rc == DNNR_OK && getline(&line, &line_cap, f) >= 0) {
        line_no++;
        char *text = trim(line);
        if (*text == '\0' || *text == '#')
            continue;
        double v = 0; /* set on success; initialised for the compiler's flow analysis */
        rc = parse_number(path, line_no, text, &v, err);
        if (rc == DNNR_OK && number_list_push(list, v) != DNNR_OK)
            rc = dnnr__error_set(err, DNNR_ENOMEM, "%s: out of memory", path);
    }
    if (rc == DNNR_OK && ferror(f))
        rc = dnnr__error_set(err, DNNR_EIO, "%s: read error", path);
    free(line); /* getline's buffer comes from malloc */
    fclose(f);
    if (rc == DNNR_OK && list->n == 0)
        rc = dnnr__error_set(err, DNNR_EPARSE, "%s: no numbers", path);
    return rc;
}

/* Options (anything starting with "--") and positional arguments, in order. */
typedef struct parsed_args {
    const char *files[2];
    size_t n_files;
    dnnr_wilcoxon_method method;
    int loss;
    int help;
} parsed_args;

static int parse_args(int argc, char **argv, int is_kill, parsed_args *pa, dnnr_error *err)
{
    *pa = (parsed_args){.method = DNNR_WILCOXON_APPROX};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            pa->help = 1;
        else if (!is_kill && strcmp(a, "--approx") == 0)
            pa->method = DNNR_WILCOXON_APPROX;
        else if (!is_kill && strcmp(a, "--exact") == 0)
            pa->method = DNNR_WILCOXON_EXACT;
        else if (!is_kill && strcmp(a, "--auto") == 0)
            pa->method = DNNR_WILCOXON_AUTO;
        else if (is_kill && strcmp(a, "--loss") == 0)
            pa->loss = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return dnnr__error_set(err, DNNR_EINVAL, "stats %s: unknown option '%s'", argv[1], a);
        else if (pa->n_files == 2)
            return dnnr__error_set(err, DNNR_EINVAL, "stats %s: unexpected argument '%s'", argv[1],
                                   a);
        else
            pa->files[pa->n_files++] = a;
    }
    if (!pa->help && pa->n_files != 2)
        return dnnr__error_set(err, DNNR_EINVAL, "stats %s: expected two files, got %zu", argv[1],
                               pa->n_files);
    return DNNR_OK;
}

/* "key = value" with the shortest digits that read back as the same double. */
static void print_value(FILE *out, const char *key, double v)
{
    char text[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v || isnan(v))
            break;
    }
    fprintf(out, "%s = %s\n", key, text);
}

/* core/stats takes an allocator so plugins can pass the host's; the core
 * passes its own, which keeps the CLI under the fault-injection hook. */
static void *core_alloc(void *ctx, size_t n, size_t size) { return dnnr__alloc(n, size); }
static void core_free(void *ctx, void *p) { dnnr__free(p); }

static const char *method_name(dnnr_wilcoxon_method m)
{
    return m == DNNR_WILCOXON_EXACT ? "exact" : "approx";
}

static int run_wilcoxon(const parsed_args *pa, const number_list *a, const number_list *b,
                        FILE *out, dnnr_error *err)
{
    if (a->n != b->n)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "%s has %zu numbers and %s has %zu: the test pairs them by line",
                               pa->files[0], a->n, pa->files[1], b->n);
    dnnr_wilcoxon res;
    const dnnr_stats_alloc mem = {NULL, core_alloc, core_free};
    int rc = dnnr__wilcoxon(a->values, b->values, a->n, pa->method, &mem, &res);
    if (rc == DNNR_EUNSUPPORTED)
        return dnnr__error_set(err, rc,
                               "the exact distribution is limited to %d pairs; use --approx",
                               DNNR_WILCOXON_EXACT_MAX_N);
    if (rc == DNNR_EINVAL)
        return dnnr__error_set(err, rc,
                               "every difference is zero: the test is undefined (scipy raises; "
                               "the repair study took p = 1)");
    if (rc != DNNR_OK)
        return dnnr__error_set(err, rc, "wilcoxon: %s", dnnr_strerror(rc));
    fprintf(out, "n = %zu\n", res.n);
    fprintf(out, "zeros = %zu\n", res.n_zero);
    fprintf(out, "ties = %s\n", res.has_ties ? "yes" : "no");
    fprintf(out, "method = %s\n", method_name(res.method_used));
    print_value(out, "r_plus", res.r_plus);
    print_value(out, "r_minus", res.r_minus);
    print_value(out, "W", res.w);
    print_value(out, "z", res.z); /* nan under the exact method */
    print_value(out, "p", res.p);
    return DNNR_OK;
}

static int run_kill(const parsed_args *pa, const number_list *faulty, const number_list *fix,
                    FILE *out, dnnr_error *err)
{
    dnnr_killing k;
    int rc = dnnr__killing_criterion(faulty->values, faulty->n, fix->values, fix->n, !pa->loss, &k);
    if (rc != DNNR_OK)
        return dnnr__error_set(err, rc, "kill: needs at least 3 numbers in all (got %zu and %zu)",
                               faulty->n, fix->n);
    if (faulty->n != fix->n)
        fprintf(out, "# note: DeepCrime compares equal numbers of runs (%zu and %zu here)\n",
                faulty->n, fix->n);
    fprintf(out, "n_faulty = %zu\n", faulty->n);
    fprintf(out, "n_fix = %zu\n", fix->n);
    print_value(out, "mean_faulty", k.mean_faulty);
    print_value(out, "mean_fix", k.mean_fix);
    print_value(out, "z", k.z);
    print_value(out, "p", k.p);
    fprintf(out, "p3 = %.3f\n", k.p3);
    print_value(out, "cohen_d", k.d);
    fprintf(out, "rule = p3 < %.2f and d %s %.1f\n", DNNR_KILLING_ALPHA,
            pa->loss ? "<=" : ">=", pa->loss ? -DNNR_KILLING_EFFECT : DNNR_KILLING_EFFECT);
    fprintf(out, "verdict = %s\n", k.killed ? "killed" : "not killed");
    return DNNR_OK;
}

/* *usage is set when the error is the command line's, so the caller can point at --help. */
static int run_subcommand(int argc, char **argv, FILE *out, dnnr_error *err, int *usage)
{
    *usage = 1;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc < 2)
            return dnnr__error_set(err, DNNR_EINVAL, "stats: expected a subcommand");
        fputs(usage_text, out);
        return DNNR_OK;
    }
    const int is_kill = strcmp(argv[1], "kill") == 0;
    if (!is_kill && strcmp(argv[1], "wilcoxon") != 0)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "stats: unknown subcommand '%s' (expected wilcoxon or kill)",
                               argv[1]);
    parsed_args pa;
    int rc = parse_args(argc, argv, is_kill, &pa, err);
    if (rc != DNNR_OK || pa.help) {
        if (pa.help)
            fputs(usage_text, out);
        return rc;
    }
    *usage = 0;
    number_list first = {0}, second = {0};
    rc = read_numbers(pa.files[0], &first, err);
    if (rc == DNNR_OK)
        rc = read_numbers(pa.files[1], &second, err);
    if (rc == DNNR_OK)
        rc = is_kill ? run_kill(&pa, &first, &second, out, err)
                     : run_wilcoxon(&pa, &first, &second, out, err);
    number_list_free(&first);
    number_list_free(&second);
    return rc;
}

int dnnr__cmd_stats_run(int argc, char **argv, FILE *out, FILE *err_stream)
{
    dnnr_error err = {{0}};
    int usage = 0;
    int rc = run_subcommand(argc, argv, out, &err, &usage);
    if (rc != DNNR_OK) {
        fprintf(err_stream, "dnnrepair: %s\n", err.msg);
        if (usage)
            fputs("Run 'dnnrepair stats --help' for usage.\n", err_stream);
    }
    return rc;
}

int dnnr__cmd_stats(int argc, char **argv)
{
    return dnnr__cmd_stats_run(argc, argv, stdout, stderr);
}
