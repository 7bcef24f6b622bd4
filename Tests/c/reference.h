/* A double-precision reference of the dense layer and the costs, written from the definitions in nerve.h,
 * against which the library's float results are compared. */
#ifndef NERVE_TEST_REFERENCE_H
#define NERVE_TEST_REFERENCE_H

#include <stddef.h>

double ref_activation(int activation, double z);

/* out[j] = act(sum_k w[j*n_in + k] * in[k] + b[j]) for one sample; softmax normalises over the n_out outputs. */
void ref_dense(const double *in, int n_in, const double *w, const double *b, int n_out, int activation,
               double *out);

/* The cost of one sample (before averaging over samples). */
double ref_cost(int cost, const double *a, const double *y, int n);

#endif
