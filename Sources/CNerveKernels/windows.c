/* Lowering, raising and pooling for windowed layers (see nerve_windows.h). */
#include "nerve_windows.h"

/* Rows here are short (8 values in the second convolution of a LeNet-like net), too short for the loop
 * vectorizer's 16-value steps: four statements per step become one vector move (SLP), with at most 3 left. */
static inline void copy_floats(float *restrict to, const float *restrict from, int64_t n) {
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
        to[k] = from[k];
        to[k + 1] = from[k + 1];
        to[k + 2] = from[k + 2];
        to[k + 3] = from[k + 3];
    }
    for (; k < n; k++) to[k] = from[k];
}

static inline void add_floats(float *restrict to, const float *restrict from, int64_t n) {
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
        to[k] += from[k];
        to[k + 1] += from[k + 1];
        to[k + 2] += from[k + 2];
        to[k + 3] += from[k + 3];
    }
    for (; k < n; k++) to[k] += from[k];
}

/* Stride 1 and every window inside the image (valid padding, or same padding that adds nothing): the common
 * case, with no bounds to check. */
static int windows_inside(const nerve_window_geometry *g) {
    return g->stride_height == 1 && g->stride_width == 1 && g->pad_top == 0 && g->pad_left == 0 &&
           g->out_height - 1 + g->window_height <= g->height && g->out_width - 1 + g->window_width <= g->width;
}

/* Output columns [*first, *last) whose input column ox*stride + offset lies inside the image's rows. */
static void inside_columns(const nerve_window_geometry *g, int64_t offset, int64_t *first, int64_t *last) {
    int64_t a = 0, b = g->out_width;
    while (a < b && a * g->stride_width + offset < 0) a++;
    while (b > a && (b - 1) * g->stride_width + offset >= g->width) b--;
    *first = a;
    *last = b;
}

void nerve_lower(const nerve_window_geometry *g, const float *restrict image, float *restrict patches,
                 int64_t row_stride) {
    const int64_t width = g->width, out_height = g->out_height, out_width = g->out_width;
    const int64_t stride_height = g->stride_height, stride_width = g->stride_width;
    const int64_t plane = g->height * width;
    float *row = patches;
    if (windows_inside(g)) {
        for (int64_t c = 0; c < g->channels; c++) {
            for (int64_t i = 0; i < g->window_height; i++) {
                for (int64_t j = 0; j < g->window_width; j++, row += row_stride) {
                    const float *line = image + c * plane + i * width + j;
                    for (int64_t oy = 0; oy < out_height; oy++) {
                        copy_floats(row + oy * out_width, line + oy * width, out_width);
                    }
                }
            }
        }
        return;
    }
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t i = 0; i < g->window_height; i++) {
            for (int64_t j = 0; j < g->window_width; j++, row += row_stride) {
                const int64_t offset = j - g->pad_left;
                int64_t first, last;
                inside_columns(g, offset, &first, &last);
                for (int64_t oy = 0; oy < out_height; oy++) {
                    float *restrict out = row + oy * out_width;
                    const int64_t y = oy * stride_height + i - g->pad_top;
                    if (y < 0 || y >= g->height) {
                        for (int64_t ox = 0; ox < out_width; ox++) out[ox] = 0;
                        continue;
                    }
                    const float *restrict line = image + c * plane + y * width + offset;
                    for (int64_t ox = 0; ox < first; ox++) out[ox] = 0;
                    if (stride_width == 1) {
                        copy_floats(out + first, line + first, last - first);
                    } else {
                        for (int64_t ox = first; ox < last; ox++) out[ox] = line[ox * stride_width];
                    }
                    for (int64_t ox = last; ox < out_width; ox++) out[ox] = 0;
                }
            }
        }
    }
}

void nerve_raise(const nerve_window_geometry *g, const float *restrict patches, float *restrict image) {
    const int64_t width = g->width, out_height = g->out_height, out_width = g->out_width;
    const int64_t stride_height = g->stride_height, stride_width = g->stride_width;
    const int64_t plane = g->height * width, positions = out_height * out_width;
    for (int64_t k = 0; k < g->channels * plane; k++) image[k] = 0;
    const float *row = patches;
    if (windows_inside(g)) {
        for (int64_t c = 0; c < g->channels; c++) {
            for (int64_t i = 0; i < g->window_height; i++) {
                for (int64_t j = 0; j < g->window_width; j++, row += positions) {
                    float *line = image + c * plane + i * width + j;
                    for (int64_t oy = 0; oy < out_height; oy++) {
                        add_floats(line + oy * width, row + oy * out_width, out_width);
                    }
                }
            }
        }
        return;
    }
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t i = 0; i < g->window_height; i++) {
            for (int64_t j = 0; j < g->window_width; j++, row += positions) {
                const int64_t offset = j - g->pad_left;
                int64_t first, last;
                inside_columns(g, offset, &first, &last);
                for (int64_t oy = 0; oy < out_height; oy++) {
                    const int64_t y = oy * stride_height + i - g->pad_top;
                    if (y < 0 || y >= g->height) continue;
                    float *restrict line = image + c * plane + y * width + offset;
                    const float *restrict in = row + oy * out_width;
                    if (stride_width == 1) {
                        add_floats(line + first, in + first, last - first);
                    } else {
                        for (int64_t ox = first; ox < last; ox++) line[ox * stride_width] += in[ox];
                    }
                }
            }
        }
    }
}

void nerve_side_by_side(int64_t rows, int64_t columns, int64_t count, const float *restrict source,
                        int64_t source_step, float *restrict target) {
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t k = 0; k < count; k++) {
            const float *restrict from = source + k * source_step + r * columns;
            float *restrict to = target + (r * count + k) * columns;
            for (int64_t c = 0; c < columns; c++) to[c] = from[c];
        }
    }
}

/* Offset from `corner` of the window's largest value, the first in row-major order. */
static inline int64_t window_argmax(const float *corner, int64_t width, int64_t window_height, int64_t window_width) {
    if (window_height == 2 && window_width == 2) {
        int64_t best = 0;
        if (corner[1] > corner[best]) best = 1;
        if (corner[width] > corner[best]) best = width;
        if (corner[width + 1] > corner[best]) best = width + 1;
        return best;
    }
    int64_t best = 0;
    for (int64_t i = 0; i < window_height; i++) {
        for (int64_t j = 0; j < window_width; j++) {
            if (corner[i * width + j] > corner[best]) best = i * width + j;
        }
    }
    return best;
}

/* The common 2×2, stride 2 max pooling, one output row at a time so the compiler vectorizes it. */
static void max_pool_2x2(const nerve_window_geometry *g, const float *restrict image, float *restrict out) {
    const int64_t width = g->width, out_width = g->out_width;
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t oy = 0; oy < g->out_height; oy++, out += out_width) {
            const float *restrict top = image + (c * g->height + 2 * oy) * width, *restrict bottom = top + width;
            for (int64_t ox = 0; ox < out_width; ox++) {
                const float a = top[2 * ox] > top[2 * ox + 1] ? top[2 * ox] : top[2 * ox + 1];
                const float b = bottom[2 * ox] > bottom[2 * ox + 1] ? bottom[2 * ox] : bottom[2 * ox + 1];
                out[ox] = a > b ? a : b;
            }
        }
    }
}

void nerve_pool(const nerve_window_geometry *g, int max, const float *restrict image, float *restrict out) {
    const int64_t width = g->width, plane = g->height * width;
    const int64_t window_height = g->window_height, window_width = g->window_width;
    const int64_t step_down = g->stride_height * width, step_right = g->stride_width;
    const float area = (float)(window_height * window_width);
    if (max && window_height == 2 && window_width == 2 && g->stride_height == 2 && step_right == 2) {
        max_pool_2x2(g, image, out);
        return;
    }
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t oy = 0; oy < g->out_height; oy++) {
            const float *corner = image + c * plane + oy * step_down;
            for (int64_t ox = 0; ox < g->out_width; ox++, out++, corner += step_right) {
                if (max) {
                    *out = corner[window_argmax(corner, width, window_height, window_width)];
                    continue;
                }
                float sum = 0;
                for (int64_t i = 0; i < window_height; i++) {
                    for (int64_t j = 0; j < window_width; j++) sum += corner[i * width + j];
                }
                *out = sum / area;
            }
        }
    }
}

/* The gradient of max_pool_2x2, without branches (which winner a window has is a coin toss the branch
 * predictor would lose half the time). Every value is written once: inside a window its share, outside 0. */
static void max_pool_gradient_2x2(const nerve_window_geometry *g, int rectified, const float *restrict image,
                                  const float *restrict delta, float *restrict gradient) {
    const int64_t width = g->width, out_width = g->out_width;
    for (int64_t c = 0; c < g->channels; c++) {
        /* An odd last row or column lies in no window. */
        for (int64_t y = 2 * g->out_height; y < g->height; y++) {
            for (int64_t x = 0; x < width; x++) gradient[(c * g->height + y) * width + x] = 0;
        }
        for (int64_t y = 0; y < 2 * g->out_height; y++) {
            for (int64_t x = 2 * out_width; x < width; x++) gradient[(c * g->height + y) * width + x] = 0;
        }
        for (int64_t oy = 0; oy < g->out_height; oy++, delta += out_width) {
            const int64_t start = (c * g->height + 2 * oy) * width;
            const float *restrict top = image + start, *restrict bottom = top + width;
            float *restrict up = gradient + start, *restrict down = up + width;
            for (int64_t ox = 0; ox < out_width; ox++) {
                const float a = top[2 * ox], b = top[2 * ox + 1], d = bottom[2 * ox], e = bottom[2 * ox + 1];
                /* The first maximum in row-major order: strict comparisons keep the earlier value on ties. */
                const int right_top = b > a, right_bottom = e > d;
                const float upper = right_top ? b : a, lower = right_bottom ? e : d;
                const int below = lower > upper, above = 1 - below;
                const float v = (rectified & !((below ? lower : upper) > 0)) ? 0 : delta[ox];
                up[2 * ox] = (above & (1 - right_top)) ? v : 0;
                up[2 * ox + 1] = (above & right_top) ? v : 0;
                down[2 * ox] = (below & (1 - right_bottom)) ? v : 0;
                down[2 * ox + 1] = (below & right_bottom) ? v : 0;
            }
        }
    }
}

void nerve_pool_gradient(const nerve_window_geometry *g, int max, int rectified, const float *restrict image,
                         const float *restrict out_gradient, float *restrict image_gradient) {
    const int64_t width = g->width, plane = g->height * width;
    const int64_t window_height = g->window_height, window_width = g->window_width;
    const int64_t step_down = g->stride_height * width, step_right = g->stride_width;
    const float area = (float)(window_height * window_width);
    if (max && window_height == 2 && window_width == 2 && g->stride_height == 2 && step_right == 2) {
        max_pool_gradient_2x2(g, rectified, image, out_gradient, image_gradient);
        return;
    }
    for (int64_t k = 0; k < g->channels * plane; k++) image_gradient[k] = 0;
    const float *delta = out_gradient;
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t oy = 0; oy < g->out_height; oy++) {
            const int64_t start = c * plane + oy * step_down;
            for (int64_t ox = 0; ox < g->out_width; ox++, delta++) {
                const int64_t corner = start + ox * step_right;
                if (max) {
                    const int64_t best = corner + window_argmax(image + corner, width, window_height, window_width);
                    image_gradient[best] += rectified && !(image[best] > 0) ? 0 : *delta;
                    continue;
                }
                const float share = *delta / area;
                for (int64_t i = 0; i < window_height; i++) {
                    for (int64_t j = 0; j < window_width; j++) image_gradient[corner + i * width + j] += share;
                }
            }
        }
    }
}
