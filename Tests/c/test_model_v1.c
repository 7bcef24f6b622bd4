/* Model files written by the 0.1 library (format version 1, Tests/fixtures/v1, made by
 * Tests/fixtures/make_v1_models.c) load through nerve_load and nerve_load_from_memory with the layer sizes,
 * activations and cost they were made with, and predict the outputs 0.1 gave for the stored inputs: within
 * 1e-6 (absolute, relative above 1), in one call of 40 rows and one row at a time; this version gives each
 * row the same bits alone as in the batch.
 *
 * The fixture directory is $NERVE_FIXTURES/v1, or ../fixtures/v1 beside this source file. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "reference.h"
#include "suite.h"

enum { ROWS = 40, MAX_LAYERS = 4 };

/* The networks make_v1_models.c created (see the README beside the files). */
static const struct {
    const char *name;
    int32_t n_sizes;
    int32_t sizes[MAX_LAYERS + 1];
    int32_t acts[MAX_LAYERS];
    int32_t cost;
} fixtures[] = {
    {"classifier", 4, {12, 9, 7, 4}, {NERVE_ACT_TANH, NERVE_ACT_RELU, NERVE_ACT_SOFTMAX}, NERVE_COST_LOG_LIKELIHOOD},
    {"multilabel", 3, {10, 8, 3}, {NERVE_ACT_LEAKY_RELU, NERVE_ACT_SIGMOID}, NERVE_COST_CROSS_ENTROPY},
    {"regression", 4, {6, 5, 4, 2}, {NERVE_ACT_SIGMOID, NERVE_ACT_RELU, NERVE_ACT_LINEAR}, NERVE_COST_QUADRATIC},
    {"step", 3, {8, 6, 3}, {NERVE_ACT_STEP, NERVE_ACT_SIGMOID}, NERVE_COST_QUADRATIC},
};
enum { FIXTURES = sizeof fixtures / sizeof fixtures[0] };

static void fixture_dir(char *dir, size_t size)
{
    const char *env = getenv("NERVE_FIXTURES");
    if (env && *env) {
        snprintf(dir, size, "%s/v1", env);
        return;
    }
    const char *file = __FILE__, *slash = strrchr(file, '/');
    if (slash)
        snprintf(dir, size, "%.*s/../fixtures/v1", (int)(slash - file), file);
    else
        snprintf(dir, size, "../fixtures/v1");
}

/* Reads exactly `count` little-endian float32 values; NULL if the file is missing or of another length. */
static float *read_f32(const char *path, size_t count)
{
    size_t size = 0;
    unsigned char *bytes = read_whole_file(path, &size);
    if (!bytes || size != count * 4) {
        if (bytes)
            fprintf(stderr, "     %s holds %zu bytes, expected %zu\n", path, size, count * 4);
        free(bytes);
        return NULL;
    }
    float *values = malloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++) {
        const unsigned char *b = bytes + 4 * i;
        uint32_t bits = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        memcpy(&values[i], &bits, 4);
    }
    free(bytes);
    return values;
}

static int close_enough(float got, float want)
{
    return fabs((double)got - (double)want) <= 1e-6 * fmax(1.0, fabs((double)want));
}

/* Counts outputs outside the tolerance and reports the first. */
static long compare_outputs(const float *got, const float *want, size_t n, int out, const char *what)
{
    long bad = 0;
    for (size_t i = 0; i < n; i++)
        if (!close_enough(got[i], want[i]) && bad++ == 0)
            fprintf(stderr, "     %s: row %zu output %zu is %.9g, 0.1 gave %.9g\n", what, i / (size_t)out,
                    i % (size_t)out, got[i], want[i]);
    return bad;
}

static int expect_structure(const nerve_net *net, int f, const char *how)
{
    int ok = CHECK(nerve_layer_count(net) == fixtures[f].n_sizes - 1 &&
                       nerve_input_size(net) == fixtures[f].sizes[0] &&
                       nerve_output_size(net) == fixtures[f].sizes[fixtures[f].n_sizes - 1],
                   "%s (%s): %d layers, %d inputs, %d outputs", fixtures[f].name, how, nerve_layer_count(net),
                   nerve_input_size(net), nerve_output_size(net));
    ok &= CHECK(nerve_cost(net) == fixtures[f].cost, "%s (%s): cost %d, expected %d", fixtures[f].name, how,
                nerve_cost(net), fixtures[f].cost);
    for (int l = 0; ok && l < fixtures[f].n_sizes - 1; l++) {
        int32_t in = -1, out = -1, act = -1;
        ok &= CHECK_OK(nerve_layer_info(net, l, &in, &out, &act));
        ok &= CHECK(in == fixtures[f].sizes[l] && out == fixtures[f].sizes[l + 1] && act == fixtures[f].acts[l],
                    "%s (%s): layer %d is %d-%d activation %d, expected %d-%d activation %d", fixtures[f].name, how,
                    l, in, out, act, fixtures[f].sizes[l], fixtures[f].sizes[l + 1], fixtures[f].acts[l]);
    }
    return ok;
}

/* The stored outputs themselves follow from the stored weights by the definitions (double precision), so the
 * fixture is what it claims to be. */
static void expect_reference(const nerve_net *net, int f, const float *x, const float *want)
{
    int layers = fixtures[f].n_sizes - 1, out_size = fixtures[f].sizes[layers];
    double *w[MAX_LAYERS], *b[MAX_LAYERS];
    for (int l = 0; l < layers; l++) {
        int in = fixtures[f].sizes[l], out = fixtures[f].sizes[l + 1];
        float *wf = malloc(sizeof(float) * (size_t)(in * out)), *bf = malloc(sizeof(float) * (size_t)out);
        w[l] = malloc(sizeof(double) * (size_t)(in * out));
        b[l] = malloc(sizeof(double) * (size_t)out);
        CHECK_OK(nerve_get_layer(net, l, wf, in * out, bf, out));
        for (int i = 0; i < in * out; i++)
            w[l][i] = wf[i];
        for (int j = 0; j < out; j++)
            b[l][j] = bf[j];
        free(wf);
        free(bf);
    }
    long bad = 0;
    for (int r = 0; r < ROWS; r++) {
        double a[2][64];
        for (int k = 0; k < fixtures[f].sizes[0]; k++)
            a[0][k] = x[r * fixtures[f].sizes[0] + k];
        for (int l = 0; l < layers; l++)
            ref_dense(a[l % 2], fixtures[f].sizes[l], w[l], b[l], fixtures[f].sizes[l + 1], fixtures[f].acts[l],
                      a[(l + 1) % 2]);
        for (int j = 0; j < out_size; j++) {
            double expected = a[layers % 2][j], stored = want[r * out_size + j];
            if (fabs(stored - expected) > 1e-5 * fmax(1.0, fabs(expected)) && bad++ == 0)
                fprintf(stderr, "     %s row %d output %d: stored %.9g, definition gives %.9g\n", fixtures[f].name,
                        r, j, stored, expected);
        }
    }
    CHECK(bad == 0, "%s: %ld stored outputs disagree with the definitions applied to the stored weights",
          fixtures[f].name, bad);
    for (int l = 0; l < layers; l++) {
        free(w[l]);
        free(b[l]);
    }
}

static void expect_predictions(const nerve_net *net, int f, const float *x, const float *want, const char *how)
{
    int in = fixtures[f].sizes[0], out = fixtures[f].sizes[fixtures[f].n_sizes - 1];
    float *all = malloc(sizeof(float) * ROWS * (size_t)out), *one = malloc(sizeof(float) * ROWS * (size_t)out);
    char what[128];
    snprintf(what, sizeof what, "%s (%s), 40 rows in one call", fixtures[f].name, how);
    int all_ok = CHECK_OK(nerve_predict(net, x, ROWS, all, (int64_t)ROWS * out));
    if (all_ok) {
        long bad = compare_outputs(all, want, (size_t)ROWS * out, out, what);
        CHECK(bad == 0, "%s: %ld of %d outputs differ from 0.1's by more than 1e-6", what, bad, ROWS * out);
    }
    int calls_ok = 1;
    for (int r = 0; r < ROWS; r++)
        calls_ok &= CHECK_OK(nerve_predict(net, x + (size_t)r * in, 1, one + (size_t)r * out, out));
    if (calls_ok) {
        snprintf(what, sizeof what, "%s (%s), one row per call", fixtures[f].name, how);
        long bad = compare_outputs(one, want, (size_t)ROWS * out, out, what);
        CHECK(bad == 0, "%s: %ld of %d outputs differ from 0.1's by more than 1e-6", what, bad, ROWS * out);
        /* And this version gives each row the same bits alone as in the batch. */
        CHECK(!all_ok || floats_equal_bits(one, all, (size_t)ROWS * out),
              "%s: rows predicted alone differ from the same rows in one call", what);
    }
    free(all);
    free(one);
}

static void check_fixture(const char *dir, int f)
{
    const char *name = fixtures[f].name;
    int in = fixtures[f].sizes[0], out = fixtures[f].sizes[fixtures[f].n_sizes - 1];
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/%s.inputs.f32", dir, name);
    float *x = read_f32(path, (size_t)ROWS * in);
    snprintf(path, sizeof path, "%s/%s.outputs.f32", dir, name);
    float *want = read_f32(path, (size_t)ROWS * out);
    snprintf(path, sizeof path, "%s/%s.nerve", dir, name);
    size_t size = 0;
    unsigned char *bytes = read_whole_file(path, &size);
    if (!CHECK(x && want && bytes, "%s: fixture files missing or of the wrong length in %s (set NERVE_FIXTURES to "
                                   "the Tests/fixtures directory)", name, dir))
        goto done;
    CHECK(size > 12 && memcmp(bytes, "NERVEnet", 8) == 0 && bytes[8] == 1 && bytes[9] == 0 && bytes[10] == 0 &&
              bytes[11] == 0,
          "%s: the fixture is not a format-version-1 model file", name);

    nerve_net *from_file = NULL, *from_memory = NULL;
    if (CHECK_OK(nerve_load(path, &from_file)) && expect_structure(from_file, f, "nerve_load")) {
        expect_reference(from_file, f, x, want);
        expect_predictions(from_file, f, x, want, "nerve_load");
    }
    if (CHECK_OK(nerve_load_from_memory(bytes, size, &from_memory)) &&
        expect_structure(from_memory, f, "nerve_load_from_memory"))
        expect_predictions(from_memory, f, x, want, "nerve_load_from_memory");

    /* Saved again by this version, the network comes back with the same predictions, bit for bit. */
    size_t needed = 0, written = 0;
    if (from_file && CHECK_OK(nerve_serialized_size(from_file, &needed))) {
        unsigned char *again = malloc(needed);
        nerve_net *reloaded = NULL;
        if (CHECK_OK(nerve_save_to_memory(from_file, again, needed, &written)) &&
            CHECK_OK(nerve_load_from_memory(again, written, &reloaded))) {
            float *a = malloc(sizeof(float) * ROWS * (size_t)out), *b = malloc(sizeof(float) * ROWS * (size_t)out);
            if (CHECK_OK(nerve_predict(from_file, x, ROWS, a, (int64_t)ROWS * out)) &&
                CHECK_OK(nerve_predict(reloaded, x, ROWS, b, (int64_t)ROWS * out)))
                CHECK(floats_equal_bits(a, b, (size_t)ROWS * out),
                      "%s: re-saved by this version, the model predicts differently", name);
            free(a);
            free(b);
        }
        nerve_free(reloaded);
        free(again);
    }
    nerve_free(from_file);
    nerve_free(from_memory);
done:
    free(x);
    free(want);
    free(bytes);
}

void test_model_v1(void)
{
    char dir[4096];
    fixture_dir(dir, sizeof dir);
    for (int f = 0; f < FIXTURES; f++)
        check_fixture(dir, f);
}
