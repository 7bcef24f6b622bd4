/* Correctness and order-contract tests for the matrix kernels. Both variants are exercised: the dispatched
 * one (AVX2 on capable machines) and the generic one through the internal entry points.
 * Prints "N passed, N failed" last and exits non-zero on any failure. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels_internal.h"

typedef void (*nn_fn)(int64_t, int64_t, int64_t, const float *, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t,
                      float *, ptrdiff_t, int);
typedef void (*nt_fn)(int64_t, int64_t, int64_t, const float *, ptrdiff_t, const float *, ptrdiff_t, float *,
                      ptrdiff_t, int);

static const struct {
    const char *name;
    nn_fn nn;
    nt_fn nt;
} variants[] = {
    {"dispatched", nerve_gemm_nn, nerve_gemm_nt},
    {"generic", nerve_gemm_nn_generic, nerve_gemm_nt_generic},
};
enum { NVARIANTS = sizeof variants / sizeof variants[0] };

static long passed, failed;
static void check(int ok, const char *what, const char *variant, int64_t m, int64_t n, int64_t k, int acc) {
    if (ok) {
        passed++;
        return;
    }
    if (failed++ < 30)
        fprintf(stderr, "FAIL %s [%s] m=%lld n=%lld k=%lld accumulate=%d\n", what, variant, (long long)m,
                (long long)n, (long long)k, acc);
}

/* xorshift64*: reproducible inputs without libc rand's platform differences. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}
static int64_t rnd_int(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }
static float rnd_float(void) { return (float)((double)(rnd() >> 11) / 9007199254740992.0 * 2.0 - 1.0); }
static void fill(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) x[i] = rnd_float();
}
static int same_bits(float x, float y) { return memcmp(&x, &y, sizeof x) == 0; }
static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* The nn contract, written out: one fmaf per term in increasing p. */
static float nn_contract(int64_t i, int64_t j, int64_t k, const float *a, ptrdiff_t a_row, ptrdiff_t a_col,
                         const float *b, ptrdiff_t ldb, float c0, int acc) {
    float c = acc ? c0 : 0.0f;
    for (int64_t p = 0; p < k; p++) c = fmaf(a[i * a_row + p * a_col], b[p * ldb + j], c);
    return c;
}

/* The documented nt order: 8 lane chains, padding terms fma(0,0,·), fixed tree, then c + dot. */
static float nt_contract(const float *x, const float *y, int64_t k, float c0, int acc) {
    if (k == 0 && acc) return c0;
    float l[8] = {0};
    for (int64_t p = 0; p < (k + 7) / 8 * 8; p++) {
        const int in = p < k;
        l[p % 8] = fmaf(in ? x[p] : 0.0f, in ? y[p] : 0.0f, l[p % 8]);
    }
    const float d = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
    return acc ? c0 + d : d;
}

/* Tolerance of a float fma chain against the exact sum: k+2 roundings of at most the absolute sum. */
static int close_enough(float got, double exact, double abs_sum, int64_t k) {
    const double bound = (double)(k + 2) * ldexp(1.0, -24) * abs_sum + 1e-30;
    return fabs((double)got - exact) <= bound;
}

/* One random nn problem: checks accuracy against a double reference, bit equality with the contract,
 * untouched padding, and equality between the variants. */
static void test_nn_case(int64_t m, int64_t n, int64_t k, int transposed, int acc) {
    const ptrdiff_t a_row = transposed ? 1 : k + rnd_int(0, 3), a_col = transposed ? m + rnd_int(0, 3) : 1;
    const ptrdiff_t ldb = n + rnd_int(0, 5), ldc = n + rnd_int(1, 5);
    const size_t a_len = (size_t)(m ? (m - 1) * a_row : 0) + (size_t)(k ? (k - 1) * a_col : 0) + 1;
    float *a = xmalloc(a_len * sizeof *a), *b = xmalloc((size_t)(k * ldb + 1) * sizeof *b);
    float *c0 = xmalloc((size_t)(m * ldc + 1) * sizeof *c0), *c = xmalloc((size_t)(m * ldc + 1) * sizeof *c);
    float *first = xmalloc((size_t)(m * ldc + 1) * sizeof *c);
    fill(a, a_len);
    fill(b, (size_t)(k * ldb + 1));
    for (int64_t x = 0; x < m * ldc + 1; x++) c0[x] = (!acc && x % ldc < n) ? NAN : rnd_float();
    for (int v = 0; v < NVARIANTS; v++) {
        memcpy(c, c0, (size_t)(m * ldc + 1) * sizeof *c);
        variants[v].nn(m, n, k, a, a_row, a_col, b, ldb, c, ldc, acc);
        int accurate = 1, exact = 1, padding = 1;
        for (int64_t i = 0; i < m; i++) {
            for (int64_t j = 0; j < n; j++) {
                double s = acc ? c0[i * ldc + j] : 0.0, abs_s = fabs(s);
                for (int64_t p = 0; p < k; p++) {
                    const double t = (double)a[i * a_row + p * a_col] * b[p * ldb + j];
                    s += t;
                    abs_s += fabs(t);
                }
                const float got = c[i * ldc + j];
                accurate &= close_enough(got, s, abs_s, k);
                exact &= same_bits(got, nn_contract(i, j, k, a, a_row, a_col, b, ldb, c0[i * ldc + j], acc));
            }
            for (int64_t j = n; j < ldc; j++) padding &= same_bits(c[i * ldc + j], c0[i * ldc + j]);
        }
        padding &= same_bits(c[m * ldc], c0[m * ldc]);
        check(accurate, "nn accuracy vs double", variants[v].name, m, n, k, acc);
        check(exact, "nn bit-identical to the fmaf contract loop", variants[v].name, m, n, k, acc);
        check(padding, "nn leaves C outside the block untouched", variants[v].name, m, n, k, acc);
        if (v == 0) memcpy(first, c, (size_t)(m * ldc + 1) * sizeof *c);
        else check(memcmp(first, c, (size_t)(m * ldc + 1) * sizeof *c) == 0, "nn variants agree", variants[v].name, m, n, k, acc);
    }
    free(a), free(b), free(c0), free(c), free(first);
}

static void test_nt_case(int64_t m, int64_t n, int64_t k, int acc) {
    const ptrdiff_t lda = k + rnd_int(0, 9), ldb = k + rnd_int(0, 9), ldc = n + rnd_int(1, 5);
    float *a = xmalloc((size_t)(m * lda + 1) * sizeof *a), *b = xmalloc((size_t)(n * ldb + 1) * sizeof *b);
    float *c0 = xmalloc((size_t)(m * ldc + 1) * sizeof *c0), *c = xmalloc((size_t)(m * ldc + 1) * sizeof *c);
    float *first = xmalloc((size_t)(m * ldc + 1) * sizeof *c);
    fill(a, (size_t)(m * lda + 1));
    fill(b, (size_t)(n * ldb + 1));
    for (int64_t x = 0; x < m * ldc + 1; x++) c0[x] = (!acc && x % ldc < n) ? NAN : rnd_float();
    for (int v = 0; v < NVARIANTS; v++) {
        memcpy(c, c0, (size_t)(m * ldc + 1) * sizeof *c);
        variants[v].nt(m, n, k, a, lda, b, ldb, c, ldc, acc);
        int accurate = 1, exact = 1, padding = 1;
        for (int64_t i = 0; i < m; i++) {
            for (int64_t j = 0; j < n; j++) {
                double d = 0.0, abs_s = acc ? fabs(c0[i * ldc + j]) : 0.0;
                for (int64_t p = 0; p < k; p++) {
                    const double t = (double)a[i * lda + p] * b[j * ldb + p];
                    d += t;
                    abs_s += fabs(t);
                }
                const float got = c[i * ldc + j];
                accurate &= close_enough(got, acc ? d + c0[i * ldc + j] : d, abs_s, k);
                exact &= same_bits(got, nt_contract(a + i * lda, b + j * ldb, k, c0[i * ldc + j], acc));
            }
            for (int64_t j = n; j < ldc; j++) padding &= same_bits(c[i * ldc + j], c0[i * ldc + j]);
        }
        padding &= same_bits(c[m * ldc], c0[m * ldc]);
        check(accurate, "nt accuracy vs double", variants[v].name, m, n, k, acc);
        check(exact, "nt bit-identical to the documented order", variants[v].name, m, n, k, acc);
        check(padding, "nt leaves C outside the block untouched", variants[v].name, m, n, k, acc);
        if (v == 0) memcpy(first, c, (size_t)(m * ldc + 1) * sizeof *c);
        else check(memcmp(first, c, (size_t)(m * ldc + 1) * sizeof *c) == 0, "nt variants agree", variants[v].name, m, n, k, acc);
    }
    free(a), free(b), free(c0), free(c), free(first);
}

static int64_t interesting_size(int64_t cap) {
    static const int64_t sizes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33,
                                    47, 48, 49, 63, 64, 65, 100, 127, 128, 255, 257, 300};
    int64_t s;
    do s = rnd() % 3 ? sizes[rnd() % (sizeof sizes / sizeof sizes[0])] : rnd_int(0, cap);
    while (s > cap);
    return s;
}

static void test_random_shapes(void) {
    for (int t = 0; t < 600; t++) {
        const int64_t m = interesting_size(70), n = interesting_size(140), k = interesting_size(t % 10 ? 140 : 600);
        test_nn_case(m, n, k, (int)(rnd() & 1), (int)(rnd() & 1));
        test_nt_case(m, n, k, (int)(rnd() & 1));
    }
    /* Shapes of the dense layers, including k past one nn k-block, and an nt with B past L2 whose rows of A
     * span several L2 blocks, a partial last block, a column tail and two leftover rows. */
    static const int64_t layer[][3] = {{128, 784, 256}, {256, 784, 128}, {10, 100, 784}, {1, 64, 784}, {3, 10, 64},
                                       {100, 784, 10}, {7, 256, 1000}, {2, 33, 513}, {200, 203, 1001}};
    for (size_t t = 0; t < sizeof layer / sizeof layer[0]; t++)
        for (int acc = 0; acc < 2; acc++) {
            test_nn_case(layer[t][0], layer[t][1], layer[t][2], acc, acc);
            test_nt_case(layer[t][0], layer[t][1], layer[t][2], acc);
        }
}

/* Batch and split invariance: row i must come out bit-identical whether it is computed in a call of
 * 1, 2, 3, 7, 32 or 1000 rows, at any position, and whether the columns are computed in one call or split. */
static void test_invariance(int64_t n, int64_t k, int transposed, int acc, int v) {
    enum { M = 1000 };
    const ptrdiff_t ldc = n + 3;
    const ptrdiff_t a_row = transposed ? 1 : k + 1, a_col = transposed ? M + 2 : 1; /* nn's A */
    const ptrdiff_t lda = k + 1, ldb_nn = n + 1, ldb_nt = k + 2;
    const size_t a_len = (size_t)((M - 1) * a_row + (k ? (k - 1) * a_col : 0) + (M + 2) * (k + 1) + 1);
    float *a = xmalloc(a_len * sizeof *a);
    float *b = xmalloc((size_t)((k + 1) * ldb_nn + n * ldb_nt + 1) * sizeof *b);
    float *c0 = xmalloc((size_t)(M * ldc) * sizeof *c0), *full = xmalloc((size_t)(M * ldc) * sizeof *c0);
    float *part = xmalloc((size_t)(M * ldc) * sizeof *c0);
    fill(a, a_len);
    fill(b, (size_t)((k + 1) * ldb_nn + n * ldb_nt + 1));
    fill(c0, (size_t)(M * ldc));
    static const int64_t batch[] = {1, 2, 3, 7, 32, 1000};
    for (int which = 0; which < 2; which++) { /* 0 = nn, 1 = nt */
        const char *name = which ? "nt batch/split invariance" : "nn batch/split invariance";
        const size_t bytes = (size_t)(M * ldc) * sizeof *c0;
#define RUN(row0, rows, col0, cols, dst)                                                                            \
    do {                                                                                                           \
        if (which)                                                                                                 \
            variants[v].nt(rows, cols, k, a + (row0) * lda, lda, b + (col0) * ldb_nt, ldb_nt,                      \
                           (dst) + (row0) * ldc + (col0), ldc, acc);                                               \
        else                                                                                                       \
            variants[v].nn(rows, cols, k, a + (row0) * a_row, a_row, a_col, b + (col0), ldb_nn,                    \
                           (dst) + (row0) * ldc + (col0), ldc, acc);                                               \
    } while (0)
        memcpy(full, c0, bytes);
        RUN(0, M, 0, n, full);
        int ok = 1;
        for (size_t t = 0; t < sizeof batch / sizeof batch[0]; t++) {
            /* Tile the M rows with calls of batch[t] rows, starting at a shifted offset so each row
             * lands at different positions inside the calls. */
            const int64_t bs = batch[t];
            for (int64_t shift = 0; shift < (bs < 4 ? bs : 4); shift++) {
                memcpy(part, c0, bytes);
                int64_t r = 0;
                if (shift) {
                    RUN(0, shift, 0, n, part);
                    r = shift;
                }
                for (; r < M; r += bs) RUN(r, (M - r < bs ? M - r : bs), 0, n, part);
                ok &= memcmp(part, full, bytes) == 0;
            }
        }
        /* Column splits at various points, same ldc. */
        static const int64_t splits[] = {1, 3, 7, 8, 9, 15, 16, 17, 33, 50, 64, 100};
        for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
            const int64_t at = splits[s] < n ? splits[s] : n;
            memcpy(part, c0, bytes);
            RUN(0, M, 0, at, part);
            RUN(0, M, at, n - at, part);
            ok &= memcmp(part, full, bytes) == 0;
            /* A sub-block: rows 5..11, columns at..n, alone. */
            memcpy(part, c0, bytes);
            RUN(5, 7, at, n - at, part);
            for (int64_t i = 5; i < 12; i++)
                ok &= memcmp(part + i * ldc + at, full + i * ldc + at, (size_t)(n - at) * sizeof *part) == 0;
        }
#undef RUN
        check(ok, name, variants[v].name, M, n, k, acc);
    }
    free(a), free(b), free(c0), free(full), free(part);
}

static void test_k_zero(void) {
    for (int v = 0; v < NVARIANTS; v++)
        for (int acc = 0; acc < 2; acc++) {
            float a[1] = {1}, b[1] = {1}, c[6] = {NAN, -0.0f, 3, NAN, -0.0f, 3}, want[6];
            memcpy(want, c, sizeof c);
            if (!acc) memset(want, 0, sizeof want);
            variants[v].nn(2, 3, 0, a, 1, 1, b, 3, c, 3, acc);
            check(memcmp(c, want, sizeof c) == 0, "nn k = 0", variants[v].name, 2, 3, 0, acc);
            float d[6] = {NAN, -0.0f, 3, NAN, -0.0f, 3};
            variants[v].nt(2, 3, 0, a, 1, b, 1, d, 3, acc);
            check(memcmp(d, want, sizeof d) == 0, "nt k = 0", variants[v].name, 2, 3, 0, acc);
        }
}

int main(void) {
    const char *name = nerve_kernels_name();
#if defined(NERVE_HAVE_AVX2_VARIANT)
    check(strcmp(name, nerve_cpu_has_avx2_fma() ? "avx2-fma" : "generic") == 0, "variant name", name, 0, 0, 0, 0);
#else
    check(strcmp(name, "generic") == 0, "variant name", name, 0, 0, 0, 0);
#endif
    printf("kernel variant: %s\n", name);
    test_k_zero();
    test_random_shapes();
    static const int64_t nk[][2] = {{10, 64}, {64, 300}, {100, 10}, {37, 13}, {128, 40}, {17, 270}};
    for (int v = 0; v < NVARIANTS; v++)
        for (size_t t = 0; t < sizeof nk / sizeof nk[0]; t++)
            for (int acc = 0; acc < 2; acc++) test_invariance(nk[t][0], nk[t][1], (int)(t & 1), acc, v);
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
