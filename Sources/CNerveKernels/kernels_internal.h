/* Variant entry points behind the dispatch in kernels.c. They are hidden so they never leave the shared
 * library; tests link the objects directly and call each variant. */
#ifndef NERVE_KERNELS_INTERNAL_H
#define NERVE_KERNELS_INTERNAL_H

#include "nerve_kernels.h"

#if defined(__GNUC__) || defined(__clang__)
#define NERVE_HIDDEN __attribute__((visibility("hidden")))
#else
#define NERVE_HIDDEN
#endif

/* Products with nothing to sum: an empty block, or k <= 0 (C is then set to 0, or left alone when
 * accumulating). Returns nonzero when it handled the call. */
static inline int nerve_trivial_product(int64_t m, int64_t n, int64_t k, float *c, ptrdiff_t ldc, int accumulate) {
    if (m <= 0 || n <= 0) return 1;
    if (k > 0) return 0;
    if (!accumulate)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
    return 1;
}

/* Lanes of the nt partial sums; shared by both variants so they agree bit for bit. */
#define NERVE_NT_LANES 8

NERVE_HIDDEN void nerve_gemm_nn_generic(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row,
                                        ptrdiff_t a_col, const float *b, ptrdiff_t ldb, float *c,
                                        ptrdiff_t ldc, int accumulate);
NERVE_HIDDEN void nerve_gemm_nt_generic(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda,
                                        const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                                        int accumulate);

#if defined(__x86_64__)
#define NERVE_HAVE_AVX2_VARIANT 1
NERVE_HIDDEN void nerve_gemm_nn_avx2(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row,
                                     ptrdiff_t a_col, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                                     int accumulate);
NERVE_HIDDEN void nerve_gemm_nt_avx2(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda,
                                     const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate);
/* Nonzero when the CPU and OS support AVX2 and FMA (decided from cpuid/xgetbv, not cached). */
NERVE_HIDDEN int nerve_cpu_has_avx2_fma(void);
#endif

#endif
