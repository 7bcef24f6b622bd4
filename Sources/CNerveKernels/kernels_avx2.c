/* AVX2 + FMA kernels. Each function carries target("avx2,fma") instead of the file being compiled with
 * -mavx2, because the package builds every file with the same flags and the choice is made at run time.
 *
 * Register tiles are written as always-inline functions whose shape arguments are compile-time constants
 * at every call site, so each shape becomes straight-line code with its accumulators in ymm registers.
 * Tails use masked loads and stores; masking only decides which lanes are kept, never the arithmetic of a
 * kept lane, so an element's value does not depend on where it falls in a tile. */
#include "kernels_internal.h"

#if defined(NERVE_HAVE_AVX2_VARIANT)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define TILE static inline __attribute__((always_inline, target("avx2,fma")))

TILE __m256i lane_mask(int64_t count) { /* lanes < count enabled */
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* ---------------------------------------------------------------------------------------------------
 * nn: C (+)= A·B. A tile of MR rows × NV vectors of 8 columns keeps MR·NV accumulators; each step p
 * broadcasts A(i,p) and does one fma per accumulator, which is exactly the contract's chain for every
 * element. Long k is cut into blocks of NN_KC whose running values go through C as floats (exact), so a
 * block of B rows stays in L1 while all row tiles of an MC block reuse it.
 * ------------------------------------------------------------------------------------------------- */
enum { NN_KC = 256, NN_MC = 96, NN_MAXV = 8, NN_PACK_W = 16 };

/* The main 6×16 shape uses 12 accumulators + 2 vectors of B + 1 broadcast of the 16 ymm registers. */
TILE void nn_tile(const int MR, const int NV, const int MASKED, __m256i mask, int64_t k, const float *a,
                  ptrdiff_t a_row, ptrdiff_t a_col, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                  int load_c) {
    __m256 acc[6][NN_MAXV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) {
            float *cp = c + r * ldc + 8 * v;
            if (!load_c) acc[r][v] = _mm256_setzero_ps();
            else if (MASKED && v == NV - 1) acc[r][v] = _mm256_maskload_ps(cp, mask);
            else acc[r][v] = _mm256_loadu_ps(cp);
        }
    for (int64_t p = 0; p < k; p++) {
        const float *bp = b + p * ldb, *ap = a + p * a_col;
        __m256 bv[NN_MAXV];
        for (int v = 0; v < NV; v++)
            bv[v] = (MASKED && v == NV - 1) ? _mm256_maskload_ps(bp + 8 * v, mask) : _mm256_loadu_ps(bp + 8 * v);
        for (int r = 0; r < MR; r++) {
            const __m256 av = _mm256_broadcast_ss(ap + r * a_row);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) {
            float *cp = c + r * ldc + 8 * v;
            if (MASKED && v == NV - 1) _mm256_maskstore_ps(cp, mask, acc[r][v]);
            else _mm256_storeu_ps(cp, acc[r][v]);
        }
}

/* `rows` rows (a multiple of MR) × all n columns: column panels outermost so each panel of B is reused
 * by every row tile; the last partial panel is masked. */
TILE void nn_rows(const int MR, const int NV, int64_t rows, int64_t n, int64_t k, const float *a, ptrdiff_t a_row,
                  ptrdiff_t a_col, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int load_c) {
    const __m256i none = _mm256_setzero_si256();
    /* When several row tiles share a panel, copy it to a contiguous buffer first: rows of B a power-of-two
     * apart (ldb = 256, 128, ...) would otherwise collide in a few L1 sets and be refetched from L2. */
    _Alignas(32) float packed[NN_KC * NN_PACK_W];
    const int pack = 8 * NV == NN_PACK_W && rows >= 2 * MR;
    int64_t j = 0;
    for (; j + 8 * NV <= n; j += 8 * NV) {
        const float *bj = b + j;
        ptrdiff_t ldbj = ldb;
        if (pack) {
            for (int64_t p = 0; p < k; p++)
                for (int v = 0; v < NV; v++)
                    _mm256_store_ps(packed + p * NN_PACK_W + 8 * v, _mm256_loadu_ps(b + p * ldb + j + 8 * v));
            bj = packed;
            ldbj = NN_PACK_W;
        }
        for (int64_t i = 0; i < rows; i += MR)
            nn_tile(MR, NV, 0, none, k, a + i * a_row, a_row, a_col, bj, ldbj, c + i * ldc + j, ldc, load_c);
    }
    if (j == n) return;
    const int64_t rest = n - j;
    const int tv = (int)((rest + 7) / 8);
    const __m256i mask = lane_mask(rest - 8 * (tv - 1));
    for (int64_t i = 0; i < rows; i += MR) {
        const float *ai = a + i * a_row;
        float *ci = c + i * ldc + j;
        switch (tv) { /* cases above NV cannot occur and fold away */
#define NN_TAIL(T) \
    case T: if (T <= NV) nn_tile(MR, T, 1, mask, k, ai, a_row, a_col, b + j, ldb, ci, ldc, load_c); break;
            NN_TAIL(1) NN_TAIL(2) NN_TAIL(3) NN_TAIL(4) NN_TAIL(5) NN_TAIL(6) NN_TAIL(7) NN_TAIL(8)
#undef NN_TAIL
        }
    }
}

AVX2 static void nn_block(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                          const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int load_c) {
    const int64_t m6 = m / 6 * 6;
    if (m6) nn_rows(6, 2, m6, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c);
    a += m6 * a_row;
    c += m6 * ldc;
    /* Fewer rows get wider tiles so there are still enough independent fma chains to hide latency. */
    switch (m - m6) {
    case 1: nn_rows(1, 8, 1, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c); break;
    case 2: nn_rows(2, 4, 2, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c); break;
    case 3: nn_rows(3, 4, 3, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c); break;
    case 4: nn_rows(4, 3, 4, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c); break;
    case 5: nn_rows(5, 2, 5, n, k, a, a_row, a_col, b, ldb, c, ldc, load_c); break;
    default: break;
    }
}

AVX2 void nerve_gemm_nn_avx2(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                             const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    if (nerve_trivial_product(m, n, k, c, ldc, accumulate)) return;
    for (int64_t p = 0; p < k; p += NN_KC) {
        const int64_t kc = k - p < NN_KC ? k - p : NN_KC;
        const int load_c = accumulate || p > 0; /* later blocks continue the chain stored in C */
        for (int64_t i = 0; i < m; i += NN_MC) {
            const int64_t mc = m - i < NN_MC ? m - i : NN_MC;
            nn_block(mc, n, kc, a + i * a_row + p * a_col, a_row, a_col, b + p * ldb, ldb, c + i * ldc, ldc, load_c);
        }
    }
}

/* ---------------------------------------------------------------------------------------------------
 * nt: C (+)= A·Bᵀ, dot products of rows. Each element has one 8-lane accumulator (lane l sums terms
 * p ≡ l mod 8); the k % 8 tail is a masked load, so its missing terms are fma(0, 0, ·) as in the generic
 * code. Reduction tree: ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)), done four elements at a time or one
 * at a time with identical pairings.
 * ------------------------------------------------------------------------------------------------- */
/* NT_L2_FLOATS: floats of B (384 KB, most of a 512 KB L2) up to which all of B is left in L2 while the rows
 * of A stream past it. Larger B is instead met by blocks of NT_ABLOCK_FLOATS of A (256 KB) held in L2,
 * against which one small group of rows of B at a time is held in L1. NT_L1_FLOATS: a B small enough
 * to stay in L1 between row tiles (16 KB). */
enum { NT_MAXR = 8, NT_L2_FLOATS = 96 * 1024, NT_ABLOCK_FLOATS = 64 * 1024, NT_L1_FLOATS = 4 * 1024 };

TILE __m128 hsum_tree4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    /* s = l_q + l_{q+4} per vector; then t0 = s0 + s2, t1 = s1 + s3; result t0 + t1 — per vector. */
    const __m128 s0 = _mm_add_ps(_mm256_castps256_ps128(v0), _mm256_extractf128_ps(v0, 1));
    const __m128 s1 = _mm_add_ps(_mm256_castps256_ps128(v1), _mm256_extractf128_ps(v1, 1));
    const __m128 s2 = _mm_add_ps(_mm256_castps256_ps128(v2), _mm256_extractf128_ps(v2, 1));
    const __m128 s3 = _mm_add_ps(_mm256_castps256_ps128(v3), _mm256_extractf128_ps(v3, 1));
    /* [s0^0 s0^1 s1^0 s1^1] + [s2^0 s2^1 s3^0 s3^1] = [t0^0 t0^1 t1^0 t1^1] */
    const __m128 w01 = _mm_add_ps(_mm_unpacklo_ps(s0, s1), _mm_unpackhi_ps(s0, s1));
    const __m128 w23 = _mm_add_ps(_mm_unpacklo_ps(s2, s3), _mm_unpackhi_ps(s2, s3));
    return _mm_add_ps(_mm_movelh_ps(w01, w23), _mm_movehl_ps(w23, w01));
}

TILE float hsum_tree1(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s)); /* [t0 t1 . .] */
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

/* MR rows of A × NR rows of B. The main 3×4 shape holds 12 accumulators + 3 rows of A + 1 of B in the
 * 16 ymm registers: 7 loads per 12 fma, and 12 independent chains cover the fma latency. */
TILE void nt_tile(const int MR, const int NR, int64_t k, __m256i tail, const float *a, ptrdiff_t lda,
                  const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    __m256 acc[3][NT_MAXR];
    for (int r = 0; r < MR; r++)
        for (int q = 0; q < NR; q++) acc[r][q] = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 8 <= k; p += 8) {
        __m256 av[3];
        for (int r = 0; r < MR; r++) av[r] = _mm256_loadu_ps(a + r * lda + p);
        for (int q = 0; q < NR; q++) {
            const __m256 bv = _mm256_loadu_ps(b + q * ldb + p);
            for (int r = 0; r < MR; r++) acc[r][q] = _mm256_fmadd_ps(av[r], bv, acc[r][q]);
        }
    }
    if (p < k) {
        __m256 av[3];
        for (int r = 0; r < MR; r++) av[r] = _mm256_maskload_ps(a + r * lda + p, tail);
        for (int q = 0; q < NR; q++) {
            const __m256 bv = _mm256_maskload_ps(b + q * ldb + p, tail);
            for (int r = 0; r < MR; r++) acc[r][q] = _mm256_fmadd_ps(av[r], bv, acc[r][q]);
        }
    }
    for (int r = 0; r < MR; r++) {
        float *cr = c + r * ldc;
        int q = 0;
        for (; q + 4 <= NR; q += 4) {
            __m128 s = hsum_tree4(acc[r][q], acc[r][q + 1], acc[r][q + 2], acc[r][q + 3]);
            if (accumulate) s = _mm_add_ps(_mm_loadu_ps(cr + q), s);
            _mm_storeu_ps(cr + q, s);
        }
        for (; q < NR; q++) {
            const float s = hsum_tree1(acc[r][q]);
            cr[q] = accumulate ? cr[q] + s : s;
        }
    }
}

/* `rows` rows (a multiple of MR) × n columns, NR columns of B per tile. */
TILE void nt_rows(const int MR, const int NR, int64_t rows, int64_t n, int64_t k, __m256i tail, const float *a,
                  ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    for (int64_t i = 0; i < rows; i += MR) {
        const float *ai = a + i * lda;
        float *ci = c + i * ldc;
        int64_t j = 0;
        for (; j + NR <= n; j += NR) nt_tile(MR, NR, k, tail, ai, lda, b + j * ldb, ldb, ci + j, ldc, accumulate);
        switch (n - j) { /* cases at or above NR cannot occur and fold away */
#define NT_TAIL(T) \
    case T: if (T < NR) nt_tile(MR, T, k, tail, ai, lda, b + j * ldb, ldb, ci + j, ldc, accumulate); break;
            NT_TAIL(1) NT_TAIL(2) NT_TAIL(3) NT_TAIL(4) NT_TAIL(5) NT_TAIL(6) NT_TAIL(7)
#undef NT_TAIL
        default: break;
        }
    }
}

/* `rows` rows (a multiple of MR) × n columns, with B larger than L2: for each block of rows of A that fits
 * in L2, each group of NR rows of B stays in L1 while every row tile of the block streams past it. Per
 * step of 8 terms that takes MR loads from L2 (A) and NR from L1 (B), where keeping B in L2 instead would
 * take NR from L2 and read A from memory once per panel of B. */
TILE void nt_blocked(const int MR, const int NR, int64_t rows, int64_t n, int64_t k, __m256i tail, const float *a,
                     ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    int64_t mc = NT_ABLOCK_FLOATS / k / MR * MR;
    if (mc < MR) mc = MR;
    for (int64_t i0 = 0; i0 < rows; i0 += mc) {
        const int64_t rc = rows - i0 < mc ? rows - i0 : mc;
        const float *ab = a + i0 * lda;
        float *cb = c + i0 * ldc;
        int64_t j = 0;
        for (; j + NR <= n; j += NR)
            for (int64_t i = 0; i < rc; i += MR)
                nt_tile(MR, NR, k, tail, ab + i * lda, lda, b + j * ldb, ldb, cb + i * ldc + j, ldc, accumulate);
        if (j == n) continue;
        for (int64_t i = 0; i < rc; i += MR) {
            const float *ai = ab + i * lda;
            float *ci = cb + i * ldc + j;
            switch (n - j) { /* cases at or above NR cannot occur and fold away */
#define NT_TAIL(T) \
    case T: if (T < NR) nt_tile(MR, T, k, tail, ai, lda, b + j * ldb, ldb, ci, ldc, accumulate); break;
            NT_TAIL(1) NT_TAIL(2) NT_TAIL(3) NT_TAIL(4) NT_TAIL(5) NT_TAIL(6) NT_TAIL(7)
#undef NT_TAIL
            default: break;
            }
        }
    }
}

AVX2 void nerve_gemm_nt_avx2(int64_t m, int64_t n, int64_t k, const float *a, ptrdiff_t lda, const float *b,
                             ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate) {
    if (nerve_trivial_product(m, n, k, c, ldc, accumulate)) return;
    const __m256i tail = lane_mask(k % 8);
    const int64_t m3 = m / 3 * 3;
    if (m3) {
        if (n * k <= NT_L2_FLOATS) nt_rows(3, 4, m3, n, k, tail, a, lda, b, ldb, c, ldc, accumulate);
        else nt_blocked(3, 4, m3, n, k, tail, a, lda, b, ldb, c, ldc, accumulate);
    }
    a += m3 * lda;
    c += m3 * ldc;
    /* One or two leftover rows take wider tiles so that enough fma chains stay independent; a single row
     * streaming a B that is not in L1 is bound by L2 bandwidth, where four rows of B at a time (four
     * streams, still one vector per cycle) beat eight. */
    switch (m - m3) {
    case 1:
        if (n * k <= NT_L1_FLOATS) nt_rows(1, 8, 1, n, k, tail, a, lda, b, ldb, c, ldc, accumulate);
        else nt_rows(1, 4, 1, n, k, tail, a, lda, b, ldb, c, ldc, accumulate);
        break;
    case 2: nt_rows(2, 4, 2, n, k, tail, a, lda, b, ldb, c, ldc, accumulate); break;
    default: break;
    }
}

#else
typedef int nerve_kernels_avx2_unused; /* keeps the translation unit non-empty on other architectures */
#endif
