/* A double-precision reference of the layers and the costs, written from the definitions in nerve.h, against
 * which the library's float results are compared. */
#ifndef NERVE_TEST_REFERENCE_H
#define NERVE_TEST_REFERENCE_H

#include <stddef.h>

#include "nerve.h"

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

/* A whole network as nerve_create_layers takes it (a network from nerve_create is a stack of dense layers over
 * the input shape {inputs, 1, 1}), for the functions below. Their parameters are one flat array in nerve.h's
 * layout: layer after layer, each layer's weights then its biases, as nerve_get_layer copies them. Layers may
 * hold at most REF_MAX_VALUES values per sample. */
enum { REF_MAX_VALUES = 4096 };
typedef struct {
    int32_t shape[3];
    int n_layers;
    const nerve_layer_spec *layers;
    int cost;
} ref_net;

/* The number of parameters; is_weight (may be NULL) receives 1 for each weight and 0 for each bias. -1 if a
 * layer does not fit the shape it reads or holds more than REF_MAX_VALUES values. */
long ref_net_parameter_count(const ref_net *net, unsigned char *is_weight);

/* One sample through the network; returns the number of outputs written to out. */
int ref_net_forward(const ref_net *net, const double *params, const float *x, double *out);

/* The mean cost over n samples plus ½(l2/n)Σw² + (l1/n)Σ|w| over the weights (biases excluded). */
double ref_net_cost(const ref_net *net, const double *params, const float *x, const float *y, long n, double l2,
                    double l1);

/* The central differences (C(p + h) − C(p − h)) / 2h of ref_net_cost in every parameter, into gradient. params is
 * restored before the function returns. */
void ref_net_gradient(const ref_net *net, double *params, const float *x, const float *y, long n, double l2,
                      double l1, double h, double *gradient);

#endif
