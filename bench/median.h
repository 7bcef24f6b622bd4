/* Order statistics of timing samples. */
#ifndef BENCH_MEDIAN_H
#define BENCH_MEDIAN_H

#include <stddef.h>

/* The q-quantile (0 ≤ q ≤ 1, nearest rank) of values[0 .. count-1]; sorts the array in place. */
double quantile_in_place(double *values, size_t count, double q);

/* The 10th percentile, median and 90th percentile of values[0 .. count-1] (sorted in place). */
typedef struct { double p10, median, p90; } spread;
spread spread_in_place(double *values, size_t count);

#endif
