/* Portable kernels: plain loops over fmaf in exactly the orders of the contracts in nerve_kernels.h.
 * Used where AVX2/FMA is unavailable, and as the reference the AVX2 variant must match bit for bit. */
#include <math.h>

#include "kernels_internal.h"

void nerve_gemm_nn_generic(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                           const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    for (int64_t i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        if (!accumulate)
            for (int64_t j = 0; j < n; j++) ci[j] = 0.0f;
        /* p outermost per row keeps every c_ij a single fma chain in increasing p while streaming B rows. */
        for (int64_t p = 0; p < k; p++) {
            const float aip = a[i * a_row + p * a_col];
            const float *bp = b + p * ldb;
            for (int64_t j = 0; j < n; j++) ci[j] = fmaf(aip, bp[j], ci[j]);
        }
    }
}

/* One dot product in the nt order: eight lane chains, the last partial group padded with fma(0, 0, ·)
 * (which the vector code does with masked loads), then the fixed reduction tree. */
static float dot_nt(const float *x, const float *y, int64_t k) {
    float l[NERVE_NT_LANES] = {0};
    int64_t p = 0;
    for (; p + NERVE_NT_LANES <= k; p += NERVE_NT_LANES)
        for (int q = 0; q < NERVE_NT_LANES; q++) l[q] = fmaf(x[p + q], y[p + q], l[q]);
    if (p < k)
        for (int q = 0; q < NERVE_NT_LANES; q++) {
            const int in = p + q < k;
            l[q] = fmaf(in ? x[p + q] : 0.0f, in ? y[p + q] : 0.0f, l[q]);
        }
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

void nerve_gemm_nt_generic(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda, const float *b,
                           ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    if (k == 0 && accumulate) return; /* nothing to add; keeps -0 and NaN payloads exactly as they were */
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            const float d = dot_nt(a + i * lda, b + j * ldb, k);
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + d : d;
        }
}
