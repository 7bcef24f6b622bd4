/* Deterministic synthetic data for the tests (own generator, so results do not depend on the C library). */
#ifndef NERVE_TEST_SAMPLE_DATA_H
#define NERVE_TEST_SAMPLE_DATA_H

#include <stddef.h>
#include <stdint.h>

/* Uniform values in [lo, hi) from a splitmix64 stream started at seed. */
void fill_uniform(float *a, size_t n, uint64_t seed, float lo, float hi);

/* n one-hot rows of `classes` columns, the class of row i chosen from the stream. */
void fill_one_hot(float *a, size_t n, int classes, uint64_t seed);

#endif
