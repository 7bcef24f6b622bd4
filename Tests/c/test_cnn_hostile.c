/* Hostile input for the layer API of 0.3 and for convolution and pooling records in model files: NULL
 * pointers, wrong spec sizes, layer counts out of range, unknown kinds, paddings and activations, fields a
 * kind does not use, windows that do not fit, zero, negative and absurd sizes, shapes whose products
 * overflow 32 or 64 bits, unsupported combinations, and model files patched (under a recomputed CRC, so that
 * the structural checks are what refuse them) into inconsistent windows and shapes. Each call must fail with
 * the status nerve.h documents and a message (naming the layer where the header says so), leave *out and
 * the network as they were, and the process must live. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "layer_specs.h"
#include "model_bytes.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

#define INVALID NERVE_E_INVALID
#define SIZE NERVE_E_SIZE
#define UNSUPPORTED NERVE_E_UNSUPPORTED
#define FORMAT NERVE_E_FORMAT
#define CAPACITY NERVE_E_CAPACITY

enum { VALID = NERVE_PADDING_VALID, SAME = NERVE_PADDING_SAME, LINEAR = NERVE_ACT_LINEAR };
enum { CONV = NERVE_LAYER_CONV2D, MAXP = NERVE_LAYER_MAX_POOL2D, MEANP = NERVE_LAYER_MEAN_POOL2D };
enum { NO_LAYER = -1, OUTPUT_LAYER = -2 };

static const int32_t small[3] = {1, 6, 6};

/* The message names layer i as nerve_create_layers numbers them ("layers[i]") or in words ("layer i"). */
static int names_layer(const char *message, int layer)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "layers[%d]", layer);
    snprintf(b, sizeof b, "layer %d", layer);
    return strstr(message, a) != NULL || strstr(message, b) != NULL;
}

/* nerve_create_layers must refuse with `expected`, name the layer where one is at fault, and leave *out. */
static void layers_fail(const int32_t *shape, const nerve_layer_spec *specs, int32_t n, size_t spec_size,
                        int32_t cost, nerve_status expected, int layer, const char *what)
{
    nerve_net *marker = (nerve_net *)&marker, *out = marker;
    nerve_status s = nerve_create_layers(&out, shape, specs, n, spec_size, cost, 1);
    char message[1024];
    snprintf(message, sizeof message, "%s", nerve_last_error());
    if (!CHECK_FAILS(s, expected))
        fprintf(stderr, "     (create_layers: %s)\n", what);
    if (s != NERVE_OK && layer >= 0)
        CHECK(names_layer(message, layer), "create_layers (%s): the message \"%s\" does not name layers[%d]", what,
              message, layer);
    if (s != NERVE_OK && layer == OUTPUT_LAYER)
        CHECK(strstr(message, "output") != NULL || names_layer(message, n - 1),
              "create_layers (%s): the message \"%s\" names neither the output layer nor layers[%d]", what, message,
              (int)n - 1);
    CHECK(out == marker, "create_layers (%s) wrote *out on failure", what);
    if (out != marker && out != NULL)
        nerve_free(out);
}

static void one_fails(const int32_t *shape, nerve_layer_spec spec, nerve_status expected, const char *what)
{
    layers_fail(shape, &spec, 1, sizeof spec, NERVE_COST_QUADRATIC, expected, 0, what);
}

/* The spec is valid: created and freed. */
static nerve_net *one_works(const int32_t *shape, nerve_layer_spec spec, const char *what)
{
    nerve_net *net = NULL;
    if (!CHECK(CREATE_LAYERS(&net, shape, &spec, 1, NERVE_COST_QUADRATIC, 1) == NERVE_OK, "%s: refused: %s", what,
               nerve_last_error()))
        return NULL;
    return net;
}

static void arguments(void)
{
    const nerve_layer_spec ok[2] = {conv_layer(2, 3, 3, 0, VALID, NERVE_ACT_RELU), dense_layer(2, LINEAR)};
    nerve_net *out = NULL;
    CHECK_FAILS(nerve_create_layers(NULL, small, ok, 2, sizeof ok[0], NERVE_COST_QUADRATIC, 1), INVALID);
    layers_fail(NULL, ok, 2, sizeof ok[0], NERVE_COST_QUADRATIC, INVALID, NO_LAYER, "input_shape NULL");
    layers_fail(small, NULL, 2, sizeof ok[0], NERVE_COST_QUADRATIC, INVALID, NO_LAYER, "layers NULL");
    layers_fail(NULL, NULL, 0, 0, NERVE_COST_QUADRATIC, INVALID, NO_LAYER, "everything NULL");

    /* spec_size: this version accepts its own size and 0.4's (sizeof ok[0] - 4, test_initialize.c) only. */
    const size_t sizes[] = {0, 1, sizeof ok[0] - 8, sizeof ok[0] - 5, sizeof ok[0] - 1, sizeof ok[0] + 1,
                            sizeof ok[0] + 4, 2 * sizeof ok[0], SIZE_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "spec_size %zu", sizes[i]);
        /* Room behind the array, so a library trusting a larger stride reads only zeros. */
        nerve_layer_spec room[8] = {ok[0], ok[1]};
        layers_fail(small, room, 2, sizes[i], NERVE_COST_QUADRATIC, INVALID, NO_LAYER, what);
    }

    /* n_layers 1 .. 4096. */
    static nerve_layer_spec many[4097];
    for (int i = 0; i < 4097; i++)
        many[i] = dense_layer(1, LINEAR);
    const int32_t counts[] = {0, -1, 4097, INT32_MIN, INT32_MAX};
    const int32_t one[3] = {1, 1, 1};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "n_layers %d", (int)counts[i]);
        layers_fail(one, many, counts[i], sizeof many[0], NERVE_COST_QUADRATIC, SIZE, NO_LAYER, what);
    }
    if (CHECK_OK(CREATE_LAYERS(&out, one, many, 4096, NERVE_COST_QUADRATIC, 1))) {
        CHECK(nerve_layer_count(out) == 4096, "4096 layers: nerve_layer_count gives %d", nerve_layer_count(out));
        nerve_free(out);
    }

    const int32_t costs[] = {-1, 4, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++)
        layers_fail(small, ok, 2, sizeof ok[0], costs[i], INVALID, NO_LAYER, "unknown cost");
}

static void input_shapes(void)
{
    const nerve_layer_spec dense = dense_layer(1, LINEAR), conv = conv_layer(1, 1, 1, 0, VALID, LINEAR);
    static const struct {
        int32_t shape[3];
        const char *what;
    } bad[] = {
        {{0, 6, 6}, "0 channels"},
        {{1, 0, 6}, "height 0"},
        {{1, 6, 0}, "width 0"},
        {{-1, 6, 6}, "-1 channels"},
        {{1, -6, 6}, "height -6"},
        {{1, 6, INT32_MIN}, "width INT32_MIN"},
        {{1, 1, 16777217}, "2^24 + 1 values"},
        {{4097, 4096, 1}, "4097 × 4096 = 2^24 + 4096 values"},
        {{1, 65536, 65536}, "2^32 values: 0 in 32-bit arithmetic"},
        {{2, 32768, 32768}, "2^31 values: negative in 32-bit arithmetic"},
        {{3, 1431655766, 1}, "3 × 1431655766 = 2^32 + 2: 2 in 32-bit arithmetic"},
        {{2097152, 2097152, 4194304}, "2^21 × 2^21 × 2^22 = 2^64: 0 in 64-bit arithmetic"},
        {{INT32_MAX, INT32_MAX, INT32_MAX}, "(2^31 − 1)^3: beyond 64 bits"},
        {{16777216, 16777216, 16777216}, "2^72 values"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        layers_fail(bad[i].shape, &dense, 1, sizeof dense, NERVE_COST_QUADRATIC, SIZE, NO_LAYER, bad[i].what);
        layers_fail(bad[i].shape, &conv, 1, sizeof conv, NERVE_COST_QUADRATIC, SIZE, NO_LAYER, bad[i].what);
    }
}

static void kinds_and_enums(void)
{
    const int32_t bad_kinds[] = {4, 5, -1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
        nerve_layer_spec s = conv_layer(1, 2, 2, 0, VALID, LINEAR);
        s.kind = bad_kinds[i];
        one_fails(small, s, INVALID, "unknown kind");
        /* An unknown kind after a valid layer: the message names the second. */
        nerve_layer_spec two[2] = {conv_layer(1, 2, 2, 0, VALID, LINEAR), s};
        layers_fail(small, two, 2, sizeof s, NERVE_COST_QUADRATIC, INVALID, 1, "unknown kind in layers[1]");
    }
    const int32_t bad_paddings[] = {2, 3, -1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_paddings / sizeof bad_paddings[0]; i++) {
        one_fails(small, conv_layer(1, 2, 2, 0, bad_paddings[i], LINEAR), INVALID, "unknown padding");
        nerve_layer_spec pool = pool_layer(MAXP, 2, 2, 0);
        pool.padding = bad_paddings[i];
        one_fails(small, pool, INVALID, "unknown padding on a pooling layer");
    }
    const int32_t bad_acts[] = {8, 9, -1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_acts / sizeof bad_acts[0]; i++) {
        one_fails(small, conv_layer(1, 2, 2, 0, VALID, bad_acts[i]), INVALID, "unknown convolution activation");
        one_fails(small, dense_layer(3, bad_acts[i]), INVALID, "unknown dense activation");
        /* Pooling ignores its activation field, whatever it holds; the layer reads LINEAR. */
        nerve_layer_spec pool = pool_layer(MEANP, 2, 2, 0);
        pool.activation = bad_acts[i];
        nerve_net *net = one_works(small, pool, "pooling with an unknown activation value (ignored)");
        nerve_layer_spec back;
        if (net && CHECK_OK(nerve_get_layer_spec(net, 0, &back, sizeof back)))
            CHECK(back.activation == LINEAR, "a pooling layer reads activation %d, expected linear", back.activation);
        nerve_free(net);
    }

    /* Fields a kind does not use must be 0. */
    const char *dense_fields[] = {"window_height", "window_width", "stride_height", "stride_width", "padding"};
    for (int f = 0; f < 5; f++) {
        for (int v = 0; v < 2; v++) {
            nerve_layer_spec s = dense_layer(3, LINEAR);
            int32_t *field[] = {&s.window_height, &s.window_width, &s.stride_height, &s.stride_width, &s.padding};
            *field[f] = v ? 1 : -1;
            char what[64];
            snprintf(what, sizeof what, "dense layer with %s = %d", dense_fields[f], *field[f]);
            one_fails(small, s, INVALID, what);
        }
    }
    for (int k = 0; k < 2; k++) {
        nerve_layer_spec s = pool_layer(k ? MEANP : MAXP, 2, 2, 0);
        s.units = 1;
        one_fails(small, s, INVALID, "pooling with units = 1");
        s.units = 4;
        one_fails(small, s, INVALID, "pooling with units = 4");
    }

    /* Pooling takes VALID padding only: SAME is a valid value nerve.h lists as unsupported for pooling. */
    for (int k = 0; k < 2; k++) {
        nerve_layer_spec s = pool_layer(k ? MEANP : MAXP, 2, 2, 0);
        s.padding = SAME;
        one_fails(small, s, UNSUPPORTED, k ? "mean pooling with SAME padding" : "max pooling with SAME padding");
    }
}

static void windows_and_sizes(void)
{
    const int32_t four[3] = {1, 4, 4};
    /* Windows that do not fit a 4×4 input without padding. */
    one_fails(four, conv_layer(1, 5, 5, 0, VALID, LINEAR), SIZE, "5×5 kernel on 4×4, valid");
    one_fails(four, conv_layer(1, 5, 1, 0, VALID, LINEAR), SIZE, "5×1 kernel on 4×4, valid");
    one_fails(four, conv_layer(1, 1, 5, 0, VALID, LINEAR), SIZE, "1×5 kernel on 4×4, valid");
    one_fails(four, pool_layer(MAXP, 5, 5, 0), SIZE, "5×5 max pool on 4×4");
    one_fails(four, pool_layer(MEANP, 4, 5, 0), SIZE, "4×5 mean pool on 4×4");
    /* The last layer does not fit what the first leaves: 6×6 → 3×3 kernel → 4×4 → pool 2×2 → 2×2 → 3×3 kernel. */
    const nerve_layer_spec chain[3] = {conv_layer(2, 3, 3, 0, VALID, LINEAR), pool_layer(MAXP, 2, 2, 0),
                                       conv_layer(1, 3, 3, 0, VALID, LINEAR)};
    layers_fail(small, chain, 3, sizeof chain[0], NERVE_COST_QUADRATIC, SIZE, 2, "3×3 kernel on the 2×2 of layers[1]");

    /* Zero, negative and absurd windows, strides and counts, on a convolution and on pooling. */
    static const struct {
        int32_t units, wh, ww, sh, sw, padding;
        int conv_only;
        const char *what;
    } bad[] = {
        {1, 0, 3, 0, 0, VALID, 0, "window height 0"},
        {1, 3, 0, 0, 0, VALID, 0, "window width 0"},
        {1, 0, 0, 0, 0, VALID, 0, "window 0×0"},
        {1, -3, 3, 0, 0, VALID, 0, "window height -3"},
        {1, 3, INT32_MIN, 0, 0, VALID, 0, "window width INT32_MIN"},
        {1, 3, 3, -1, 0, VALID, 0, "stride height -1"},
        {1, 3, 3, 1, -2, VALID, 0, "stride width -2"},
        {1, 3, 3, INT32_MIN, INT32_MIN, VALID, 0, "strides INT32_MIN"},
        {1, 3, 3, 16777217, 1, VALID, 0, "stride height 2^24 + 1"},
        {1, 3, 3, 1, INT32_MAX, VALID, 0, "stride width INT32_MAX"},
        {1, 16777216, 16777216, 0, 0, VALID, 0, "2^24 × 2^24 window, valid"},
        {1, 16777216, 16777216, 0, 0, SAME, 1, "2^24 × 2^24 window, same: 2^48 weights per filter"},
        {1, 16777217, 1, 0, 0, SAME, 1, "window height 2^24 + 1, same"},
        {1, INT32_MAX, INT32_MAX, 0, 0, SAME, 1, "window INT32_MAX², same"},
        {1, 65536, 65536, 0, 0, SAME, 1, "65536 × 65536 window: 2^32, 0 in 32-bit arithmetic"},
        {1, 4097, 4096, 0, 0, SAME, 1, "4097 × 4096 window: more than 2^24 weights per filter"},
        {0, 3, 3, 0, 0, VALID, 1, "0 filters"},
        {-1, 3, 3, 0, 0, VALID, 1, "-1 filters"},
        {16777217, 1, 1, 0, 0, VALID, 1, "2^24 + 1 filters"},
        {1 << 30, 3, 3, 0, 0, VALID, 1, "2^30 filters"},
        {INT32_MIN, 3, 3, 0, 0, VALID, 1, "INT32_MIN filters"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nerve_layer_spec s = conv_layer(bad[i].units, bad[i].wh, bad[i].ww, 0, bad[i].padding, LINEAR);
        s.stride_height = bad[i].sh;
        s.stride_width = bad[i].sw;
        one_fails(small, s, SIZE, bad[i].what);
        if (bad[i].conv_only)
            continue;
        for (int k = 0; k < 2; k++) {
            nerve_layer_spec p = pool_layer(k ? MEANP : MAXP, bad[i].wh, bad[i].ww, 0);
            p.stride_height = bad[i].sh;
            p.stride_width = bad[i].sw;
            one_fails(small, p, SIZE, bad[i].what);
        }
    }
    const int32_t bad_units[] = {0, -1, 16777217, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_units / sizeof bad_units[0]; i++)
        one_fails(small, dense_layer(bad_units[i], LINEAR), SIZE, "dense units out of range");

    /* Limits of nerve_create_layers: outputs over 2^24 values, more than 2^24 weights per filter, a patch
     * matrix over 2^26 values, more than 2^31 − 1 parameters. */
    const int32_t pair[3] = {1, 2, 1}, channels2[3] = {2, 1, 1}, wide[3] = {1, 1000, 1000};
    const int32_t big_image[3] = {1, 1024, 1024}, plane[3] = {1, 4096, 4096}, deep[3] = {128, 1, 1};
    one_fails(pair, conv_layer(16777216, 1, 1, 0, SAME, LINEAR), SIZE, "2^24 filters × 2 positions = 2^25 outputs");
    one_fails(wide, conv_layer(17, 1, 1, 0, VALID, LINEAR), SIZE, "17 maps of 1000×1000 = 1.7 × 10^7 outputs");
    one_fails(channels2, conv_layer(1, 4096, 4096, 0, SAME, LINEAR), SIZE, "2 × 4096 × 4096 = 2^25 weights a filter");
    one_fails(big_image, conv_layer(1, 64, 64, 0, VALID, LINEAR), SIZE,
              "patch matrix 4096 × 961² ≈ 3.8 × 10^9 values");
    /* The parameter limit is the network's: the message need not name a layer. */
    const nerve_layer_spec too_many[2] = {dense_layer(128, LINEAR), conv_layer(16777216, 1, 1, 0, VALID, LINEAR)};
    layers_fail(plane, &too_many[0], 1, sizeof too_many[0], NERVE_COST_QUADRATIC, SIZE, NO_LAYER,
                "2^24 inputs × 128 units = 2^31 weights");
    layers_fail(deep, &too_many[1], 1, sizeof too_many[1], NERVE_COST_QUADRATIC, SIZE, NO_LAYER,
                "2^24 filters × 128 channels = 2^31 weights");
    /* Parameters that pass 2^31 − 1 only summed over layers: 2^24 × 64 + 64 = 2^30 + 64, then 64 × 2^24 + 2^24
     * = 2^30 + 2^24; 2^31 + 2^24 + 64 in all. */
    const nerve_layer_spec halves[2] = {dense_layer(64, LINEAR), dense_layer(16777216, LINEAR)};
    layers_fail(plane, halves, 2, sizeof halves[0], NERVE_COST_QUADRATIC, SIZE, NO_LAYER, "2^31 + 2^24 + 64 parameters over two layers");

    /* A pooling window that does not tile its input is valid: 5×5 with 2×2 → 2×2, the rest left out. */
    const int32_t five[3] = {3, 5, 5};
    for (int k = 0; k < 2; k++) {
        nerve_net *net = one_works(five, pool_layer(k ? MEANP : MAXP, 2, 2, 0), "5×5 pooled by 2×2");
        int32_t kind = -1, in[3] = {0}, out[3] = {0};
        if (net && CHECK_OK(nerve_layer_shape(net, 0, &kind, in, out)))
            CHECK(out[0] == 3 && out[1] == 2 && out[2] == 2, "5×5 pooled by 2×2 gives %d×%d×%d, expected 3×2×2",
                  out[0], out[1], out[2]);
        nerve_free(net);
    }
}

static void cost_and_output(void)
{
    /* Each cost admits only the output activations its enum lists; pooling's output is linear. */
    const nerve_layer_spec conv_sigmoid[1] = {conv_layer(1, 2, 2, 0, VALID, NERVE_ACT_SIGMOID)};
    const nerve_layer_spec conv_relu[1] = {conv_layer(1, 2, 2, 0, VALID, NERVE_ACT_RELU)};
    const nerve_layer_spec conv_softmax[1] = {conv_layer(2, 2, 2, 0, VALID, NERVE_ACT_SOFTMAX)};
    const nerve_layer_spec pool_last[2] = {conv_layer(1, 2, 2, 0, VALID, NERVE_ACT_SIGMOID), pool_layer(MAXP, 2, 2, 0)};
    const nerve_layer_spec dense_softmax[2] = {conv_layer(1, 2, 2, 0, VALID, NERVE_ACT_SIGMOID),
                                               dense_layer(3, NERVE_ACT_SOFTMAX)};
    layers_fail(small, conv_sigmoid, 1, sizeof conv_sigmoid[0], NERVE_COST_LOG_LIKELIHOOD, UNSUPPORTED, OUTPUT_LAYER,
                "sigmoid convolution output with log-likelihood");
    layers_fail(small, conv_relu, 1, sizeof conv_relu[0], NERVE_COST_CROSS_ENTROPY, UNSUPPORTED, OUTPUT_LAYER,
                "ReLU convolution output with cross-entropy");
    layers_fail(small, conv_softmax, 1, sizeof conv_softmax[0], NERVE_COST_CROSS_ENTROPY, UNSUPPORTED, OUTPUT_LAYER,
                "softmax convolution output with cross-entropy");
    layers_fail(small, pool_last, 2, sizeof pool_last[0], NERVE_COST_CROSS_ENTROPY, UNSUPPORTED, OUTPUT_LAYER,
                "max pooling output with cross-entropy");
    layers_fail(small, pool_last, 2, sizeof pool_last[0], NERVE_COST_LOG_LIKELIHOOD, UNSUPPORTED, OUTPUT_LAYER,
                "max pooling output with log-likelihood");
    layers_fail(small, dense_softmax, 2, sizeof dense_softmax[0], NERVE_COST_CROSS_ENTROPY, UNSUPPORTED,
                OUTPUT_LAYER, "softmax dense output with cross-entropy");
}

/* ---- the other layer entry points ---------------------------------------------------------------------- */

static void getters(nerve_net *net)
{
    /* net: 1×6×6 → conv 2 × 3×3 → 2×4×4 → max 2×2 → 2×2×2 → dense 3 softmax. */
    nerve_layer_spec spec;
    memset(&spec, 0x5A, sizeof spec);
    const nerve_layer_spec before = spec;
    CHECK_FAILS(nerve_get_layer_spec(NULL, 0, &spec, sizeof spec), INVALID);
    const int32_t bad_layers[] = {-1, 3, 4, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_layers / sizeof bad_layers[0]; i++)
        CHECK_FAILS(nerve_get_layer_spec(net, bad_layers[i], &spec, sizeof spec), INVALID);
    CHECK_FAILS(nerve_get_layer_spec(net, 0, NULL, sizeof spec), INVALID);
    const size_t sizes[] = {0, sizeof spec - 8, sizeof spec - 1, sizeof spec + 1, 2 * sizeof spec, SIZE_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (!CHECK_FAILS(nerve_get_layer_spec(net, 0, &spec, sizes[i]), INVALID))
            fprintf(stderr, "     (spec_size %zu)\n", sizes[i]);
    CHECK(memcmp(&spec, &before, sizeof spec) == 0, "a failed nerve_get_layer_spec wrote *spec");

    CHECK(nerve_parameter_count(NULL) == 0, "nerve_parameter_count(NULL) is %lld",
          (long long)nerve_parameter_count(NULL));
    int64_t w = -7, b = -7;
    CHECK_FAILS(nerve_layer_parameter_count(NULL, 0, &w, &b), INVALID);
    for (size_t i = 0; i < sizeof bad_layers / sizeof bad_layers[0]; i++)
        CHECK_FAILS(nerve_layer_parameter_count(net, bad_layers[i], &w, &b), INVALID);
    CHECK(w == -7 && b == -7, "a failed nerve_layer_parameter_count wrote its out-parameters");

    int32_t kind = -7, in[3] = {-7, -7, -7}, out[3] = {-7, -7, -7};
    for (size_t i = 0; i < sizeof bad_layers / sizeof bad_layers[0]; i++)
        CHECK_FAILS(nerve_layer_shape(net, bad_layers[i], &kind, in, out), INVALID);
    CHECK(kind == -7 && in[0] == -7 && out[2] == -7, "a failed nerve_layer_shape wrote its out-parameters");

    /* A freed network. */
    nerve_net *gone = NULL;
    const nerve_layer_spec one = conv_layer(1, 2, 2, 0, VALID, LINEAR);
    if (CHECK_OK(CREATE_LAYERS(&gone, small, &one, 1, NERVE_COST_QUADRATIC, 1))) {
        nerve_free(gone);
        CHECK(nerve_parameter_count(gone) == 0, "nerve_parameter_count of a freed network is not 0");
        CHECK_FAILS(nerve_get_layer_spec(gone, 0, &spec, sizeof spec), INVALID);
        CHECK_FAILS(nerve_layer_parameter_count(gone, 0, &w, &b), INVALID);
    }
}

static void parameters(nerve_net *net)
{
    net_snapshot before, after;
    if (!CHECK(snapshot_take(net, &before) == 0, "snapshot before the parameter cases"))
        return;
    /* Layer 0: 2 filters × 1 × 3 × 3 = 18 weights, 2 biases; layer 1 pooling: none; layer 2: 8 × 3 + 3. */
    float w[32], b[4], bad[32];
    fill_uniform(w, 32, 1, -1, 1);
    fill_uniform(b, 4, 2, -1, 1);
    CHECK_FAILS(nerve_set_layer(net, 0, w, 17, b, 2), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, 19, b, 2), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, 36, b, 2), SIZE); /* inputs × outputs = 36 × 32 is not it either */
    CHECK_FAILS(nerve_set_layer(net, 0, w, 18, b, 1), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, 18, b, 32), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, INT64_MIN, b, 2), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 1, w, 1, NULL, 0), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 1, NULL, 0, b, 1), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 1, w, 4, b, 2), SIZE);
    memcpy(bad, w, sizeof bad);
    bad[17] = NAN;
    CHECK_FAILS(nerve_set_layer(net, 0, bad, 18, b, 2), INVALID);
    bad[17] = w[17];
    bad[0] = -INFINITY;
    CHECK_FAILS(nerve_set_layer(net, 0, bad, 18, NULL, 0), INVALID);
    const float bad_bias[2] = {0, INFINITY};
    CHECK_FAILS(nerve_set_layer(net, 0, w, 18, bad_bias, 2), INVALID);
    if (CHECK(snapshot_take(net, &after) == 0, "snapshot after the parameter cases")) {
        CHECK(snapshot_equal(&before, &after), "a refused nerve_set_layer changed the CNN");
        snapshot_free(&after);
    }
    snapshot_free(&before);

    float got_w[32], got_b[4];
    for (int i = 0; i < 32; i++)
        got_w[i] = -12345.5f;
    CHECK_FAILS(nerve_get_layer(net, 0, got_w, 17, got_b, 2), CAPACITY);
    char needed[16];
    snprintf(needed, sizeof needed, "%d", 18);
    CHECK(strstr(nerve_last_error(), needed) != NULL, "capacity message \"%s\" does not give the needed 18",
          nerve_last_error());
    CHECK_FAILS(nerve_get_layer(net, 0, got_w, 18, got_b, 1), CAPACITY);
    CHECK(got_w[0] == -12345.5f, "a failed nerve_get_layer wrote the weights");
    /* A pooling layer copies nothing, whatever the buffers. */
    CHECK_OK(nerve_get_layer(net, 1, got_w, 0, got_b, 0));
    CHECK_OK(nerve_get_layer(net, 1, NULL, 0, NULL, 0));
    CHECK(got_w[0] == -12345.5f, "nerve_get_layer of a pooling layer wrote to the buffer");
}

static void data(nerve_net *net)
{
    /* 36 inputs, 3 outputs. */
    float x[4 * 36], y[4 * 3], out[4 * 3];
    fill_uniform(x, 4 * 36, 3, -1, 1);
    fill_one_hot(y, 4, 3, 4);
    net_snapshot before, after;
    if (!CHECK(snapshot_take(net, &before) == 0, "snapshot before the data cases"))
        return;
    CHECK_FAILS(nerve_predict(net, x, 4, out, 11), CAPACITY);
    CHECK_FAILS(nerve_predict(net, x, INT64_MAX / 36 + 1, out, INT64_MAX), SIZE);
    CHECK_FAILS(nerve_predict(net, x, (int64_t)1 << 62, out, INT64_MAX), SIZE);
    x[35] = NAN;
    CHECK_FAILS(nerve_predict(net, x, 4, out, 12), INVALID);
    CHECK_FAILS(nerve_train(net, x, y, 4, NULL, NULL, 0, NULL), INVALID);
    x[35] = 0;
    y[11] = 2.0f; /* log-likelihood targets lie in [0, 1] */
    CHECK_FAILS(nerve_train(net, x, y, 4, NULL, NULL, 0, NULL), INVALID);
    y[11] = 0;
    CHECK_FAILS(nerve_train(net, x, y, INT64_MAX / 36 / 4 + 1, NULL, NULL, 0, NULL), SIZE);
    if (CHECK(snapshot_take(net, &after) == 0, "snapshot after the data cases")) {
        CHECK(snapshot_equal(&before, &after), "a refused call changed the CNN");
        snapshot_free(&after);
    }
    snapshot_free(&before);
}

/* ---- model files --------------------------------------------------------------------------------------- */

/* The model of `net` (1×6×6 → conv 2 × 3×3 ReLU → 2×4×4 → max 2×2 → 2×2×2 → dense 3 softmax): header 20 bytes,
 * records at 20 (conv, 56), 76 (pool, 56) and 132 (dense, 36), generator state at 168, the parameter count
 * at 200, 2·9 + 2 + 8·3 + 3 = 47 parameters from 208, the CRC at 396: 400 bytes. */
enum { R_CONV = 20, R_POOL = 76, R_DENSE = 132, MODEL_SIZE = 400 };

static unsigned char *model;
static size_t model_size;

static void load_refused(const unsigned char *bytes, size_t n, const char *what)
{
    nerve_net *marker = (nerve_net *)&marker, *out = marker;
    if (!CHECK_FAILS(nerve_load_from_memory(bytes, n, &out), FORMAT))
        fprintf(stderr, "     (model: %s)\n", what);
    CHECK(out == marker, "load (%s) wrote *out on failure", what);
    if (out != marker && out != NULL)
        nerve_free(out);
}

/* The model with u32 fields changed (at, value pairs, ending with 0), under a recomputed CRC. */
static void patched(const char *what, size_t at, uint32_t value, ...)
{
    unsigned char *b = malloc(model_size);
    memcpy(b, model, model_size);
    va_list args;
    va_start(args, value);
    while (at != 0) {
        put_u32(b, at, value);
        at = va_arg(args, size_t);
        if (at != 0)
            value = va_arg(args, uint32_t);
    }
    va_end(args);
    reseal(b, model_size);
    load_refused(b, model_size, what);
    free(b);
}

#define PATCH(what, ...) patched(what, __VA_ARGS__, (size_t)0)
#define AT(record, field) ((size_t)(record) + (field))

static void model_files(nerve_net *net)
{
    size_t size = 0;
    if (!CHECK_OK(nerve_serialized_size(net, &size)) || !CHECK(size == MODEL_SIZE, "model of %zu bytes", size))
        return;
    model = malloc(size);
    if (!CHECK_OK(nerve_save_to_memory(net, model, size, &model_size)))
        goto done;
    /* The layout the patches rely on. */
    if (!CHECK(get_u32(model, R_CONV) == 56 && get_u32(model, AT(R_CONV, REC_KIND)) == CONV &&
                   get_u32(model, R_POOL) == 56 && get_u32(model, AT(R_POOL, REC_KIND)) == MAXP &&
                   get_u32(model, R_DENSE) == 36 && get_u32(model, 200) == 47,
               "the CNN's model does not have the layout of the format description"))
        goto done;
    nerve_net *copy = NULL;
    if (CHECK_OK(nerve_load_from_memory(model, model_size, &copy)))
        nerve_free(copy);

    /* Windows that do not fit, zero windows and strides. */
    PATCH("conv kernel 7×3 on a 6×6 input, valid", AT(R_CONV, REC_WINDOW_HEIGHT), 7u);
    PATCH("conv kernel 7×7 on 6×6, output 0×0", AT(R_CONV, REC_WINDOW_HEIGHT), 7u, AT(R_CONV, REC_WINDOW_WIDTH), 7u,
          AT(R_CONV, REC_OUTPUT + 4), 0u, AT(R_CONV, REC_OUTPUT + 8), 0u);
    PATCH("pool window 5×5 on 4×4", AT(R_POOL, REC_WINDOW_HEIGHT), 5u, AT(R_POOL, REC_WINDOW_WIDTH), 5u);
    PATCH("conv window height 0", AT(R_CONV, REC_WINDOW_HEIGHT), 0u);
    PATCH("conv window width 0", AT(R_CONV, REC_WINDOW_WIDTH), 0u);
    PATCH("pool window 0×0", AT(R_POOL, REC_WINDOW_HEIGHT), 0u, AT(R_POOL, REC_WINDOW_WIDTH), 0u);
    PATCH("conv vertical stride 0", AT(R_CONV, REC_STRIDE_HEIGHT), 0u);
    PATCH("conv strides 0", AT(R_CONV, REC_STRIDE_HEIGHT), 0u, AT(R_CONV, REC_STRIDE_WIDTH), 0u);
    PATCH("pool horizontal stride 0", AT(R_POOL, REC_STRIDE_WIDTH), 0u);
    PATCH("conv stride 2^32 − 1", AT(R_CONV, REC_STRIDE_HEIGHT), 0xFFFFFFFFu);
    PATCH("conv stride 2^31", AT(R_CONV, REC_STRIDE_WIDTH), 0x80000000u);
    PATCH("conv window 2^32 − 1", AT(R_CONV, REC_WINDOW_WIDTH), 0xFFFFFFFFu);
    PATCH("conv window 2^24 × 2^24, same", AT(R_CONV, REC_WINDOW_HEIGHT), 1u << 24, AT(R_CONV, REC_WINDOW_WIDTH),
          1u << 24, AT(R_CONV, REC_PADDING), 1u, AT(R_CONV, REC_OUTPUT + 4), 6u, AT(R_CONV, REC_OUTPUT + 8), 6u);
    PATCH("conv window 65536 × 65536 (2^32: 0 in 32 bits), same", AT(R_CONV, REC_WINDOW_HEIGHT), 65536u,
          AT(R_CONV, REC_WINDOW_WIDTH), 65536u, AT(R_CONV, REC_PADDING), 1u, AT(R_CONV, REC_OUTPUT + 4), 6u,
          AT(R_CONV, REC_OUTPUT + 8), 6u);

    /* Paddings. */
    PATCH("conv padding 2", AT(R_CONV, REC_PADDING), 2u);
    PATCH("conv padding 2^32 − 1", AT(R_CONV, REC_PADDING), 0xFFFFFFFFu);
    PATCH("pool padding 1 (SAME pooling)", AT(R_POOL, REC_PADDING), 1u);
    PATCH("pool padding 2^31", AT(R_POOL, REC_PADDING), 0x80000000u);

    /* Record sizes and kinds. */
    PATCH("conv record size 36", AT(R_CONV, REC_SIZE), 36u);
    PATCH("conv record size 0", AT(R_CONV, REC_SIZE), 0u);
    PATCH("conv record size 60", AT(R_CONV, REC_SIZE), 60u);
    PATCH("pool record size 36", AT(R_POOL, REC_SIZE), 36u);
    PATCH("pool record size 2^32 − 1", AT(R_POOL, REC_SIZE), 0xFFFFFFFFu);
    PATCH("dense record size 56", AT(R_DENSE, REC_SIZE), 56u);
    PATCH("conv record read as dense (kind 0, 56 bytes)", AT(R_CONV, REC_KIND), 0u);
    PATCH("conv record read as dense (kind 0, size 36)", AT(R_CONV, REC_KIND), 0u, AT(R_CONV, REC_SIZE), 36u);
    PATCH("dense record read as conv (kind 1, 36 bytes)", AT(R_DENSE, REC_KIND), 1u);
    PATCH("pool record read as conv (no filters' weights stored)", AT(R_POOL, REC_KIND), 1u);
    PATCH("conv record read as max pool (its weights left over)", AT(R_CONV, REC_KIND), 2u);
    PATCH("kind 4", AT(R_CONV, REC_KIND), 4u);
    PATCH("kind 2^32 − 1", AT(R_POOL, REC_KIND), 0xFFFFFFFFu);

    /* Output shapes inconsistent with the window (each still chained to the next layer's input). */
    PATCH("conv output 2×5×4 for a 3×3 kernel on 6×6", AT(R_CONV, REC_OUTPUT + 4), 5u, AT(R_POOL, REC_INPUT + 4), 5u);
    PATCH("conv padding SAME with the valid 2×4×4 output", AT(R_CONV, REC_PADDING), 1u);
    PATCH("conv stride 2 with the stride-1 output", AT(R_CONV, REC_STRIDE_HEIGHT), 2u);
    PATCH("pool stride 1 with the stride-2 output 2×2", AT(R_POOL, REC_STRIDE_HEIGHT), 1u,
          AT(R_POOL, REC_STRIDE_WIDTH), 1u);
    PATCH("pool output 3 channels from 2", AT(R_POOL, REC_OUTPUT), 3u);
    PATCH("conv output channels 3 with 2 filters' weights", AT(R_CONV, REC_OUTPUT), 3u, AT(R_POOL, REC_INPUT), 3u,
          AT(R_POOL, REC_OUTPUT), 3u);
    PATCH("pool input 2×4×4 recorded as 2×16×1", AT(R_POOL, REC_INPUT + 4), 16u, AT(R_POOL, REC_INPUT + 8), 1u);

    /* Shapes whose products overflow 32 or 64 bits. */
    PATCH("conv input 1×65536×65536 (2^32: 0 in 32 bits)", AT(R_CONV, REC_INPUT + 4), 65536u,
          AT(R_CONV, REC_INPUT + 8), 65536u);
    PATCH("conv input 3×1431655766×1 (2 in 32 bits)", AT(R_CONV, REC_INPUT), 3u, AT(R_CONV, REC_INPUT + 4),
          1431655766u, AT(R_CONV, REC_INPUT + 8), 1u);
    PATCH("conv input 2^21×2^21×2^22 (2^64: 0 in 64 bits)", AT(R_CONV, REC_INPUT), 1u << 21,
          AT(R_CONV, REC_INPUT + 4), 1u << 21, AT(R_CONV, REC_INPUT + 8), 1u << 22);
    PATCH("conv input (2^32 − 1)^3", AT(R_CONV, REC_INPUT), 0xFFFFFFFFu, AT(R_CONV, REC_INPUT + 4), 0xFFFFFFFFu,
          AT(R_CONV, REC_INPUT + 8), 0xFFFFFFFFu);
    PATCH("conv output 2×65536×65536 and pool input to match", AT(R_CONV, REC_OUTPUT + 4), 65536u,
          AT(R_CONV, REC_OUTPUT + 8), 65536u, AT(R_POOL, REC_INPUT + 4), 65536u, AT(R_POOL, REC_INPUT + 8), 65536u);
    PATCH("conv input channels 2^31 (weights 2^31 × 9 per filter)", AT(R_CONV, REC_INPUT), 0x80000000u);
    PATCH("pool output 2^31 × 1 × 2", AT(R_POOL, REC_OUTPUT), 0x80000000u, AT(R_DENSE, REC_INPUT), 0x80000000u);

    /* Truncated inside the window fields of a record (the CRC cannot be right either). */
    for (size_t cut = R_CONV + 36; cut < R_CONV + 56; cut += 6)
        load_refused(model, cut, "truncated in the conv record's window fields");
done:
    free(model);
    model = NULL;
}

void test_cnn_hostile(void)
{
    long cases_before = check_error_cases();
    arguments();
    input_shapes();
    kinds_and_enums();
    windows_and_sizes();
    cost_and_output();

    nerve_net *net = NULL;
    const nerve_layer_spec layers[3] = {conv_layer(2, 3, 3, 0, VALID, NERVE_ACT_RELU), pool_layer(MAXP, 2, 2, 0),
                                        dense_layer(3, NERVE_ACT_SOFTMAX)};
    if (CHECK_OK(CREATE_LAYERS(&net, small, layers, 3, NERVE_COST_LOG_LIKELIHOOD, 21))) {
        getters(net);
        parameters(net);
        data(net);
        model_files(net);
        /* The network survived all of it. */
        float x[36], out[3];
        fill_uniform(x, 36, 9, 0, 1);
        CHECK_OK(nerve_predict(net, x, 1, out, 3));
        CHECK(all_finite(out, 3), "predictions after the hostile cases are not finite");
        nerve_free(net);
    }
    printf("   cnn hostile cases: %ld\n", check_error_cases() - cases_before);
}
