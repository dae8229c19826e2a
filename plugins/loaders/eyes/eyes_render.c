/* The procedural eye model; see eyes_render.h. */
#include "eyes_render.h"

#include <math.h>

#include <dnnrepair/rng.h>

/* 0 outside, 1 inside, a 1-pixel linear ramp across the edge at signed distance d. */
static double coverage(double d)
{
    double v = 0.5 - d;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double uniform(dnnr_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * dnnr_rng_uniform(r);
}

void eyes_render(const eyes_params *p, uint64_t seed, uint64_t index, float *image,
                 float head[2], float gaze[2])
{
    dnnr_rng r;
    dnnr_rng_init(&r, dnnr_rng_derive(seed, index));
    double pitch = uniform(&r, -p->pitch_range, p->pitch_range);
    double yaw = uniform(&r, -p->yaw_range, p->yaw_range);
    double head_pitch = uniform(&r, -0.3, 0.3), head_yaw = uniform(&r, -0.4, 0.4);
    double skin = uniform(&r, 0.45, 0.65), openness = uniform(&r, 0.8, 1.1);
    double iris_r = uniform(&r, 6.5, 8.0);

    double cx = 30.0 + 5.0 * sin(head_yaw), cy = 18.0 - 4.0 * sin(head_pitch);
    double half_width = 22.0;
    /* looking down lowers the upper lid (UnityEyes' eyelids follow the gaze) */
    double upper = 9.0 * openness * (1.0 + 0.4 * sin(pitch)), lower = 7.0 * openness;
    double ix = cx + 14.0 * sin(yaw), iy = cy - 10.0 * sin(pitch);
    double pupil_r = 0.4 * iris_r;
    double gx = ix + 0.35 * iris_r, gy = iy - 0.35 * iris_r;

    for (uint32_t row = 0; row < EYES_ROWS; row++) {
        for (uint32_t col = 0; col < EYES_COLS; col++) {
            double x = col + 0.5, y = row + 0.5;
            double v = skin + 0.08 * (y / EYES_ROWS - 0.5);
            /* the lids: parabolas meeting at the eye corners */
            double u = (x - cx) / half_width;
            double in_x = 1.0 - u * u;
            double d_eye = 1.0; /* > 0.5: outside */
            if (in_x > 0) {
                double top = cy - upper * in_x, bottom = cy + lower * in_x;
                double d = fmax(top - y, y - bottom);
                d_eye = fmax(d, (fabs(x - cx) - half_width));
            }
            double eye = coverage(d_eye);
            if (eye > 0) {
                double inside = 0.85;
                double d_iris = hypot(x - ix, y - iy);
                double iris = coverage(d_iris - iris_r), pupil = coverage(d_iris - pupil_r);
                inside = inside * (1 - iris) + 0.32 * iris;
                inside = inside * (1 - pupil) + 0.06 * pupil;
                double glint = coverage(hypot(x - gx, y - gy) - 1.2);
                inside = inside * (1 - glint) + 0.97 * glint;
                v = v * (1 - eye) + inside * eye;
            }
            v += p->noise * dnnr_rng_normal(&r);
            image[row * EYES_COLS + col] = (float)(v < 0 ? 0 : v > 1 ? 1 : v);
        }
    }
    head[0] = (float)head_pitch;
    head[1] = (float)head_yaw;
    gaze[0] = (float)pitch;
    gaze[1] = (float)yaw;
}
