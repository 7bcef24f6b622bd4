/* Single-precision matrix products used by Nerve's layers.
 *
 * Every output element is computed in an order fixed by the contracts below, so a value never depends on
 * how a caller batches rows, splits columns across threads, or where the element falls in a register tile.
 * All matrices are row-major float; strides are in elements. The kernels are single-threaded, allocate
 * nothing and do not validate their arguments. */
#ifndef NERVE_KERNELS_H
#define NERVE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Internal to libnerve.so: hidden, so the linker's nerve_* export list does not publish them. */
#if defined(__GNUC__)
#define NERVE_KERNEL_API __attribute__((visibility("hidden")))
#else
#define NERVE_KERNEL_API
#endif

/* C = A·B (accumulate = 0: C's previous content ignored, even NaN) or C += A·B (accumulate = 1)
 * over an m×n block: c_ij (+)= Σ_{p<k} A(i,p)·B(p,j), where A(i,p) = a[i*a_row + p*a_col] (any strides,
 * so A may be a transposed view) and B is row-major with leading dimension ldb (B(p,j) = b[p*ldb + j]).
 * C(i,j) = c[i*ldc + j].
 * ORDER CONTRACT: every element is computed as  c = (accumulate ? c : 0); for p = 0 .. k-1: c = fma(A(i,p), B(p,j), c)
 * exactly — one fused multiply-add per term, in increasing p, rounded to float after each term. So the value of
 * c_ij depends only on row i of A, column j of B, k and the initial c — never on m, n, the tiling, the
 * position of (i,j) in a tile or vector, or which kernel variant of the same process ran. */
NERVE_KERNEL_API void nerve_gemm_nn(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                                    const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate);

/* C = A·Bᵀ (or C += A·Bᵀ): c_ij (+)= Σ_p a[i*lda + p]·b[j*ldb + p]; A is m×k, B is n×k, both row-major
 * (dot products of rows). ORDER CONTRACT: the value of c_ij depends only on row i of A, row j of B, k and the
 * initial c — never on m, n, i, j or the tiling. The dot product uses eight lane-wise fma chains
 * (lane l takes the terms p ≡ l mod 8, in increasing p; terms past k count as fma(0, 0, ·)) reduced as
 * ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)); both variants use this same order. With accumulate = 1 the
 * dot product is added to c with one final rounding of (c + dot). k = 0 leaves C unchanged when accumulating
 * and sets it to 0 otherwise. */
NERVE_KERNEL_API void nerve_gemm_nt(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda,
                                    const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate);

/* "avx2-fma" or "generic": the variant this process runs (static string). */
NERVE_KERNEL_API const char *nerve_kernels_name(void);

#ifdef __cplusplus
}
#endif

#endif
