/* The same workloads through FANN 2.2 (float build), printing one "RESULT {json}" line for run.py.
 *
 *   fann_bench mode=train sizes=784,100,10 hidden=sigmoid algorithm=incremental lr=0.1 momentum=0 epochs=1
 *   fann_bench mode=train sizes=784,256,128,10 hidden=sigmoid algorithm=minibatch batch=128 lr=0.05 epochs=1
 *   fann_bench mode=latency | mode=throughput, as nerve_bench.
 *
 * FANN 2.2 has neither softmax nor a cross-entropy cost nor ReLU: the output layer is sigmoid with the
 * mean-square error, and hidden layers are sigmoid unless hidden= says otherwise. Two ways to train:
 *   incremental  FANN's own online backpropagation, one update per sample (momentum allowed);
 *   minibatch    FANN's batch backpropagation run on consecutive views of `batch` samples, i.e. one plain
 *                gradient step per mini-batch (FANN's batch mode has no momentum).
 * Shuffling permutes row pointers, as fann_shuffle_train_data would permute rows, without copying. */
#include <floatfann.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fashion_mnist.h"
#include "median.h"
#include "options.h"
#include "process_memory.h"

#define MAX_LAYERS 16

static enum fann_activationfunc_enum activation_named(const char *name) {
    if (strcmp(name, "sigmoid") == 0) return FANN_SIGMOID;
    if (strcmp(name, "tanh") == 0) return FANN_SIGMOID_SYMMETRIC;
    if (strcmp(name, "linear_piece") == 0) return FANN_LINEAR_PIECE;
    fprintf(stderr, "fann_bench: hidden activation %s not available in FANN 2.2\n", name);
    exit(2);
}

static struct fann *create_network(int argc, char **argv) {
    unsigned int sizes[MAX_LAYERS + 1];
    int32_t sizes32[MAX_LAYERS + 1];
    int n_sizes = option_sizes(argc, argv, "sizes", sizes32, MAX_LAYERS + 1);
    for (int i = 0; i < n_sizes; i++) sizes[i] = (unsigned int)sizes32[i];
    srand((unsigned int)option_number(argc, argv, "seed", 1));  /* FANN draws its initial weights with rand() */
    struct fann *ann = fann_create_standard_array((unsigned int)n_sizes, sizes);
    if (!ann) {
        fprintf(stderr, "fann_bench: fann_create_standard_array failed\n");
        exit(1);
    }
    fann_set_activation_function_hidden(ann, activation_named(option_string(argc, argv, "hidden", "sigmoid")));
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    /* Steepness 1 gives the textbook sigmoid (FANN's default is 0.5); linear error is the plain MSE gradient. */
    fann_set_activation_steepness_hidden(ann, 1.0f);
    fann_set_activation_steepness_output(ann, 1.0f);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    return ann;
}

/* A view of rows of the data set as FANN training data: only pointers, no copy. */
static struct fann_train_data view_of(fann_type **inputs, fann_type **outputs, unsigned int count,
                                      const fashion_mnist_set *set) {
    struct fann_train_data data;
    memset(&data, 0, sizeof data);
    data.num_data = count;
    data.num_input = (unsigned int)set->features;
    data.num_output = (unsigned int)set->classes;
    data.input = inputs;
    data.output = outputs;
    return data;
}

static uint64_t next_random(uint64_t *state) {  /* xorshift64* */
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545F4914F6CDD1DULL;
}

static void shuffle_rows(fann_type **inputs, fann_type **outputs, int64_t n, uint64_t *state) {
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)(next_random(state) % (uint64_t)(i + 1));
        fann_type *t = inputs[i]; inputs[i] = inputs[j]; inputs[j] = t;
        t = outputs[i]; outputs[i] = outputs[j]; outputs[j] = t;
    }
}

static double test_accuracy(struct fann *ann, const fashion_mnist_set *test) {
    int64_t correct = 0;
    for (int64_t i = 0; i < test->n; i++) {
        fann_type *out = fann_run(ann, test->x + i * test->features);
        int best = 0;
        for (int k = 1; k < test->classes; k++)
            if (out[k] > out[best]) best = k;
        correct += best == test->labels[i];
    }
    return (double)correct / (double)test->n;
}

static void print_doubles(const char *key, const double *values, int count) {
    printf("\"%s\": [", key);
    for (int i = 0; i < count; i++) printf("%s%.6g", i ? ", " : "", values[i]);
    printf("]");
}

static int run_training(int argc, char **argv, const char *data_dir) {
    int epochs = (int)option_number(argc, argv, "epochs", 1);
    if (epochs > 64) epochs = 64;
    const char *algorithm = option_string(argc, argv, "algorithm", "incremental");
    int minibatch = strcmp(algorithm, "minibatch") == 0;
    if (!minibatch && strcmp(algorithm, "incremental") != 0) {
        fprintf(stderr, "fann_bench: algorithm must be incremental or minibatch\n");
        return 2;
    }
    unsigned int batch = (unsigned int)option_number(argc, argv, "batch", 1);
    fashion_mnist_set train = fashion_mnist_load(data_dir, "train", (int64_t)option_number(argc, argv, "n", 0));
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    struct fann *ann = create_network(argc, argv);
    fann_set_learning_rate(ann, (float)option_number(argc, argv, "lr", 0.1));
    fann_set_learning_momentum(ann, (float)option_number(argc, argv, "momentum", 0));
    fann_set_training_algorithm(ann, minibatch ? FANN_TRAIN_BATCH : FANN_TRAIN_INCREMENTAL);

    fann_type **inputs = malloc((size_t)train.n * sizeof *inputs);
    fann_type **outputs = malloc((size_t)train.n * sizeof *outputs);
    for (int64_t i = 0; i < train.n; i++) {
        inputs[i] = train.x + i * train.features;
        outputs[i] = train.y + i * train.classes;
    }
    uint64_t random_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)option_number(argc, argv, "seed", 1);

    double seconds[64], accuracy[64];
    double resident_before = resident_mib();
    int peak_reset = reset_peak_resident() == 0;
    for (int e = 0; e < epochs; e++) {
        double start = now_seconds();
        shuffle_rows(inputs, outputs, train.n, &random_state);
        if (minibatch) {
            for (int64_t first = 0; first < train.n; first += batch) {
                unsigned int count = (unsigned int)(train.n - first < batch ? train.n - first : batch);
                struct fann_train_data view = view_of(inputs + first, outputs + first, count, &train);
                fann_train_epoch(ann, &view);
            }
        } else {
            struct fann_train_data view = view_of(inputs, outputs, (unsigned int)train.n, &train);
            fann_train_epoch(ann, &view);
        }
        seconds[e] = now_seconds() - start;
        accuracy[e] = test_accuracy(ann, &test);
        fprintf(stderr, "fann epoch %d: %.3f s, test accuracy %.4f\n", e + 1, seconds[e], accuracy[e]);
    }
    double train_extra = peak_reset ? peak_resident_mib() - resident_before : -1.0;

    printf("RESULT {\"library\": \"fann\", \"version\": \"2.2\", \"mode\": \"train\", \"algorithm\": \"%s\", ",
           minibatch ? "FANN_TRAIN_BATCH on each mini-batch, no momentum, sigmoid output + MSE"
                     : "FANN_TRAIN_INCREMENTAL (batch 1), sigmoid output + MSE");
    print_doubles("seconds", seconds, epochs);
    printf(", ");
    print_doubles("test_accuracy", accuracy, epochs);
    printf(", \"train_extra_mib\": %.2f}\n", train_extra);
    free(inputs);
    free(outputs);
    fann_destroy(ann);
    fashion_mnist_free(&train);
    fashion_mnist_free(&test);
    return 0;
}

static int run_latency(int argc, char **argv, const char *data_dir) {
    int calls = (int)option_number(argc, argv, "calls", 20000);
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    struct fann *ann = create_network(argc, argv);
    volatile fann_type sink = 0;
    for (int i = 0; i < 1000; i++) sink += fann_run(ann, test.x + (i % test.n) * test.features)[0];

    double *samples = malloc((size_t)calls * sizeof *samples);
    for (int i = 0; i < calls; i++) {
        fann_type *x = test.x + (i % test.n) * test.features;
        double start = now_seconds();
        sink += fann_run(ann, x)[0];
        samples[i] = now_seconds() - start;
    }
    spread us = spread_in_place(samples, (size_t)calls);
    printf("RESULT {\"library\": \"fann\", \"mode\": \"latency\", \"median_us\": %.4f, \"p10_us\": %.4f, "
           "\"p90_us\": %.4f, \"calls\": %d}\n", us.median * 1e6, us.p10 * 1e6, us.p90 * 1e6, calls);
    free(samples);
    fann_destroy(ann);
    fashion_mnist_free(&test);
    return 0;
}

static int run_throughput(int argc, char **argv, const char *data_dir) {
    int repeats = (int)option_number(argc, argv, "repeats", 10);
    if (repeats > 64) repeats = 64;
    fashion_mnist_set test = fashion_mnist_load(data_dir, "t10k", 0);
    struct fann *ann = create_network(argc, argv);
    int outputs = test.classes;
    float *out = malloc((size_t)test.n * outputs * sizeof *out);
    double seconds[64];
    for (int r = -1; r < repeats; r++) {  /* r = -1 is the warm-up */
        double start = now_seconds();
        for (int64_t i = 0; i < test.n; i++)
            memcpy(out + i * outputs, fann_run(ann, test.x + i * test.features), (size_t)outputs * sizeof *out);
        if (r >= 0) seconds[r] = now_seconds() - start;
    }
    double median = quantile_in_place(seconds, (size_t)repeats, 0.5);
    printf("RESULT {\"library\": \"fann\", \"mode\": \"throughput\", \"samples\": %lld, \"median_seconds\": %.6f, "
           "\"samples_per_second\": %.1f}\n", (long long)test.n, median, (double)test.n / median);
    free(out);
    fann_destroy(ann);
    fashion_mnist_free(&test);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = option_string(argc, argv, "mode", "train");
    const char *data_dir = option_string(argc, argv, "data", "../build/data");
    if (strcmp(mode, "train") == 0) return run_training(argc, argv, data_dir);
    if (strcmp(mode, "latency") == 0) return run_latency(argc, argv, data_dir);
    if (strcmp(mode, "throughput") == 0) return run_throughput(argc, argv, data_dir);
    fprintf(stderr, "fann_bench: unknown mode %s (train, latency, throughput)\n", mode);
    return 2;
}
