/*
 * fashion_mnist.c — trains a classifier of Fashion-MNIST clothing images with Nerve.
 *
 * The 60000 training images are split into 50000 to train on and 10000 to validate on after every epoch; the
 * 10000 test images are used once, at the end. The trained model is then saved, loaded back and checked to
 * predict exactly as before. Ctrl-C stops training after the current epoch and still reports on the test set.
 *
 *   fashion_mnist [--data DIR] [--hidden 100] [--activation sigmoid] [--batch 10] [--lr 0.1] [--epochs 5] ...
 *   fashion_mnist --help
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "idx.h"

#include <nerve.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLASSES 10
#define VALIDATION_SIZE 10000 /* the last images of the training file */
#define MAX_HIDDEN 16

typedef struct config {
    const char *data_dir;
    int32_t hidden[MAX_HIDDEN];
    int32_t n_hidden;
    int32_t hidden_activation;
    int32_t output_activation;
    int32_t cost; /* -1: chosen to suit the output activation */
    int32_t epochs;
    int32_t batch_size;
    int32_t optimizer;
    float learning_rate;
    float momentum;
    float l2;
    float dropout;
    long train_limit; /* 0: all 50000 */
    uint64_t seed;
    const char *save_path; /* NULL: a temporary file, removed at the end */
    double min_accuracy;   /* fail (exit status 2) below this test accuracy */
} config;

/* Samples as Nerve wants them: pixels scaled to [0, 1], labels one-hot. */
typedef struct dataset {
    int64_t n;
    int32_t features;
    float *x;        /* n × features */
    float *y;        /* n × CLASSES */
    uint8_t *labels; /* n, borrowed from the IDX labels */
} dataset;

typedef struct name_value {
    const char *name;
    int32_t value;
} name_value;

static const name_value activation_names[] = {
    {"sigmoid", NERVE_ACT_SIGMOID}, {"tanh", NERVE_ACT_TANH},     {"relu", NERVE_ACT_RELU},
    {"leaky-relu", NERVE_ACT_LEAKY_RELU}, {"linear", NERVE_ACT_LINEAR}, {"softmax", NERVE_ACT_SOFTMAX},
    {NULL, 0}};
static const name_value cost_names[] = {{"quadratic", NERVE_COST_QUADRATIC},
                                        {"cross-entropy", NERVE_COST_CROSS_ENTROPY},
                                        {"log-likelihood", NERVE_COST_LOG_LIKELIHOOD},
                                        {NULL, 0}};
static const name_value optimizer_names[] = {{"sgd", NERVE_OPTIMIZER_SGD}, {"adam", NERVE_OPTIMIZER_ADAM}, {NULL, 0}};

static volatile sig_atomic_t interrupted = 0;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

static void usage(FILE *stream)
{
    fputs("usage: fashion_mnist [options]\n"
          "  --data DIR            directory of the un-gzipped IDX files (default: $NERVE_DATA)\n"
          "  --hidden N[,N...]     hidden layer sizes (default 100)\n"
          "  --activation NAME     hidden layers: sigmoid, tanh, relu, leaky-relu, linear (default sigmoid)\n"
          "  --output NAME         output layer: softmax or sigmoid (default softmax); with sigmoid the\n"
          "                        per-epoch accuracy counts single outputs, the test accuracy whole images\n"
          "  --cost NAME           log-likelihood, cross-entropy, quadratic (default: suits the output)\n"
          "  --optimizer NAME      sgd or adam (default sgd)\n"
          "  --epochs N            (default 5)\n"
          "  --batch N             mini-batch size (default 10)\n"
          "  --lr X                learning rate (default 0.2; ~0.001 with adam)\n"
          "  --momentum X          SGD momentum (default 0)\n"
          "  --l2 X                L2 regularisation lambda (default 0)\n"
          "  --dropout X           hidden unit dropout probability (default 0)\n"
          "  --train-limit N       train on the first N of the 50000 training images (default all)\n"
          "  --seed N              (default 1)\n"
          "  --save PATH           keep the trained model there (default: a temporary file)\n"
          "  --min-accuracy X      exit with status 2 if the test accuracy is below X\n",
          stream);
}

static int lookup(const name_value *table, const char *name, int32_t *value)
{
    for (; table->name != NULL; table++) {
        if (strcmp(table->name, name) == 0) {
            *value = table->value;
            return 0;
        }
    }
    return -1;
}

static const char *name_of(const name_value *table, int32_t value)
{
    for (; table->name != NULL; table++) {
        if (table->value == value)
            return table->name;
    }
    return "?";
}

static int parse_long(const char *text, long min, long max, long *value)
{
    char *end;
    long parsed;
    errno = 0;
    parsed = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > max)
        return -1;
    *value = parsed;
    return 0;
}

static int parse_float(const char *text, float *value)
{
    char *end;
    float parsed;
    errno = 0;
    parsed = strtof(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(parsed))
        return -1;
    *value = parsed;
    return 0;
}

/* "256,128" -> {256, 128} */
static int parse_sizes(const char *text, int32_t *sizes, int32_t *count)
{
    char buffer[256];
    char *item;
    int32_t n = 0;
    if (strlen(text) >= sizeof buffer)
        return -1;
    strcpy(buffer, text);
    for (item = strtok(buffer, ","); item != NULL; item = strtok(NULL, ",")) {
        long size;
        if (n == MAX_HIDDEN || parse_long(item, 1, 1L << 24, &size) != 0)
            return -1;
        sizes[n++] = (int32_t)size;
    }
    if (n == 0)
        return -1;
    *count = n;
    return 0;
}

/* Returns 0 on success, 1 after --help, -1 on a bad command line. */
static int parse_arguments(int argc, char **argv, config *cfg)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *option = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        long number;
        int ok;

        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (value == NULL) {
            fprintf(stderr, "fashion_mnist: %s needs a value (see --help)\n", option);
            return -1;
        }
        i++;
        if (strcmp(option, "--data") == 0) {
            cfg->data_dir = value;
            ok = 1;
        } else if (strcmp(option, "--hidden") == 0) {
            ok = parse_sizes(value, cfg->hidden, &cfg->n_hidden) == 0;
        } else if (strcmp(option, "--activation") == 0) {
            ok = lookup(activation_names, value, &cfg->hidden_activation) == 0;
        } else if (strcmp(option, "--output") == 0) {
            ok = lookup(activation_names, value, &cfg->output_activation) == 0;
        } else if (strcmp(option, "--cost") == 0) {
            ok = lookup(cost_names, value, &cfg->cost) == 0;
        } else if (strcmp(option, "--optimizer") == 0) {
            ok = lookup(optimizer_names, value, &cfg->optimizer) == 0;
        } else if (strcmp(option, "--epochs") == 0) {
            ok = parse_long(value, 1, INT32_MAX, &number) == 0;
            cfg->epochs = (int32_t)number;
        } else if (strcmp(option, "--batch") == 0) {
            ok = parse_long(value, 1, INT32_MAX, &number) == 0;
            cfg->batch_size = (int32_t)number;
        } else if (strcmp(option, "--train-limit") == 0) {
            ok = parse_long(value, 1, INT32_MAX, &cfg->train_limit) == 0;
        } else if (strcmp(option, "--seed") == 0) {
            ok = parse_long(value, 0, INT32_MAX, &number) == 0;
            cfg->seed = (uint64_t)number;
        } else if (strcmp(option, "--lr") == 0) {
            ok = parse_float(value, &cfg->learning_rate) == 0;
        } else if (strcmp(option, "--momentum") == 0) {
            ok = parse_float(value, &cfg->momentum) == 0;
        } else if (strcmp(option, "--l2") == 0) {
            ok = parse_float(value, &cfg->l2) == 0;
        } else if (strcmp(option, "--dropout") == 0) {
            ok = parse_float(value, &cfg->dropout) == 0;
        } else if (strcmp(option, "--save") == 0) {
            cfg->save_path = value;
            ok = 1;
        } else if (strcmp(option, "--min-accuracy") == 0) {
            float accuracy;
            ok = parse_float(value, &accuracy) == 0;
            cfg->min_accuracy = accuracy;
        } else {
            fprintf(stderr, "fashion_mnist: unknown option %s (see --help)\n", option);
            return -1;
        }
        if (!ok) {
            fprintf(stderr, "fashion_mnist: bad value for %s: %s\n", option, value);
            return -1;
        }
    }
    if (cfg->data_dir == NULL) {
        fputs("fashion_mnist: no data directory: pass --data DIR or set NERVE_DATA\n", stderr);
        return -1;
    }
    return 0;
}

/* Reads "<dir>/<prefix>-images-idx3-ubyte" and "<dir>/<prefix>-labels-idx1-ubyte" and checks they agree. */
static int read_split(const char *dir, const char *prefix, idx_images *images, idx_labels *labels)
{
    char path[4096], error[512];
    int32_t i;

    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, prefix);
    if (idx_read_images(path, images, error, sizeof error) != 0) {
        fprintf(stderr, "fashion_mnist: %s\n", error);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, prefix);
    if (idx_read_labels(path, labels, error, sizeof error) != 0) {
        fprintf(stderr, "fashion_mnist: %s\n", error);
        idx_free_images(images);
        return -1;
    }
    if (labels->count != images->count) {
        fprintf(stderr, "fashion_mnist: %s: %ld images but %ld labels\n", prefix, (long)images->count,
                (long)labels->count);
        goto fail;
    }
    for (i = 0; i < labels->count; i++) {
        if (labels->labels[i] >= CLASSES) {
            fprintf(stderr, "fashion_mnist: %s: label %d of sample %ld is not a class\n", prefix,
                    labels->labels[i], (long)i);
            goto fail;
        }
    }
    return 0;

fail:
    idx_free_images(images);
    idx_free_labels(labels);
    return -1;
}

/* Converts samples [first, first + n) to floats. */
static int make_dataset(const idx_images *images, const idx_labels *labels, int64_t first, int64_t n,
                        dataset *out)
{
    const int32_t features = images->rows * images->cols;
    int64_t i, k;

    out->n = n;
    out->features = features;
    out->x = malloc((size_t)(n * features) * sizeof(float));
    out->y = calloc((size_t)(n * CLASSES), sizeof(float));
    out->labels = labels->labels + first;
    if (out->x == NULL || out->y == NULL) {
        fputs("fashion_mnist: out of memory\n", stderr);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const uint8_t *pixels = images->pixels + (first + i) * features;
        for (k = 0; k < features; k++)
            out->x[i * features + k] = pixels[k] / 255.0f;
        out->y[i * CLASSES + out->labels[i]] = 1.0f;
    }
    return 0;
}

static void free_dataset(dataset *data)
{
    free(data->x);
    free(data->y);
    data->x = data->y = NULL;
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
            printf(" -> %d %s", (int)outputs, name_of(activation_names, activation));
    }
    printf(", %s cost\n", name_of(cost_names, nerve_cost(net)));
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
static int check_round_trip(const nerve_net *net, const config *cfg, const dataset *test, const float *expected)
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
    config cfg = {0};
    idx_images train_images = {0}, test_images = {0};
    idx_labels train_labels = {0}, test_labels = {0};
    dataset train = {0}, validation = {0}, test = {0};
    int32_t sizes[MAX_HIDDEN + 2], activations[MAX_HIDDEN + 1];
    int32_t i, cost;
    int64_t n_train;
    nerve_net *net = NULL;
    nerve_train_options opts;
    nerve_status status;
    progress totals = {0, 0.0};
    float *outputs = NULL;
    float test_cost;
    double accuracy;
    int exit_code = EXIT_FAILURE, parsed;

    cfg.data_dir = getenv("NERVE_DATA");
    cfg.hidden[0] = 100;
    cfg.n_hidden = 1;
    cfg.hidden_activation = NERVE_ACT_SIGMOID;
    cfg.output_activation = NERVE_ACT_SOFTMAX;
    cfg.cost = -1;
    cfg.epochs = 5;
    cfg.batch_size = 10;
    cfg.optimizer = NERVE_OPTIMIZER_SGD;
    cfg.learning_rate = 0.2f;
    cfg.seed = 1;
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines appear as they come, in order with errors */
    parsed = parse_arguments(argc, argv, &cfg);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;

    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "fashion_mnist: warning: built with nerve.h %s, running with libnerve %s\n",
                NERVE_VERSION_STRING, nerve_version());

    if (read_split(cfg.data_dir, "train", &train_images, &train_labels) != 0)
        goto done;
    if (read_split(cfg.data_dir, "t10k", &test_images, &test_labels) != 0)
        goto done;
    if (train_images.count <= VALIDATION_SIZE || train_images.rows != test_images.rows ||
        train_images.cols != test_images.cols) {
        fputs("fashion_mnist: the training and test files do not fit together\n", stderr);
        goto done;
    }
    n_train = train_images.count - VALIDATION_SIZE;
    if (cfg.train_limit > 0 && cfg.train_limit < n_train)
        n_train = cfg.train_limit;
    if (make_dataset(&train_images, &train_labels, 0, n_train, &train) != 0 ||
        make_dataset(&train_images, &train_labels, train_images.count - VALIDATION_SIZE, VALIDATION_SIZE,
                     &validation) != 0 ||
        make_dataset(&test_images, &test_labels, 0, test_images.count, &test) != 0)
        goto done;
    idx_free_images(&train_images); /* the float copies are all we need now */
    idx_free_images(&test_images);
    printf("data: %ld training, %ld validation, %ld test images of %d pixels\n", (long)train.n,
           (long)validation.n, (long)test.n, (int)train.features);

    sizes[0] = train.features;
    for (i = 0; i < cfg.n_hidden; i++) {
        sizes[i + 1] = cfg.hidden[i];
        activations[i] = cfg.hidden_activation;
    }
    sizes[cfg.n_hidden + 1] = CLASSES;
    activations[cfg.n_hidden] = cfg.output_activation;
    cost = cfg.cost >= 0 ? cfg.cost
         : cfg.output_activation == NERVE_ACT_SOFTMAX ? NERVE_COST_LOG_LIKELIHOOD
         : cfg.output_activation == NERVE_ACT_SIGMOID ? NERVE_COST_CROSS_ENTROPY
                                                      : NERVE_COST_QUADRATIC;
    if ((status = nerve_create(&net, sizes, cfg.n_hidden + 2, activations, cost, cfg.seed)) != NERVE_OK) {
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
    opts.progress = report_epoch;
    opts.user_data = &totals;
    printf("training for %d epoch%s: %s, batch %d, learning rate %g, momentum %g, L2 %g, dropout %g, seed %lu\n",
           (int)cfg.epochs, cfg.epochs == 1 ? "" : "s", name_of(optimizer_names, cfg.optimizer),
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
    free_dataset(&train);
    free_dataset(&validation);
    free_dataset(&test);
    idx_free_images(&train_images);
    idx_free_images(&test_images);
    idx_free_labels(&train_labels);
    idx_free_labels(&test_labels);
    return exit_code;
}
