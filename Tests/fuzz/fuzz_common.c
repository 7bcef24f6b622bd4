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

/* The layers describe one chain from the input size to the output size. */
static void check_shape(const nerve_net *net)
{
    int32_t layers = nerve_layer_count(net), n_in = nerve_input_size(net), n_out = nerve_output_size(net);
    int32_t cost = nerve_cost(net);
    if (layers < 1 || n_in < 1 || n_out < 1 || n_in > 16777216 || n_out > 16777216)
        fuzz_fail("loaded network with %d layers, %d inputs, %d outputs", layers, n_in, n_out);
    if (cost < NERVE_COST_QUADRATIC || cost > NERVE_COST_LOG_LIKELIHOOD)
        fuzz_fail("loaded network with cost %d", cost);
    int32_t expected_in = n_in, last_act = -1;
    for (int32_t l = 0; l < layers; l++) {
        int32_t in = 0, out = 0, act = -1;
        nerve_status s = nerve_layer_info(net, l, &in, &out, &act);
        if (s != NERVE_OK || in != expected_in || out < 1 || act < NERVE_ACT_SIGMOID || act > NERVE_ACT_STEP)
            fuzz_fail("layer %d: status %d, %d → %d, activation %d (expected %d inputs)", l, s, in, out, act,
                      expected_in);
        expected_in = out;
        last_act = act;
    }
    if (expected_in != n_out)
        fuzz_fail("the last layer gives %d outputs, the network reports %d", expected_in, n_out);
    if ((cost == NERVE_COST_CROSS_ENTROPY && last_act != NERVE_ACT_SIGMOID) ||
        (cost == NERVE_COST_LOG_LIKELIHOOD && last_act != NERVE_ACT_SOFTMAX))
        fuzz_fail("loaded a network pairing cost %d with output activation %d", cost, last_act);
}

/* Every parameter the library hands back is finite (the loader refuses NaN and infinities). */
static void check_parameters(const nerve_net *net)
{
    for (int32_t l = 0; l < nerve_layer_count(net); l++) {
        int32_t in = 0, out = 0;
        nerve_layer_info(net, l, &in, &out, NULL);
        int64_t nw = (int64_t)in * out;
        if (nw > MAX_VALUES)
            return;
        float *w = malloc(sizeof(float) * (size_t)nw), *b = malloc(sizeof(float) * (size_t)out);
        nerve_status s = nerve_get_layer(net, l, w, nw, b, out);
        if (s != NERVE_OK)
            fuzz_fail("get_layer %d returned %d: %s", l, s, nerve_last_error());
        for (int64_t i = 0; i < nw; i++)
            if (!isfinite(w[i]))
                fuzz_fail("layer %d weight %lld is %g after loading", l, (long long)i, w[i]);
        for (int32_t j = 0; j < out; j++)
            if (!isfinite(b[j]))
                fuzz_fail("layer %d bias %d is %g after loading", l, j, b[j]);
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
