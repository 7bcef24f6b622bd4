/*
 * fashion_mnist.c — trains a classifier of Fashion-MNIST clothing images with Nerve.
 *
 * The 60000 training images are split into 50000 to train on and 10000 to validate on after every epoch; the
 * 10000 test images are used once, at the end. The trained model is then saved, loaded back and checked to
 * predict exactly as before. Ctrl-C stops training after the current epoch and still reports on the test set.
 *
 *   fashion_mnist [--data DIR] [--hidden 100] [--activation sigmoid] [--batch 10] [--lr 0.2] [--epochs 5] ...
 *   fashion_mnist --help
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "dataset.h"
#include "idx.h"
#include "options.h"

#include <nerve.h>

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLASSES 10
#define VALIDATION_SIZE 10000 /* the last images of the training file */

static volatile sig_atomic_t interrupted = 0;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

/* The split, or a message on stderr. */
static int read_split(const char *dir, const char *prefix, idx_images *images, idx_labels *labels)
{
    char error[512];
    if (idx_read_split(dir, prefix, CLASSES, images, labels, error, sizeof error) == 0)
        return 0;
    fprintf(stderr, "fashion_mnist: %s\n", error);
    return -1;
}

/* Reads the four IDX files in dir: train gets the first train_limit (0: all) of the training images but the
 * last VALIDATION_SIZE, which go to validation; test gets the test images. */
static int load_fashion_mnist(const char *dir, long train_limit, dataset *train, dataset *validation,
                              dataset *test)
{
    idx_images train_images = {0}, test_images = {0};
    idx_labels train_labels = {0}, test_labels = {0};
    int64_t n_train;
    int result = -1;

    if (read_split(dir, "train", &train_images, &train_labels) != 0 ||
        read_split(dir, "t10k", &test_images, &test_labels) != 0)
        goto done;
    if (train_images.count <= VALIDATION_SIZE || train_images.rows != test_images.rows ||
        train_images.cols != test_images.cols) {
        fputs("fashion_mnist: the training and test files do not fit together\n", stderr);
        goto done;
    }
    n_train = train_images.count - VALIDATION_SIZE;
    if (train_limit > 0 && train_limit < n_train)
        n_train = train_limit;
    if (dataset_from_idx(&train_images, &train_labels, 0, n_train, 1, CLASSES, train) != 0 ||
        dataset_from_idx(&train_images, &train_labels, train_images.count - VALIDATION_SIZE, train_images.count, 1,
                         CLASSES, validation) != 0 ||
        dataset_from_idx(&test_images, &test_labels, 0, test_images.count, 1, CLASSES, test) != 0) {
        fputs("fashion_mnist: out of memory\n", stderr);
        goto done;
    }
    result = 0;

done:
    idx_free_images(&train_images);
    idx_free_images(&test_images);
    idx_free_labels(&train_labels);
    idx_free_labels(&test_labels);
    return result;
}

static void print_measure(const char *name, float cost, float accuracy)
{
    if (isnan(cost))
        printf("  %s      -", name);
    else
        printf("  %s cost %.4f accuracy %.4f", name, cost, accuracy);
}

typedef struct progress {
    int32_t epochs;
    double seconds;
} progress;

static int32_t report_epoch(const nerve_epoch_report *report, void *user_data)
{
    progress *totals = user_data;
    totals->epochs = report->epoch;
    totals->seconds += report->seconds;
    printf("epoch %3d", (int)report->epoch);
    print_measure("train", report->train_cost, report->train_accuracy);
    print_measure("| validation", report->eval_cost, report->eval_accuracy);
    printf(" | %6.2f s  lr %g\n", report->seconds, report->learning_rate);
    return interrupted; /* non-zero stops training cleanly after this epoch */
}

static void describe(const nerve_net *net)
{
    int32_t layer, inputs, outputs, activation;
    printf("network: %d inputs", (int)nerve_input_size(net));
    for (layer = 0; layer < nerve_layer_count(net); layer++) {
        if (nerve_layer_info(net, layer, &inputs, &outputs, &activation) == NERVE_OK)
            printf(" -> %d %s", (int)outputs, options_activation_name(activation));
    }
    printf(", %s cost\n", options_cost_name(nerve_cost(net)));
}

static int32_t argmax(const float *values, int32_t n)
{
    int32_t best = 0, i;
    for (i = 1; i < n; i++) {
        if (values[i] > values[best])
            best = i;
    }
    return best;
}

/* Fraction of samples whose largest output is the labelled class; works for any output activation. */
static double classification_accuracy(const float *outputs, const dataset *data)
{
    int64_t i, correct = 0;
    for (i = 0; i < data->n; i++)
        correct += argmax(outputs + i * CLASSES, CLASSES) == data->labels[i];
    return (double)correct / (double)data->n;
}

/* Nerve call failed: say which and why. */
static int failed(const char *what, nerve_status status)
{
    fprintf(stderr, "fashion_mnist: %s: %s (%s)\n", what, nerve_last_error(), nerve_status_string(status));
    return -1;
}

/* Saves the model, loads it back and checks the copy predicts `expected` exactly. */
static int check_round_trip(const nerve_net *net, const options *cfg, const dataset *test, const float *expected)
{
    char temp_path[] = "/tmp/nerve-fashion-mnist-XXXXXX";
    const char *path = cfg->save_path;
    const int64_t count = test->n * CLASSES;
    nerve_net *loaded = NULL;
    float *outputs = NULL;
    nerve_status status;
    int result = -1;

    if (path == NULL) {
        int fd = mkstemp(temp_path);
        if (fd < 0) {
            perror("fashion_mnist: mkstemp");
            return -1;
        }
        close(fd);
        path = temp_path;
    }
    if ((status = nerve_save(net, path)) != NERVE_OK) {
        failed("save", status);
        goto done;
    }
    if ((status = nerve_load(path, &loaded)) != NERVE_OK) {
        failed("load", status);
        goto done;
    }
    outputs = malloc((size_t)count * sizeof(float));
    if (outputs == NULL) {
        fputs("fashion_mnist: out of memory\n", stderr);
        goto done;
    }
    if ((status = nerve_predict(loaded, test->x, test->n, outputs, count)) != NERVE_OK) {
        failed("predict with the loaded model", status);
        goto done;
    }
    if (memcmp(outputs, expected, (size_t)count * sizeof(float)) != 0) {
        fprintf(stderr, "fashion_mnist: the model loaded from %s predicts differently\n", path);
        goto done;
    }
    printf("saved to %s and loaded back: identical predictions on %ld images\n",
           cfg->save_path != NULL ? path : "a temporary file", (long)test->n);
    result = 0;

done:
    if (cfg->save_path == NULL)
        remove(temp_path);
    free(outputs);
    nerve_free(loaded);
    return result;
}

int main(int argc, char **argv)
{
    options cfg;
    dataset train = {0}, validation = {0}, test = {0};
    int32_t sizes[OPTIONS_MAX_HIDDEN + 2], activations[OPTIONS_MAX_HIDDEN + 1];
    int32_t i;
    nerve_net *net = NULL;
    nerve_train_options opts;
    nerve_status status;
    progress totals = {0, 0.0};
    float *outputs = NULL;
    float test_cost;
    double accuracy;
    int exit_code = EXIT_FAILURE, parsed;

    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines appear as they come, in order with errors */
    parsed = options_parse(argc, argv, &cfg);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;

    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "fashion_mnist: warning: built with nerve.h %s, running with libnerve %s\n",
                NERVE_VERSION_STRING, nerve_version());

    if (load_fashion_mnist(cfg.data_dir, cfg.train_limit, &train, &validation, &test) != 0)
        goto done;
    printf("data: %ld training, %ld validation, %ld test images of %d pixels\n", (long)train.n,
           (long)validation.n, (long)test.n, (int)train.features);

    sizes[0] = train.features;
    for (i = 0; i < cfg.n_hidden; i++) {
        sizes[i + 1] = cfg.hidden[i];
        activations[i] = cfg.hidden_activation;
    }
    sizes[cfg.n_hidden + 1] = CLASSES;
    activations[cfg.n_hidden] = cfg.output_activation;
    status = nerve_create(&net, sizes, cfg.n_hidden + 2, activations, cfg.cost, cfg.seed);
    if (status != NERVE_OK) {
        failed("create", status);
        goto done;
    }
    describe(net);

    nerve_train_options_init(&opts);
    opts.epochs = cfg.epochs;
    opts.batch_size = cfg.batch_size;
    opts.learning_rate = cfg.learning_rate;
    opts.momentum = cfg.momentum;
    opts.l2 = cfg.l2;
    opts.dropout = cfg.dropout;
    opts.optimizer = cfg.optimizer;
    opts.threads = cfg.threads;
    opts.progress = report_epoch;
    opts.user_data = &totals;
    printf("training for %d epoch%s: %s, batch %d, learning rate %g, momentum %g, L2 %g, dropout %g, seed %lu\n",
           (int)cfg.epochs, cfg.epochs == 1 ? "" : "s", options_optimizer_name(cfg.optimizer),
           (int)cfg.batch_size, cfg.learning_rate, cfg.momentum, cfg.l2, cfg.dropout, (unsigned long)cfg.seed);
    signal(SIGINT, on_interrupt);
    status = nerve_train(net, train.x, train.y, train.n, validation.x, validation.y, validation.n, &opts);
    signal(SIGINT, SIG_DFL);
    if (status == NERVE_STOPPED) {
        printf("stopped after epoch %d\n", (int)totals.epochs);
    } else if (status != NERVE_OK) {
        failed("train", status);
        goto done;
    }

    outputs = malloc((size_t)(test.n * CLASSES) * sizeof(float));
    if (outputs == NULL) {
        fputs("fashion_mnist: out of memory\n", stderr);
        goto done;
    }
    if ((status = nerve_predict(net, test.x, test.n, outputs, test.n * CLASSES)) != NERVE_OK) {
        failed("predict", status);
        goto done;
    }
    if ((status = nerve_evaluate(net, test.x, test.y, test.n, &test_cost, NULL)) != NERVE_OK) {
        failed("evaluate", status);
        goto done;
    }
    accuracy = classification_accuracy(outputs, &test);
    printf("test accuracy %.4f (cost %.4f) on %ld images after %d epoch%s, %.2f s per epoch\n", accuracy,
           test_cost, (long)test.n, (int)totals.epochs, totals.epochs == 1 ? "" : "s",
           totals.epochs > 0 ? totals.seconds / totals.epochs : 0.0);

    if (check_round_trip(net, &cfg, &test, outputs) != 0)
        goto done;
    if (accuracy < cfg.min_accuracy) {
        fprintf(stderr, "fashion_mnist: test accuracy %.4f is below the required %.4f\n", accuracy,
                cfg.min_accuracy);
        exit_code = 2;
        goto done;
    }
    exit_code = EXIT_SUCCESS;

done:
    free(outputs);
    nerve_free(net);
    dataset_free(&train);
    dataset_free(&validation);
    dataset_free(&test);
    return exit_code;
}
