/* Figures 1 and 3: one group of columns per budget, one column per technique
 * (its colour), a bar up to the column's summary over subjects (median IR,
 * mean complexity) and one dot per subject. Figure 3 adds a column for the
 * developers' fixes. Values beyond the axis limits are drawn as triangles at
 * the edge, so one wild IR (a fix barely better than the fault) does not
 * flatten everything else. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "report/figures_internal.h"
#include "util/alloc.h"

#define COL_W 36.0
#define GROUP_GAP 30.0
#define LEFT 84.0
#define RIGHT 130.0 /* room for the reference lines' labels */
#define PLOT_H 360.0
#define MIN_WIDTH 780.0
#define POINT_R 3.2
#define FIX_COLOUR "#555555"

typedef struct column {
    const char *colour;
    const char *name; /* technique, for tooltips */
    double budget;    /* NaN for the developers' fixes */
    double *values;   /* one per subject, NaN where none */
    int *filled;      /* one per subject: significant */
    double summary;   /* median or mean of the finite values */
} column;

typedef struct ref_line {
    double value;
    const char *colour;
    int dashed;
    const char *label;
} ref_line;

typedef struct chart {
    const char *title, *subtitle[2], *y_label, *x_label, *summary_name;
    int use_median;
    int show_significance;
    double must_lo, must_hi;   /* always on the axis */
    double limit_lo, limit_hi; /* the axis never goes beyond */
    const char *extra_label;   /* label of the developers' fixes group, or NULL */
    ref_line refs[2];
    size_t n_refs;
} chart;

static double summarise(const column *c, size_t n, int use_median, double *scratch)
{
    size_t k = dnnr__fig_finite_sorted(c->values, n, scratch);
    if (k == 0)
        return NAN;
    if (use_median)
        return dnnr__fig_quantile(scratch, k, 0.5);
    double sum = 0;
    for (size_t i = 0; i < k; i++)
        sum += scratch[i];
    return sum / (double)k;
}

/* Column x centres from x0: groups of n_techniques per budget, then the extra column. */
static double column_x(const dnnr_fig_index *ix, size_t col, double x0)
{
    size_t group = ix->n_techniques ? col / ix->n_techniques : 0;
    size_t within = ix->n_techniques ? col % ix->n_techniques : 0;
    double group_w = (double)ix->n_techniques * COL_W;
    if (group >= ix->n_budgets) /* the extra column, centred in its 2.5 columns of room */
        return x0 + GROUP_GAP / 2 + (double)ix->n_budgets * (group_w + GROUP_GAP) + 1.25 * COL_W;
    return x0 + GROUP_GAP / 2 + (double)group * (group_w + GROUP_GAP) +
           ((double)within + 0.5) * COL_W;
}

/* The width the columns need; the plot is at least MIN_WIDTH wide, columns centred. */
static double columns_width(const dnnr_fig_index *ix, int extra)
{
    double w = (double)ix->n_budgets * ((double)ix->n_techniques * COL_W + GROUP_GAP);
    return extra ? w + COL_W * 2.5 + GROUP_GAP : w;
}

static void point_tooltip(dnnr_svg *s, const dnnr_fig_index *ix, const column *c, size_t subject,
                          const char *value_name)
{
    char budget[32] = "";
    if (isfinite(c->budget))
        dnnr__fig_budget_label(c->budget, budget, sizeof budget);
    dnnr__svg_raw(s, "<title>");
    dnnr__svg_escaped(s, ix->subjects[subject]);
    dnnr__svg_raw(s, ", ");
    dnnr__svg_escaped(s, c->name);
    dnnr__svg_raw(s, " ");
    dnnr__svg_escaped(s, budget);
    dnnr__svg_raw(s, ": ");
    dnnr__svg_escaped(s, value_name);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, c->values[subject], 3);
    dnnr__svg_raw(s, "</title>\n");
}

/* A subject's dot, spread sideways by a fixed pattern (not random: same bytes every time). */
static size_t draw_points(dnnr_svg *s, const dnnr_fig_index *ix, const column *c, double cx,
                          const dnnr_svg_scale *y, const chart *ch)
{
    size_t clipped = 0;
    char attrs[128];
    for (size_t i = 0; i < ix->n_subjects; i++) {
        double v = c->values[i];
        if (!isfinite(v))
            continue;
        double dx = ((double)((i * 7) % 11) - 5.0) / 5.0 * COL_W * 0.28;
        dnnr__svg_group(s, "class=\"point\"");
        point_tooltip(s, ix, c, i, ch->y_label);
        if (v < y->d0 || v > y->d1) {
            snprintf(attrs, sizeof attrs, "fill=\"%s\"", c->colour);
            /* in the margin beyond the last tick, pointing the way the value lies */
            double edge = v < y->d0 ? dnnr__svg_map(y, y->d0) - 6 : dnnr__svg_map(y, y->d1) + 6;
            dnnr__svg_triangle(s, cx + dx, edge, 4.5, v > y->d1, attrs);
            clipped++;
        } else {
            int filled = !ch->show_significance || c->filled[i];
            snprintf(attrs, sizeof attrs,
                     "fill=\"%s\" fill-opacity=\"0.85\" stroke=\"%s\" stroke-width=\"1.2\"",
                     filled ? c->colour : "#ffffff", c->colour);
            dnnr__svg_circle(s, cx + dx, dnnr__svg_map(y, v), POINT_R, attrs);
        }
        dnnr__svg_raw(s, "</g>\n");
    }
    return clipped;
}

static void draw_column(dnnr_svg *s, const dnnr_fig_index *ix, const column *c, double cx,
                        const dnnr_svg_scale *y, double label_y)
{
    char attrs[160];
    if (!isfinite(c->summary)) {
        dnnr__svg_text(
            s, cx, dnnr__svg_map(y, y->d0 < 0 && y->d1 > 0 ? 0 : y->d0) - 4, 0,
            "font-size=\"10\" font-style=\"italic\" text-anchor=\"middle\" fill=\"#888888\"",
            "n/a");
        dnnr__svg_text(s, cx, label_y, 0,
                       "font-size=\"10\" text-anchor=\"middle\" fill=\"#888888\"", "n/a");
        return;
    }
    double base = y->d0 < 0 && y->d1 > 0 ? 0 : y->d0;
    double top = fmin(fmax(c->summary, y->d0), y->d1);
    double y0 = dnnr__svg_map(y, base), y1 = dnnr__svg_map(y, top);
    snprintf(attrs, sizeof attrs,
             "fill=\"%s\" fill-opacity=\"0.22\" stroke=\"%s\" stroke-opacity=\"0.6\"", c->colour,
             c->colour);
    dnnr__svg_rect(s, cx - COL_W * 0.4, fmin(y0, y1), COL_W * 0.8, fabs(y1 - y0), attrs);
    snprintf(attrs, sizeof attrs, "stroke=\"%s\" stroke-width=\"3\"", c->colour);
    dnnr__svg_line(s, cx - COL_W * 0.42, y1, cx + COL_W * 0.42, y1, attrs);
    dnnr__svg_raw(s, "<text");
    dnnr__svg_raw(s, " x=\"");
    dnnr__svg_num(s, cx, 2);
    dnnr__svg_raw(s, "\" y=\"");
    dnnr__svg_num(s, label_y, 2);
    dnnr__svg_raw(s, "\" font-size=\"10\" text-anchor=\"middle\" fill=\"#222222\">");
    dnnr__svg_num(s, c->summary, 2);
    dnnr__svg_raw(s, "</text>\n");
}

static void draw_refs(dnnr_svg *s, const chart *ch, const dnnr_svg_scale *y, double left,
                      double right)
{
    char attrs[128];
    for (size_t i = 0; i < ch->n_refs; i++) {
        const ref_line *r = &ch->refs[i];
        if (!isfinite(r->value) || r->value < y->d0 || r->value > y->d1)
            continue;
        double py = dnnr__svg_map(y, r->value);
        snprintf(attrs, sizeof attrs, "stroke=\"%s\" stroke-width=\"1.5\"%s", r->colour,
                 r->dashed ? " stroke-dasharray=\"6 4\"" : "");
        dnnr__svg_line(s, left, py, right, py, attrs);
        snprintf(attrs, sizeof attrs, "font-size=\"11\" fill=\"%s\"", r->colour);
        dnnr__svg_text(s, right + 6, py + 4, 0, attrs, r->label);
    }
}

static int draw_chart(dnnr_svg *s, const dnnr_fig_index *ix, const chart *ch, column *cols,
                      size_t n_cols, double *scratch)
{
    /* the axis: the must-show values and every finite value within the limits;
     * the values beyond get a margin below or above the ticks to sit in */
    double lo = ch->must_lo, hi = ch->must_hi;
    int below = 0, above = 0;
    for (size_t c = 0; c < n_cols; c++) {
        cols[c].summary = summarise(&cols[c], ix->n_subjects, ch->use_median, scratch);
        for (size_t i = 0; i < ix->n_subjects; i++) {
            double v = cols[c].values[i];
            if (!isfinite(v))
                continue;
            if (v < ch->limit_lo)
                below = 1;
            else if (v > ch->limit_hi)
                above = 1;
            else {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    dnnr_svg_ticks ticks;
    dnnr__svg_nice_ticks(lo, hi, 7, &ticks);
    double range = ticks.last - ticks.first;

    int extra = ch->extra_label != NULL;
    double natural = columns_width(ix, extra);
    double pw = fmax(natural, MIN_WIDTH - LEFT - RIGHT), width = LEFT + pw + RIGHT;
    double x0 = LEFT + (pw - natural) / 2;
    dnnr_svg_legend_item items[16];
    size_t n_items = 0;
    for (size_t t = 0; t < ix->n_techniques && n_items < 12; t++)
        items[n_items++] =
            (dnnr_svg_legend_item){ix->techniques[t], dnnr__svg_palette(t), DNNR_SVG_SWATCH};
    if (extra)
        items[n_items++] = (dnnr_svg_legend_item){ch->extra_label, FIX_COLOUR, DNNR_SVG_SWATCH};
    if (ch->show_significance) {
        items[n_items++] = (dnnr_svg_legend_item){"significant (p < 0.05, IR > 0)", "#333333",
                                                  DNNR_SVG_POINT_FILLED};
        items[n_items++] =
            (dnnr_svg_legend_item){"not significant", "#333333", DNNR_SVG_POINT_HOLLOW};
    }
    double legend_y = 74, legend_h = dnnr__svg_legend_height(width - 40, items, n_items);
    double top = legend_y + legend_h + 16, bottom = top + PLOT_H;
    double height = bottom + 96;

    dnnr__svg_begin(s, width, height, ch->title);
    dnnr__svg_text(s, 20, 28, 0, "font-size=\"17\" font-weight=\"bold\" fill=\"#111111\"",
                   ch->title);
    dnnr__svg_text_fit(s, 20, 47, 0, 12, width - 40, "font-size=\"12\" fill=\"#444444\"",
                       ch->subtitle[0]);
    dnnr__svg_text_fit(s, 20, 63, 0, 12, width - 40, "font-size=\"12\" fill=\"#444444\"",
                       ch->subtitle[1]);
    dnnr__svg_legend(s, 20, legend_y, width - 40, items, n_items);

    dnnr_svg_scale y = {ticks.first - range * (below ? 0.08 : 0.03),
                        ticks.last + range * (above ? 0.08 : 0.03), bottom, top};
    double left = LEFT, right = LEFT + pw;
    dnnr__svg_y_axis(s, &y, &ticks, left, right, 11);
    dnnr__svg_text(s, 24, (top + bottom) / 2, -90,
                   "font-size=\"13\" text-anchor=\"middle\" fill=\"#222222\"", ch->y_label);
    draw_refs(s, ch, &y, left, right);

    if (ix->n_subjects == 0)
        dnnr__svg_text(s, left + pw / 2, (top + bottom) / 2, 0,
                       "font-size=\"14\" text-anchor=\"middle\" fill=\"#888888\"", "no data (n/a)");
    size_t clipped = 0;
    double label_y = bottom + 16;
    for (size_t c = 0; c < n_cols; c++) {
        double cx = column_x(ix, c, x0);
        dnnr__svg_group(s, "class=\"column\"");
        draw_column(s, ix, &cols[c], cx, &y, label_y);
        clipped += draw_points(s, ix, &cols[c], cx, &y, ch);
        dnnr__svg_raw(s, "</g>\n");
    }
    dnnr__svg_text(s, left - 6, label_y, 0, "font-size=\"10\" text-anchor=\"end\" fill=\"#222222\"",
                   ch->summary_name);

    /* group labels under each group, then the axis title */
    char label[48];
    for (size_t b = 0; b <= ix->n_budgets; b++) {
        if (b == ix->n_budgets && !extra)
            break;
        double g0 = column_x(ix, b * ix->n_techniques, x0) - COL_W / 2;
        double g1 = b < ix->n_budgets ? column_x(ix, (b + 1) * ix->n_techniques - 1, x0) + COL_W / 2
                                      : g0 + COL_W;
        if (b < ix->n_budgets)
            dnnr__fig_budget_label(ix->budgets[b], label, sizeof label);
        dnnr__svg_line(s, g0 + 2, bottom + 24, g1 - 2, bottom + 24, "stroke=\"#999999\"");
        dnnr__svg_text(s, (g0 + g1) / 2, bottom + 40, 0,
                       "font-size=\"13\" text-anchor=\"middle\" fill=\"#222222\"",
                       b < ix->n_budgets ? label : ch->extra_label);
    }
    dnnr__svg_line(s, left, bottom, right, bottom, "stroke=\"" DNNR_SVG_AXIS_COLOUR "\"");
    dnnr__svg_text(s, left + pw / 2, bottom + 62, 0,
                   "font-size=\"13\" text-anchor=\"middle\" fill=\"#222222\"", ch->x_label);
    if (clipped) {
        char note[160];
        snprintf(note, sizeof note,
                 "%zu value%s beyond the axis drawn as triangles at its edge (exact values in the "
                 "tooltips)",
                 clipped, clipped == 1 ? "" : "s");
        dnnr__svg_text(s, 20, height - 10, 0, "font-size=\"11\" fill=\"#666666\"", note);
    }
    return dnnr__svg_end(s);
}

/* Columns for every (budget, technique) in that order, plus one spare. */
static column *columns_alloc(const dnnr_fig_index *ix, size_t n_cols, double **values, int **filled)
{
    size_t per = ix->n_subjects ? ix->n_subjects : 1;
    column *cols = dnnr__alloc(n_cols ? n_cols : 1, sizeof *cols);
    *values = dnnr__alloc(n_cols * per + 1, sizeof **values);
    *filled = dnnr__alloc(n_cols * per + 1, sizeof **filled);
    if (!cols || !*values || !*filled) {
        dnnr__free(cols);
        dnnr__free(*values);
        dnnr__free(*filled);
        return NULL;
    }
    for (size_t c = 0; c < n_cols; c++) {
        cols[c].values = *values + c * per;
        cols[c].filled = *filled + c * per;
        cols[c].budget = NAN;
        for (size_t i = 0; i < ix->n_subjects; i++)
            cols[c].values[i] = NAN;
    }
    for (size_t b = 0; b < ix->n_budgets; b++)
        for (size_t t = 0; t < ix->n_techniques; t++) {
            column *c = &cols[b * ix->n_techniques + t];
            c->colour = dnnr__svg_palette(t);
            c->name = ix->techniques[t];
            c->budget = ix->budgets[b];
        }
    return cols;
}

typedef double (*cell_value_fn)(const dnnr_fig_cell *c);

static double cell_ir(const dnnr_fig_cell *c) { return c->ir; }
static double cell_complexity(const dnnr_fig_cell *c) { return c->complexity; }

static void fill_columns(const dnnr_fig_index *ix, column *cols, cell_value_fn value)
{
    for (size_t b = 0; b < ix->n_budgets; b++)
        for (size_t t = 0; t < ix->n_techniques; t++) {
            column *c = &cols[b * ix->n_techniques + t];
            for (size_t i = 0; i < ix->n_subjects; i++) {
                const dnnr_fig_cell *cell = dnnr__fig_at(ix, i, t, b);
                c->values[i] = cell ? value(cell) : NAN;
                c->filled[i] = cell && cell->significant && isfinite(cell->ir) && cell->ir > 0;
            }
        }
}

static int draw_with(const dnnr_fig_index *ix, dnnr_svg *s, chart *ch, cell_value_fn value,
                     int with_fixes)
{
    size_t n_cols = ix->n_budgets * ix->n_techniques + (with_fixes ? 1 : 0);
    double *values, *scratch = dnnr__alloc(ix->n_subjects + 1, sizeof *scratch);
    int *filled;
    column *cols = scratch ? columns_alloc(ix, n_cols, &values, &filled) : NULL;
    if (!cols) {
        dnnr__free(scratch);
        return DNNR_ENOMEM;
    }
    fill_columns(ix, cols, value);
    if (with_fixes) {
        column *fix = &cols[n_cols - 1];
        fix->colour = FIX_COLOUR;
        fix->name = "developers' fix";
        for (size_t i = 0; i < ix->n_subjects; i++)
            fix->values[i] =
                dnnr__fig_subject_value(ix, i, offsetof(dnnr_fig_cell, fix_complexity));
        double mean = summarise(fix, ix->n_subjects, 0, scratch);
        ch->refs[ch->n_refs++] = (ref_line){mean, FIX_COLOUR, 1, "dev. fixes (mean)"};
    }
    int rc = draw_chart(s, ix, ch, cols, n_cols, scratch);
    dnnr__free(cols);
    dnnr__free(values);
    dnnr__free(filled);
    dnnr__free(scratch);
    return rc;
}

int dnnr__fig_ir(const dnnr_fig_index *ix, dnnr_svg *s)
{
    chart ch = {
        .title = "Figure 1. Improvement rate (IR) by technique and budget",
        .subtitle =
            {"IR = (mean patched \xe2\x88\x92 mean faulty) / (mean fix \xe2\x88\x92 mean faulty), "
             "per subject, technique and budget.",
             "Bars: median over subjects; dots: one subject each (IR > 1 beats the fix, "
             "IR < 0 is worse than the fault)."},
        .y_label = "improvement rate (IR)",
        .x_label = "search budget (multiple k of one training's time)",
        .summary_name = "median",
        .use_median = 1,
        .show_significance = 1,
        .must_lo = 0,
        .must_hi = 1,
        .limit_lo = -2,
        .limit_hi = 3,
        .refs = {{0, DNNR_SVG_AXIS_COLOUR, 0, "IR = 0: the fault"},
                 {1, DNNR_SVG_FIX_COLOUR, 1, "IR = 1: the fix"}},
        .n_refs = 2,
    };
    return draw_with(ix, s, &ch, cell_ir, 0);
}

int dnnr__fig_complexity(const dnnr_fig_index *ix, dnnr_svg *s)
{
    chart ch = {
        .title = "Figure 3. Patch complexity by technique and budget",
        .subtitle =
            {"Complexity = fraction of the hyperparameters a patch changes (0 = none, 1 = all).",
             "Bars: mean over subjects; dots: one subject each (mean over its repeats with a "
             "patch)."},
        .y_label = "patch complexity",
        .x_label = "search budget (multiple k of one training's time)",
        .summary_name = "mean",
        .must_lo = 0,
        .must_hi = 1,
        .limit_lo = 0,
        .limit_hi = 1,
        .extra_label = "developers' fixes",
    };
    return draw_with(ix, s, &ch, cell_complexity, 1);
}
