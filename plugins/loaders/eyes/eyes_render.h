/**
 * @file eyes_render.h
 * @brief A procedural stand-in for UnityEyes: one grey eye image per gaze.
 *
 * The model (all angles in radians, image 36 rows x 60 columns, grey 0..1):
 *  - draws, uniformly: gaze pitch in [-pitch_range, pitch_range], gaze yaw in
 *    [-yaw_range, yaw_range], head pitch in [-0.3, 0.3], head yaw in
 *    [-0.4, 0.4], plus nuisances: skin brightness, eye openness, iris size;
 *  - skin: a smooth vertical gradient around the drawn brightness;
 *  - eye opening: an almond between two parabolic lids, 44 px wide, centred
 *    at (30 + 5 sin(head yaw), 18 - 4 sin(head pitch)) so the head pose moves
 *    the eye in the frame; the upper lid drops as the gaze pitches down;
 *    inside it the sclera is bright;
 *  - iris (radius 6.5-8 px) and pupil (0.4 of the iris radius) are discs whose
 *    centre is the eye centre plus (14 sin(yaw), -10 sin(pitch)): the gaze is
 *    read from where the iris sits in the eye opening, both relative to the
 *    frame; they are visible only inside the opening;
 *  - a corneal glint beside the pupil, soft (1 px) edges everywhere, and
 *    Gaussian pixel noise (sd 0.02), clipped to [0, 1].
 * Targets are (theta, phi) = (gaze pitch, gaze yaw), the two columns of
 * DeepCrime's gaze file; inputs are the image and (head pitch, head yaw).
 * Sample i is a pure function of (seed, i) through the SDK's Philox stream.
 */
#ifndef DNNR_EYES_RENDER_H
#define DNNR_EYES_RENDER_H

#include <stdint.h>

#define EYES_ROWS 36u
#define EYES_COLS 60u
#define EYES_PIXELS (EYES_ROWS * EYES_COLS)

typedef struct eyes_params {
    double pitch_range, yaw_range; /* gaze ranges, radians */
    double noise;                  /* pixel noise sd */
} eyes_params;

/** One sample: image (EYES_PIXELS), head pose (2), gaze (2). */
void eyes_render(const eyes_params *p, uint64_t seed, uint64_t index, float *image,
                 float head[2], float gaze[2]);

#endif
