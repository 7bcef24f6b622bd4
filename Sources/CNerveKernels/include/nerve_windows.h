/* Per-sample loops of the layers that slide a window over (channels, height, width) images: lowering an image
 * to the patch matrix a convolution multiplies (im2col), raising a patch-matrix gradient back to the image, and
 * max / mean pooling with their gradients.
 *
 * Images are channel-major: value (c, y, x) at c*height*width + y*width + x. A patch matrix has one row per
 * (c, i, j) of the window, row (c*window_height + i)*window_width + j, and one column per output position
 * (oy, ox), column oy*out_width + ox; its entry is the image value at (c, oy*stride_height + i - pad_top,
 * ox*stride_width + j - pad_left), or 0 outside the image.
 *
 * Gradients are zeroed, then accumulated in loop order (each value's terms always arrive in the same order),
 * so results depend only on the sample. Compiled without memset/memcpy builtins, so no loop becomes such a
 * call (a host's ThreadSanitizer sees those, but not the library's atomics that order them). Nothing here
 * allocates or validates. */
#ifndef NERVE_WINDOWS_H
#define NERVE_WINDOWS_H

#include <stdint.h>

#include "nerve_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nerve_window_geometry {
    int64_t channels, height, width;         /* the input image */
    int64_t window_height, window_width;
    int64_t stride_height, stride_width;     /* >= 1 */
    int64_t pad_top, pad_left;               /* zeros before the first row / column (0 for pooling) */
    int64_t out_height, out_width;
} nerve_window_geometry;

/* Image → patch matrix (rows × out_height*out_width), row r starting at patches + r*row_stride (row_stride is
 * at least out_height*out_width; larger when several samples' patch matrices lie side by side). */
NERVE_KERNEL_API void nerve_lower(const nerve_window_geometry *g, const float *image, float *patches,
                                  int64_t row_stride);

/* Lays `count` row-major matrices of rows × columns (matrix k at source + k*source_step) side by side as one
 * rows × (count*columns) matrix: row r of matrix k goes to target + r*count*columns + k*columns. */
NERVE_KERNEL_API void nerve_side_by_side(int64_t rows, int64_t columns, int64_t count, const float *source,
                                         int64_t source_step, float *target);

/* Patch-matrix gradient → image gradient: each image value gets the sum of the patch entries that read it,
 * added in increasing (i, j) (the notes' full convolution of δ with the rotated kernels). */
NERVE_KERNEL_API void nerve_raise(const nerve_window_geometry *g, const float *patches, float *image);

/* Pooling over one image (no padding): out(c, oy, ox) is the window's largest value (max = 1) or the mean of
 * its values summed in row-major order (max = 0). */
NERVE_KERNEL_API void nerve_pool(const nerve_window_geometry *g, int max, const float *image, float *out);

/* Pooling gradient: image_gradient(c, y, x) is the sum, over the windows that contain (y, x) in row-major
 * window order, of the window's output gradient divided by its area (mean), or of the gradient itself where
 * (y, x) holds the window's maximum (max; on ties the first in row-major order takes it, the others get
 * nothing). With `rectified` (max only) the image holds ReLU outputs and the result is the gradient of their
 * pre-activations: a window whose maximum is 0 passes nothing on, ReLU′ being 0 there. */
NERVE_KERNEL_API void nerve_pool_gradient(const nerve_window_geometry *g, int max, int rectified, const float *image,
                                          const float *out_gradient, float *image_gradient);

#ifdef __cplusplus
}
#endif

#endif
