/* Lowering, raising and pooling for windowed layers (see nerve_windows.h). */
#include "nerve_windows.h"

void nerve_lower(const nerve_window_geometry *g, const float *image, float *patches) {
    const int64_t plane = g->height * g->width, positions = g->out_height * g->out_width;
    float *row = patches;
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t i = 0; i < g->window_height; i++) {
            for (int64_t j = 0; j < g->window_width; j++, row += positions) {
                /* Output columns ox whose input column ox*stride + j - pad_left lies inside the image. */
                const int64_t offset = j - g->pad_left;
                int64_t first = 0, last = g->out_width;
                while (first < last && first * g->stride_width + offset < 0) first++;
                while (last > first && (last - 1) * g->stride_width + offset >= g->width) last--;
                for (int64_t oy = 0; oy < g->out_height; oy++) {
                    float *out = row + oy * g->out_width;
                    const int64_t y = oy * g->stride_height + i - g->pad_top;
                    if (y < 0 || y >= g->height) {
                        for (int64_t ox = 0; ox < g->out_width; ox++) out[ox] = 0;
                        continue;
                    }
                    const float *line = image + c * plane + y * g->width;
                    for (int64_t ox = 0; ox < first; ox++) out[ox] = 0;
                    if (g->stride_width == 1) {
                        for (int64_t ox = first; ox < last; ox++) out[ox] = line[ox + offset];
                    } else {
                        for (int64_t ox = first; ox < last; ox++) out[ox] = line[ox * g->stride_width + offset];
                    }
                    for (int64_t ox = last; ox < g->out_width; ox++) out[ox] = 0;
                }
            }
        }
    }
}

/* The windows that read image row y (or column x): window offset i ≡ y + pad (mod stride), from the smallest
 * i up, each with output row (y + pad − i) / stride when that row exists. */
#define FOR_EACH_COVERING(coordinate, pad, stride, window, outs, i, o)                                       \
    for (int64_t i = ((coordinate) + (pad)) % (stride), o = ((coordinate) + (pad) - i) / (stride);           \
         i < (window) && i <= (coordinate) + (pad); i += (stride), o--)                                      \
        if (o < (outs))

void nerve_raise(const nerve_window_geometry *g, const float *patches, float *image) {
    const int64_t positions = g->out_height * g->out_width;
    float *out = image;
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t y = 0; y < g->height; y++) {
            for (int64_t x = 0; x < g->width; x++, out++) {
                float sum = 0;
                FOR_EACH_COVERING(y, g->pad_top, g->stride_height, g->window_height, g->out_height, i, oy) {
                    const float *rows = patches + (c * g->window_height + i) * g->window_width * positions
                                        + oy * g->out_width;
                    FOR_EACH_COVERING(x, g->pad_left, g->stride_width, g->window_width, g->out_width, j, ox) {
                        sum += rows[j * positions + ox];
                    }
                }
                *out = sum;
            }
        }
    }
}

/* Offset within the image plane of the window (oy, ox)'s largest value, the first in row-major order. */
static int64_t window_argmax(const nerve_window_geometry *g, const float *plane, int64_t oy, int64_t ox) {
    const int64_t top = oy * g->stride_height, left = ox * g->stride_width;
    int64_t best = top * g->width + left;
    for (int64_t i = 0; i < g->window_height; i++) {
        const int64_t line = (top + i) * g->width;
        for (int64_t j = 0; j < g->window_width; j++) {
            if (plane[line + left + j] > plane[best]) best = line + left + j;
        }
    }
    return best;
}

void nerve_pool(const nerve_window_geometry *g, int max, const float *image, float *out) {
    const int64_t plane = g->height * g->width;
    const float area = (float)(g->window_height * g->window_width);
    for (int64_t c = 0; c < g->channels; c++) {
        const float *source = image + c * plane;
        for (int64_t oy = 0; oy < g->out_height; oy++) {
            for (int64_t ox = 0; ox < g->out_width; ox++, out++) {
                if (max) {
                    *out = source[window_argmax(g, source, oy, ox)];
                    continue;
                }
                float sum = 0;
                for (int64_t i = 0; i < g->window_height; i++) {
                    const float *line = source + (oy * g->stride_height + i) * g->width + ox * g->stride_width;
                    for (int64_t j = 0; j < g->window_width; j++) sum += line[j];
                }
                *out = sum / area;
            }
        }
    }
}

void nerve_pool_gradient(const nerve_window_geometry *g, int max, const float *image, const float *out_gradient,
                         float *image_gradient) {
    const int64_t plane = g->height * g->width, positions = g->out_height * g->out_width;
    const float area = (float)(g->window_height * g->window_width);
    float *out = image_gradient;
    for (int64_t c = 0; c < g->channels; c++) {
        const float *source = image + c * plane, *delta = out_gradient + c * positions;
        for (int64_t y = 0; y < g->height; y++) {
            for (int64_t x = 0; x < g->width; x++, out++) {
                float sum = 0;
                FOR_EACH_COVERING(y, 0, g->stride_height, g->window_height, g->out_height, i, oy) {
                    FOR_EACH_COVERING(x, 0, g->stride_width, g->window_width, g->out_width, j, ox) {
                        if (!max) {
                            sum += delta[oy * g->out_width + ox] / area;
                        } else if (window_argmax(g, source, oy, ox) == y * g->width + x) {
                            sum += delta[oy * g->out_width + ox];
                        }
                    }
                }
                *out = sum;
            }
        }
    }
}
