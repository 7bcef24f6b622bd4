#include "fuzz_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Networks wider than this are only described, not run: a fuzz input cannot hold one anyway. */
enum { MAX_VALUES = 1 << 20, ROWS = 3 };

void fuzz_fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "invariant violated: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\n");
    va_end(args);
    abort();
}

void fuzz_expect_refusal(nerve_status status, nerve_status expected, const char *what)
{
    if (status != expected)
        fuzz_fail("%s returned %d (%s), expected %d: %s", what, status, nerve_status_string(status), expected,
                  nerve_last_error());
    if (nerve_last_error()[0] == '\0')
        fuzz_fail("%s failed with %d but left no message", what, status);
}

static float *inputs(int32_t n_in, int rows)
{
    float *x = malloc(sizeof(float) * (size_t)n_in * (size_t)rows);
    for (size_t i = 0; i < (size_t)n_in * (size_t)rows; i++)
        x[i] = (float)((int)(i * 7919 % 17) - 8) / 8.0f;
    return x;
}

float *fuzz_predict(const nerve_net *net, int rows)
{
    int32_t n_in = nerve_input_size(net), n_out = nerve_output_size(net);
    if ((int64_t)n_in * rows > MAX_VALUES || (int64_t)n_out * rows > MAX_VALUES)
        return NULL;
    float *x = inputs(n_in, rows), *out = malloc(sizeof(float) * (size_t)n_out * (size_t)rows);
    nerve_status s = nerve_predict(net, x, rows, out, (int64_t)n_out * rows);
    if (s != NERVE_OK)
        fuzz_fail("predict on a loaded network returned %d: %s", s, nerve_last_error());
    free(x);
    return out;
}

/* Output extent along one axis by nerve.h's formulas (valid: ⌊(n − k) / s⌋ + 1, same: ⌈n / s⌉); 0 if the
 * window does not fit. */
static int64_t extent(int64_t n, int64_t k, int64_t s, int32_t padding)
{
    if (n < 1 || k < 1 || s < 1)
        return 0;
    if (padding == NERVE_PADDING_SAME)
        return (n + s - 1) / s;
    return k <= n ? (n - k) / s + 1 : 0;
}

/* Layer l as nerve_layer_shape and nerve_get_layer_spec describe it agrees with nerve_layer_info, with the
 * layer before it, with its own window and with nerve_layer_parameter_count; returns its parameter count. */
static int64_t check_layer(const nerve_net *net, int32_t l, int32_t in_count, int32_t out_count, int32_t act,
                           int32_t previous_out[3])
{
    int32_t kind = -1, in[3] = {0}, out[3] = {0};
    nerve_layer_spec spec;
    int64_t weights = -1, biases = -1;
    nerve_status s1 = nerve_layer_shape(net, l, &kind, in, out);
    nerve_status s2 = nerve_get_layer_spec(net, l, &spec, sizeof spec);
    nerve_status s3 = nerve_layer_parameter_count(net, l, &weights, &biases);
    if (s1 != NERVE_OK || s2 != NERVE_OK || s3 != NERVE_OK)
        fuzz_fail("layer %d: layer_shape %d, get_layer_spec %d, layer_parameter_count %d: %s", l, s1, s2, s3,
                  nerve_last_error());
    if ((int64_t)in[0] * in[1] * in[2] != in_count || (int64_t)out[0] * out[1] * out[2] != out_count ||
        spec.kind != kind || spec.activation != act)
        fuzz_fail("layer %d: kind %d, %d×%d×%d → %d×%d×%d, activation %d disagree with layer_info %d → %d, %d", l,
                  kind, in[0], in[1], in[2], out[0], out[1], out[2], spec.activation, in_count, out_count, act);
    if (l > 0 && memcmp(in, previous_out, sizeof in) != 0)
        fuzz_fail("layer %d reads %d×%d×%d, the layer before writes %d×%d×%d", l, in[0], in[1], in[2],
                  previous_out[0], previous_out[1], previous_out[2]);
    memcpy(previous_out, out, sizeof in);
    int64_t expected_weights, expected_biases;
    if (kind == NERVE_LAYER_DENSE) {
        if (spec.units != out[0] || out[1] != 1 || out[2] != 1 || spec.window_height || spec.window_width ||
            spec.stride_height || spec.stride_width || spec.padding)
            fuzz_fail("dense layer %d: units %d, output %d×%d×%d, window fields %d %d %d %d %d", l, spec.units, out[0],
                      out[1], out[2], spec.window_height, spec.window_width, spec.stride_height, spec.stride_width,
                      spec.padding);
        expected_weights = (int64_t)in_count * out_count;
        expected_biases = out_count;
    } else if (kind == NERVE_LAYER_CONV2D || kind == NERVE_LAYER_MAX_POOL2D || kind == NERVE_LAYER_MEAN_POOL2D) {
        int pool = kind != NERVE_LAYER_CONV2D;
        if (extent(in[1], spec.window_height, spec.stride_height, spec.padding) != out[1] ||
            extent(in[2], spec.window_width, spec.stride_width, spec.padding) != out[2] ||
            (spec.padding != NERVE_PADDING_VALID && spec.padding != NERVE_PADDING_SAME))
            fuzz_fail("layer %d (kind %d): window %d×%d stride %d,%d padding %d on %d×%d gives %d×%d", l, kind,
                      spec.window_height, spec.window_width, spec.stride_height, spec.stride_width, spec.padding, in[1],
                      in[2], out[1], out[2]);
        if (pool && (spec.units != 0 || out[0] != in[0] || spec.padding != NERVE_PADDING_VALID ||
                     spec.activation != NERVE_ACT_LINEAR))
            fuzz_fail("pooling layer %d: units %d, channels %d → %d, padding %d, activation %d", l, spec.units, in[0],
                      out[0], spec.padding, spec.activation);
        if (!pool && spec.units != out[0])
            fuzz_fail("convolution layer %d: %d filters but %d output channels", l, spec.units, out[0]);
        expected_weights = pool ? 0 : (int64_t)spec.units * in[0] * spec.window_height * spec.window_width;
        expected_biases = pool ? 0 : spec.units;
    } else {
        fuzz_fail("layer %d has unknown kind %d", l, kind);
    }
    if (weights != expected_weights || biases != expected_biases)
        fuzz_fail("layer %d (kind %d): %lld weights and %lld biases, expected %lld and %lld", l, kind,
                  (long long)weights, (long long)biases, (long long)expected_weights, (long long)expected_biases);
    return weights + biases;
}

/* The layers describe one chain from the input size to the output size. */
static void check_shape(const nerve_net *net)
{
    int32_t layers = nerve_layer_count(net), n_in = nerve_input_size(net), n_out = nerve_output_size(net);
    int32_t cost = nerve_cost(net);
    if (layers < 1 || n_in < 1 || n_out < 1 || n_in > 16777216 || n_out > 16777216)
        fuzz_fail("loaded network with %d layers, %d inputs, %d outputs", layers, n_in, n_out);
    if (cost < NERVE_COST_QUADRATIC || cost > NERVE_COST_POISSON)
        fuzz_fail("loaded network with cost %d", cost);
    int32_t expected_in = n_in, last_act = -1, previous_out[3] = {0};
    int64_t parameters = 0;
    for (int32_t l = 0; l < layers; l++) {
        int32_t in = 0, out = 0, act = -1;
        nerve_status s = nerve_layer_info(net, l, &in, &out, &act);
        if (s != NERVE_OK || in != expected_in || out < 1 || act < NERVE_ACT_SIGMOID || act > NERVE_ACT_EXP)
            fuzz_fail("layer %d: status %d, %d → %d, activation %d (expected %d inputs)", l, s, in, out, act,
                      expected_in);
        parameters += check_layer(net, l, in, out, act, previous_out);
        expected_in = out;
        last_act = act;
    }
    if (expected_in != n_out)
        fuzz_fail("the last layer gives %d outputs, the network reports %d", expected_in, n_out);
    if (parameters != nerve_parameter_count(net))
        fuzz_fail("the layers hold %lld parameters, nerve_parameter_count says %lld", (long long)parameters,
                  (long long)nerve_parameter_count(net));
    if ((cost == NERVE_COST_CROSS_ENTROPY && last_act != NERVE_ACT_SIGMOID) ||
        (cost == NERVE_COST_LOG_LIKELIHOOD && last_act != NERVE_ACT_SOFTMAX) ||
        (cost == NERVE_COST_POISSON && last_act != NERVE_ACT_EXP))
        fuzz_fail("loaded a network pairing cost %d with output activation %d", cost, last_act);
}

/* Every parameter the library hands back is finite (the loader refuses NaN and infinities). */
static void check_parameters(const nerve_net *net)
{
    for (int32_t l = 0; l < nerve_layer_count(net); l++) {
        int64_t nw = 0, nb = 0;
        nerve_layer_parameter_count(net, l, &nw, &nb);
        if (nw + nb > MAX_VALUES)
            return;
        float *w = malloc(sizeof(float) * (size_t)(nw + 1)), *b = malloc(sizeof(float) * (size_t)(nb + 1));
        nerve_status s = nerve_get_layer(net, l, w, nw, b, nb);
        if (s != NERVE_OK)
            fuzz_fail("get_layer %d returned %d: %s", l, s, nerve_last_error());
        for (int64_t i = 0; i < nw; i++)
            if (!isfinite(w[i]))
                fuzz_fail("layer %d weight %lld is %g after loading", l, (long long)i, w[i]);
        for (int64_t j = 0; j < nb; j++)
            if (!isfinite(b[j]))
                fuzz_fail("layer %d bias %lld is %g after loading", l, (long long)j, b[j]);
        free(w);
        free(b);
    }
}

static void check_round_trip(const nerve_net *net, const float *predicted)
{
    size_t size = 0, written = 0;
    if (nerve_serialized_size(net, &size) != NERVE_OK || size == 0)
        fuzz_fail("serialized_size of a loaded network failed: %s", nerve_last_error());
    unsigned char *buffer = malloc(size);
    nerve_status s = nerve_save_to_memory(net, buffer, size, &written);
    if (s != NERVE_OK || written != size)
        fuzz_fail("save_to_memory returned %d, wrote %zu of %zu: %s", s, written, size, nerve_last_error());
    nerve_net *again = NULL;
    s = nerve_load_from_memory(buffer, written, &again);
    if (s != NERVE_OK)
        fuzz_fail("a re-saved network does not load (%d): %s", s, nerve_last_error());
    if (predicted) {
        float *second = fuzz_predict(again, ROWS);
        if (memcmp(second, predicted, sizeof(float) * (size_t)nerve_output_size(net) * ROWS) != 0)
            fuzz_fail("predictions differ after save and load");
        free(second);
    }
    nerve_free(again);
    free(buffer);
}

/* Training a loaded network either works, diverges, or is refused (step layers); never anything else. */
static void check_training(nerve_net *net)
{
    int32_t n_in = nerve_input_size(net), n_out = nerve_output_size(net);
    if ((int64_t)nerve_input_size(net) * ROWS > MAX_VALUES || (int64_t)n_out * ROWS > MAX_VALUES)
        return;
    float *x = inputs(n_in, ROWS), *y = calloc((size_t)n_out * ROWS, sizeof(float));
    for (int r = 0; r < ROWS; r++)
        y[(size_t)r * n_out + (size_t)r % n_out] = 1; /* one-hot rows suit every cost */
    float cost = 0, accuracy = 0;
    nerve_status s = nerve_evaluate(net, x, y, ROWS, &cost, &accuracy);
    if (s != NERVE_OK)
        fuzz_fail("evaluate on a loaded network returned %d: %s", s, nerve_last_error());
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1;
    opts.batch_size = 2;
    s = nerve_train(net, x, y, ROWS, NULL, NULL, 0, &opts);
    if (s != NERVE_OK && s != NERVE_E_DIVERGED && s != NERVE_E_UNSUPPORTED)
        fuzz_fail("training a loaded network returned %d: %s", s, nerve_last_error());
    free(x);
    free(y);
}

static long loaded_count;

static void report_loaded(void) { fprintf(stderr, "nerve: %ld inputs loaded as networks\n", loaded_count); }

void fuzz_exercise(nerve_net *net)
{
    if (loaded_count++ == 0)
        atexit(report_loaded);
    check_shape(net);
    check_parameters(net);
    float *predicted = fuzz_predict(net, ROWS);
    check_round_trip(net, predicted);
    free(predicted);
    check_training(net);
}
