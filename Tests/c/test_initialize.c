/* nerve_initialize: Glorot and LeCun weights and the bias rules against their formulas, zero biases by default,
 * its refusals (unknown enums, non-finite bias_value, BUSY during training) and its _r twin; the leaky-ReLU slope
 * per layer: spec_size 32 (0.3/0.4 callers) and 36, forward values and gradients worked out by hand, range
 * checks, and its life in model files (kept by save and load, absent from files before 0.5, which give 0.01). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "layer_specs.h"
#include "model_bytes.h"
#include "suite.h"

#define INVALID NERVE_E_INVALID
#define FORMAT NERVE_E_FORMAT

enum { N0 = 1000, N1 = 400, N2 = 300 };

/* Layer `layer` of a dense network: its weights and biases, malloc'd (NULL on failure). */
static int layer_values(const nerve_net *net, int layer, float **w, size_t *nw, float **b, size_t *nb)
{
    int64_t weights = 0, biases = 0;
    *w = *b = NULL;
    if (!CHECK_OK(nerve_layer_parameter_count(net, layer, &weights, &biases)))
        return 0;
    *nw = (size_t)weights, *nb = (size_t)biases;
    *w = malloc(*nw * sizeof(float)), *b = malloc(*nb * sizeof(float));
    return CHECK_OK(nerve_get_layer(net, layer, *w, weights, *b, biases));
}

/* Weights with standard deviation `sd` (a uniform law's limit/√3), mean within five standard errors; with
 * 400,000 and 120,000 draws the sample deviation is within 0.3% of the truth per five standard errors, so 2% is
 * generous. A uniform law's draws must lie within ±limit, the largest within 0.1% of it. */
static void expect_weights(const nerve_net *net, int layer, double sd, double limit, const char *what)
{
    float *w, *b;
    size_t nw, nb;
    if (layer_values(net, layer, &w, &nw, &b, &nb)) {
        double mean, found;
        moments(w, nw, &mean, &found);
        CHECK(fabs(found / sd - 1) < 0.02, "%s layer %d: weight sd %.5f, expected %.5f", what, layer, found, sd);
        CHECK(fabs(mean) < 5 * sd / sqrt((double)nw), "%s layer %d: weight mean %.6f", what, layer, mean);
        if (limit > 0) {
            double largest = 0;
            for (size_t i = 0; i < nw; i++)
                largest = fmax(largest, fabs(w[i]));
            CHECK(largest <= limit * (1 + 1e-6) && largest > 0.999 * limit,
                  "%s layer %d: largest |w| %.6f, limit %.6f", what, layer, largest, limit);
        }
    }
    free(w);
    free(b);
}

/* Biases all equal to `value` (NAN: drawn from N(0, 1), checked as test_init.c does). */
static void expect_biases(const nerve_net *net, int layer, float value, const char *what)
{
    float *w, *b;
    size_t nw, nb;
    if (layer_values(net, layer, &w, &nw, &b, &nb)) {
        if (isnan(value)) {
            double mean, sd;
            moments(b, nb, &mean, &sd);
            CHECK(fabs(sd - 1) < 0.2 && fabs(mean) < 0.3, "%s layer %d: biases mean %.3f sd %.3f, expected N(0, 1)",
                  what, layer, mean, sd);
        } else {
            size_t off = 0;
            for (size_t i = 0; i < nb; i++)
                off += memcmp(&b[i], &value, sizeof value) != 0;
            CHECK(off == 0, "%s layer %d: %zu of %zu biases are not %g", what, layer, off, nb, value);
        }
    }
    free(w);
    free(b);
}

/* 1000-400 tanh, 400-300 ReLU: Glorot's n_in + n_out are 1400 and 700. */
static void schemes(void)
{
    const int32_t sizes[] = {N0, N1, N2}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_RELU};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_QUADRATIC, 77)))
        return;
    expect_weights(net, 0, 1 / sqrt((double)N0), 0, "created (AUTO)");
    expect_weights(net, 1, sqrt(2.0 / N1), 0, "created (AUTO)");
    expect_biases(net, 0, 0.0f, "created");
    expect_biases(net, 1, 0.0f, "created");

    CHECK_OK(nerve_initialize(net, NERVE_INIT_GLOROT_UNIFORM, NERVE_BIAS_NORMAL, 0, 1));
    double limit0 = sqrt(6.0 / (N0 + N1)), limit1 = sqrt(6.0 / (N1 + N2));
    expect_weights(net, 0, limit0 / sqrt(3.0), limit0, "GLOROT_UNIFORM");
    expect_weights(net, 1, limit1 / sqrt(3.0), limit1, "GLOROT_UNIFORM");
    expect_biases(net, 0, NAN, "NORMAL");
    expect_biases(net, 1, NAN, "NORMAL");

    CHECK_OK(nerve_initialize(net, NERVE_INIT_GLOROT_NORMAL, NERVE_BIAS_CONSTANT, 0.125f, 2));
    expect_weights(net, 0, sqrt(2.0 / (N0 + N1)), 0, "GLOROT_NORMAL");
    expect_weights(net, 1, sqrt(2.0 / (N1 + N2)), 0, "GLOROT_NORMAL");
    expect_biases(net, 0, 0.125f, "CONSTANT");
    expect_biases(net, 1, 0.125f, "CONSTANT");

    /* bias_value is ignored unless CONSTANT. */
    CHECK_OK(nerve_initialize(net, NERVE_INIT_LECUN_NORMAL, NERVE_BIAS_ZERO, 3.5f, 3));
    expect_weights(net, 0, 1 / sqrt((double)N0), 0, "LECUN_NORMAL");
    expect_weights(net, 1, 1 / sqrt((double)N1), 0, "LECUN_NORMAL");
    expect_biases(net, 1, 0.0f, "ZERO");

    CHECK_OK(nerve_reinit(net, NERVE_INIT_HE, 4));
    expect_weights(net, 0, sqrt(2.0 / N0), 0, "reinit HE");
    expect_biases(net, 0, 0.0f, "reinit");
    expect_biases(net, 1, 0.0f, "reinit");

    /* A network created with a seed is the one nerve_initialize(AUTO, ZERO, 0, seed) makes, generator included:
     * the two then train alike. */
    nerve_net *fresh = NULL;
    if (CHECK_OK(nerve_create(&fresh, sizes, 3, acts, NERVE_COST_QUADRATIC, 9))) {
        CHECK_OK(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 9));
        int64_t count = nerve_parameter_count(net);
        size_t a_size = 0, b_size = 0;
        CHECK_OK(nerve_serialized_size(net, &a_size));
        CHECK_OK(nerve_serialized_size(fresh, &b_size));
        unsigned char *a = malloc(a_size), *b = malloc(b_size);
        size_t a_len = 0, b_len = 0;
        if (CHECK_OK(nerve_save_to_memory(net, a, a_size, &a_len)) &&
            CHECK_OK(nerve_save_to_memory(fresh, b, b_size, &b_len)))
            CHECK(a_len == b_len && memcmp(a, b, a_len) == 0, "nerve_initialize(AUTO, ZERO, 0, 9) differs from "
                  "nerve_create(seed 9) (%lld parameters; model bytes or generator state)", (long long)count);
        free(a), free(b);
        nerve_free(fresh);
    }
    nerve_free(net);
}

typedef struct {
    nerve_net *net;
    nerve_status status;
    nerve_error error;
} busy_probe;

static int32_t initialize_while_training(const nerve_epoch_report *report, void *user_data)
{
    (void)report;
    busy_probe *probe = user_data;
    probe->status = nerve_initialize_r(probe->net, NERVE_INIT_HE, NERVE_BIAS_ZERO, 0, 1, &probe->error);
    return 0;
}

static void refusals(void)
{
    const int32_t sizes[] = {2, 3, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 5)))
        return;
    float before[13], after[13];
    CHECK(nerve_parameter_count(net) == 13, "2-3-1 has %lld parameters", (long long)nerve_parameter_count(net));
    CHECK_OK(nerve_get_parameters(net, before, 13));

    CHECK_FAILS(nerve_initialize(NULL, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 1), INVALID);
    const int32_t bad_weights[] = {-1, NERVE_INIT_LECUN_NORMAL + 1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_weights / sizeof bad_weights[0]; i++)
        CHECK_FAILS(nerve_initialize(net, (nerve_init)bad_weights[i], NERVE_BIAS_ZERO, 0, 1), INVALID);
    const int32_t bad_biases[] = {-1, NERVE_BIAS_CONSTANT + 1, INT32_MAX};
    for (size_t i = 0; i < sizeof bad_biases / sizeof bad_biases[0]; i++)
        CHECK_FAILS(nerve_initialize(net, NERVE_INIT_AUTO, (nerve_bias_init)bad_biases[i], 0, 1), INVALID);
    const float bad_values[] = {NAN, -NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        CHECK_FAILS(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_CONSTANT, bad_values[i], 1), INVALID);
        CHECK_FAILS(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, bad_values[i], 1), INVALID);
    }
    CHECK(strstr(nerve_last_error(), "bias_value") != NULL, "message \"%s\" does not name bias_value",
          nerve_last_error());
    CHECK_OK(nerve_get_parameters(net, after, 13));
    CHECK(floats_equal_bits(before, after, 13), "a refused nerve_initialize changed the parameters");

    /* The twin: its own status and message, cleared by success. */
    nerve_error e;
    memset(&e, 0x7f, sizeof e);
    CHECK(nerve_initialize_r(net, (nerve_init)99, NERVE_BIAS_ZERO, 0, 1, &e) == NERVE_E_INVALID &&
              e.status == NERVE_E_INVALID && e.length == strlen(e.message) && strstr(e.message, "weights"),
          "nerve_initialize_r on an unknown scheme: status %d, message \"%.80s\"", (int)e.status, e.message);
    CHECK(nerve_initialize_r(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 1, &e) == NERVE_OK && e.status == NERVE_OK &&
              e.length == 0 && e.message[0] == '\0',
          "a successful nerve_initialize_r left status %d, message \"%.80s\"", (int)e.status, e.message);
    CHECK(nerve_initialize_r(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 1, NULL) == NERVE_OK,
          "nerve_initialize_r with a NULL error failed");

    /* During training (here from the progress callback, while nerve_train holds the network): BUSY. */
    const float x[] = {0, 0, 0, 1, 1, 0, 1, 1}, y[] = {0, 1, 1, 0};
    busy_probe probe = {.net = net, .status = NERVE_OK};
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1;
    opts.batch_size = 4;
    opts.progress = initialize_while_training;
    opts.user_data = &probe;
    CHECK_OK(nerve_get_parameters(net, before, 13));
    CHECK_OK(nerve_train(net, x, y, 4, NULL, NULL, 0, &opts));
    CHECK(probe.status == NERVE_E_BUSY && probe.error.status == NERVE_E_BUSY,
          "nerve_initialize during training returned %d (%s), expected NERVE_E_BUSY", (int)probe.status,
          probe.error.message);
    nerve_free(net);
    CHECK_FAILS(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 1), INVALID); /* freed */
}

/* ---- the leaky-ReLU slope ---------------------------------------------------------------------------------- */

/* nerve_layer_spec as 0.3 and 0.4 declared it: the same fields without negative_slope. */
typedef struct {
    int32_t kind, units, window_height, window_width, stride_height, stride_width, padding, activation;
} spec_0_4;

static nerve_layer_spec leaky_dense(int32_t units, float slope)
{
    nerve_layer_spec s = dense_layer(units, NERVE_ACT_LEAKY_RELU);
    s.negative_slope = slope;
    return s;
}

/* A 2-2 dense network of the given slope with W = I and b = 0, so its outputs are the activations of x. */
static nerve_net *identity_layer(float slope)
{
    const int32_t shape[3] = {2, 1, 1};
    const nerve_layer_spec spec = leaky_dense(2, slope);
    nerve_net *net = NULL;
    if (!CHECK_OK(CREATE_LAYERS(&net, shape, &spec, 1, NERVE_COST_QUADRATIC, 1)))
        return NULL;
    const float w[4] = {1, 0, 0, 1}, b[2] = {0, 0};
    CHECK_OK(nerve_set_layer(net, 0, w, 4, b, 2));
    return net;
}

static void spec_sizes(void)
{
    CHECK(sizeof(nerve_layer_spec) == 36 && sizeof(spec_0_4) == 32, "nerve_layer_spec is %zu bytes, expected 36",
          sizeof(nerve_layer_spec));
    CHECK(NERVE_DEFAULT_NEGATIVE_SLOPE == 0.01f, "NERVE_DEFAULT_NEGATIVE_SLOPE is %g", NERVE_DEFAULT_NEGATIVE_SLOPE);
    const int32_t shape[3] = {1, 4, 4};
    /* conv 2 × 3×3 leaky → 2×2×2, dense 3 sigmoid: the same network from 32- and 36-byte arrays. */
    const spec_0_4 old[2] = {{NERVE_LAYER_CONV2D, 2, 3, 3, 0, 0, NERVE_PADDING_VALID, NERVE_ACT_LEAKY_RELU},
                             {NERVE_LAYER_DENSE, 3, 0, 0, 0, 0, 0, NERVE_ACT_SIGMOID}};
    const nerve_layer_spec now[2] = {conv_layer(2, 3, 3, 0, NERVE_PADDING_VALID, NERVE_ACT_LEAKY_RELU),
                                     dense_layer(3, NERVE_ACT_SIGMOID)};
    nerve_net *a = NULL, *b = NULL;
    if (CHECK_OK(nerve_create_layers(&a, shape, (const nerve_layer_spec *)(const void *)old, 2, sizeof(spec_0_4),
                                     NERVE_COST_QUADRATIC, 12)) &&
        CHECK_OK(CREATE_LAYERS(&b, shape, now, 2, NERVE_COST_QUADRATIC, 12))) {
        float pa[64], pb[64];
        int64_t count = nerve_parameter_count(a);
        CHECK(count == 2 * 9 + 2 + 8 * 3 + 3 && count == nerve_parameter_count(b), "parameter counts %lld, %lld",
              (long long)count, (long long)nerve_parameter_count(b));
        CHECK_OK(nerve_get_parameters(a, pa, 64));
        CHECK_OK(nerve_get_parameters(b, pb, 64));
        CHECK(floats_equal_bits(pa, pb, (size_t)count), "the 32-byte specs made another network");

        /* Reading back: 36 bytes give the slope in effect; 32 write 0.3's struct alone. */
        nerve_layer_spec got;
        memset(&got, 0, sizeof got);
        if (CHECK_OK(nerve_get_layer_spec(a, 0, &got, sizeof got)))
            CHECK(got.kind == NERVE_LAYER_CONV2D && got.units == 2 && got.activation == NERVE_ACT_LEAKY_RELU &&
                      got.negative_slope == NERVE_DEFAULT_NEGATIVE_SLOPE,
                  "conv spec reads kind %d units %d activation %d slope %g", got.kind, got.units, got.activation,
                  got.negative_slope);
        if (CHECK_OK(nerve_get_layer_spec(a, 1, &got, sizeof got)))
            CHECK(got.negative_slope == 0, "a sigmoid layer reads slope %g, expected 0", got.negative_slope);
        unsigned char room[40];
        memset(room, 0x5A, sizeof room);
        if (CHECK_OK(nerve_get_layer_spec(a, 0, (nerve_layer_spec *)(void *)room, sizeof(spec_0_4)))) {
            spec_0_4 small;
            memcpy(&small, room, sizeof small);
            int beyond = 0;
            for (size_t i = sizeof(spec_0_4); i < sizeof room; i++)
                beyond += room[i] != 0x5A;
            CHECK(small.kind == NERVE_LAYER_CONV2D && small.units == 2 && small.window_height == 3 &&
                      small.stride_width == 1 && small.activation == NERVE_ACT_LEAKY_RELU && beyond == 0,
                  "a 32-byte nerve_get_layer_spec wrote kind %d units %d and %d bytes beyond 32", small.kind,
                  small.units, beyond);
        }
        CHECK_FAILS(nerve_get_layer_spec(a, 0, &got, 28), INVALID);
        CHECK_FAILS(nerve_get_layer_spec(a, 0, &got, 40), INVALID);
    }
    nerve_free(a);
    nerve_free(b);

    /* The slope's range and place: finite, [0, 1), leaky ReLU only (pooling and other activations take 0). */
    const int32_t vector[3] = {2, 1, 1};
    const float bad[] = {NAN, INFINITY, -INFINITY, -0.1f, 1.0f, 1.5f, -1e-30f};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nerve_layer_spec spec = leaky_dense(2, bad[i]);
        nerve_net *out = NULL;
        CHECK_FAILS(CREATE_LAYERS(&out, vector, &spec, 1, NERVE_COST_QUADRATIC, 1), INVALID);
        CHECK(out == NULL, "a refused spec (slope %g) produced a network", bad[i]);
    }
    CHECK(strstr(nerve_last_error(), "negative_slope") && strstr(nerve_last_error(), "layers[0]"),
          "message \"%s\" names neither the field nor the layer", nerve_last_error());
    nerve_layer_spec relu = dense_layer(2, NERVE_ACT_RELU);
    relu.negative_slope = 0.2f;
    nerve_net *out = NULL;
    CHECK_FAILS(CREATE_LAYERS(&out, vector, &relu, 1, NERVE_COST_QUADRATIC, 1), INVALID);
    const int32_t image[3] = {1, 4, 4};
    nerve_layer_spec pool[2] = {pool_layer(NERVE_LAYER_MAX_POOL2D, 2, 2, 0), dense_layer(1, NERVE_ACT_LINEAR)};
    pool[0].activation = NERVE_ACT_LEAKY_RELU; /* ignored for pooling, and so is any slope: it must stay 0 */
    pool[0].negative_slope = 0.3f;
    CHECK_FAILS(CREATE_LAYERS(&out, image, pool, 2, NERVE_COST_QUADRATIC, 1), INVALID);
    nerve_layer_spec steep = leaky_dense(2, 0.999f);
    if (CHECK_OK(CREATE_LAYERS(&out, vector, &steep, 1, NERVE_COST_QUADRATIC, 1)))
        nerve_free(out);
}

/* W = I, b = 0: x = (−2, 3) gives a = (−2s, 3) and (0.5, −4) gives (0.5, −4s). For slope 0.25 that is
 * (−0.5, 3), (0.5, −1); for the default, (−2·0.01, 3) in float. With y = 0 and the quadratic cost, the first
 * sample's δ = a·f′(z) = (−0.5·0.25, 3·1) = (−0.125, 3), so ∂C/∂W = δxᵀ = (0.25, −0.375; −6, 9) and ∂C/∂b = δ;
 * C = ½(0.25 + 9) = 4.625. */
static void forward_and_gradient(void)
{
    const float x[4] = {-2, 3, 0.5f, -4}, y[2] = {0, 0};
    float out[4];
    nerve_net *net = identity_layer(0.25f);
    if (net && CHECK_OK(nerve_predict(net, x, 2, out, 4))) {
        const float expected[4] = {-0.5f, 3, 0.5f, -1};
        CHECK(floats_equal_bits(out, expected, 4), "slope 0.25: (%g, %g, %g, %g), expected (-0.5, 3, 0.5, -1)",
              out[0], out[1], out[2], out[3]);
        double cost = 0;
        float gradient[6];
        if (CHECK_OK(nerve_cost_gradient(net, x, y, 1, 0, 0, &cost, gradient, 6))) {
            const float g[6] = {0.25f, -0.375f, -6, 9, -0.125f, 3};
            CHECK(cost == 4.625 && floats_equal_bits(gradient, g, 6),
                  "slope 0.25: cost %g, gradient (%g, %g, %g, %g; %g, %g), expected 4.625, (0.25, -0.375, -6, 9; "
                  "-0.125, 3)", cost, gradient[0], gradient[1], gradient[2], gradient[3], gradient[4], gradient[5]);
        }
    }
    nerve_free(net);
    net = identity_layer(0); /* 0 = the default */
    if (net && CHECK_OK(nerve_predict(net, x, 2, out, 4))) {
        const float expected[4] = {-2 * NERVE_DEFAULT_NEGATIVE_SLOPE, 3, 0.5f, -4 * NERVE_DEFAULT_NEGATIVE_SLOPE};
        CHECK(floats_equal_bits(out, expected, 4), "default slope: (%g, %g, %g, %g)", out[0], out[1], out[2],
              out[3]);
    }
    nerve_free(net);

    /* A convolution's slope too: one 1×1 filter of weight 1 over a 1×2×2 image, slope 0.5. */
    const int32_t image[3] = {1, 2, 2};
    nerve_layer_spec conv = conv_layer(1, 1, 1, 0, NERVE_PADDING_VALID, NERVE_ACT_LEAKY_RELU);
    conv.negative_slope = 0.5f;
    if (CHECK_OK(CREATE_LAYERS(&net, image, &conv, 1, NERVE_COST_QUADRATIC, 1))) {
        const float w = 1, b = 0, pixels[4] = {-3, 2, -0.25f, 0};
        CHECK_OK(nerve_set_layer(net, 0, &w, 1, &b, 1));
        if (CHECK_OK(nerve_predict(net, pixels, 1, out, 4))) {
            const float expected[4] = {-1.5f, 2, -0.125f, 0};
            CHECK(floats_equal_bits(out, expected, 4), "conv slope 0.5: (%g, %g, %g, %g), expected (-1.5, 2, "
                  "-0.125, 0)", out[0], out[1], out[2], out[3]);
        }
        nerve_free(net);
    }
}

/* Layer 0's record in a saved model of one layer, and its slope as the file holds it. */
static void model_files(void)
{
    nerve_net *net = identity_layer(0.2f), *loaded = NULL;
    if (!net)
        return;
    size_t size = 0, written = 0;
    CHECK_OK(nerve_serialized_size(net, &size));
    unsigned char *bytes = malloc(size);
    if (CHECK_OK(nerve_save_to_memory(net, bytes, size, &written))) {
        /* 20 + record 40 + generator 32 + count 8 + 6 parameters + CRC: the slope's 4 bytes after the record's 36. */
        CHECK(written == 20 + 40 + 32 + 8 + 6 * 4 + 4 && get_u32(bytes, MODEL_RECORDS_AT) == 40,
              "a slope-0.2 model is %zu bytes with a record of %u", written, get_u32(bytes, MODEL_RECORDS_AT));
        float stored;
        memcpy(&stored, bytes + MODEL_RECORDS_AT + DENSE_RECORD, 4);
        CHECK(stored == 0.2f, "the record holds slope %g", stored);
        if (CHECK_OK(nerve_load_from_memory(bytes, written, &loaded))) {
            nerve_layer_spec spec;
            CHECK_OK(nerve_get_layer_spec(loaded, 0, &spec, sizeof spec));
            CHECK(spec.negative_slope == 0.2f, "loaded slope %g, expected 0.2", spec.negative_slope);
            nerve_free(loaded);
        }
        /* A slope out of range in a file is a corrupted model. */
        const float corrupt[] = {0, NAN, 1, -0.5f};
        for (size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
            unsigned char *copy = malloc(written);
            memcpy(copy, bytes, written);
            put_f32(copy, MODEL_RECORDS_AT + DENSE_RECORD, corrupt[i]);
            reseal(copy, written);
            loaded = NULL;
            CHECK_FAILS(nerve_load_from_memory(copy, written, &loaded), FORMAT);
            free(copy);
        }
    }
    free(bytes);

    /* Through a file, and the default slope stays out of the record (36 bytes: what 0.3 and 0.4 read). */
    char *dir = scratch_subdir("initialize");
    char path[4096];
    snprintf(path, sizeof path, "%s/slope.nerve", dir);
    if (CHECK_OK(nerve_save(net, path)) && CHECK_OK(nerve_load(path, &loaded))) {
        const float x[2] = {-1, 1};
        float a[2], b[2];
        nerve_layer_spec spec;
        CHECK_OK(nerve_get_layer_spec(loaded, 0, &spec, sizeof spec));
        CHECK_OK(nerve_predict(net, x, 1, a, 2));
        CHECK_OK(nerve_predict(loaded, x, 1, b, 2));
        CHECK(spec.negative_slope == 0.2f && b[0] == -0.2f && floats_equal_bits(a, b, 2),
              "loaded from a file: slope %g, output %g", spec.negative_slope, b[0]);
        nerve_free(loaded);
    }
    nerve_free(net);
    net = identity_layer(0);
    if (net && CHECK_OK(nerve_serialized_size(net, &size)) && (bytes = malloc(size)) &&
        CHECK_OK(nerve_save_to_memory(net, bytes, size, &written))) {
        CHECK(get_u32(bytes, MODEL_RECORDS_AT) == DENSE_RECORD && written == size && size == 20 + 36 + 32 + 8 + 28,
              "a default-slope model's record is %u bytes, expected 36", get_u32(bytes, MODEL_RECORDS_AT));
        free(bytes);
    }
    nerve_free(net);
    remove_tree(dir);
    free(dir);
}

/* A version-2 file as 0.3 and 0.4 wrote it: one 2-2 leaky-ReLU record of 36 bytes (no slope), W = I,
 * b = (0, 0.5). It loads with the default slope: x = (−2, 3) gives (−2·0.01, 3.5). */
static void files_before_the_slope(void)
{
    unsigned char b[256];
    memcpy(b, "NERVEnet", 8);
    size_t at = put_u32(b, 8, 2);
    at = put_u32(b, at, NERVE_COST_QUADRATIC);
    at = put_u32(b, at, 1);
    const uint32_t record[9] = {36, NERVE_LAYER_DENSE, NERVE_ACT_LEAKY_RELU, 2, 1, 1, 2, 1, 1};
    for (int i = 0; i < 9; i++)
        at = put_u32(b, at, record[i]);
    for (uint64_t word = 1; word <= 4; word++)
        at = put_u64(b, at, word);
    at = put_u64(b, at, 6);
    const float parameters[6] = {1, 0, 0, 1, 0, 0.5f};
    for (int i = 0; i < 6; i++)
        at = put_f32(b, at, parameters[i]);
    size_t n = seal(b, at);
    nerve_net *net = NULL;
    if (CHECK_OK(nerve_load_from_memory(b, n, &net))) {
        nerve_layer_spec spec;
        const float x[2] = {-2, 3};
        float out[2];
        CHECK_OK(nerve_get_layer_spec(net, 0, &spec, sizeof spec));
        CHECK_OK(nerve_predict(net, x, 1, out, 2));
        const float expected[2] = {-2 * NERVE_DEFAULT_NEGATIVE_SLOPE, 3.5f};
        CHECK(spec.negative_slope == NERVE_DEFAULT_NEGATIVE_SLOPE && floats_equal_bits(out, expected, 2),
              "a 0.4 file: slope %g, outputs (%g, %g)", spec.negative_slope, out[0], out[1]);
        nerve_free(net);
    }
    /* A sigmoid record may not carry a slope: 40 bytes is a corrupted record for it. */
    unsigned char longer[256];
    memcpy(longer, b, MODEL_RECORDS_AT);
    put_u32(longer, MODEL_RECORDS_AT, 40);
    memcpy(longer + MODEL_RECORDS_AT + 4, b + MODEL_RECORDS_AT + 4, 32);
    put_u32(longer, MODEL_RECORDS_AT + REC_ACTIVATION, NERVE_ACT_SIGMOID);
    put_f32(longer, MODEL_RECORDS_AT + 36, 0.2f);
    memcpy(longer + MODEL_RECORDS_AT + 40, b + MODEL_RECORDS_AT + 36, n - 4 - (MODEL_RECORDS_AT + 36));
    size_t m = seal(longer, n - 4 + 4);
    net = NULL;
    CHECK_FAILS(nerve_load_from_memory(longer, m, &net), FORMAT);

    /* 0.1's leaky-ReLU fixture (Tests/fixtures/v1/multilabel.nerve; test_model_v1 checks its outputs). */
    const char *env = getenv("NERVE_FIXTURES");
    char path[4096];
    if (env && *env)
        snprintf(path, sizeof path, "%s/v1/multilabel.nerve", env);
    else {
        const char *file = __FILE__, *slash = strrchr(file, '/');
        snprintf(path, sizeof path, "%.*s/../fixtures/v1/multilabel.nerve", slash ? (int)(slash - file) : 1,
                 slash ? file : ".");
    }
    if (CHECK_OK(nerve_load(path, &net))) {
        nerve_layer_spec spec;
        CHECK_OK(nerve_get_layer_spec(net, 0, &spec, sizeof spec));
        CHECK(spec.activation == NERVE_ACT_LEAKY_RELU && spec.negative_slope == NERVE_DEFAULT_NEGATIVE_SLOPE,
              "the 0.1 leaky-ReLU layer reads activation %d slope %g", spec.activation, spec.negative_slope);
        nerve_free(net);
    }
}

void test_initialize(void)
{
    schemes();
    refusals();
    spec_sizes();
    forward_and_gradient();
    model_files();
    files_before_the_slope();
}
