/* Memory stays flat over many create / train / predict / save / load / free cycles of a tiny network, failed
 * calls (which set the error message) included. Every tenth cycle also runs a tiny convolutional network
 * (convolution, max and mean pooling) through the same life, with refused layer specs and a refused model.
 *
 *   leak_cycles CYCLES [MAX_GROWTH_KB]
 *
 * With MAX_GROWTH_KB the resident set size after the first tenth of the cycles (allocator and library caches
 * warm) is compared with the size at the end. Without it, the program relies on an outside checker (valgrind,
 * LeakSanitizer) to find leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "layer_specs.h"

static long resident_kb(void)
{
    long pages_total = 0, pages_resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2)
        pages_resident = -1;
    fclose(f);
    return pages_resident < 0 ? -1 : pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static const float xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1}, xor_y[] = {0, 1, 1, 0};

/* One full life of a network; returns the number of calls that did not behave. */
static int cycle(int i)
{
    int bad = 0;
    const int32_t sizes[] = {2, 4, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL, *copy = NULL;
    if (nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, (uint64_t)i) != NERVE_OK)
        return 1;
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 2;
    opts.batch_size = 2;
    opts.dropout = 0.1f;
    opts.optimizer = i % 2 ? NERVE_OPTIMIZER_ADAM : NERVE_OPTIMIZER_SGD;
    opts.momentum = i % 2 ? 0.0f : 0.5f;
    opts.monitor_training = i % 3;
    bad += nerve_train(net, xor_x, xor_y, 4, xor_x, xor_y, 4, &opts) != NERVE_OK;
    float out[4], cost, accuracy;
    bad += nerve_predict(net, xor_x, 4, out, 4) != NERVE_OK;
    bad += nerve_evaluate(net, xor_x, xor_y, 4, &cost, &accuracy) != NERVE_OK;
    unsigned char buffer[1024];
    size_t size = 0, written = 0;
    bad += nerve_serialized_size(net, &size) != NERVE_OK || size > sizeof buffer;
    bad += nerve_save_to_memory(net, buffer, sizeof buffer, &written) != NERVE_OK;
    bad += nerve_load_from_memory(buffer, written, &copy) != NERVE_OK;
    bad += nerve_load_from_memory(buffer, written - 1, &(nerve_net *){NULL}) != NERVE_E_FORMAT;
    bad += nerve_predict(copy, xor_x, 4, out, 3) != NERVE_E_CAPACITY;
    bad += nerve_train(net, xor_x, xor_y, -1, NULL, NULL, 0, NULL) != NERVE_E_SIZE;
    bad += nerve_last_error()[0] == '\0';
    nerve_free(copy);
    nerve_free(net);
    return bad;
}

/* 1×5×5 → conv 2 × 2×2 SAME ReLU → 2×5×5 → max 2×2 → 2×2×2 → conv 2 × 2×2 tanh → 2×1×1 → mean 1×1 → dense 2. */
static int cnn_cycle(int i)
{
    int bad = 0;
    const int32_t shape[3] = {1, 5, 5};
    nerve_layer_spec layers[5] = {conv_layer(2, 2, 2, 1, NERVE_PADDING_SAME, NERVE_ACT_RELU),
                                  pool_layer(NERVE_LAYER_MAX_POOL2D, 2, 2, 0),
                                  conv_layer(2, 2, 2, 0, NERVE_PADDING_VALID, NERVE_ACT_TANH),
                                  pool_layer(NERVE_LAYER_MEAN_POOL2D, 1, 1, 0),
                                  dense_layer(2, NERVE_ACT_SOFTMAX)};
    nerve_net *net = NULL, *copy = NULL;
    if (CREATE_LAYERS(&net, shape, layers, 5, NERVE_COST_LOG_LIKELIHOOD, (uint64_t)i) != NERVE_OK)
        return 1;
    float x[4 * 25], y[4 * 2] = {1, 0, 0, 1, 1, 0, 0, 1};
    for (int k = 0; k < 4 * 25; k++)
        x[k] = (float)((k * 7 + i) % 11) / 10.0f;
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 2;
    opts.batch_size = 2;
    opts.dropout = 0.1f;
    opts.optimizer = i % 20 ? NERVE_OPTIMIZER_ADAM : NERVE_OPTIMIZER_SGD;
    opts.monitor_training = i % 3;
    bad += nerve_train(net, x, y, 4, x, y, 4, &opts) != NERVE_OK;
    float out[8], cost, accuracy;
    bad += nerve_predict(net, x, 4, out, 8) != NERVE_OK;
    bad += nerve_evaluate(net, x, y, 4, &cost, &accuracy) != NERVE_OK;
    nerve_layer_spec spec;
    bad += nerve_get_layer_spec(net, 2, &spec, sizeof spec) != NERVE_OK;
    unsigned char buffer[1024];
    size_t size = 0, written = 0;
    bad += nerve_serialized_size(net, &size) != NERVE_OK || size > sizeof buffer;
    bad += nerve_save_to_memory(net, buffer, sizeof buffer, &written) != NERVE_OK;
    bad += nerve_load_from_memory(buffer, written, &copy) != NERVE_OK;
    bad += nerve_predict(copy, x, 4, out, 8) != NERVE_OK;
    buffer[20] = 36; /* the first record's size: a convolution's is 56 */
    bad += nerve_load_from_memory(buffer, written, &(nerve_net *){NULL}) != NERVE_E_FORMAT;
    layers[2].window_height = 3; /* does not fit the 2×2 left by the pooling */
    bad += CREATE_LAYERS(&(nerve_net *){NULL}, shape, layers, 5, NERVE_COST_LOG_LIKELIHOOD, 1) != NERVE_E_SIZE;
    layers[1].units = 1;
    bad += CREATE_LAYERS(&(nerve_net *){NULL}, shape, layers, 5, NERVE_COST_LOG_LIKELIHOOD, 1) != NERVE_E_INVALID;
    bad += nerve_last_error()[0] == '\0';
    nerve_free(copy);
    nerve_free(net);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CYCLES [MAX_GROWTH_KB]\n", argv[0]);
        return 2;
    }
    int cycles = atoi(argv[1]);
    long max_growth_kb = argc > 2 ? atol(argv[2]) : -1;
    int warm = cycles / 10, misbehaved = 0;
    long warm_kb = -1;
    double t0 = now_seconds();
    for (int i = 0; i < cycles; i++) {
        if (i == warm)
            warm_kb = resident_kb();
        misbehaved += cycle(i);
        if (i % 10 == 0)
            misbehaved += cnn_cycle(i);
    }
    long end_kb = resident_kb();
    CHECK(misbehaved == 0, "%d calls returned an unexpected status over %d cycles", misbehaved, cycles);
    printf("%d cycles in %.1f s; resident set %ld kB after %d cycles, %ld kB at the end\n", cycles,
           now_seconds() - t0, warm_kb, warm, end_kb);
    if (max_growth_kb >= 0)
        CHECK(end_kb - warm_kb <= max_growth_kb, "resident set grew by %ld kB over %d cycles (limit %ld kB)",
              end_kb - warm_kb, cycles - warm, max_growth_kb);
    return check_summary();
}
