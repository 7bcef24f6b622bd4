/* Times Nerve through its C interface on one workload and prints one "RESULT {json}" line for run.py.
 *
 *   nerve_bench mode=train      sizes=784,100,10 hidden=sigmoid batch=10 lr=0.1 momentum=0 epochs=2 [n=60000]
 *   nerve_bench mode=latency    sizes=784,64,10  hidden=sigmoid calls=20000
 *   nerve_bench mode=throughput sizes=784,256,128,10 hidden=relu repeats=10
 *   nerve_bench mode=info       the library's version and matrix kernels, nothing timed
 *
 * In place of sizes=, layers=conv:32:5:valid,maxpool:2,conv:64:5:same,maxpool:2,dense:128,dense:10 with
 * input=1,28,28 builds a network of image layers (nerve_create_layers): conv:FILTERS:WINDOW[:valid|same] (stride
 * 1), maxpool:WINDOW and meanpool:WINDOW (stride WINDOW), dense:UNITS; the last layer must be dense.
 *
 * Every timed mode takes data=DIR (the IDX files), seed=S and --threads T (default 1): the thread count of the
 * training option `threads` and of nerve_set_threads for predict and evaluate. train also takes evaluate=0 to
 * skip the test-set accuracy after each epoch (for profiling) and test_n=N to measure it on the first N test
 * images only. Hidden layers (convolutions included) take the hidden= activation; the output layer is softmax
 * with log-likelihood. */
#include <nerve.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_counter.h"
#include "clock.h"
#include "fashion_mnist.h"
#include "median.h"
#include "options.h"
#include "process_memory.h"

#define MAX_LAYERS 16

static int32_t threads = 1;  /* --threads */

static void check(nerve_status status, const char *what) {
    if (status == NERVE_OK) return;
    fprintf(stderr, "nerve_bench: %s failed: %s (%s)\n", what, nerve_status_string(status), nerve_last_error());
    exit(1);
}

static int32_t activation_named(const char *name) {
    static const struct { const char *name; int32_t value; } table[] = {
        {"sigmoid", NERVE_ACT_SIGMOID}, {"tanh", NERVE_ACT_TANH},     {"relu", NERVE_ACT_RELU},
        {"leaky_relu", NERVE_ACT_LEAKY_RELU}, {"linear", NERVE_ACT_LINEAR},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) return table[i].value;
    fprintf(stderr, "nerve_bench: unknown hidden activation %s\n", name);
    exit(2);
}

static void bad_layers(const char *text) {
    fprintf(stderr, "nerve_bench: malformed layers=%s (e.g. conv:32:5:valid,maxpool:2,dense:10)\n", text);
    exit(2);
}

/* One layer of layers=: "conv:32:5", "conv:32:5:same", "maxpool:2", "meanpool:2" or "dense:128". */
static nerve_layer_spec parse_layer(const char *item, const char *text, int32_t activation) {
    char kind[16] = "", padding[16] = "valid";
    int units = 0, window = 0;
    nerve_layer_spec spec;
    memset(&spec, 0, sizeof spec);
    if (sscanf(item, "conv:%d:%d:%15[a-z]", &units, &window, padding) >= 2) {
        spec.kind = NERVE_LAYER_CONV2D;
        spec.units = units;
        spec.window_height = spec.window_width = window;
        if (strcmp(padding, "same") == 0) spec.padding = NERVE_PADDING_SAME;
        else if (strcmp(padding, "valid") != 0) bad_layers(text);
        spec.activation = activation;
    } else if (sscanf(item, "dense:%d", &units) == 1) {
        spec.kind = NERVE_LAYER_DENSE;
        spec.units = units;
        spec.activation = activation;
    } else if (sscanf(item, "%15[a-z]:%d", kind, &window) == 2 &&
               (strcmp(kind, "maxpool") == 0 || strcmp(kind, "meanpool") == 0)) {
        spec.kind = strcmp(kind, "maxpool") == 0 ? NERVE_LAYER_MAX_POOL2D : NERVE_LAYER_MEAN_POOL2D;
        spec.window_height = spec.window_width = window;
    } else {
        bad_layers(text);
    }
    return spec;
}

/* The network of layers= over samples of input=C,H,W; hidden layers take `hidden`, the last is softmax. */
static nerve_net *create_image_network(const char *text, int argc, char **argv, int32_t hidden, uint64_t seed) {
    nerve_layer_spec specs[MAX_LAYERS];
    int32_t shape[3];
    int n_shape = option_sizes(argc, argv, "input", shape, 3), n_layers = 0;
    char buffer[512];
    if (n_shape != 3 || strlen(text) >= sizeof buffer) bad_layers(text);
    strcpy(buffer, text);
    for (char *item = strtok(buffer, ","); item; item = strtok(NULL, ",")) {
        if (n_layers == MAX_LAYERS) bad_layers(text);
        specs[n_layers++] = parse_layer(item, text, hidden);
    }
    if (n_layers == 0 || specs[n_layers - 1].kind != NERVE_LAYER_DENSE) bad_layers(text);
    specs[n_layers - 1].activation = NERVE_ACT_SOFTMAX;
    nerve_net *net = NULL;
    check(nerve_create_layers(&net, shape, specs, n_layers, sizeof specs[0], NERVE_COST_LOG_LIKELIHOOD, seed),
          "nerve_create_layers");
    return net;
}

static nerve_net *create_network(int argc, char **argv) {
    int32_t hidden = activation_named(option_string(argc, argv, "hidden", "sigmoid"));
    uint64_t seed = (uint64_t)option_number(argc, argv, "seed", 1);
    const char *layers = option_string(argc, argv, "layers", NULL);
    nerve_net *net = NULL;
    if (layers) {
        net = create_image_network(layers, argc, argv, hidden, seed);
    } else {
        int32_t sizes[MAX_LAYERS + 1], activations[MAX_LAYERS];
        int n_sizes = option_sizes(argc, argv, "sizes", sizes, MAX_LAYERS + 1);
        for (int i = 0; i < n_sizes - 1; i++) activations[i] = i == n_sizes - 2 ? NERVE_ACT_SOFTMAX : hidden;
        check(nerve_create(&net, sizes, n_sizes, activations, NERVE_COST_LOG_LIKELIHOOD, seed), "nerve_create");
    }
    check(nerve_set_threads(net, threads), "nerve_set_threads");
    return net;
}

static void print_doubles(const char *key, const double *values, int count) {
    printf("\"%s\": [", key);
    for (int i = 0; i < count; i++) {
        if (isnan(values[i])) printf("%snull", i ? ", " : "");
        else printf("%s%.6g", i ? ", " : "", values[i]);
    }
    printf("]");
}

static int run_training(int argc, char **argv, const char *data_dir) {
    int epochs = (int)option_number(argc, argv, "epochs", 2);
    int evaluate = option_number(argc, argv, "evaluate", 1) != 0;  /* evaluate=0 keeps profiles to training */
    fashion_mnist_set train = fashion_mnist_load(data_dir, "train", (int64_t)option_number(argc, argv, "n", 0));
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", (int64_t)option_number(argc, argv, "test_n", 0));
    nerve_net *net = create_network(argc, argv);

    nerve_train_options options;
    nerve_train_options_init(&options);
    options.epochs = 1;
    options.batch_size = (int32_t)option_number(argc, argv, "batch", 10);
    options.learning_rate = (float)option_number(argc, argv, "lr", 0.1);
    options.momentum = (float)option_number(argc, argv, "momentum", 0);
    options.shuffle = 1;
    options.monitor_training = NERVE_MONITOR_NONE;
    options.threads = threads;

    double seconds[64], accuracy[64], allocations[64];
    if (epochs > 64) epochs = 64;
    double resident_before = resident_mib();
    int peak_reset = reset_peak_resident() == 0;
    for (int e = 0; e < epochs; e++) {
        uint64_t before = allocation_count();
        double start = now_seconds();
        check(nerve_train(net, train.x, train.y, train.n, NULL, NULL, 0, &options), "nerve_train");
        seconds[e] = now_seconds() - start;
        allocations[e] = (double)(allocation_count() - before);
        float acc = NAN;
        if (evaluate) check(nerve_evaluate(net, test.x, test.y, test.n, NULL, &acc), "nerve_evaluate");
        accuracy[e] = acc;
        fprintf(stderr, "nerve epoch %d (%d thread%s): %.3f s, test accuracy %.4f, %.0f allocations\n", e + 1,
                threads, threads == 1 ? "" : "s", seconds[e], acc, allocations[e]);
    }
    /* Training's own memory: the peak during training above what the process held before it (data, network). */
    double train_extra = peak_reset ? peak_resident_mib() - resident_before : -1.0;

    printf("RESULT {\"library\": \"nerve\", \"version\": \"%s\", \"kernel\": \"%s\", \"threads\": %d, "
           "\"mode\": \"train\", ", nerve_version(), nerve_kernel(), threads);
    print_doubles("seconds", seconds, epochs);
    printf(", ");
    print_doubles("test_accuracy", accuracy, epochs);
    printf(", ");
    print_doubles("allocations", allocations, epochs);
    printf(", \"train_extra_mib\": %.2f}\n", train_extra);
    nerve_free(net);
    fashion_mnist_free(&train);
    fashion_mnist_free(&test);
    return 0;
}

static int run_latency(int argc, char **argv, const char *data_dir) {
    int calls = (int)option_number(argc, argv, "calls", 20000);
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    nerve_net *net = create_network(argc, argv);
    int32_t outputs = nerve_output_size(net);
    float out[64];
    if (outputs > 64) outputs = 64;

    for (int i = 0; i < 1000; i++)  /* warm-up: first-call set-up, caches, branch predictors */
        check(nerve_predict(net, test.x + (i % test.n) * test.features, 1, out, outputs), "nerve_predict");

    double *samples = malloc((size_t)calls * sizeof *samples);
    uint64_t before = allocation_count();
    for (int i = 0; i < calls; i++) {
        const float *x = test.x + (i % test.n) * test.features;
        double start = now_seconds();
        nerve_status status = nerve_predict(net, x, 1, out, outputs);
        samples[i] = now_seconds() - start;
        if (status != NERVE_OK) check(status, "nerve_predict");
    }
    uint64_t allocations = allocation_count() - before;
    spread us = spread_in_place(samples, (size_t)calls);
    printf("RESULT {\"library\": \"nerve\", \"version\": \"%s\", \"kernel\": \"%s\", \"threads\": %d, "
           "\"mode\": \"latency\", \"median_us\": %.4f, \"p10_us\": %.4f, \"p90_us\": %.4f, \"calls\": %d, "
           "\"allocations_per_call\": %.4f}\n",
           nerve_version(), nerve_kernel(), threads, us.median * 1e6, us.p10 * 1e6, us.p90 * 1e6, calls,
           (double)allocations / calls);
    free(samples);
    nerve_free(net);
    fashion_mnist_free(&test);
    return 0;
}

static int run_throughput(int argc, char **argv, const char *data_dir) {
    int repeats = (int)option_number(argc, argv, "repeats", 10);
    if (repeats > 64) repeats = 64;
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    nerve_net *net = create_network(argc, argv);
    int64_t capacity = test.n * nerve_output_size(net);
    float *out = malloc((size_t)capacity * sizeof *out);
    check(nerve_predict(net, test.x, test.n, out, capacity), "nerve_predict");  /* warm-up */

    double seconds[64];
    uint64_t before = allocation_count();
    for (int r = 0; r < repeats; r++) {
        double start = now_seconds();
        check(nerve_predict(net, test.x, test.n, out, capacity), "nerve_predict");
        seconds[r] = now_seconds() - start;
    }
    uint64_t allocations = allocation_count() - before;
    double median = quantile_in_place(seconds, (size_t)repeats, 0.5);
    printf("RESULT {\"library\": \"nerve\", \"version\": \"%s\", \"kernel\": \"%s\", \"threads\": %d, "
           "\"mode\": \"throughput\", \"samples\": %lld, \"median_seconds\": %.6f, \"samples_per_second\": %.1f, "
           "\"allocations_per_call\": %.2f}\n",
           nerve_version(), nerve_kernel(), threads, (long long)test.n, median, (double)test.n / median,
           (double)allocations / repeats);
    free(out);
    nerve_free(net);
    fashion_mnist_free(&test);
    return 0;
}

/* --threads T or --threads=T; every other argument is key=value (options.h). */
static int32_t threads_option(int argc, char **argv) {
    const char *text = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0) {
            if (i + 1 == argc) text = "";
            else text = argv[++i];
        } else if (strncmp(argv[i], "--threads=", 10) == 0) {
            text = argv[i] + 10;
        }
    }
    if (!text) return 1;
    char *end;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < 1 || value > NERVE_MAX_THREADS) {
        fprintf(stderr, "nerve_bench: --threads takes a count from 1 to %d\n", NERVE_MAX_THREADS);
        exit(2);
    }
    return (int32_t)value;
}

int main(int argc, char **argv) {
    const char *mode = option_string(argc, argv, "mode", "train");
    const char *data_dir = option_string(argc, argv, "data", "../build/data");
    threads = threads_option(argc, argv);
    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "nerve_bench: warning: header %s, library %s\n", NERVE_VERSION_STRING, nerve_version());
    if (strcmp(mode, "info") == 0) {
        printf("RESULT {\"library\": \"nerve\", \"version\": \"%s\", \"kernel\": \"%s\", \"mode\": \"info\"}\n",
               nerve_version(), nerve_kernel());
        return 0;
    }
    if (strcmp(mode, "train") == 0) return run_training(argc, argv, data_dir);
    if (strcmp(mode, "latency") == 0) return run_latency(argc, argv, data_dir);
    if (strcmp(mode, "throughput") == 0) return run_throughput(argc, argv, data_dir);
    fprintf(stderr, "nerve_bench: unknown mode %s (train, latency, throughput, info)\n", mode);
    return 2;
}
