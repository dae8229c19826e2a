/* The report's SVG figures: every file parses as XML (expat), has the
 * structure a reader relies on (an <svg> root with xmlns and viewBox, a
 * panel per subject, a legend entry per technique), never a "nan" or "inf"
 * and no coordinate off the canvas, and the same cells give the same bytes.
 * The outputs stay under the build folder (test_figures/) to be looked at. */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef DNNR_NO_EXPAT
#include <expat.h>
#endif

#include <dnnrepair/status.h>

#include "report/figures.h"
#include "report/svg.h"
#include "util/alloc.h"
#include "util/io.h"

#define OUT DNNR_TEST_BUILD_DIR "/test_figures"
#define MAX_CELLS 600
#define REPEATS 10
#define MAX_NAMES 64

static const char *const figure_names[3] = {"ir.svg", "boxplots.svg", "complexity.svg"};

typedef struct fixture {
    dnnr_fig_cell cells[MAX_CELLS];
    double values[MAX_CELLS][REPEATS];
    char names[MAX_NAMES][96];
    size_t n;
} fixture;

/* xorshift: the fixtures' noise, the same on every run */
static double noise(unsigned *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return (double)(*state % 10000) / 10000.0 - 0.5;
}

static void add_cell(fixture *f, const char *subject, const char *technique, double budget,
                     int maximise, const char *metric, double faulty, double fix, double progress,
                     unsigned *rng)
{
    ck_assert_uint_lt(f->n, MAX_CELLS);
    dnnr_fig_cell *c = &f->cells[f->n];
    double *v = f->values[f->n];
    double sum = 0;
    for (int r = 0; r < REPEATS; r++) {
        v[r] = faulty + (fix - faulty) * (progress + 0.25 * noise(rng));
        sum += v[r];
    }
    double mean = sum / REPEATS;
    *c = (dnnr_fig_cell){.subject = subject,
                         .searcher = technique,
                         .budget = budget,
                         .maximise = maximise,
                         .metric = metric,
                         .values = v,
                         .n_values = REPEATS,
                         .faulty_mean = faulty,
                         .fix_mean = fix,
                         .ir = (mean - faulty) / (fix - faulty),
                         .complexity = 0.15 + 0.3 * (noise(rng) + 0.5),
                         .fix_complexity = 1.0 / 21};
    c->significant = c->ir > 0.3;
    f->n++;
}

/* 3 subjects (one a loss), 4 techniques, budgets 10/20/50, 10 repeats, some NaN. */
static fixture *realistic(void)
{
    fixture *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    static const char *const techniques[4] = {"random", "hebo", "bohb", "autotrainer"};
    static const double budgets[3] = {10, 20, 50};
    const char *m1 = "M1 mnist <lr> & \"1.0\"";
    const char *c1 = "C1 cifar10_change_activation_function_mutated0_MP_hard_sigmoid_2";
    const char *u4 = "U4 lenet_change_epochs (loss)";
    unsigned rng = 12345;
    for (size_t t = 0; t < 4; t++)
        for (size_t b = 0; b < 3; b++) {
            double progress = 0.2 + 0.15 * (double)t + 0.1 * (double)b;
            add_cell(f, m1, techniques[t], budgets[b], 1, "accuracy", 0.85, 0.99, progress, &rng);
            add_cell(f, c1, techniques[t], budgets[b], 1, "accuracy", 0.45, 0.71, progress - 0.3,
                     &rng);
            add_cell(f, u4, techniques[t], budgets[b], 0, "mean angular error (radians)", 0.400,
                     0.044, progress + 0.1, &rng);
            f->cells[f->n - 1].fix_complexity = 1.0 / 19;
            f->cells[f->n - 2].fix_complexity = 1.0 / 27;
        }
    /* NaN repeats, a subject AutoTrainer cannot repair, IRs beyond 1, below 0 and far off */
    for (size_t i = 0; i < f->n; i++) {
        dnnr_fig_cell *c = &f->cells[i];
        if (i % 5 == 0)
            f->values[i][3] = NAN;
        if (c->subject == u4 && !strcmp(c->searcher, "autotrainer")) {
            for (int r = 0; r < REPEATS; r++)
                f->values[i][r] = NAN;
            c->ir = c->complexity = NAN;
            c->significant = 0;
        }
        if (c->subject == c1 && !strcmp(c->searcher, "random") && c->budget == 10)
            c->ir = -7.5;
        if (c->subject == u4 && !strcmp(c->searcher, "hebo") && c->budget == 50)
            c->ir = 1.12;
    }
    return f;
}

/* 30 subjects x 5 techniques x 3 budgets: the layout's upper end. */
static fixture *thirty_subjects(void)
{
    fixture *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    static const char *const techniques[5] = {"random", "hebo", "bohb", "autotrainer",
                                              "grid & <manual>"};
    static const double budgets[3] = {10, 20, 50};
    unsigned rng = 777;
    for (int s = 0; s < 30; s++) {
        snprintf(f->names[s], sizeof f->names[s],
                 "S%02d reuters_change_weights_initialisation_mutated0_MP_ones_%d", s, s);
        int loss = s % 4 == 3;
        for (size_t t = 0; t < 5; t++)
            for (size_t b = 0; b < 3; b++)
                add_cell(f, f->names[s], techniques[t], budgets[b], !loss,
                         loss ? "loss" : "accuracy", loss ? 2.0 : 0.3 + 0.01 * s, loss ? 0.5 : 0.8,
                         0.1 * (double)t + 0.2 * (double)b, &rng);
    }
    return f;
}

static char *read_all(const char *dir, const char *name, size_t *len)
{
    char *path = dnnr__asprintf("%s/plots/%s", dir, name);
    ck_assert_ptr_nonnull(path);
    char *text = dnnr__read_file(path, len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    dnnr__free(path);
    return text;
}

static void write_ok(const char *dir, const dnnr_fig_cell *cells, size_t n)
{
    dnnr_error err = {{0}};
    int rc = dnnr__figures_write(dir, cells, n, &err);
    ck_assert_msg(rc == DNNR_OK, "figures_write: %d %s", rc, err.msg);
}

/* "nan" or "inf" as a word of its own, in any case, anywhere in the file. */
static int has_non_finite_word(const char *text)
{
    for (const char *p = text; *p; p++) {
        int start = p == text || !isalpha((unsigned char)p[-1]);
        if (start && (!strncasecmp(p, "nan", 3) || !strncasecmp(p, "inf", 3)) &&
            !isalpha((unsigned char)p[3]))
            return 1;
    }
    return 0;
}

#ifndef DNNR_NO_EXPAT

typedef struct xml_check {
    int depth;
    int root_ok;
    double width, height;
    int panel_depth;  /* depth of the open g.panel, 0 if none */
    int legend_depth; /* depth of the open g.legend-entry, 0 if none */
    int in_text, in_panel_title;
    char text[512];
    size_t text_len;
    int n_panels, n_na;
    char legend[32][128];
    int n_legend;
    char panel_titles[40][128];
    int n_titles;
    char problem[256]; /* the first coordinate that is not a finite number on the canvas */
} xml_check;

static const char *attr(const char **attrs, const char *name)
{
    for (int i = 0; attrs[i]; i += 2)
        if (!strcmp(attrs[i], name))
            return attrs[i + 1];
    return NULL;
}

static void check_coordinates(xml_check *c, const char *el, const char **attrs)
{
    static const char *const xs[] = {"x", "x1", "x2", "cx"}, *const ys[] = {"y", "y1", "y2", "cy"};
    for (int i = 0; attrs[i]; i += 2) {
        const char *name = attrs[i], *value = attrs[i + 1];
        if (has_non_finite_word(value) && !c->problem[0])
            snprintf(c->problem, sizeof c->problem, "<%s %s=\"%s\">", el, name, value);
        double limit = -1;
        for (int k = 0; k < 4; k++) {
            if (!strcmp(name, xs[k]))
                limit = c->width;
            if (!strcmp(name, ys[k]))
                limit = c->height;
        }
        if (!strcmp(name, "width") || !strcmp(name, "height") || !strcmp(name, "r"))
            limit = c->width > c->height ? c->width : c->height;
        if (limit < 0 || !strcmp(el, "svg"))
            continue;
        char *end;
        double v = strtod(value, &end);
        if ((*end || !isfinite(v) || v < 0 || v > limit) && !c->problem[0])
            snprintf(c->problem, sizeof c->problem, "<%s %s=\"%s\"> (canvas %gx%g)", el, name,
                     value, c->width, c->height);
    }
}

static void XMLCALL on_start(void *data, const char *el, const char **attrs)
{
    xml_check *c = data;
    c->depth++;
    if (c->depth == 1) {
        const char *ns = attr(attrs, "xmlns"), *box = attr(attrs, "viewBox");
        const char *w = attr(attrs, "width"), *h = attr(attrs, "height");
        c->root_ok = !strcmp(el, "svg") && ns && !strcmp(ns, "http://www.w3.org/2000/svg") && box &&
                     w && h && attr(attrs, "version");
        c->width = w ? atof(w) : 0;
        c->height = h ? atof(h) : 0;
    }
    check_coordinates(c, el, attrs);
    const char *cls = attr(attrs, "class");
    if (!strcmp(el, "g") && cls && !strcmp(cls, "panel")) {
        c->panel_depth = c->depth;
        c->n_panels++;
    }
    if (!strcmp(el, "g") && cls && !strcmp(cls, "legend-entry"))
        c->legend_depth = c->depth;
    c->in_panel_title = !strcmp(el, "title") && c->panel_depth && c->depth == c->panel_depth + 1;
    c->in_text = !strcmp(el, "text") || c->in_panel_title;
    c->text_len = 0;
}

static void XMLCALL on_end(void *data, const char *el)
{
    xml_check *c = data;
    if (c->in_text) {
        c->text[c->text_len] = '\0';
        if (!strcmp(c->text, "n/a"))
            c->n_na++;
        if (c->legend_depth && c->n_legend < 32)
            snprintf(c->legend[c->n_legend++], sizeof c->legend[0], "%.127s", c->text);
        if (c->in_panel_title && c->n_titles < 40)
            snprintf(c->panel_titles[c->n_titles++], sizeof c->panel_titles[0], "%.127s", c->text);
        c->in_text = c->in_panel_title = 0;
    }
    if (c->depth == c->panel_depth)
        c->panel_depth = 0;
    if (c->depth == c->legend_depth)
        c->legend_depth = 0;
    c->depth--;
    (void)el;
}

static void XMLCALL on_chars(void *data, const char *s, int len)
{
    xml_check *c = data;
    if (!c->in_text)
        return;
    for (int i = 0; i < len && c->text_len + 1 < sizeof c->text; i++)
        c->text[c->text_len++] = s[i];
}

/* Parse one figure; fails the test on malformed XML or a bad coordinate. */
static void parse_figure(const char *dir, const char *name, xml_check *c)
{
    size_t len;
    char *text = read_all(dir, name, &len);
    memset(c, 0, sizeof *c);
    XML_Parser p = XML_ParserCreate(NULL);
    ck_assert_ptr_nonnull(p);
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_chars);
    int ok = XML_Parse(p, text, (int)len, 1) == XML_STATUS_OK;
    ck_assert_msg(ok, "%s/%s: %s at line %lu", dir, name, XML_ErrorString(XML_GetErrorCode(p)),
                  (unsigned long)XML_GetCurrentLineNumber(p));
    XML_ParserFree(p);
    ck_assert_msg(c->root_ok, "%s: root is not an SVG 1.1 <svg> with xmlns and viewBox", name);
    ck_assert_msg(!c->problem[0], "%s: %s", name, c->problem);
    ck_assert_msg(!has_non_finite_word(text), "%s: a nan or inf in the text", name);
    dnnr__free(text);
}

static int legend_has(const xml_check *c, const char *label)
{
    for (int i = 0; i < c->n_legend; i++)
        if (!strcmp(c->legend[i], label))
            return 1;
    return 0;
}

#endif /* DNNR_NO_EXPAT */

START_TEST(realistic_figures_are_valid_svg)
{
#ifdef DNNR_NO_EXPAT
    ck_abort_msg("built without expat: install libexpat1-dev (scripts/install-deps.sh)");
#else
    fixture *f = realistic();
    write_ok(OUT "/realistic", f->cells, f->n);
    static const char *const techniques[4] = {"random", "hebo", "bohb", "autotrainer"};
    for (int i = 0; i < 3; i++) {
        xml_check c;
        parse_figure(OUT "/realistic", figure_names[i], &c);
        for (int t = 0; t < 4; t++)
            ck_assert_msg(legend_has(&c, techniques[t]), "%s: no legend entry for %s",
                          figure_names[i], techniques[t]);
        if (i == 1) {
            ck_assert_int_eq(c.n_panels, 3);
            ck_assert_int_eq(c.n_titles, 3);
            /* escaped on the way out, the same name on the way back in */
            ck_assert_str_eq(c.panel_titles[0], "M1 mnist <lr> & \"1.0\"");
            ck_assert(legend_has(&c, "faulty model (mean)"));
            ck_assert(legend_has(&c, "developers' fix (mean)"));
            ck_assert_int_ge(c.n_na, 3); /* AutoTrainer on the loss subject, each budget */
        } else {
            ck_assert_int_eq(c.n_panels, 0);
        }
        if (i == 2)
            ck_assert(legend_has(&c, "developers' fixes"));
    }
    /* the direction of each subject's metric is written in its panel */
    size_t len;
    char *box = read_all(OUT "/realistic", "boxplots.svg", &len);
    ck_assert_ptr_nonnull(strstr(box, "lower is better"));
    ck_assert_ptr_nonnull(strstr(box, "higher is better"));
    ck_assert_ptr_nonnull(strstr(box, "mean angular error (radians)"));
    ck_assert_ptr_nonnull(strstr(box, "M1 mnist &lt;lr&gt; &amp; &quot;1.0&quot;"));
    dnnr__free(box);
    /* the far-off IR is drawn at the edge and said so */
    char *ir = read_all(OUT "/realistic", "ir.svg", &len);
    ck_assert_ptr_nonnull(strstr(ir, "beyond the axis"));
    dnnr__free(ir);
    free(f);
#endif
}
END_TEST

START_TEST(same_cells_same_bytes)
{
    fixture *f = realistic();
    write_ok(OUT "/bytes_a", f->cells, f->n);
    write_ok(OUT "/bytes_b", f->cells, f->n);
    write_ok(OUT "/bytes_b", f->cells, f->n); /* overwriting gives the same files too */
    for (int i = 0; i < 3; i++) {
        size_t la, lb;
        char *a = read_all(OUT "/bytes_a", figure_names[i], &la);
        char *b = read_all(OUT "/bytes_b", figure_names[i], &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_msg(!memcmp(a, b, la), "%s differs between two writes", figure_names[i]);
        dnnr__free(a);
        dnnr__free(b);
    }
    free(f);
}
END_TEST

START_TEST(one_cell_all_nan)
{
    double values[REPEATS];
    for (int r = 0; r < REPEATS; r++)
        values[r] = NAN;
    dnnr_fig_cell cell = {.subject = "D3 stand-in",
                          .searcher = "random",
                          .budget = 20,
                          .maximise = 1,
                          .metric = "accuracy",
                          .values = values,
                          .n_values = REPEATS,
                          .faulty_mean = NAN,
                          .fix_mean = NAN,
                          .ir = NAN,
                          .complexity = NAN,
                          .fix_complexity = NAN};
    write_ok(OUT "/all_nan", &cell, 1);
#ifndef DNNR_NO_EXPAT
    for (int i = 0; i < 3; i++) {
        xml_check c;
        parse_figure(OUT "/all_nan", figure_names[i], &c);
        ck_assert_msg(c.n_na >= 1, "%s does not say n/a", figure_names[i]);
        ck_assert(legend_has(&c, "random"));
        ck_assert_int_eq(c.n_panels, i == 1 ? 1 : 0);
    }
#else
    for (int i = 0; i < 3; i++) {
        size_t len;
        char *text = read_all(OUT "/all_nan", figure_names[i], &len);
        ck_assert(!has_non_finite_word(text));
        dnnr__free(text);
    }
#endif
}
END_TEST

START_TEST(no_cells)
{
    write_ok(OUT "/empty", NULL, 0);
#ifndef DNNR_NO_EXPAT
    for (int i = 0; i < 3; i++) {
        xml_check c;
        parse_figure(OUT "/empty", figure_names[i], &c);
        ck_assert_int_eq(c.n_panels, 0);
    }
#endif
}
END_TEST

/* Names from configuration files: markup, quotes, a control character and a
 * byte that is not UTF-8 must still give well-formed XML; no metric name and
 * no values array are drawn as "metric" and "n/a". */
START_TEST(hostile_names_still_parse)
{
    double values[3] = {0.5, 0.6, 0.7};
    dnnr_fig_cell cells[2] = {
        {.subject = "bad \xff\x01 name <&>", .searcher = "t'\"", .budget = 2.5, .maximise = 0,
         .values = values, .n_values = 3, .faulty_mean = 0.8, .fix_mean = 0.4, .ir = 0.5,
         .complexity = 0.25, .fix_complexity = 0.1, .significant = 1},
        {.subject = "second", .searcher = "t'\"", .budget = 2.5, .values = NULL, .n_values = 4,
         .faulty_mean = NAN, .fix_mean = 1, .ir = INFINITY, .complexity = NAN,
         .fix_complexity = NAN}};
    write_ok(OUT "/hostile", cells, 2);
#ifndef DNNR_NO_EXPAT
    for (int i = 0; i < 3; i++) {
        xml_check c;
        parse_figure(OUT "/hostile", figure_names[i], &c);
        ck_assert(legend_has(&c, "t'\""));
        if (i == 1) {
            ck_assert_int_eq(c.n_panels, 2);
            ck_assert_str_eq(c.panel_titles[0], "bad ?? name <&>");
        }
    }
#endif
    size_t len;
    char *box = read_all(OUT "/hostile", "boxplots.svg", &len);
    ck_assert_ptr_nonnull(strstr(box, ">metric</text>"));
    ck_assert_ptr_nonnull(strstr(box, "\xc3\x97" "2.5")); /* the budget's label */
    dnnr__free(box);
}
END_TEST

START_TEST(thirty_subjects_in_a_grid)
{
    fixture *f = thirty_subjects();
    write_ok(OUT "/thirty", f->cells, f->n);
#ifndef DNNR_NO_EXPAT
    for (int i = 0; i < 3; i++) {
        xml_check c;
        parse_figure(OUT "/thirty", figure_names[i], &c);
        ck_assert(legend_has(&c, "grid & <manual>"));
        if (i == 1) {
            ck_assert_int_eq(c.n_panels, 30);
            /* a grid, not one endless row or column */
            ck_assert_double_le(c.width, 1700);
            ck_assert_double_le(c.height, 2000);
        }
    }
#endif
    free(f);
}
END_TEST

START_TEST(bad_input_is_refused)
{
    dnnr_error err = {{0}};
    dnnr_fig_cell cell = {.subject = NULL, .searcher = "random", .budget = 10};
    ck_assert_int_eq(dnnr__figures_write(OUT "/bad", &cell, 1, &err), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "cell 0"));
    cell.subject = "s";
    cell.budget = NAN;
    ck_assert_int_eq(dnnr__figures_write(OUT "/bad", &cell, 1, &err), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__figures_write(NULL, &cell, 1, &err), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__figures_write(OUT "/bad", NULL, 1, &err), DNNR_EINVAL);
    /* a regular file where the plots folder should go */
    ck_assert_int_eq(dnnr__mkdirs(OUT "/blocked"), DNNR_OK);
    ck_assert_int_eq(dnnr__write_file_atomic(OUT "/blocked/plots", "x", 1), DNNR_OK);
    cell.budget = 10;
    ck_assert_int_eq(dnnr__figures_write(OUT "/blocked", &cell, 1, &err), DNNR_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "plots"));
}
END_TEST

START_TEST(out_of_memory_fails_cleanly)
{
    fixture *f = realistic();
    for (int n = 0;; n++) {
        dnnr_error err = {{0}};
        dnnr__alloc_fault(n, 0);
        int rc = dnnr__figures_write(OUT "/oom", f->cells, f->n, &err);
        int injected = dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK && injected == 0)
            break;
        ck_assert_msg(rc == DNNR_ENOMEM, "pass %d: rc %d %s", n, rc, err.msg);
        ck_assert_ptr_nonnull(strstr(err.msg, "out of memory"));
    }
    free(f);
}
END_TEST

static char *svg_text(void (*draw)(dnnr_svg *s))
{
    dnnr_svg s = {0};
    draw(&s);
    dnnr__buf_put(&s.buf, "", 1);
    char *copy = strdup((const char *)s.buf.data);
    dnnr__svg_free(&s);
    return copy;
}

static void draw_numbers(dnnr_svg *s)
{
    dnnr__svg_num(s, -0.001, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, 1234.5678, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, -2.5, 0);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, 0.05, 3);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, NAN, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, -INFINITY, 1);
}

static void draw_escapes(dnnr_svg *s)
{
    dnnr__svg_escaped(s, "a<b>&\"'\x01\xff\xc3\x97");
    dnnr__svg_circle(s, NAN, 1, 2, NULL); /* left out */
    dnnr__svg_line(s, 0, INFINITY, 1, 1, NULL);
    dnnr__svg_text_fit(s, 1, 2, 0, 10, 30, NULL, "abcdefghij");
}

START_TEST(svg_numbers_and_escaping)
{
    char *numbers = svg_text(draw_numbers);
    ck_assert_str_eq(numbers, "0.00 1234.57 -3 0.050 0.00 0.0");
    free(numbers);
    char *escaped = svg_text(draw_escapes);
    /* 30 px at 10 px: 5 code points, the last an ellipsis */
    ck_assert_str_eq(escaped, "a&lt;b&gt;&amp;&quot;&#39;??\xc3\x97"
                              "<text x=\"1.00\" y=\"2.00\">abcd\xe2\x80\xa6</text>\n");
    free(escaped);
}
END_TEST

START_TEST(nice_ticks)
{
    dnnr_svg_ticks t;
    dnnr__svg_nice_ticks(0, 1, 7, &t);
    ck_assert_double_eq_tol(t.step, 0.2, 1e-12);
    ck_assert_int_eq(t.count, 6);
    ck_assert_int_eq(t.decimals, 1);
    dnnr__svg_nice_ticks(0.85, 0.99, 5, &t);
    ck_assert_double_eq_tol(t.first, 0.85, 1e-12);
    ck_assert_double_eq_tol(t.last, 1.0, 1e-12);
    ck_assert_int_eq(t.decimals, 2);
    dnnr__svg_nice_ticks(-2, 3, 7, &t);
    ck_assert_double_eq_tol(t.step, 1, 1e-12);
    ck_assert_int_eq(t.count, 6);
    dnnr__svg_nice_ticks(0.5, 0.5, 5, &t); /* a single value still gets an axis */
    ck_assert_double_lt(t.first, 0.5);
    ck_assert_double_gt(t.last, 0.5);
    dnnr__svg_nice_ticks(NAN, 1, 5, &t);
    ck_assert_double_eq(t.first, 0);
    ck_assert_double_eq(t.last, 1);
}
END_TEST

static Suite *figures_suite(void)
{
    Suite *s = suite_create("figures");
    TCase *tc = tcase_create("svg");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, svg_numbers_and_escaping);
    tcase_add_test(tc, nice_ticks);
    tcase_add_test(tc, realistic_figures_are_valid_svg);
    tcase_add_test(tc, same_cells_same_bytes);
    tcase_add_test(tc, one_cell_all_nan);
    tcase_add_test(tc, no_cells);
    tcase_add_test(tc, hostile_names_still_parse);
    tcase_add_test(tc, thirty_subjects_in_a_grid);
    tcase_add_test(tc, bad_input_is_refused);
    tcase_add_test(tc, out_of_memory_fails_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(figures_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
