#include "report/svg.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/status.h>

#define LEGEND_FONT 12.0
#define LEGEND_ROW 18.0
#define LEGEND_SYMBOL 24.0 /* symbol plus the gap before the label */
#define LEGEND_GAP 18.0    /* between entries */

void dnnr__svg_begin(dnnr_svg *s, double width, double height, const char *title)
{
    *s = (dnnr_svg){0};
    dnnr__svg_raw(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
    dnnr__svg_num(s, width, 0);
    dnnr__svg_raw(s, "\" height=\"");
    dnnr__svg_num(s, height, 0);
    dnnr__svg_raw(s, "\" viewBox=\"0 0 ");
    dnnr__svg_num(s, width, 0);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, height, 0);
    dnnr__svg_raw(s, "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n");
    dnnr__svg_tooltip(s, title);
    /* an explicit white page: viewers with a dark background stay readable */
    dnnr__svg_rect(s, 0, 0, width, height, "fill=\"#ffffff\"");
}

int dnnr__svg_end(dnnr_svg *s)
{
    dnnr__svg_raw(s, "</svg>\n");
    return s->buf.failed ? DNNR_ENOMEM : DNNR_OK;
}

void dnnr__svg_free(dnnr_svg *s) { dnnr__buf_free(&s->buf); }

void dnnr__svg_raw(dnnr_svg *s, const char *markup)
{
    if (markup)
        dnnr__buf_put(&s->buf, markup, strlen(markup));
}

/* By hand rather than printf: no locale decimal comma, no "-0.00", no exponent. */
void dnnr__svg_num(dnnr_svg *s, double v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    if (!isfinite(v))
        v = 0;
    if (v > 1e12)
        v = 1e12;
    if (v < -1e12)
        v = -1e12;
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int64_t q = (int64_t)llround(v * (double)scale);
    char out[48];
    size_t len = 0;
    if (q < 0) {
        out[len++] = '-';
        q = -q;
    }
    char digits[32];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + q % 10);
        q /= 10;
    } while (q > 0 || nd <= (size_t)decimals);
    for (size_t i = nd; i-- > 0;) {
        out[len++] = digits[i];
        if (decimals && i == (size_t)decimals)
            out[len++] = '.';
    }
    dnnr__buf_put(&s->buf, out, len);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (p[0] > 0xf4)
        n = 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    /* overlong three-byte forms and UTF-16 surrogates are not valid XML text */
    if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
        return 0;
    if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
        return 0;
    return n;
}

/* Escape at most max_points code points of text; returns how many were written. */
static size_t put_escaped(dnnr_svg *s, const char *text, size_t max_points)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    size_t points = 0;
    while (*p && points < max_points) {
        size_t n = utf8_sequence(p);
        if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')) {
            dnnr__buf_put(&s->buf, "?", 1);
            n = n ? n : 1;
        } else if (*p == '&') {
            dnnr__svg_raw(s, "&amp;");
        } else if (*p == '<') {
            dnnr__svg_raw(s, "&lt;");
        } else if (*p == '>') {
            dnnr__svg_raw(s, "&gt;");
        } else if (*p == '"') {
            dnnr__svg_raw(s, "&quot;");
        } else if (*p == '\'') {
            dnnr__svg_raw(s, "&#39;");
        } else {
            dnnr__buf_put(&s->buf, p, n);
        }
        p += n;
        points++;
    }
    return points;
}

void dnnr__svg_escaped(dnnr_svg *s, const char *text) { put_escaped(s, text, SIZE_MAX); }

static size_t code_points(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p;) {
        size_t len = utf8_sequence(p);
        p += len ? len : 1;
        n++;
    }
    return n;
}

double dnnr__svg_text_width(const char *text, double font_size)
{
    /* DejaVu Sans averages about 0.53 em on these labels, Arial less */
    return (double)code_points(text) * 0.56 * font_size;
}

static int finite4(double a, double b, double c, double d)
{
    return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

static void attr_num(dnnr_svg *s, const char *name, double v)
{
    dnnr__svg_raw(s, " ");
    dnnr__svg_raw(s, name);
    dnnr__svg_raw(s, "=\"");
    dnnr__svg_num(s, v, 2);
    dnnr__svg_raw(s, "\"");
}

static void close_element(dnnr_svg *s, const char *attrs)
{
    if (attrs) {
        dnnr__svg_raw(s, " ");
        dnnr__svg_raw(s, attrs);
    }
    dnnr__svg_raw(s, "/>\n");
}

void dnnr__svg_line(dnnr_svg *s, double x1, double y1, double x2, double y2, const char *attrs)
{
    if (!finite4(x1, y1, x2, y2))
        return;
    dnnr__svg_raw(s, "<line");
    attr_num(s, "x1", x1);
    attr_num(s, "y1", y1);
    attr_num(s, "x2", x2);
    attr_num(s, "y2", y2);
    close_element(s, attrs);
}

void dnnr__svg_rect(dnnr_svg *s, double x, double y, double w, double h, const char *attrs)
{
    if (!finite4(x, y, w, h))
        return;
    /* a negative size is an error in SVG; draw the same box from its other corner */
    if (w < 0) {
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    dnnr__svg_raw(s, "<rect");
    attr_num(s, "x", x);
    attr_num(s, "y", y);
    attr_num(s, "width", w);
    attr_num(s, "height", h);
    close_element(s, attrs);
}

void dnnr__svg_circle(dnnr_svg *s, double cx, double cy, double r, const char *attrs)
{
    if (!finite4(cx, cy, r, 0) || r < 0)
        return;
    dnnr__svg_raw(s, "<circle");
    attr_num(s, "cx", cx);
    attr_num(s, "cy", cy);
    attr_num(s, "r", r);
    close_element(s, attrs);
}

void dnnr__svg_triangle(dnnr_svg *s, double x, double y, double size, int up, const char *attrs)
{
    if (!finite4(x, y, size, 0))
        return;
    double tip = up ? -size : size, base = -tip;
    dnnr__svg_raw(s, "<path d=\"M");
    dnnr__svg_num(s, x, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, y + tip, 2);
    dnnr__svg_raw(s, "L");
    dnnr__svg_num(s, x + size, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, y + base, 2);
    dnnr__svg_raw(s, "L");
    dnnr__svg_num(s, x - size, 2);
    dnnr__svg_raw(s, " ");
    dnnr__svg_num(s, y + base, 2);
    dnnr__svg_raw(s, "Z\"");
    close_element(s, attrs);
}

static void text_open(dnnr_svg *s, double x, double y, double angle, const char *attrs)
{
    dnnr__svg_raw(s, "<text");
    attr_num(s, "x", x);
    attr_num(s, "y", y);
    if (angle != 0 && isfinite(angle)) {
        dnnr__svg_raw(s, " transform=\"rotate(");
        dnnr__svg_num(s, angle, 2);
        dnnr__svg_raw(s, " ");
        dnnr__svg_num(s, x, 2);
        dnnr__svg_raw(s, " ");
        dnnr__svg_num(s, y, 2);
        dnnr__svg_raw(s, ")\"");
    }
    if (attrs) {
        dnnr__svg_raw(s, " ");
        dnnr__svg_raw(s, attrs);
    }
    dnnr__svg_raw(s, ">");
}

void dnnr__svg_text(dnnr_svg *s, double x, double y, double angle, const char *attrs,
                    const char *text)
{
    if (!finite4(x, y, 0, 0))
        return;
    text_open(s, x, y, angle, attrs);
    dnnr__svg_escaped(s, text);
    dnnr__svg_raw(s, "</text>\n");
}

void dnnr__svg_text_fit(dnnr_svg *s, double x, double y, double angle, double font_size,
                        double max_width, const char *attrs, const char *text)
{
    if (!finite4(x, y, font_size, max_width) || font_size <= 0)
        return;
    /* a little wider than dnnr__svg_text_width: better cut one letter early than overflow */
    size_t fits = (size_t)fmax(1, floor(max_width / (0.58 * font_size)));
    text_open(s, x, y, angle, attrs);
    if (code_points(text) <= fits) {
        dnnr__svg_escaped(s, text);
    } else {
        put_escaped(s, text, fits > 1 ? fits - 1 : 1);
        dnnr__svg_raw(s, "\xe2\x80\xa6"); /* U+2026 HORIZONTAL ELLIPSIS */
    }
    dnnr__svg_raw(s, "</text>\n");
}

void dnnr__svg_tooltip(dnnr_svg *s, const char *text)
{
    dnnr__svg_raw(s, "<title>");
    dnnr__svg_escaped(s, text);
    dnnr__svg_raw(s, "</title>\n");
}

void dnnr__svg_group(dnnr_svg *s, const char *attrs)
{
    dnnr__svg_raw(s, "<g");
    if (attrs) {
        dnnr__svg_raw(s, " ");
        dnnr__svg_raw(s, attrs);
    }
    dnnr__svg_raw(s, ">\n");
}

const char *dnnr__svg_palette(size_t i)
{
    /* Okabe-Ito and Tableau colours without the reference lines' red and green */
    static const char *const colours[] = {"#0072b2", "#e69f00", "#cc79a7", "#56b4e9",
                                          "#6a3d9a", "#8c564b", "#7f7f7f", "#bcbd22"};
    return colours[i % (sizeof colours / sizeof colours[0])];
}

void dnnr__svg_nice_ticks(double lo, double hi, int target, dnnr_svg_ticks *t)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double tmp = lo;
        lo = hi;
        hi = tmp;
    }
    if (hi - lo < 1e-12) {
        double pad = fabs(lo) > 1e-12 ? fabs(lo) * 0.1 : 0.5;
        lo -= pad;
        hi += pad;
    }
    if (target < 2)
        target = 2;
    /* Heckbert's nice numbers: the step is 1, 2, 2.5 or 5 times a power of ten */
    double raw = (hi - lo) / (double)(target - 1);
    double magnitude = pow(10, floor(log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction <= 1     ? 1
                  : fraction <= 2   ? 2
                  : fraction <= 2.5 ? 2.5
                  : fraction <= 5   ? 5
                                    : 10;
    t->step = nice * magnitude;
    t->first = floor(lo / t->step + 1e-9) * t->step;
    t->last = ceil(hi / t->step - 1e-9) * t->step;
    t->count = (int)llround((t->last - t->first) / t->step) + 1;
    /* enough decimals to tell the step's digits apart (2.5 needs one more) */
    int decimals = (int)fmax(0, -floor(log10(t->step) + 1e-9));
    if (nice == 2.5)
        decimals++;
    t->decimals = decimals > 6 ? 6 : decimals;
}

double dnnr__svg_tick(const dnnr_svg_ticks *t, int i) { return t->first + (double)i * t->step; }

double dnnr__svg_map(const dnnr_svg_scale *sc, double v)
{
    if (sc->d1 == sc->d0)
        return (sc->p0 + sc->p1) / 2;
    return sc->p0 + (v - sc->d0) / (sc->d1 - sc->d0) * (sc->p1 - sc->p0);
}

void dnnr__svg_y_axis(dnnr_svg *s, const dnnr_svg_scale *y, const dnnr_svg_ticks *t, double left,
                      double right, double font_size)
{
    char attrs[96];
    snprintf(attrs, sizeof attrs, "font-size=\"%d\" text-anchor=\"end\" fill=\"#333333\"",
             (int)font_size);
    for (int i = 0; i < t->count; i++) {
        double v = dnnr__svg_tick(t, i), py = dnnr__svg_map(y, v);
        dnnr__svg_line(s, left, py, right, py, "stroke=\"" DNNR_SVG_GRID_COLOUR "\"");
        dnnr__svg_line(s, left - 4, py, left, py, "stroke=\"" DNNR_SVG_AXIS_COLOUR "\"");
        dnnr__svg_raw(s, "<text");
        attr_num(s, "x", left - 6);
        attr_num(s, "y", py + font_size * 0.35);
        dnnr__svg_raw(s, " ");
        dnnr__svg_raw(s, attrs);
        dnnr__svg_raw(s, ">");
        dnnr__svg_num(s, v, t->decimals);
        dnnr__svg_raw(s, "</text>\n");
    }
    dnnr__svg_line(s, left, y->p0, left, y->p1, "stroke=\"" DNNR_SVG_AXIS_COLOUR "\"");
}

static double entry_width(const dnnr_svg_legend_item *item)
{
    return LEGEND_SYMBOL + dnnr__svg_text_width(item->label, LEGEND_FONT) + LEGEND_GAP;
}

/* Lays the entries out; draws them too when s is not NULL. */
static double legend_layout(dnnr_svg *s, double x, double y, double max_width,
                            const dnnr_svg_legend_item *items, size_t n)
{
    if (n == 0)
        return 0;
    double cx = x, cy = y;
    char attrs[128];
    for (size_t i = 0; i < n; i++) {
        double w = entry_width(&items[i]);
        if (cx > x && cx + w - LEGEND_GAP > x + max_width) {
            cx = x;
            cy += LEGEND_ROW;
        }
        if (s) {
            const char *colour = items[i].colour ? items[i].colour : "#000000";
            double mid = cy + LEGEND_ROW / 2;
            dnnr__svg_group(s, "class=\"legend-entry\"");
            switch (items[i].symbol) {
            case DNNR_SVG_SWATCH:
                snprintf(attrs, sizeof attrs, "fill=\"%s\" fill-opacity=\"0.6\" stroke=\"%s\"",
                         colour, colour);
                dnnr__svg_rect(s, cx, mid - 6, 14, 12, attrs);
                break;
            case DNNR_SVG_LINE_SOLID:
            case DNNR_SVG_LINE_DASHED:
            case DNNR_SVG_LINE_DOTTED:
                snprintf(attrs, sizeof attrs, "stroke=\"%s\" stroke-width=\"2\"%s", colour,
                         items[i].symbol == DNNR_SVG_LINE_DASHED   ? " stroke-dasharray=\"6 3\""
                         : items[i].symbol == DNNR_SVG_LINE_DOTTED ? " stroke-dasharray=\"2 2\""
                                                                   : "");
                dnnr__svg_line(s, cx, mid, cx + 18, mid, attrs);
                break;
            case DNNR_SVG_POINT_FILLED:
            case DNNR_SVG_POINT_HOLLOW:
                snprintf(attrs, sizeof attrs, "fill=\"%s\" stroke=\"%s\" stroke-width=\"1.2\"",
                         items[i].symbol == DNNR_SVG_POINT_FILLED ? colour : "#ffffff", colour);
                dnnr__svg_circle(s, cx + 7, mid, 3.5, attrs);
                break;
            }
            dnnr__svg_text(s, cx + LEGEND_SYMBOL, mid + LEGEND_FONT * 0.35, 0,
                           "font-size=\"12\" fill=\"#222222\"", items[i].label);
            dnnr__svg_raw(s, "</g>\n");
        }
        cx += w;
    }
    return cy - y + LEGEND_ROW;
}

double dnnr__svg_legend(dnnr_svg *s, double x, double y, double max_width,
                        const dnnr_svg_legend_item *items, size_t n)
{
    return legend_layout(s, x, y, max_width, items, n);
}

double dnnr__svg_legend_height(double max_width, const dnnr_svg_legend_item *items, size_t n)
{
    return legend_layout(NULL, 0, 0, max_width, items, n);
}
