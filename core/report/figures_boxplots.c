/* Figure 2: one panel per subject, laid out in a grid; in each panel one
 * group per budget and one box per technique (its colour) over the patched
 * metric's per-repeat values, with the faulty and fixed models' means as
 * dashed reference lines. Each panel has its own y axis: accuracies and
 * losses do not share a scale. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "report/figures_internal.h"
#include "util/alloc.h"

#define PANEL_W 300.0
#define PANEL_H 250.0
#define PANEL_GAP 16.0
#define MARGIN 20.0
#define MAX_COLS 5
#define HEADER_TOP 90.0

typedef struct panel_frame {
    double left, right, top, bottom;
} panel_frame;

typedef struct box_stats {
    size_t n;
    double q1, median, q3, lo_whisker, hi_whisker;
} box_stats;

static size_t grid_columns(size_t n_panels)
{
    /* about 1.5 times as many columns as rows, at most MAX_COLS */
    size_t cols = (size_t)ceil(sqrt((double)n_panels * 1.5));
    if (cols > MAX_COLS)
        cols = MAX_COLS;
    if (cols > n_panels)
        cols = n_panels;
    return cols ? cols : 1;
}

static box_stats box_of(const double *sorted, size_t n)
{
    box_stats b = {.n = n};
    b.q1 = dnnr__fig_quantile(sorted, n, 0.25);
    b.median = dnnr__fig_quantile(sorted, n, 0.5);
    b.q3 = dnnr__fig_quantile(sorted, n, 0.75);
    /* Tukey's whiskers: the most extreme values within 1.5 IQR of the box */
    double reach = 1.5 * (b.q3 - b.q1);
    b.lo_whisker = b.q1;
    b.hi_whisker = b.q3;
    for (size_t i = 0; i < n; i++) {
        if (sorted[i] >= b.q1 - reach && sorted[i] < b.lo_whisker)
            b.lo_whisker = sorted[i];
        if (sorted[i] <= b.q3 + reach && sorted[i] > b.hi_whisker)
            b.hi_whisker = sorted[i];
    }
    return b;
}

static void box_tooltip(dnnr_svg *s, const char *technique, double budget, const box_stats *b,
                        size_t n_values)
{
    char label[32];
    dnnr__fig_budget_label(budget, label, sizeof label);
    dnnr__svg_raw(s, "<title>");
    dnnr__svg_escaped(s, technique);
    dnnr__svg_raw(s, " ");
    dnnr__svg_escaped(s, label);
    char n[64];
    snprintf(n, sizeof n, ": %zu of %zu repeats, median ", b->n, n_values);
    dnnr__svg_raw(s, n);
    dnnr__svg_num(s, b->median, 4);
    dnnr__svg_raw(s, ", quartiles ");
    dnnr__svg_num(s, b->q1, 4);
    dnnr__svg_raw(s, " to ");
    dnnr__svg_num(s, b->q3, 4);
    dnnr__svg_raw(s, "</title>\n");
}

static void draw_box(dnnr_svg *s, const double *sorted, size_t n, double cx, double w,
                     const dnnr_svg_scale *y, const char *colour)
{
    box_stats b = box_of(sorted, n);
    char attrs[160];
    snprintf(attrs, sizeof attrs, "stroke=\"%s\" stroke-width=\"1.2\"", colour);
    dnnr__svg_line(s, cx, dnnr__svg_map(y, b.lo_whisker), cx, dnnr__svg_map(y, b.q1), attrs);
    dnnr__svg_line(s, cx, dnnr__svg_map(y, b.q3), cx, dnnr__svg_map(y, b.hi_whisker), attrs);
    dnnr__svg_line(s, cx - w / 4, dnnr__svg_map(y, b.lo_whisker), cx + w / 4,
                   dnnr__svg_map(y, b.lo_whisker), attrs);
    dnnr__svg_line(s, cx - w / 4, dnnr__svg_map(y, b.hi_whisker), cx + w / 4,
                   dnnr__svg_map(y, b.hi_whisker), attrs);
    double top = dnnr__svg_map(y, b.q3), bottom = dnnr__svg_map(y, b.q1);
    /* a box of identical values still shows as a thin bar */
    if (bottom - top < 1.5) {
        top -= 0.75;
        bottom += 0.75;
    }
    snprintf(attrs, sizeof attrs,
             "fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\" stroke-width=\"1.2\"", colour,
             colour);
    dnnr__svg_rect(s, cx - w / 2, top, w, bottom - top, attrs);
    dnnr__svg_line(s, cx - w / 2, dnnr__svg_map(y, b.median), cx + w / 2,
                   dnnr__svg_map(y, b.median), "stroke=\"#111111\" stroke-width=\"2\"");
    snprintf(attrs, sizeof attrs, "fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"1\"", colour);
    for (size_t i = 0; i < n; i++)
        if (sorted[i] < b.lo_whisker || sorted[i] > b.hi_whisker)
            dnnr__svg_circle(s, cx, dnnr__svg_map(y, sorted[i]), 2.2, attrs);
}

/* The panel's axis range: every finite value and both reference means. */
static void panel_range(const dnnr_fig_index *ix, size_t subject, double faulty, double fix,
                        double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t t = 0; t < ix->n_techniques; t++)
        for (size_t b = 0; b < ix->n_budgets; b++) {
            const dnnr_fig_cell *c = dnnr__fig_at(ix, subject, t, b);
            for (size_t i = 0; c && c->values && i < c->n_values; i++)
                if (isfinite(c->values[i])) {
                    *lo = fmin(*lo, c->values[i]);
                    *hi = fmax(*hi, c->values[i]);
                }
        }
    double refs[2] = {faulty, fix};
    for (int i = 0; i < 2; i++)
        if (isfinite(refs[i])) {
            *lo = fmin(*lo, refs[i]);
            *hi = fmax(*hi, refs[i]);
        }
    if (!isfinite(*lo)) { /* nothing to show: an empty 0..1 axis under the "n/a" labels */
        *lo = 0;
        *hi = 1;
    }
}

static void panel_titles(dnnr_svg *s, const dnnr_fig_index *ix, size_t subject, double x0,
                         double y0, double faulty, double fix)
{
    const dnnr_fig_cell *first = dnnr__fig_subject_cell(ix, subject);
    const char *metric = first && first->metric && *first->metric ? first->metric : "metric";
    char line[160];
    const char *missing = isfinite(faulty) && isfinite(fix) ? ""
                          : isfinite(fix)                   ? "; faulty mean n/a"
                          : isfinite(faulty)                ? "; fix mean n/a"
                                                            : "; faulty and fix means n/a";
    snprintf(line, sizeof line, "%s%s",
             first && first->maximise ? "higher is better" : "lower is better", missing);
    dnnr__svg_text_fit(s, x0 + 10, y0 + 18, 0, 12.5, PANEL_W - 20,
                       "font-size=\"12.5\" font-weight=\"bold\" fill=\"#111111\"",
                       ix->subjects[subject]);
    dnnr__svg_text_fit(s, x0 + 10, y0 + 33, 0, 10.5, PANEL_W - 20,
                       "font-size=\"10.5\" fill=\"#555555\"", line);
    /* the metric's name along the y axis, cut to the axis' length */
    dnnr__svg_text_fit(s, x0 + 14, y0 + 44 + (PANEL_H - 74) / 2, -90, 10, PANEL_H - 60,
                       "font-size=\"10\" text-anchor=\"middle\" fill=\"#222222\"", metric);
}

static void draw_panel(dnnr_svg *s, const dnnr_fig_index *ix, size_t subject, double x0, double y0,
                       double *scratch)
{
    double faulty = dnnr__fig_subject_value(ix, subject, offsetof(dnnr_fig_cell, faulty_mean));
    double fix = dnnr__fig_subject_value(ix, subject, offsetof(dnnr_fig_cell, fix_mean));
    panel_frame f = {x0 + 58, x0 + PANEL_W - 10, y0 + 44, y0 + PANEL_H - 30};

    dnnr__svg_group(s, "class=\"panel\"");
    dnnr__svg_tooltip(s, ix->subjects[subject]);
    dnnr__svg_rect(s, x0, y0, PANEL_W, PANEL_H, "fill=\"#ffffff\" stroke=\"#cccccc\"");
    panel_titles(s, ix, subject, x0, y0, faulty, fix);

    double lo, hi;
    panel_range(ix, subject, faulty, fix, &lo, &hi);
    dnnr_svg_ticks ticks;
    dnnr__svg_nice_ticks(lo, hi, 5, &ticks);
    /* a little room beyond the outer ticks: a reference line there stays off the frame */
    double pad = 0.04 * (ticks.last - ticks.first);
    dnnr_svg_scale y = {ticks.first - pad, ticks.last + pad, f.bottom, f.top};
    dnnr__svg_y_axis(s, &y, &ticks, f.left, f.right, 10);
    dnnr__svg_line(s, f.left, f.bottom, f.right, f.bottom, "stroke=\"" DNNR_SVG_AXIS_COLOUR "\"");
    dnnr__svg_line(s, f.left, dnnr__svg_map(&y, faulty), f.right, dnnr__svg_map(&y, faulty),
                   "stroke=\"" DNNR_SVG_FAULTY_COLOUR
                   "\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"");
    dnnr__svg_line(s, f.left, dnnr__svg_map(&y, fix), f.right, dnnr__svg_map(&y, fix),
                   "stroke=\"" DNNR_SVG_FIX_COLOUR
                   "\" stroke-width=\"1.5\" stroke-dasharray=\"2 2\"");

    /* slots: n_techniques per budget, with most of a slot between groups */
    double slots = (double)(ix->n_budgets * ix->n_techniques) + 0.8 * (double)ix->n_budgets;
    double slot = (f.right - f.left) / (slots > 0 ? slots : 1);
    double box_w = fmin(slot * 0.72, 22);
    char label[32];
    for (size_t b = 0; b < ix->n_budgets; b++) {
        double gx = f.left + slot * (0.4 + (double)b * ((double)ix->n_techniques + 0.8));
        for (size_t t = 0; t < ix->n_techniques; t++) {
            double cx = gx + slot * ((double)t + 0.5);
            const dnnr_fig_cell *c = dnnr__fig_at(ix, subject, t, b);
            size_t k =
                c && c->values ? dnnr__fig_finite_sorted(c->values, c->n_values, scratch) : 0;
            if (k == 0) {
                dnnr__svg_text(
                    s, cx + 3, (f.top + f.bottom) / 2, -90,
                    "font-size=\"9\" font-style=\"italic\" text-anchor=\"middle\" fill=\"#888888\"",
                    "n/a");
                continue;
            }
            dnnr__svg_group(s, "class=\"box\"");
            box_stats bs = box_of(scratch, k);
            box_tooltip(s, ix->techniques[t], ix->budgets[b], &bs, c->n_values);
            draw_box(s, scratch, k, cx, box_w, &y, dnnr__svg_palette(t));
            dnnr__svg_raw(s, "</g>\n");
        }
        dnnr__fig_budget_label(ix->budgets[b], label, sizeof label);
        double group_w = slot * (double)ix->n_techniques;
        dnnr__svg_line(s, gx + 2, f.bottom + 5, gx + group_w - 2, f.bottom + 5,
                       "stroke=\"#999999\"");
        dnnr__svg_text(s, gx + group_w / 2, f.bottom + 19, 0,
                       "font-size=\"11\" text-anchor=\"middle\" fill=\"#222222\"", label);
    }
    dnnr__svg_raw(s, "</g>\n");
}

static size_t max_values(const dnnr_fig_index *ix)
{
    size_t most = 1;
    size_t n = ix->n_subjects * ix->n_techniques * ix->n_budgets;
    for (size_t i = 0; i < n; i++)
        if (ix->grid[i] && ix->grid[i]->n_values > most)
            most = ix->grid[i]->n_values;
    return most;
}

int dnnr__fig_boxplots(const dnnr_fig_index *ix, dnnr_svg *s)
{
    double *scratch = dnnr__alloc(max_values(ix), sizeof *scratch);
    if (!scratch)
        return DNNR_ENOMEM;
    size_t cols = grid_columns(ix->n_subjects);
    size_t rows = (ix->n_subjects + cols - 1) / cols;
    double width = fmax(720, 2 * MARGIN + (double)cols * PANEL_W + (double)(cols - 1) * PANEL_GAP);

    dnnr_svg_legend_item items[16];
    size_t n_items = 0;
    for (size_t t = 0; t < ix->n_techniques && n_items < 12; t++)
        items[n_items++] =
            (dnnr_svg_legend_item){ix->techniques[t], dnnr__svg_palette(t), DNNR_SVG_SWATCH};
    items[n_items++] =
        (dnnr_svg_legend_item){"faulty model (mean)", DNNR_SVG_FAULTY_COLOUR, DNNR_SVG_LINE_DASHED};
    items[n_items++] =
        (dnnr_svg_legend_item){"developers' fix (mean)", DNNR_SVG_FIX_COLOUR, DNNR_SVG_LINE_DOTTED};
    items[n_items++] =
        (dnnr_svg_legend_item){"outlier (beyond 1.5 IQR)", "#333333", DNNR_SVG_POINT_HOLLOW};
    double legend_h = dnnr__svg_legend_height(width - 2 * MARGIN, items, n_items);
    double grid_top = HEADER_TOP + legend_h + 14;
    double height = grid_top + (double)(rows ? rows : 1) * (PANEL_H + PANEL_GAP) + MARGIN;

    const char *title = "Figure 2. The patched metric per repeat, by subject";
    dnnr__svg_begin(s, width, height, title);
    dnnr__svg_text(s, MARGIN, 28, 0, "font-size=\"17\" font-weight=\"bold\" fill=\"#111111\"",
                   title);
    static const char *const lines[3] = {
        "One box per technique and budget over the final values of the repeats.",
        "Box: quartiles; black bar: median; whiskers: the furthest values within 1.5 IQR.",
        "Each panel has its own axis; its subtitle says whether higher or lower is better."};
    for (int i = 0; i < 3; i++)
        dnnr__svg_text_fit(s, MARGIN, 47 + 16 * i, 0, 12, width - 2 * MARGIN,
                           "font-size=\"12\" fill=\"#444444\"", lines[i]);
    dnnr__svg_legend(s, MARGIN, HEADER_TOP, width - 2 * MARGIN, items, n_items);
    if (ix->n_subjects == 0)
        dnnr__svg_text(s, width / 2, grid_top + 40, 0,
                       "font-size=\"14\" text-anchor=\"middle\" fill=\"#888888\"", "no data (n/a)");
    for (size_t i = 0; i < ix->n_subjects; i++) {
        double x0 = MARGIN + (double)(i % cols) * (PANEL_W + PANEL_GAP);
        double y0 = grid_top + (double)(i / cols) * (PANEL_H + PANEL_GAP);
        draw_panel(s, ix, i, x0, y0, scratch);
    }
    dnnr__free(scratch);
    return dnnr__svg_end(s);
}
