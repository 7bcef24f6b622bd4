#include "reference.h"

#include <math.h>

#include "nerve.h"

double ref_activation(int activation, double z)
{
    switch (activation) {
    case NERVE_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case NERVE_ACT_TANH: return tanh(z);
    case NERVE_ACT_RELU: return z > 0 ? z : 0;
    case NERVE_ACT_LEAKY_RELU: return z > 0 ? z : 0.01 * z;
    case NERVE_ACT_LINEAR: return z;
    case NERVE_ACT_STEP: return z >= 0 ? 1 : 0;
    case NERVE_ACT_EXP: return exp(z);
    default: return NAN;
    }
}

void ref_dense(const double *in, int n_in, const double *w, const double *b, int n_out, int activation,
               double *out)
{
    for (int j = 0; j < n_out; j++) {
        double z = b[j];
        for (int k = 0; k < n_in; k++)
            z += w[j * n_in + k] * in[k];
        out[j] = z;
    }
    if (activation == NERVE_ACT_SOFTMAX) {
        double top = out[0], sum = 0;
        for (int j = 1; j < n_out; j++)
            top = out[j] > top ? out[j] : top;
        for (int j = 0; j < n_out; j++)
            sum += (out[j] = exp(out[j] - top));
        for (int j = 0; j < n_out; j++)
            out[j] /= sum;
        return;
    }
    for (int j = 0; j < n_out; j++)
        out[j] = ref_activation(activation, out[j]);
}

double ref_cost(int cost, const double *a, const double *y, int n)
{
    double c = 0;
    for (int j = 0; j < n; j++) {
        switch (cost) {
        case NERVE_COST_QUADRATIC: c += 0.5 * (a[j] - y[j]) * (a[j] - y[j]); break;
        case NERVE_COST_CROSS_ENTROPY: c -= y[j] * log(a[j]) + (1 - y[j]) * log(1 - a[j]); break;
        case NERVE_COST_LOG_LIKELIHOOD: c -= y[j] * log(a[j]); break;
        case NERVE_COST_POISSON: c += (y[j] > 0 ? y[j] * log(y[j] / a[j]) - y[j] : 0) + a[j]; break;
        default: return NAN;
        }
    }
    return c;
}

int ref_extent(int n, int k, int s, int padding)
{
    if (n < 1 || k < 1 || s < 1)
        return 0;
    if (padding == NERVE_PADDING_SAME)
        return (n + s - 1) / s;
    return k <= n ? (n - k) / s + 1 : 0;
}

/* Zeros before the first value along an axis: floor(p / 2), p = max((out - 1) * s + k - n, 0). */
static int leading_pad(int n, int k, int s, int padding)
{
    if (padding != NERVE_PADDING_SAME)
        return 0;
    int p = (ref_extent(n, k, s, padding) - 1) * s + k - n;
    return p > 0 ? p / 2 : 0;
}

void ref_conv2d(const double *in, int channels, int h, int w, const double *weights, const double *bias,
                int filters, int kh, int kw, int sh, int sw, int padding, int activation, double *out)
{
    int oh = ref_extent(h, kh, sh, padding), ow = ref_extent(w, kw, sw, padding);
    int top = leading_pad(h, kh, sh, padding), left = leading_pad(w, kw, sw, padding);
    for (int f = 0; f < filters; f++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                double z = bias[f];
                for (int c = 0; c < channels; c++)
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++) {
                            int y = oy * sh + i - top, x = ox * sw + j - left;
                            if (y >= 0 && y < h && x >= 0 && x < w)
                                z += weights[((f * channels + c) * kh + i) * kw + j] * in[(c * h + y) * w + x];
                        }
                out[(f * oh + oy) * ow + ox] = ref_activation(activation, z);
            }
}

void ref_pool2d(const double *in, int channels, int h, int w, int kh, int kw, int sh, int sw, int max,
                double *out)
{
    int oh = ref_extent(h, kh, sh, NERVE_PADDING_VALID), ow = ref_extent(w, kw, sw, NERVE_PADDING_VALID);
    for (int c = 0; c < channels; c++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                double best = in[(c * h + oy * sh) * w + ox * sw], sum = 0;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        double v = in[(c * h + oy * sh + i) * w + ox * sw + j];
                        best = v > best ? v : best;
                        sum += v;
                    }
                out[(c * oh + oy) * ow + ox] = max ? best : sum / (kh * kw);
            }
}

/* The stride a layer uses along one axis: its own, or the default (1 for a convolution, the window for pooling). */
static int stride_of(const nerve_layer_spec *s, int stride, int window)
{
    return stride ? stride : s->kind == NERVE_LAYER_CONV2D ? 1 : window;
}

long ref_net_parameter_count(const ref_net *net, unsigned char *is_weight)
{
    long at = 0;
    int c = net->shape[0], h = net->shape[1], w = net->shape[2];
    for (int l = 0; l < net->n_layers; l++) {
        const nerve_layer_spec *s = &net->layers[l];
        long weights = 0, biases = 0;
        if (s->kind == NERVE_LAYER_DENSE) {
            weights = (long)c * h * w * s->units;
            biases = s->units;
            c = s->units, h = 1, w = 1;
        } else {
            int sh = stride_of(s, s->stride_height, s->window_height), sw = stride_of(s, s->stride_width, s->window_width);
            int oh = ref_extent(h, s->window_height, sh, s->padding), ow = ref_extent(w, s->window_width, sw, s->padding);
            if (oh == 0 || ow == 0)
                return -1;
            if (s->kind == NERVE_LAYER_CONV2D) {
                weights = (long)s->units * c * s->window_height * s->window_width;
                biases = s->units;
                c = s->units;
            }
            h = oh, w = ow;
        }
        if ((long)c * h * w > REF_MAX_VALUES)
            return -1;
        if (is_weight) {
            for (long i = 0; i < weights; i++)
                is_weight[at + i] = 1;
            for (long i = 0; i < biases; i++)
                is_weight[at + weights + i] = 0;
        }
        at += weights + biases;
    }
    return at;
}

int ref_net_forward(const ref_net *net, const double *params, const float *x, double *out)
{
    static double a[2][REF_MAX_VALUES];
    int c = net->shape[0], h = net->shape[1], w = net->shape[2], cur = 0;
    long at = 0;
    for (int i = 0; i < c * h * w; i++)
        a[0][i] = x[i];
    for (int l = 0; l < net->n_layers; l++) {
        const nerve_layer_spec *s = &net->layers[l];
        double *in = a[cur], *next = a[1 - cur];
        if (s->kind == NERVE_LAYER_DENSE) {
            int n_in = c * h * w;
            ref_dense(in, n_in, params + at, params + at + (long)n_in * s->units, s->units, s->activation, next);
            at += (long)n_in * s->units + s->units;
            c = s->units, h = 1, w = 1;
        } else {
            int sh = stride_of(s, s->stride_height, s->window_height), sw = stride_of(s, s->stride_width, s->window_width);
            int oh = ref_extent(h, s->window_height, sh, s->padding), ow = ref_extent(w, s->window_width, sw, s->padding);
            if (s->kind == NERVE_LAYER_CONV2D) {
                long nw = (long)s->units * c * s->window_height * s->window_width;
                ref_conv2d(in, c, h, w, params + at, params + at + nw, s->units, s->window_height, s->window_width, sh,
                           sw, s->padding, s->activation, next);
                at += nw + s->units;
                c = s->units;
            } else {
                ref_pool2d(in, c, h, w, s->window_height, s->window_width, sh, sw,
                           s->kind == NERVE_LAYER_MAX_POOL2D, next);
            }
            h = oh, w = ow;
        }
        cur = 1 - cur;
    }
    for (int i = 0; i < c * h * w; i++)
        out[i] = a[cur][i];
    return c * h * w;
}

double ref_net_cost(const ref_net *net, const double *params, const float *x, const float *y, long n, double l2,
                    double l1)
{
    static double out[REF_MAX_VALUES], target[REF_MAX_VALUES];
    static unsigned char is_weight[1 << 16];
    int in_size = net->shape[0] * net->shape[1] * net->shape[2];
    double total = 0;
    for (long s = 0; s < n; s++) {
        int m = ref_net_forward(net, params, x + s * in_size, out);
        for (int j = 0; j < m; j++)
            target[j] = y[s * m + j];
        total += ref_cost(net->cost, out, target, m);
    }
    double c = total / (double)n;
    if (l2 != 0 || l1 != 0) {
        long count = ref_net_parameter_count(net, NULL);
        if (count < 0 || count > (long)sizeof is_weight)
            return NAN;
        ref_net_parameter_count(net, is_weight);
        double squares = 0, absolutes = 0;
        for (long k = 0; k < count; k++)
            if (is_weight[k]) {
                squares += params[k] * params[k];
                absolutes += fabs(params[k]);
            }
        c += 0.5 * (l2 / (double)n) * squares + (l1 / (double)n) * absolutes;
    }
    return c;
}

void ref_net_gradient(const ref_net *net, double *params, const float *x, const float *y, long n, double l2,
                      double l1, double h, double *gradient)
{
    long count = ref_net_parameter_count(net, NULL);
    for (long k = 0; k < count; k++) {
        double saved = params[k];
        params[k] = saved + h;
        double up = ref_net_cost(net, params, x, y, n, l2, l1);
        params[k] = saved - h;
        double down = ref_net_cost(net, params, x, y, n, l2, l1);
        params[k] = saved;
        gradient[k] = (up - down) / (2 * h);
    }
}
