/* A tiny SVG 1.1 writer for the report's figures: numbers with fixed
 * precision (same input, same bytes, whatever the locale), text escaped for
 * XML, elements with a non-finite coordinate left out rather than written as
 * "nan", nice axis ticks, a colour per technique and a legend. */
#ifndef DNNR_REPORT_SVG_H
#define DNNR_REPORT_SVG_H

#include <stddef.h>

#include "util/buf.h"

typedef struct dnnr_svg {
    dnnr_buf buf;
} dnnr_svg;

/** The XML declaration, the root <svg> (xmlns, version, size, viewBox) and its <title>. */
void dnnr__svg_begin(dnnr_svg *s, double width, double height, const char *title);
/** Close the root; DNNR_ENOMEM when an allocation failed on the way. */
int dnnr__svg_end(dnnr_svg *s);
void dnnr__svg_free(dnnr_svg *s);

/** Constant markup (never user data). */
void dnnr__svg_raw(dnnr_svg *s, const char *markup);
/** v with `decimals` decimals (0..6), no exponent, no "-0"; non-finite gives "0". */
void dnnr__svg_num(dnnr_svg *s, double v, int decimals);
/** Text escaped for XML; invalid UTF-8 and control characters become '?'. */
void dnnr__svg_escaped(dnnr_svg *s, const char *text);

/* Elements: `attrs` is constant markup such as `stroke="#333"` (may be NULL);
 * an element with a non-finite coordinate or size is not written. */
void dnnr__svg_line(dnnr_svg *s, double x1, double y1, double x2, double y2, const char *attrs);
void dnnr__svg_rect(dnnr_svg *s, double x, double y, double w, double h, const char *attrs);
void dnnr__svg_circle(dnnr_svg *s, double cx, double cy, double r, const char *attrs);
/** A filled triangle centred at (x, y) pointing up (up = 1) or down (up = 0). */
void dnnr__svg_triangle(dnnr_svg *s, double x, double y, double size, int up, const char *attrs);
/** <text> at (x, y), rotated by `angle` degrees about that point when angle != 0. */
void dnnr__svg_text(dnnr_svg *s, double x, double y, double angle, const char *attrs,
                    const char *text);
/** Like dnnr__svg_text, cut to about max_width pixels (ending in an ellipsis). */
void dnnr__svg_text_fit(dnnr_svg *s, double x, double y, double angle, double font_size,
                        double max_width, const char *attrs, const char *text);
/** A <title> child: the tooltip of the element it is written in. */
void dnnr__svg_tooltip(dnnr_svg *s, const char *text);
/** <g> with constant attributes (class, transform, ...); close with dnnr__svg_raw(s, "</g>\n"). */
void dnnr__svg_group(dnnr_svg *s, const char *attrs);

/** Rough width of text in a sans-serif font, for layout (code points x 0.56 em). */
double dnnr__svg_text_width(const char *text, double font_size);

/** A colour for series i (colour-blind-safe; never the reference lines' red or green). */
const char *dnnr__svg_palette(size_t i);

/* Reference-line colours shared by all figures. */
#define DNNR_SVG_FAULTY_COLOUR "#b2182b"
#define DNNR_SVG_FIX_COLOUR "#1b7837"
#define DNNR_SVG_AXIS_COLOUR "#333333"
#define DNNR_SVG_GRID_COLOUR "#e3e3e3"

/** Nice round ticks covering [lo, hi]: first, last, step and label decimals. */
typedef struct dnnr_svg_ticks {
    double first, last, step;
    int count;
    int decimals;
} dnnr_svg_ticks;

/** About `target` ticks covering [lo, hi] (swapped or equal bounds are widened; non-finite gives
 * 0..1). */
void dnnr__svg_nice_ticks(double lo, double hi, int target, dnnr_svg_ticks *t);
/** The i-th tick value (computed, not accumulated, so no drift). */
double dnnr__svg_tick(const dnnr_svg_ticks *t, int i);

/** A linear map from data [d0, d1] to pixels [p0, p1]. */
typedef struct dnnr_svg_scale {
    double d0, d1, p0, p1;
} dnnr_svg_scale;

double dnnr__svg_map(const dnnr_svg_scale *sc, double v);

/**
 * A vertical axis at x = left: grid lines across to `right`, tick marks and
 * labels (font_size px) for every tick, and the axis line.
 */
void dnnr__svg_y_axis(dnnr_svg *s, const dnnr_svg_scale *y, const dnnr_svg_ticks *t, double left,
                      double right, double font_size);

/** What a legend entry's symbol looks like. */
typedef enum dnnr_svg_symbol {
    DNNR_SVG_SWATCH,       /* a filled square */
    DNNR_SVG_LINE_SOLID,   /* a solid line */
    DNNR_SVG_LINE_DASHED,  /* a dashed line (6 3, the faulty model's mean) */
    DNNR_SVG_LINE_DOTTED,  /* a dotted line (2 2, the fix's mean) */
    DNNR_SVG_POINT_FILLED, /* a filled dot */
    DNNR_SVG_POINT_HOLLOW  /* an open dot */
} dnnr_svg_symbol;

typedef struct dnnr_svg_legend_item {
    const char *label;
    const char *colour; /* "#rrggbb" */
    dnnr_svg_symbol symbol;
} dnnr_svg_legend_item;

/**
 * The entries left to right from (x, y), wrapping at x + max_width; each is a
 * <g class="legend-entry">. Returns the height used.
 */
double dnnr__svg_legend(dnnr_svg *s, double x, double y, double max_width,
                        const dnnr_svg_legend_item *items, size_t n);
/** The height dnnr__svg_legend would use (for laying out before drawing). */
double dnnr__svg_legend_height(double max_width, const dnnr_svg_legend_item *items, size_t n);

#endif
