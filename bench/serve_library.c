/*
 * serve_library — the library-alone side of the serving benchmark (serve_bench.py): what nerve-serve's workers
 * do without HTTP around it, so the cost of the service shows beside it.
 *
 *   serve_library mode=prepare data=DIR model=PATH samples=PATH
 *       trains the benchmark's Fashion-MNIST network (784-100-10, sigmoid then softmax, one epoch on 10,000
 *       images) and saves it; writes the first 1,000 test images as little-endian float32 (the load
 *       generator's --samples file)
 *   serve_library mode=run model=PATH samples=PATH threads=8 batch=N seconds=S [reload_ms=MS]
 *       `threads` threads call nerve_predict on `batch` samples in a loop, each call timed; with reload_ms, one
 *       more thread reloads the model that often as nerve-serve does (load, publish atomically, free the old
 *       one at once). Prints "RESULT {json}" with calls/s, samples/s, p50, p99 and max latency.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nerve.h>

#include "clock.h"
#include "fashion_mnist.h"
#include "median.h"

enum { MAX_THREADS = 64, TEST_SAMPLES = 1000, TRAINING_SAMPLES = 10000 };

typedef struct settings {
    const char *mode, *data, *model, *samples;
    int threads, batch, reload_ms;
    double seconds;
} settings;

static _Atomic(nerve_net *) current;
static atomic_int stop;
static float *samples;
static int64_t n_samples;
static int32_t input_size = 784, output_size = 10;

typedef struct worker {
    int index, batch;
    double *latencies;
    size_t calls, capacity;
    long errors;
} worker;

static void *predict_loop(void *argument)
{
    worker *w = argument;
    float *out = malloc(sizeof *out * (size_t)w->batch * (size_t)output_size);
    for (int64_t call = 0; !atomic_load(&stop); call++) {
        int64_t first = ((int64_t)w->index * 16 + call % 16) * w->batch % (n_samples - w->batch + 1);
        double start = now_seconds();
        nerve_status status;
        for (;;) {
            nerve_net *net = atomic_load(&current);
            status = nerve_predict(net, samples + first * input_size, w->batch, out, (int64_t)w->batch * output_size);
            if (status == NERVE_E_INVALID && atomic_load(&current) != net)
                continue; /* freed by a reload meanwhile: run again on the new network */
            break;
        }
        double seconds = now_seconds() - start;
        if (status != NERVE_OK) {
            w->errors++;
            continue;
        }
        if (w->calls == w->capacity) {
            w->capacity = w->capacity ? 2 * w->capacity : 65536;
            w->latencies = realloc(w->latencies, sizeof *w->latencies * w->capacity);
        }
        w->latencies[w->calls++] = seconds;
    }
    free(out);
    return NULL;
}

static long reloads, reload_errors;

static void *reload_loop(void *argument)
{
    const settings *config = argument;
    double next = now_seconds();
    while (!atomic_load(&stop)) {
        next += config->reload_ms * 1e-3;
        double wait = next - now_seconds();
        if (wait > 0) {
            struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&pause, NULL);
        }
        nerve_net *fresh = NULL;
        if (nerve_load(config->model, &fresh) != NERVE_OK) {
            reload_errors++;
            continue;
        }
        nerve_free(atomic_exchange(&current, fresh));
        reloads++;
    }
    return NULL;
}

static int prepare(const settings *config)
{
    fashion_mnist_set train = fashion_mnist_load(config->data, "train", TRAINING_SAMPLES);
    fashion_mnist_set test = fashion_mnist_load(config->data, "t10k", TEST_SAMPLES);
    const int32_t sizes[] = {784, 100, 10}, activations[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    nerve_train_options options;
    nerve_train_options_init(&options);
    options.epochs = 1;
    options.learning_rate = 0.1f;
    float accuracy = 0;
    if (nerve_create(&net, sizes, 3, activations, NERVE_COST_LOG_LIKELIHOOD, 1) != NERVE_OK ||
        nerve_train(net, train.x, train.y, train.n, NULL, NULL, 0, &options) != NERVE_OK ||
        nerve_evaluate(net, test.x, test.y, test.n, NULL, &accuracy) != NERVE_OK ||
        nerve_save(net, config->model) != NERVE_OK) {
        fprintf(stderr, "serve_library: %s\n", nerve_last_error());
        return 1;
    }
    nerve_free(net);
    FILE *file = fopen(config->samples, "wb");
    int failed = file == NULL;
    for (int64_t i = 0; !failed && i < test.n * test.features; i++) {
        uint32_t bits;
        unsigned char bytes[4];
        memcpy(&bits, &test.x[i], 4);
        for (int b = 0; b < 4; b++)
            bytes[b] = (unsigned char)(bits >> (8 * b));
        failed = fwrite(bytes, 1, 4, file) != 4;
    }
    if (file == NULL || fclose(file) != 0 || failed) {
        perror(config->samples);
        return 1;
    }
    printf("RESULT {\"mode\": \"prepare\", \"test_accuracy\": %.4f, \"samples\": %lld}\n", accuracy,
           (long long)test.n);
    fashion_mnist_free(&train);
    fashion_mnist_free(&test);
    return 0;
}

static int run(const settings *config)
{
    FILE *file = fopen(config->samples, "rb");
    if (file == NULL) {
        perror(config->samples);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long bytes = ftell(file);
    rewind(file);
    n_samples = bytes / (4 * input_size);
    samples = malloc((size_t)bytes);
    if (n_samples < config->batch || fread(samples, 1, (size_t)bytes, file) != (size_t)bytes) {
        fprintf(stderr, "serve_library: %s: too few samples\n", config->samples);
        return 1;
    }
    fclose(file); /* little-endian float32 is this machine's float (x86-64) */
    nerve_net *net = NULL;
    if (nerve_load(config->model, &net) != NERVE_OK || nerve_input_size(net) != input_size) {
        fprintf(stderr, "serve_library: %s: %s\n", config->model, nerve_last_error());
        return 1;
    }
    output_size = nerve_output_size(net);
    atomic_store(&current, net);

    worker workers[MAX_THREADS];
    pthread_t threads[MAX_THREADS], reloader;
    memset(workers, 0, sizeof workers);
    double start = now_seconds();
    for (int t = 0; t < config->threads; t++) {
        workers[t].index = t;
        workers[t].batch = config->batch;
        pthread_create(&threads[t], NULL, predict_loop, &workers[t]);
    }
    if (config->reload_ms > 0)
        pthread_create(&reloader, NULL, reload_loop, (void *)config);
    struct timespec pause = {(time_t)config->seconds, (long)((config->seconds - (double)(time_t)config->seconds) * 1e9)};
    nanosleep(&pause, NULL);
    atomic_store(&stop, 1);
    size_t calls = 0;
    long errors = 0;
    for (int t = 0; t < config->threads; t++) {
        pthread_join(threads[t], NULL);
        calls += workers[t].calls;
        errors += workers[t].errors;
    }
    if (config->reload_ms > 0)
        pthread_join(reloader, NULL);
    double elapsed = now_seconds() - start;
    double *all = malloc(sizeof *all * (calls + 1));
    for (int t = 0, k = 0; t < config->threads; t++) {
        for (size_t i = 0; i < workers[t].calls; i++)
            all[k++] = workers[t].latencies[i];
        free(workers[t].latencies);
    }
    double p50 = quantile_in_place(all, calls, 0.5) * 1e3, p99 = quantile_in_place(all, calls, 0.99) * 1e3;
    double max = calls ? all[calls - 1] * 1e3 : 0, rate = (double)calls / elapsed;
    printf("RESULT {\"mode\": \"run\", \"threads\": %d, \"batch\": %d, \"seconds\": %.3f, \"requests\": %zu, "
           "\"requests_per_second\": %.1f, \"samples_per_second\": %.1f, \"p50_ms\": %.4f, \"p99_ms\": %.4f, "
           "\"max_ms\": %.4f, \"errors\": %ld, \"reloads\": %ld, \"reload_errors\": %ld}\n",
           config->threads, config->batch, elapsed, calls, rate, rate * config->batch, p50, p99, max,
           errors + reload_errors, reloads, reload_errors);
    free(all);
    nerve_free(atomic_load(&current));
    free(samples);
    return errors + reload_errors == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    settings config = {.mode = "run", .threads = 8, .batch = 1, .seconds = 10};
    for (int i = 1; i < argc; i++) {
        const char *equals = strchr(argv[i], '=');
        if (equals == NULL) {
            fprintf(stderr, "serve_library: arguments are key=value, not %s\n", argv[i]);
            return 2;
        }
        size_t key = (size_t)(equals - argv[i]);
        const char *value = equals + 1;
        if (strncmp(argv[i], "mode", key) == 0) config.mode = value;
        else if (strncmp(argv[i], "data", key) == 0) config.data = value;
        else if (strncmp(argv[i], "model", key) == 0) config.model = value;
        else if (strncmp(argv[i], "samples", key) == 0) config.samples = value;
        else if (strncmp(argv[i], "threads", key) == 0) config.threads = atoi(value);
        else if (strncmp(argv[i], "batch", key) == 0) config.batch = atoi(value);
        else if (strncmp(argv[i], "seconds", key) == 0) config.seconds = atof(value);
        else if (strncmp(argv[i], "reload_ms", key) == 0) config.reload_ms = atoi(value);
        else {
            fprintf(stderr, "serve_library: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (config.model == NULL || config.samples == NULL || config.threads < 1 || config.threads > MAX_THREADS ||
        config.batch < 1 || config.seconds <= 0 || (strcmp(config.mode, "prepare") == 0 && config.data == NULL)) {
        fprintf(stderr, "usage: see the comment at the top of serve_library.c\n");
        return 2;
    }
    return strcmp(config.mode, "prepare") == 0 ? prepare(&config) : run(&config);
}
