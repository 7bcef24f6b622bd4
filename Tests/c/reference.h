/* A double-precision reference of the layers and the costs, written from the definitions in nerve.h, against
 * which the library's float results are compared. */
#ifndef NERVE_TEST_REFERENCE_H
#define NERVE_TEST_REFERENCE_H

#include <stddef.h>

double ref_activation(int activation, double z);

/* out[j] = act(sum_k w[j*n_in + k] * in[k] + b[j]) for one sample; softmax normalises over the n_out outputs. */
void ref_dense(const double *in, int n_in, const double *w, const double *b, int n_out, int activation,
               double *out);

/* The output extent along one axis of n values for window k, stride s and padding (NERVE_PADDING_*), by the
 * header's formulas; 0 if the window does not fit. */
int ref_extent(int n, int k, int s, int padding);

/* One sample of a convolution (cross-correlation): in is channels × h × w, weights filters × channels × kh × kw,
 * bias one per filter; out (filters × oh × ow, extents by ref_extent) = act(z). SAME padding puts
 * floor(p / 2) zeros before, the rest after. Softmax is not supported here. */
void ref_conv2d(const double *in, int channels, int h, int w, const double *weights, const double *bias,
                int filters, int kh, int kw, int sh, int sw, int padding, int activation, double *out);

/* One sample of max (max = 1) or mean pooling with valid padding: out is channels × oh × ow. */
void ref_pool2d(const double *in, int channels, int h, int w, int kh, int kw, int sh, int sw, int max,
                double *out);

/* The cost of one sample (before averaging over samples). */
double ref_cost(int cost, const double *a, const double *y, int n);

#endif
