/* Times Nerve through its C interface on one workload and prints one "RESULT {json}" line for run.py.
 *
 *   nerve_bench mode=train      sizes=784,100,10 hidden=sigmoid batch=10 lr=0.1 momentum=0 epochs=2 [n=60000]
 *   nerve_bench mode=latency    sizes=784,64,10  hidden=sigmoid calls=20000
 *   nerve_bench mode=throughput sizes=784,256,128,10 hidden=relu repeats=10
 *
 * Every mode takes data=DIR (the IDX files) and seed=S; train also takes evaluate=0 to skip the test-set
 * accuracy after each epoch (for profiling). The output layer is softmax with log-likelihood. */
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

static nerve_net *create_network(int argc, char **argv) {
    int32_t sizes[MAX_LAYERS + 1], activations[MAX_LAYERS];
    int n_sizes = option_sizes(argc, argv, "sizes", sizes, MAX_LAYERS + 1);
    int32_t hidden = activation_named(option_string(argc, argv, "hidden", "sigmoid"));
    for (int i = 0; i < n_sizes - 1; i++) activations[i] = i == n_sizes - 2 ? NERVE_ACT_SOFTMAX : hidden;
    nerve_net *net = NULL;
    check(nerve_create(&net, sizes, n_sizes, activations, NERVE_COST_LOG_LIKELIHOOD,
                       (uint64_t)option_number(argc, argv, "seed", 1)),
          "nerve_create");
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
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    nerve_net *net = create_network(argc, argv);

    nerve_train_options options;
    nerve_train_options_init(&options);
    options.epochs = 1;
    options.batch_size = (int32_t)option_number(argc, argv, "batch", 10);
    options.learning_rate = (float)option_number(argc, argv, "lr", 0.1);
    options.momentum = (float)option_number(argc, argv, "momentum", 0);
    options.shuffle = 1;
    options.monitor_training = NERVE_MONITOR_NONE;

    double seconds[64], accuracy[64], allocations[64], blas_allocations[64];
    if (epochs > 64) epochs = 64;
    double resident_before = resident_mib();
    int peak_reset = reset_peak_resident() == 0;
    for (int e = 0; e < epochs; e++) {
        allocation_counts before = allocation_counts_now();
        double start = now_seconds();
        check(nerve_train(net, train.x, train.y, train.n, NULL, NULL, 0, &options), "nerve_train");
        seconds[e] = now_seconds() - start;
        allocation_counts after = allocation_counts_now();
        allocations[e] = (double)(after.total - before.total);
        blas_allocations[e] = (double)(after.blas - before.blas);
        float acc = NAN;
        if (evaluate) check(nerve_evaluate(net, test.x, test.y, test.n, NULL, &acc), "nerve_evaluate");
        accuracy[e] = acc;
        fprintf(stderr, "nerve epoch %d: %.3f s, test accuracy %.4f, %.0f allocations (%.0f by OpenBLAS)\n", e + 1,
                seconds[e], acc, allocations[e], blas_allocations[e]);
    }
    /* Training's own memory: the peak during training above what the process held before it (data, network). */
    double train_extra = peak_reset ? peak_resident_mib() - resident_before : -1.0;

    printf("RESULT {\"library\": \"nerve\", \"version\": \"%s\", \"mode\": \"train\", ", nerve_version());
    print_doubles("seconds", seconds, epochs);
    printf(", ");
    print_doubles("test_accuracy", accuracy, epochs);
    printf(", ");
    print_doubles("allocations", allocations, epochs);
    printf(", ");
    print_doubles("blas_allocations", blas_allocations, epochs);
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
    allocation_counts before = allocation_counts_now();
    for (int i = 0; i < calls; i++) {
        const float *x = test.x + (i % test.n) * test.features;
        double start = now_seconds();
        nerve_status status = nerve_predict(net, x, 1, out, outputs);
        samples[i] = now_seconds() - start;
        if (status != NERVE_OK) check(status, "nerve_predict");
    }
    allocation_counts after = allocation_counts_now();
    spread us = spread_in_place(samples, (size_t)calls);
    printf("RESULT {\"library\": \"nerve\", \"mode\": \"latency\", \"median_us\": %.4f, \"p10_us\": %.4f, "
           "\"p90_us\": %.4f, \"calls\": %d, \"allocations_per_call\": %.4f, \"blas_allocations_per_call\": %.4f}\n",
           us.median * 1e6, us.p10 * 1e6, us.p90 * 1e6, calls, (double)(after.total - before.total) / calls,
           (double)(after.blas - before.blas) / calls);
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
    allocation_counts before = allocation_counts_now();
    for (int r = 0; r < repeats; r++) {
        double start = now_seconds();
        check(nerve_predict(net, test.x, test.n, out, capacity), "nerve_predict");
        seconds[r] = now_seconds() - start;
    }
    allocation_counts after = allocation_counts_now();
    double median = quantile_in_place(seconds, (size_t)repeats, 0.5);
    printf("RESULT {\"library\": \"nerve\", \"mode\": \"throughput\", \"samples\": %lld, \"median_seconds\": %.6f, "
           "\"samples_per_second\": %.1f, \"allocations_per_call\": %.2f, \"blas_allocations_per_call\": %.2f}\n",
           (long long)test.n, median, (double)test.n / median, (double)(after.total - before.total) / repeats,
           (double)(after.blas - before.blas) / repeats);
    free(out);
    nerve_free(net);
    fashion_mnist_free(&test);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = option_string(argc, argv, "mode", "train");
    const char *data_dir = option_string(argc, argv, "data", "../build/data");
    allocation_counter_attribute();
    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "nerve_bench: warning: header %s, library %s\n", NERVE_VERSION_STRING, nerve_version());
    if (strcmp(mode, "train") == 0) return run_training(argc, argv, data_dir);
    if (strcmp(mode, "latency") == 0) return run_latency(argc, argv, data_dir);
    if (strcmp(mode, "throughput") == 0) return run_throughput(argc, argv, data_dir);
    fprintf(stderr, "nerve_bench: unknown mode %s (train, latency, throughput)\n", mode);
    return 2;
}
