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
