/* What OpenBLAS sgemm alone achieves on this machine, one and two threads:
 *   - GFLOP/s of a 1024 × 1024 × 1024 product (the machine's practical peak);
 *   - for each training workload given as NAME=BATCH:SIZES (e.g. A=10:784,100,10), the seconds per epoch of
 *     n samples spent in exactly the GEMMs a training step needs (forward Z = X·Wᵀ, weight gradient Δᵀ·X,
 *     input delta Δ·W for every layer but the first) at the workload's batch size.
 * Both figures are the best of several runs, to show the machine's capability rather than its noise. OpenBLAS
 * runs with the environment as it is (OPENBLAS_* variables included); the RESULT names the core it chose.
 * Prints one "RESULT {json}" line. */
#include <cblas.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "median.h"

#define MAX_LAYERS 16

static float *random_matrix(size_t count) {
    float *m = malloc(count * sizeof *m);
    if (!m) {
        fprintf(stderr, "sgemm_floor: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++) m[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return m;
}

static double peak_gflops(int threads) {
    const int n = 1024;
    float *a = random_matrix((size_t)n * n), *b = random_matrix((size_t)n * n), *c = random_matrix((size_t)n * n);
    openblas_set_num_threads(threads);
    double seconds[9];
    for (int r = -1; r < 9; r++) {  /* r = -1 warms up the thread pool and caches */
        double start = now_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        if (r >= 0) seconds[r] = now_seconds() - start;
    }
    free(a), free(b), free(c);
    /* The best run: what the machine can do, the least disturbed by anything else running. */
    return 2.0 * n * n * n / quantile_in_place(seconds, 9, 0.0) / 1e9;
}

typedef struct {
    const char *name;
    int batch, n_sizes;
    int sizes[MAX_LAYERS + 1];
} workload;

static int parse_workload(char *arg, workload *w) {
    char *equals = strchr(arg, '=');
    if (!equals) return -1;
    *equals = '\0';
    w->name = arg;
    char *cursor = equals + 1, *end;
    w->batch = (int)strtol(cursor, &end, 10);
    if (end == cursor || *end != ':' || w->batch <= 0) return -1;
    w->n_sizes = 0;
    cursor = end + 1;
    while (*cursor && w->n_sizes <= MAX_LAYERS) {
        w->sizes[w->n_sizes++] = (int)strtol(cursor, &end, 10);
        if (end == cursor) return -1;
        cursor = *end == ',' ? end + 1 : end;
    }
    return w->n_sizes >= 2 ? 0 : -1;
}

/* Seconds per epoch of `samples` spent in the training step's GEMMs, timed over `steps` steps and scaled. */
static double workload_floor(const workload *w, int threads, long samples, int steps) {
    int b = w->batch, largest = 0;
    for (int i = 0; i < w->n_sizes; i++)
        if (w->sizes[i] > largest) largest = w->sizes[i];
    float *x = random_matrix((size_t)b * largest), *z = random_matrix((size_t)b * largest);
    float *delta = random_matrix((size_t)b * largest), *delta_in = random_matrix((size_t)b * largest);
    float *weights[MAX_LAYERS], *gradients[MAX_LAYERS];
    for (int l = 0; l + 1 < w->n_sizes; l++) {
        weights[l] = random_matrix((size_t)w->sizes[l] * w->sizes[l + 1]);
        gradients[l] = random_matrix((size_t)w->sizes[l] * w->sizes[l + 1]);
    }
    openblas_set_num_threads(threads);
    double start = 0, best = 1e300;
    for (int step = -steps / 10; step < 3 * steps; step++) {  /* warm up for a tenth, then best of three */
        if (step >= 0 && step % steps == 0) {
            double now = now_seconds();
            if (step > 0 && now - start < best) best = now - start;
            start = now;
        }
        for (int l = 0; l + 1 < w->n_sizes; l++) {
            int in = w->sizes[l], out = w->sizes[l + 1];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, out, in, 1.0f, x, in, weights[l], in, 0.0f, z,
                        out);
        }
        for (int l = w->n_sizes - 2; l >= 0; l--) {
            int in = w->sizes[l], out = w->sizes[l + 1];
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, b, 1.0f, delta, out, x, in, 0.0f,
                        gradients[l], in);
            if (l > 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, in, out, 1.0f, delta, out, weights[l], in,
                            0.0f, delta_in, in);
        }
    }
    double last = now_seconds() - start;
    double per_step = (last < best ? last : best) / steps;
    for (int l = 0; l + 1 < w->n_sizes; l++) free(weights[l]), free(gradients[l]);
    free(x), free(z), free(delta), free(delta_in);
    return per_step * (double)((samples + b - 1) / b);
}

int main(int argc, char **argv) {
    long samples = 60000;
    workload workloads[8];
    int count = 0;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "n=", 2) == 0) {
            samples = strtol(argv[i] + 2, NULL, 10);
        } else if (count < 8 && parse_workload(argv[i], &workloads[count]) == 0) {
            count++;
        } else {
            fprintf(stderr, "usage: sgemm_floor [n=SAMPLES] [NAME=BATCH:SIZE,SIZE,...]...\n");
            return 2;
        }
    }
    printf("RESULT {\"library\": \"openblas\", \"core\": \"%s\", \"config\": \"%s\", ", openblas_get_corename(),
           openblas_get_config());
    printf("\"peak_gflops\": {\"1\": %.2f, \"2\": %.2f}, \"floor_seconds\": {", peak_gflops(1), peak_gflops(2));
    for (int i = 0; i < count; i++) {
        int steps = workloads[i].batch >= 64 ? 150 : 1500;
        printf("%s\"%s\": {\"1\": %.4f, \"2\": %.4f}", i ? ", " : "", workloads[i].name,
               workload_floor(&workloads[i], 1, samples, steps), workload_floor(&workloads[i], 2, samples, steps));
    }
    printf("}}\n");
    return 0;
}
