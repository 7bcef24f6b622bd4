/* Runtime choice of the kernel variant: made once per process from what the CPU and OS support, then
 * read with a relaxed atomic load on every call (no locks; a racing first call just repeats the same
 * detection and stores the same answer). */
#include <stdatomic.h>

#include "kernels_internal.h"

enum { VARIANT_UNKNOWN = 0, VARIANT_GENERIC = 1, VARIANT_AVX2 = 2 };

static _Atomic int chosen_variant = VARIANT_UNKNOWN;

static int variant(void) {
    int v = atomic_load_explicit(&chosen_variant, memory_order_relaxed);
    if (v == VARIANT_UNKNOWN) {
        v = VARIANT_GENERIC;
#if defined(NERVE_HAVE_AVX2_VARIANT)
        if (nerve_cpu_has_avx2_fma()) v = VARIANT_AVX2;
#endif
        atomic_store_explicit(&chosen_variant, v, memory_order_relaxed);
    }
    return v;
}

void nerve_gemm_nn(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                   const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
#if defined(NERVE_HAVE_AVX2_VARIANT)
    if (variant() == VARIANT_AVX2) {
        nerve_gemm_nn_avx2(m, n, k, a, a_row, a_col, b, ldb, c, ldc, accumulate);
        return;
    }
#endif
    nerve_gemm_nn_generic(m, n, k, a, a_row, a_col, b, ldb, c, ldc, accumulate);
}

void nerve_gemm_nt(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda, const float *b,
                   ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
#if defined(NERVE_HAVE_AVX2_VARIANT)
    if (variant() == VARIANT_AVX2) {
        nerve_gemm_nt_avx2(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        return;
    }
#endif
    nerve_gemm_nt_generic(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

const char *nerve_kernels_name(void) { return variant() == VARIANT_AVX2 ? "avx2-fma" : "generic"; }
