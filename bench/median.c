#include "median.h"

#include <stdlib.h>

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double quantile_in_place(double *values, size_t count, double q) {
    if (count == 0) return 0.0;
    qsort(values, count, sizeof *values, compare_doubles);
    size_t rank = (size_t)(q * (double)(count - 1) + 0.5);
    return values[rank];
}

spread spread_in_place(double *values, size_t count) {
    spread s = {quantile_in_place(values, count, 0.1), quantile_in_place(values, count, 0.5),
                quantile_in_place(values, count, 0.9)};
    return s;
}
