/* GFLOP/s of the kernels against single-threaded OpenBLAS sgemm on the dense-layer shapes.
 * Run with OPENBLAS_NUM_THREADS=1 (the Makefile's `bench` target does). */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nerve_kernels.h"

/* Thread CPU time rather than wall time: on a shared machine, time spent preempted is not the kernel's. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static float *random_floats(size_t count) {
    float *x = malloc(count * sizeof *x);
    if (!x) exit(2);
    for (size_t i = 0; i < count; i++) x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return x;
}

enum { NT, NN_DX, NN_DW };
struct shape {
    const char *what;
    int kind;
    int64_t m, n, k;
};

/* Best time per call of two competitors, measured in alternating short rounds so that both see the same
 * machine state and a round is rarely cut by preemption; the minimum over rounds is reported. */
#define TIME_PAIR(t_first, first, t_second, second)                                                            \
    do {                                                                                                     \
        long reps = 1;                                                                                       \
        for (;;) { /* about a millisecond per round */                                                      \
            const double t0 = now();                                                                         \
            for (long r = 0; r < reps; r++) { first; }                                                       \
            if (now() - t0 > 1e-3) break;                                                                    \
            reps *= 2;                                                                                       \
        }                                                                                                    \
        const int rounds = reps > 1 ? 60 : 8;                                                                \
        t_first = t_second = 1e30;                                                                           \
        for (int round = 0; round < rounds; round++) {                                                       \
            double t0 = now();                                                                               \
            for (long r = 0; r < reps; r++) { first; }                                                       \
            double t = (now() - t0) / (double)reps;                                                          \
            if (t < t_first) t_first = t;                                                                    \
            t0 = now();                                                                                      \
            for (long r = 0; r < reps; r++) { second; }                                                      \
            t = (now() - t0) / (double)reps;                                                                 \
            if (t < t_second) t_second = t;                                                                  \
        }                                                                                                    \
    } while (0)

int main(int argc, char **argv) {
    /* Optional argument: run only the shapes whose label contains it. */
    const char *only = argc > 1 ? argv[1] : NULL;
    static const struct shape shapes[] = {
        {"1-row fwd 784->64", NT, 1, 64, 784},    {"1-row fwd 64->10", NT, 1, 10, 64},
        {"1-row fwd 784->256", NT, 1, 256, 784},  {"A fwd 784->100 x10", NT, 10, 100, 784},
        {"A fwd 100->10 x10", NT, 10, 10, 100},   {"A dX 100<-10 x10", NN_DX, 10, 100, 10},
        {"A dW 100x784 x10", NN_DW, 100, 784, 10}, {"A dW 10x100 x10", NN_DW, 10, 100, 10},
        {"B fwd 784->256 x128", NT, 128, 256, 784}, {"B fwd 256->128 x128", NT, 128, 128, 256},
        {"B fwd 128->10 x128", NT, 128, 10, 128},  {"B dX 784<-256 x128", NN_DX, 128, 784, 256},
        {"B dX 256<-128 x128", NN_DX, 128, 256, 128}, {"B dX 128<-10 x128", NN_DX, 128, 128, 10},
        {"B dW 256x784 x128", NN_DW, 256, 784, 128}, {"B dW 128x256 x128", NN_DW, 128, 256, 128},
        {"B dW 10x128 x128", NN_DW, 10, 128, 128},  {"fwd 784->64 x128", NT, 128, 64, 784},
        {"fwd 64->10 x128", NT, 128, 10, 64},       {"dX 784<-64 x128", NN_DX, 128, 784, 64},
        {"dW 64x784 x128", NN_DW, 64, 784, 128},    {"D fwd 784->256 x10000", NT, 10000, 256, 784},
        {"D fwd 256->128 x10000", NT, 10000, 128, 256}, {"D fwd 128->10 x10000", NT, 10000, 10, 128},
    };
    printf("kernel variant: %s\n", nerve_kernels_name());
    printf("%-24s %-4s %6s %5s %5s %10s %10s %7s %10s\n", "shape", "op", "m", "n", "k", "nerve GF/s", "BLAS GF/s",
           "ratio", "nerve us");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const struct shape sh = shapes[s];
        if (only && !strstr(sh.what, only)) continue;
        const int64_t m = sh.m, n = sh.n, k = sh.k;
        double t_nerve, t_blas;
        const char *op;
        if (sh.kind == NT) { /* Z(m×n) = X(m×k)·W(n×k)ᵀ + Z */
            op = "nt";
            float *x = random_floats((size_t)(m * k)), *w = random_floats((size_t)(n * k));
            float *z = random_floats((size_t)(m * n));
            TIME_PAIR(t_nerve, nerve_gemm_nt(m, n, k, x, k, w, k, z, n, 1), t_blas, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, 1.0f, x,
                                          (int)k, w, (int)k, 1.0f, z, (int)n));
            free(x), free(w), free(z);
        } else if (sh.kind == NN_DX) { /* dX(m×n) = δ(m×k)·W(k×n) */
            op = "nn";
            float *d = random_floats((size_t)(m * k)), *w = random_floats((size_t)(k * n));
            float *dx = random_floats((size_t)(m * n));
            TIME_PAIR(t_nerve, nerve_gemm_nn(m, n, k, d, k, 1, w, n, dx, n, 0), t_blas, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, d,
                                          (int)k, w, (int)n, 0.0f, dx, (int)n));
            free(d), free(w), free(dx);
        } else { /* dW(m×n) = δ(k×m)ᵀ·X(k×n): m outputs, n inputs, k batch rows */
            op = "nnT";
            float *d = random_floats((size_t)(k * m)), *x = random_floats((size_t)(k * n));
            float *dw = random_floats((size_t)(m * n));
            TIME_PAIR(t_nerve, nerve_gemm_nn(m, n, k, d, 1, m, x, n, dw, n, 0), t_blas, cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, d,
                                          (int)m, x, (int)n, 0.0f, dw, (int)n));
            free(d), free(x), free(dw);
        }
        const double flop = 2.0 * (double)m * (double)n * (double)k;
        printf("%-24s %-4s %6lld %5lld %5lld %10.1f %10.1f %6.0f%% %10.3f\n", sh.what, op, (long long)m,
               (long long)n, (long long)k, flop / t_nerve * 1e-9, flop / t_blas * 1e-9, 100.0 * t_blas / t_nerve,
               t_nerve * 1e6);
    }
    return 0;
}
