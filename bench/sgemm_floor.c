/* What OpenBLAS sgemm alone achieves on this machine, one and two threads:
 *   - GFLOP/s of a 1024 × 1024 × 1024 product (the machine's practical peak);
 *   - for each training workload given as NAME=BATCH:SIZES (e.g. A=10:784,100,10), the seconds per epoch of
 *     n samples spent in exactly the GEMMs a training step needs (forward Z = X·Wᵀ, weight gradient Δᵀ·X,
 *     input delta Δ·W for every layer but the first) at the workload's batch size;
 *   - the same for a workload given layer by layer as NAME=BATCH/ROWSxINxOUT,... (e.g. E=64/36864x25x32,64x1024x10):
 *     each layer one product of ROWS rows of IN values into OUT values, as a convolution is in im2col form
 *     (ROWS = batch × output positions, IN = channels × window area, OUT = filters). Only the products are
 *     timed: neither the copies into patch rows nor their way back.
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
    int batch, n_layers, layered;              /* layered: given as BATCH/ROWSxINxOUT,... */
    int rows[MAX_LAYERS], in[MAX_LAYERS], out[MAX_LAYERS];
} workload;

static int parse_workload(char *arg, workload *w) {
    char *equals = strchr(arg, '=');
    if (!equals) return -1;
    *equals = '\0';
    w->name = arg;
    char *cursor = equals + 1, *end;
    w->batch = (int)strtol(cursor, &end, 10);
    if (end == cursor || (*end != ':' && *end != '/') || w->batch <= 0) return -1;
    w->layered = *end == '/';
    w->n_layers = 0;
    cursor = end + 1;
    if (w->layered) {
        while (*cursor && w->n_layers < MAX_LAYERS) {
            int l = w->n_layers++;
            if (sscanf(cursor, "%dx%dx%d", &w->rows[l], &w->in[l], &w->out[l]) != 3) return -1;
            if (w->rows[l] <= 0 || w->in[l] <= 0 || w->out[l] <= 0) return -1;
            cursor = strchr(cursor, ',');
            if (!cursor) break;
            cursor++;
        }
        return w->n_layers >= 1 ? 0 : -1;
    }
    int sizes[MAX_LAYERS + 1], n_sizes = 0;
    while (*cursor && n_sizes <= MAX_LAYERS) {
        sizes[n_sizes++] = (int)strtol(cursor, &end, 10);
        if (end == cursor || sizes[n_sizes - 1] <= 0) return -1;
        cursor = *end == ',' ? end + 1 : end;
    }
    for (int l = 0; l + 1 < n_sizes; l++) {
        w->rows[l] = w->batch;
        w->in[l] = sizes[l];
        w->out[l] = sizes[l + 1];
    }
    w->n_layers = n_sizes - 1;
    return n_sizes >= 2 ? 0 : -1;
}

/* Floating-point operations of one training step's GEMMs. */
static double step_flops(const workload *w) {
    double flops = 0;
    for (int l = 0; l < w->n_layers; l++) flops += 2.0 * w->rows[l] * w->in[l] * w->out[l] * (l > 0 ? 3 : 2);
    return flops;
}

/* Seconds per epoch of `samples` spent in the training step's GEMMs, timed over `steps` steps and scaled. */
static double workload_floor(const workload *w, int threads, long samples, int steps) {
    size_t largest = 0;
    for (int l = 0; l < w->n_layers; l++) {
        size_t in = (size_t)w->rows[l] * w->in[l], out = (size_t)w->rows[l] * w->out[l];
        if (in > largest) largest = in;
        if (out > largest) largest = out;
    }
    float *x = random_matrix(largest), *z = random_matrix(largest);
    float *delta = random_matrix(largest), *delta_in = random_matrix(largest);
    float *weights[MAX_LAYERS], *gradients[MAX_LAYERS];
    for (int l = 0; l < w->n_layers; l++) {
        weights[l] = random_matrix((size_t)w->in[l] * w->out[l]);
        gradients[l] = random_matrix((size_t)w->in[l] * w->out[l]);
    }
    openblas_set_num_threads(threads);
    double start = 0, best = 1e300;
    int warm_up = steps / 10 > 0 ? steps / 10 : 1;
    for (int step = -warm_up; step < 3 * steps; step++) {  /* warm up for a tenth, then best of three */
        if (step >= 0 && step % steps == 0) {
            double now = now_seconds();
            if (step > 0 && now - start < best) best = now - start;
            start = now;
        }
        for (int l = 0; l < w->n_layers; l++) {
            int b = w->rows[l], in = w->in[l], out = w->out[l];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, out, in, 1.0f, x, in, weights[l], in, 0.0f, z,
                        out);
        }
        for (int l = w->n_layers - 1; l >= 0; l--) {
            int b = w->rows[l], in = w->in[l], out = w->out[l];
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, b, 1.0f, delta, out, x, in, 0.0f,
                        gradients[l], in);
            if (l > 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, in, out, 1.0f, delta, out, weights[l], in,
                            0.0f, delta_in, in);
        }
    }
    double last = now_seconds() - start;
    double per_step = (last < best ? last : best) / steps;
    for (int l = 0; l < w->n_layers; l++) free(weights[l]), free(gradients[l]);
    free(x), free(z), free(delta), free(delta_in);
    return per_step * (double)((samples + w->batch - 1) / w->batch);
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
            fprintf(stderr, "usage: sgemm_floor [n=SAMPLES] [NAME=BATCH:SIZE,SIZE,... | "
                            "NAME=BATCH/ROWSxINxOUT,...]...\n");
            return 2;
        }
    }
    printf("RESULT {\"library\": \"openblas\", \"core\": \"%s\", \"config\": \"%s\", ", openblas_get_corename(),
           openblas_get_config());
    printf("\"peak_gflops\": {\"1\": %.2f, \"2\": %.2f}, \"floor_seconds\": {", peak_gflops(1), peak_gflops(2));
    for (int i = 0; i < count; i++) {
        int steps = workloads[i].batch >= 64 ? 150 : 1500;
        if (workloads[i].layered) { /* about 0.2 s of a 100 GFLOP/s machine per round */
            double per_step = step_flops(&workloads[i]);
            steps = per_step > 2e10 / 1500 ? (int)(2e10 / per_step) : 1500;
            if (steps < 3) steps = 3;
        }
        printf("%s\"%s\": {\"1\": %.4f, \"2\": %.4f}", i ? ", " : "", workloads[i].name,
               workload_floor(&workloads[i], 1, samples, steps), workload_floor(&workloads[i], 2, samples, steps));
    }
    printf("}}\n");
    return 0;
}
