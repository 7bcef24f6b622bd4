/*
 * fashion_mnist_cnn.c — trains a convolutional network on Fashion-MNIST clothing images with Nerve.
 *
 * The network is built layer by layer with nerve_create_layers:
 *
 *   1×28×28 image → conv 32 filters 5×5, ReLU → max-pool 2×2 → conv 64 filters 3×3, ReLU → max-pool 2×2
 *                 → dense 128 ReLU → dense 10 softmax, with the log-likelihood cost
 *
 * Its biases start at 0 (the library's default since 0.5; the notes' N(0, 1) biases leave many ReLU filters off
 * or saturated at the start). It is trained with Adam on mini-batches of 64 of the 60000
 * training images, at a learning rate of 0.001 for 4 epochs, then 0.0003 for 2 and 0.0001 for 1: the smaller
 * steps at the end are worth about a point of test accuracy. After every
 * epoch the progress callback prints the running training accuracy, the accuracy on the test images and the
 * epoch's time; at the end the program predicts the test images and prints their accuracy and the total
 * training time. Ctrl-C stops training after the current epoch and still reports on the test set.
 *
 * Images are rows of channels × height × width floats, channel-major within a row, so the pixels of an IDX
 * file (row after row) are already in the order Nerve reads a 1-channel image in.
 *
 *   fashion_mnist_cnn [--data DIR] [--epochs 7] [--threads 2] [--quick] [--seed 1] [--min-accuracy X]
 *   fashion_mnist_cnn --help
 *
 * A full run takes two to three minutes on two cores; --quick trains on 4000 images for one epoch and tests
 * on 2000, in seconds.
 */
#include "arguments.h"
#include "dataset.h"
#include "idx.h"

#include <nerve.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASSES 10
#define QUICK_TRAIN 4000 /* --quick: training images */
#define QUICK_TEST 2000  /* --quick: test images */

typedef struct settings {
    const char *data_dir;
    int32_t epochs;
    int32_t threads;
    uint64_t seed;
    int quick;
    double min_accuracy; /* exit with status 2 below this test accuracy */
} settings;

static volatile sig_atomic_t interrupted = 0;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

/* A Nerve call failed: say which, and why in the library's words. */
static int failed(const char *what, nerve_status status)
{
    fprintf(stderr, "fashion_mnist_cnn: %s: %s (%s)\n", what, nerve_last_error(), nerve_status_string(status));
    return -1;
}

/* ---- command line ------------------------------------------------------------------------------------------ */

static void usage(FILE *stream)
{
    fputs("usage: fashion_mnist_cnn [options]\n"
          "  --data DIR          directory of the un-gzipped IDX files (default: $NERVE_DATA)\n"
          "  --epochs N          passes over the training images (default 7; the last 3 at smaller steps)\n"
          "  --threads N         threads the library may use (default 2; results do not change)\n"
          "  --quick             train on the first 4000 images for one epoch, test on the first 2000\n"
          "  --seed N            initial weights and shuffling (default 1)\n"
          "  --min-accuracy X    exit with status 2 if the test accuracy is below X\n",
          stream);
}

/* Returns 0 to go on, 1 after --help, -1 on a bad command line. */
static int parse_settings(int argc, char **argv, settings *cfg)
{
    int i, epochs_given = 0;
    long number;

    cfg->data_dir = getenv("NERVE_DATA");
    cfg->epochs = 7;
    cfg->threads = 2;
    cfg->seed = 1;
    cfg->quick = 0;
    cfg->min_accuracy = 0.0;
    for (i = 1; i < argc; i++) {
        const char *option = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = 1;

        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(option, "--quick") == 0) {
            cfg->quick = 1;
            continue;
        }
        if (value == NULL) {
            fprintf(stderr, "fashion_mnist_cnn: %s needs a value (see --help)\n", option);
            return -1;
        }
        i++;
        if (strcmp(option, "--data") == 0) {
            cfg->data_dir = value;
        } else if (strcmp(option, "--epochs") == 0) {
            ok = argument_long(value, 1, 1000, &number) == 0;
            cfg->epochs = (int32_t)number;
            epochs_given = 1;
        } else if (strcmp(option, "--threads") == 0) {
            ok = argument_long(value, 1, NERVE_MAX_THREADS, &number) == 0;
            cfg->threads = (int32_t)number;
        } else if (strcmp(option, "--seed") == 0) {
            ok = argument_long(value, 0, INT32_MAX, &number) == 0;
            cfg->seed = (uint64_t)number;
        } else if (strcmp(option, "--min-accuracy") == 0) {
            char *end;
            cfg->min_accuracy = strtod(value, &end);
            ok = end != value && *end == '\0' && cfg->min_accuracy >= 0.0 && cfg->min_accuracy <= 1.0;
        } else {
            fprintf(stderr, "fashion_mnist_cnn: unknown option %s (see --help)\n", option);
            return -1;
        }
        if (!ok) {
            fprintf(stderr, "fashion_mnist_cnn: bad value for %s: %s\n", option, value);
            return -1;
        }
    }
    if (cfg->quick && !epochs_given)
        cfg->epochs = 1;
    if (cfg->data_dir == NULL) {
        fputs("fashion_mnist_cnn: no data directory: pass --data DIR or set NERVE_DATA\n", stderr);
        return -1;
    }
    return 0;
}

/* ---- data -------------------------------------------------------------------------------------------------- */

/* The split "<prefix>" in dir, keeping the first `limit` samples (0: all). */
static int load_split(const char *dir, const char *prefix, int64_t limit, dataset *out)
{
    char error[512];
    idx_images images = {0};
    idx_labels labels = {0};
    int result = 0;

    if (idx_read_split(dir, prefix, CLASSES, &images, &labels, error, sizeof error) != 0) {
        fprintf(stderr, "fashion_mnist_cnn: %s\n", error);
        return -1;
    }
    if (dataset_from_idx(&images, &labels, 0, limit > 0 && limit < images.count ? limit : images.count, 1, CLASSES,
                         out) != 0) {
        fputs("fashion_mnist_cnn: out of memory\n", stderr);
        result = -1;
    }
    idx_free_images(&images);
    idx_free_labels(&labels);
    return result;
}

/* ---- the network ------------------------------------------------------------------------------------------- */

/* Zero-initialised specs: every field a kind does not use must stay 0. Strides left at 0 take the defaults,
 * 1 for a convolution and the window's extent for pooling. */
static nerve_layer_spec convolution(int32_t filters, int32_t window)
{
    nerve_layer_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.kind = NERVE_LAYER_CONV2D;
    spec.units = filters;
    spec.window_height = spec.window_width = window; /* VALID padding (0): the output shrinks by window − 1 */
    spec.activation = NERVE_ACT_RELU;
    return spec;
}

static nerve_layer_spec max_pool(int32_t window)
{
    nerve_layer_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.kind = NERVE_LAYER_MAX_POOL2D;
    spec.window_height = spec.window_width = window;
    return spec;
}

static nerve_layer_spec dense(int32_t units, int32_t activation)
{
    nerve_layer_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.kind = NERVE_LAYER_DENSE; /* reads the image before it as one vector: no flatten layer needed */
    spec.units = units;
    spec.activation = activation;
    return spec;
}

static nerve_status create_network(const int32_t input_shape[3], uint64_t seed, nerve_net **net)
{
    const nerve_layer_spec layers[] = {
        convolution(32, 5), max_pool(2),  /* 32×24×24, then 32×12×12 */
        convolution(64, 3), max_pool(2),  /* 64×10×10, then 64×5×5 */
        dense(128, NERVE_ACT_RELU), dense(CLASSES, NERVE_ACT_SOFTMAX),
    };
    const int32_t n_layers = (int32_t)(sizeof layers / sizeof layers[0]);
    return nerve_create_layers(net, input_shape, layers, n_layers, sizeof layers[0], NERVE_COST_LOG_LIKELIHOOD,
                               seed);
}

/* Prints each layer as the library reports it: kind, output shape and activation. */
static void describe(const nerve_net *net)
{
    int32_t layer, kind, input[3], output[3];
    nerve_layer_spec spec;

    for (layer = 0; layer < nerve_layer_count(net); layer++) {
        if (nerve_layer_shape(net, layer, &kind, input, output) != NERVE_OK ||
            nerve_get_layer_spec(net, layer, &spec, sizeof spec) != NERVE_OK)
            continue;
        if (layer == 0)
            printf("input %dx%dx%d\n", (int)input[0], (int)input[1], (int)input[2]);
        printf("  %-11s", nerve_enum_name(NERVE_ENUM_LAYER, kind));
        if (kind != NERVE_LAYER_DENSE)
            printf(" %dx%d", (int)spec.window_height, (int)spec.window_width);
        if (kind == NERVE_LAYER_CONV2D)
            printf(" %s", nerve_enum_name(NERVE_ENUM_PADDING, spec.padding));
        if (kind == NERVE_LAYER_DENSE)
            printf(" -> %d", (int)output[0]); /* a vector of n values has the shape n×1×1 */
        else
            printf(" -> %dx%dx%d", (int)output[0], (int)output[1], (int)output[2]);
        if (kind == NERVE_LAYER_DENSE || kind == NERVE_LAYER_CONV2D)
            printf(" %s", nerve_enum_name(NERVE_ENUM_ACTIVATION, spec.activation));
        printf("\n");
    }
    printf("%lld parameters, %s cost\n", (long long)nerve_parameter_count(net),
           nerve_enum_name(NERVE_ENUM_COST, nerve_cost(net)));
}

/* ---- training and testing ---------------------------------------------------------------------------------- */

typedef struct progress {
    int32_t epochs; /* over all training calls */
    double seconds;
} progress;

static int32_t report_epoch(const nerve_epoch_report *report, void *user_data)
{
    progress *totals = user_data;
    totals->epochs++;
    totals->seconds += report->seconds;
    printf("epoch %2d  rate %.4f  train accuracy %.4f (running)  test accuracy %.4f  %7.2f s\n",
           (int)totals->epochs, report->learning_rate, report->train_accuracy, report->eval_accuracy,
           report->seconds);
    return interrupted; /* non-zero stops training cleanly after this epoch */
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

int main(int argc, char **argv)
{
    settings cfg;
    dataset train = {0}, test = {0};
    nerve_net *net = NULL;
    nerve_train_options opts;
    nerve_status status;
    progress totals = {0, 0.0};
    float *outputs = NULL;
    int64_t i, correct = 0;
    double accuracy;
    int exit_code = EXIT_FAILURE, parsed;

    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines appear as they come */
    parsed = parse_settings(argc, argv, &cfg);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "fashion_mnist_cnn: warning: built with nerve.h %s, running with libnerve %s\n",
                NERVE_VERSION_STRING, nerve_version());

    if (load_split(cfg.data_dir, "train", cfg.quick ? QUICK_TRAIN : 0, &train) != 0 ||
        load_split(cfg.data_dir, "t10k", cfg.quick ? QUICK_TEST : 0, &test) != 0)
        goto done;
    printf("data: %ld training and %ld test images of %dx%d pixels\n", (long)train.n, (long)test.n,
           (int)train.rows, (int)train.cols);

    const int32_t input_shape[3] = {1, train.rows, train.cols}; /* one channel */
    if ((status = create_network(input_shape, cfg.seed, &net)) != NERVE_OK) {
        failed("create the network", status);
        goto done;
    }
    describe(net);
    /* Predict and evaluate use this count; training takes opts.threads (0 would mean this one as well). */
    if ((status = nerve_set_threads(net, cfg.threads)) != NERVE_OK) {
        failed("set threads", status);
        goto done;
    }

    nerve_train_options_init(&opts);
    opts.batch_size = 64;
    opts.optimizer = NERVE_OPTIMIZER_ADAM;
    opts.monitor_training = NERVE_MONITOR_RUNNING; /* training accuracy as the mini-batches go: free */
    opts.threads = cfg.threads;
    opts.progress = report_epoch;
    opts.user_data = &totals;
    printf("training for %d epoch%s: Adam, batch %d, %d thread%s, seed %lu\n", (int)cfg.epochs,
           cfg.epochs == 1 ? "" : "s", (int)opts.batch_size, (int)cfg.threads, cfg.threads == 1 ? "" : "s",
           (unsigned long)cfg.seed);
    signal(SIGINT, on_interrupt);
    /* One training call per learning rate: the last epochs at 0.0003, then 0.0001. The test images double as
     * evaluation data: the callback then reports their accuracy every epoch. */
    status = NERVE_OK;
    for (i = 0; i < 3 && status == NERVE_OK && totals.epochs < cfg.epochs; i++) {
        static const float rates[3] = {0.001f, 0.0003f, 0.0001f};
        const int32_t last_epoch_of[3] = {cfg.epochs - 3, cfg.epochs - 1, cfg.epochs};
        opts.learning_rate = rates[i];
        opts.epochs = (i == 0 ? (cfg.epochs > 3 ? cfg.epochs - 3 : 1) : last_epoch_of[i]) - totals.epochs;
        if (opts.epochs >= 1)
            status = nerve_train(net, train.x, train.y, train.n, test.x, test.y, test.n, &opts);
    }
    signal(SIGINT, SIG_DFL);
    if (status == NERVE_STOPPED) {
        printf("stopped after epoch %d\n", (int)totals.epochs);
    } else if (status != NERVE_OK) {
        failed("train", status);
        goto done;
    }

    /* Class probabilities of every test image; the predicted class is the most probable one. */
    outputs = malloc((size_t)(test.n * CLASSES) * sizeof(float));
    if (outputs == NULL) {
        fputs("fashion_mnist_cnn: out of memory\n", stderr);
        goto done;
    }
    if ((status = nerve_predict(net, test.x, test.n, outputs, test.n * CLASSES)) != NERVE_OK) {
        failed("predict", status);
        goto done;
    }
    for (i = 0; i < test.n; i++)
        correct += argmax(outputs + i * CLASSES, CLASSES) == test.labels[i];
    accuracy = (double)correct / (double)test.n;
    printf("test accuracy %.4f on %ld images; training took %.1f s (%d epoch%s, evaluation included)\n", accuracy,
           (long)test.n, totals.seconds, (int)totals.epochs, totals.epochs == 1 ? "" : "s");

    if (accuracy < cfg.min_accuracy) {
        fprintf(stderr, "fashion_mnist_cnn: test accuracy %.4f is below the required %.4f\n", accuracy,
                cfg.min_accuracy);
        exit_code = 2;
        goto done;
    }
    exit_code = EXIT_SUCCESS;

done:
    free(outputs);
    nerve_free(net);
    dataset_free(&train);
    dataset_free(&test);
    return exit_code;
}
