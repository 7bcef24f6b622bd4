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
