/*
 * mpi_train.c — data-parallel training of a Fashion-MNIST classifier over MPI with Nerve.
 *
 * Every rank reads the IDX files and keeps its shard of the training images (rank r of N takes images r,
 * r + N, r + 2N, ...) and of the 10000 validation images (the last of the training file). All ranks create the
 * same network, and rank 0's initial parameters are broadcast (nerve_get_parameters / MPI_Bcast /
 * nerve_set_parameters). Three callbacks of nerve_train keep the ranks in step:
 *
 *   gradient_hook  after each mini-batch: the gradient of the mean cost over this rank's `rows` samples becomes
 *                  the mean over all ranks' samples, Σ rows_r·g_r / Σ rows_r, by one MPI_Allreduce of the
 *                  gradient with the row count appended. Every rank then takes the same step.
 *   report_hook    after each epoch: the training and validation figures become the means over the ranks,
 *                  weighted by their sample counts, so that every rank sees (and decides on) the same figures.
 *   progress       rank 0 prints the epoch; the ranks agree on stopping (Ctrl-C on any rank stops all).
 *
 * --batch is per rank: a step trains on batch × N images. Every rank takes the largest rank's number of steps
 * (steps_per_epoch) and L2 is scaled by the total number of training images (regularization_n), so N ranks take
 * the steps one process would take with batch × N. At the end, the ranks check that their weights are
 * identical, and rank 0 reports the test accuracy and saves the model.
 *
 *   mpirun -np 4 mpi_train [--data DIR] [--samples 50000] [--epochs 5] [--batch 16] [--lr 0.05] ...
 *   mpi_train --help
 *
 * A rank that fails alone (an error inside a hook, a failed call) calls MPI_Abort: the other ranks would wait
 * for it in an allreduce forever.
 */
#include "arguments.h"
#include "dataset.h"
#include "idx.h"

#include <mpi.h>
#include <nerve.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASSES 10
#define VALIDATION_SIZE 10000 /* the last images of the training file */
#define MAX_HIDDEN 8

typedef struct settings {
    const char *data_dir;
    int32_t hidden[MAX_HIDDEN];
    int32_t n_hidden;
    int32_t epochs;
    int32_t batch_size; /* per rank */
    long samples;       /* training images shared by all ranks; 0: all 50000 */
    long test_samples;  /* 0: all 10000 */
    float learning_rate;
    float momentum;
    float l2;
    int32_t threads;
    uint64_t seed;
    const char *save_path;
    double min_accuracy;
} settings;

/* Everything the three callbacks share (as the hooks' hook_data and the progress callback's user_data). */
typedef struct training {
    MPI_Comm comm;
    int rank, size;
    int64_t n_train, n_eval; /* this rank's samples */
    int64_t count;           /* parameters */
    float *buffer;           /* count + 1 floats: the weighted gradient and the row count */
    double hook_seconds;     /* time spent in the gradient hook */
    int64_t steps;
    int32_t epochs_run;
    double epoch_seconds;
    int mpi_failed;          /* an MPI call inside a callback failed */
} training;

static volatile sig_atomic_t interrupted = 0;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

/* ------------------------------------------------------------------------------------------- command line */

static void usage(FILE *stream)
{
    fputs("usage: mpirun -np N mpi_train [options]\n"
          "  --data DIR          directory of the un-gzipped IDX files (default: $NERVE_DATA)\n"
          "  --hidden N[,N...]   hidden ReLU layer sizes (default 100)\n"
          "  --epochs N          (default 5)\n"
          "  --batch N           mini-batch size per rank: a step trains on N x ranks images (default 16)\n"
          "  --samples N         train on the first N of the 50000 training images, shared out (default all)\n"
          "  --test-samples N    test on the first N of the 10000 test images (default all)\n"
          "  --lr X              learning rate (default 0.05)\n"
          "  --momentum X        SGD momentum (default 0.9)\n"
          "  --l2 X              L2 regularisation lambda (default 0)\n"
          "  --threads N         threads each rank's library may use (default 1)\n"
          "  --seed N            (default 1)\n"
          "  --save PATH         rank 0 saves the trained model there\n"
          "  --min-accuracy X    exit with status 2 if the test accuracy is below X\n",
          stream);
}

/* Returns 0 to go on, 1 after --help, -1 on a bad command line (rank 0 prints why). */
static int parse_arguments(int argc, char **argv, settings *cfg, int verbose)
{
    int i;
    memset(cfg, 0, sizeof *cfg);
    cfg->data_dir = getenv("NERVE_DATA");
    cfg->hidden[0] = 100;
    cfg->n_hidden = 1;
    cfg->epochs = 5;
    cfg->batch_size = 16;
    cfg->learning_rate = 0.05f;
    cfg->momentum = 0.9f;
    cfg->threads = 1;
    cfg->seed = 1;
    for (i = 1; i < argc; i++) {
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        long number = 0;
        int ok;
        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) {
            if (verbose)
                usage(stdout);
            return 1;
        }
        if (value == NULL) {
            if (verbose)
                fprintf(stderr, "mpi_train: %s needs a value (see --help)\n", option);
            return -1;
        }
        i++;
        if (strcmp(option, "--data") == 0) {
            cfg->data_dir = value;
            ok = 1;
        } else if (strcmp(option, "--hidden") == 0) {
            ok = argument_sizes(value, cfg->hidden, MAX_HIDDEN, &cfg->n_hidden) == 0;
        } else if (strcmp(option, "--epochs") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &number) == 0;
            cfg->epochs = (int32_t)number;
        } else if (strcmp(option, "--batch") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &number) == 0;
            cfg->batch_size = (int32_t)number;
        } else if (strcmp(option, "--samples") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &cfg->samples) == 0;
        } else if (strcmp(option, "--test-samples") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &cfg->test_samples) == 0;
        } else if (strcmp(option, "--threads") == 0) {
            ok = argument_long(value, 1, NERVE_MAX_THREADS, &number) == 0;
            cfg->threads = (int32_t)number;
        } else if (strcmp(option, "--seed") == 0) {
            ok = argument_long(value, 0, INT32_MAX, &number) == 0;
            cfg->seed = (uint64_t)number;
        } else if (strcmp(option, "--lr") == 0) {
            ok = argument_float(value, &cfg->learning_rate) == 0;
        } else if (strcmp(option, "--momentum") == 0) {
            ok = argument_float(value, &cfg->momentum) == 0;
        } else if (strcmp(option, "--l2") == 0) {
            ok = argument_float(value, &cfg->l2) == 0;
        } else if (strcmp(option, "--save") == 0) {
            cfg->save_path = value;
            ok = 1;
        } else if (strcmp(option, "--min-accuracy") == 0) {
            float accuracy;
            ok = argument_float(value, &accuracy) == 0;
            cfg->min_accuracy = accuracy;
        } else {
            if (verbose)
                fprintf(stderr, "mpi_train: unknown option %s (see --help)\n", option);
            return -1;
        }
        if (!ok) {
            if (verbose)
                fprintf(stderr, "mpi_train: bad value for %s: %s\n", option, value);
            return -1;
        }
    }
    if (cfg->data_dir == NULL) {
        if (verbose)
            fputs("mpi_train: no data directory: pass --data DIR or set NERVE_DATA\n", stderr);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------- data */

static int read_split(const char *dir, const char *prefix, idx_images *images, idx_labels *labels)
{
    char error[512];
    if (idx_read_split(dir, prefix, CLASSES, images, labels, error, sizeof error) == 0)
        return 0;
    fprintf(stderr, "mpi_train: %s\n", error);
    return -1;
}

/* This rank's shards of the training and validation images, and the test images (rank 0 only). */
static int load_shards(const settings *cfg, int rank, int size, dataset *train, dataset *validation,
                       dataset *test)
{
    idx_images train_images = {0}, test_images = {0};
    idx_labels train_labels = {0}, test_labels = {0};
    int64_t n_train, n_test, validation_start;
    int result = -1;

    if (read_split(cfg->data_dir, "train", &train_images, &train_labels) != 0)
        goto done;
    if (train_images.count <= VALIDATION_SIZE) {
        fputs("mpi_train: the training file is too small\n", stderr);
        goto done;
    }
    validation_start = train_images.count - VALIDATION_SIZE;
    n_train = validation_start;
    if (cfg->samples > 0 && cfg->samples < n_train)
        n_train = cfg->samples;
    if (dataset_from_idx(&train_images, &train_labels, rank, n_train, size, CLASSES, train) != 0 ||
        dataset_from_idx(&train_images, &train_labels, validation_start + rank, train_images.count, size, CLASSES,
                         validation) != 0) {
        fputs("mpi_train: out of memory\n", stderr);
        goto done;
    }
    if (rank == 0) {
        if (read_split(cfg->data_dir, "t10k", &test_images, &test_labels) != 0)
            goto done;
        n_test = test_images.count;
        if (cfg->test_samples > 0 && cfg->test_samples < n_test)
            n_test = cfg->test_samples;
        if (test_images.rows != train_images.rows || test_images.cols != train_images.cols) {
            fputs("mpi_train: the training and test files do not fit together\n", stderr);
            goto done;
        }
        if (dataset_from_idx(&test_images, &test_labels, 0, n_test, 1, CLASSES, test) != 0) {
            fputs("mpi_train: out of memory\n", stderr);
            goto done;
        }
    }
    result = 0;

done:
    idx_free_images(&train_images);
    idx_free_images(&test_images);
    idx_free_labels(&train_labels);
    idx_free_labels(&test_labels);
    return result;
}

/* -------------------------------------------------------------------------------------------- callbacks */

/* g ← Σ_r rows_r·g_r / Σ_r rows_r, in place. */
static int32_t average_gradient(float *gradient, int64_t count, const nerve_step *step, void *hook_data)
{
    training *state = hook_data;
    const int64_t rows = step->rows;
    const double start = MPI_Wtime();
    float total;
    int64_t i;

    if (count != state->count)
        return 1;
    for (i = 0; i < count; i++)
        state->buffer[i] = gradient[i] * (float)rows;
    state->buffer[count] = (float)rows; /* exact: row counts stay far below 2^24 */
    if (MPI_Allreduce(MPI_IN_PLACE, state->buffer, (int)(count + 1), MPI_FLOAT, MPI_SUM, state->comm) !=
        MPI_SUCCESS) {
        state->mpi_failed = 1;
        return 1;
    }
    total = state->buffer[count];
    for (i = 0; i < count; i++)
        gradient[i] = total > 0 ? state->buffer[i] / total : 0.0f;
    state->steps++;
    state->hook_seconds += MPI_Wtime() - start;
    return 0;
}

/* One figure's share of the mean over ranks: value × weight and weight, nothing if the figure is NaN. */
static void add_term(double *terms, int index, float value, int64_t weight)
{
    if (isnan(value)) {
        terms[index] = 0.0;
        terms[index + 4] = 0.0;
    } else {
        terms[index] = (double)value * (double)weight;
        terms[index + 4] = (double)weight;
    }
}

static float mean_of(const double *terms, int index)
{
    return terms[index + 4] > 0 ? (float)(terms[index] / terms[index + 4]) : NAN;
}

/* The epoch's figures become the sample-weighted means over the ranks. */
static int32_t combine_report(nerve_epoch_report *report, void *hook_data)
{
    training *state = hook_data;
    double terms[10];

    add_term(terms, 0, report->train_cost, state->n_train);
    add_term(terms, 1, report->train_accuracy, state->n_train);
    add_term(terms, 2, report->eval_cost, state->n_eval);
    add_term(terms, 3, report->eval_accuracy, state->n_eval);
    terms[8] = report->epoch; /* the sum of the epoch numbers shows ranks out of step */
    terms[9] = 1.0;
    if (MPI_Allreduce(MPI_IN_PLACE, terms, 10, MPI_DOUBLE, MPI_SUM, state->comm) != MPI_SUCCESS) {
        state->mpi_failed = 1;
        return 1;
    }
    if (terms[8] != report->epoch * terms[9])
        return 1;
    report->train_cost = mean_of(terms, 0);
    report->train_accuracy = mean_of(terms, 1);
    report->eval_cost = mean_of(terms, 2);
    report->eval_accuracy = mean_of(terms, 3);
    return 0;
}

static void print_measure(const char *name, float cost, float accuracy)
{
    if (isnan(cost))
        printf("  %s      -", name);
    else
        printf("  %s cost %.4f accuracy %.4f", name, cost, accuracy);
}

/* Rank 0 prints the epoch; all ranks stop together if any was interrupted. */
static int32_t report_epoch(const nerve_epoch_report *report, void *user_data)
{
    training *state = user_data;
    int stop = interrupted != 0;

    state->epochs_run = report->epoch;
    state->epoch_seconds += report->seconds;
    if (state->rank == 0) {
        printf("epoch %3d", (int)report->epoch);
        print_measure("train", report->train_cost, report->train_accuracy);
        print_measure("| validation", report->eval_cost, report->eval_accuracy);
        printf(" | %6.2f s\n", report->seconds);
    }
    if (MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, state->comm) != MPI_SUCCESS) {
        state->mpi_failed = 1;
        return 1;
    }
    return stop;
}

/* ----------------------------------------------------------------------------------------------- helpers */

static void fail(const char *what, nerve_status status)
{
    fprintf(stderr, "mpi_train: %s: %s (%s)\n", what, nerve_last_error(), nerve_status_string(status));
}

/* FNV-1a over the parameters' bytes: equal weights give equal hashes. */
static uint64_t fingerprint(const float *values, int64_t count)
{
    const unsigned char *bytes = (const unsigned char *)values;
    uint64_t hash = 1469598103934665603ULL;
    size_t i;
    for (i = 0; i < (size_t)count * sizeof(float); i++)
        hash = (hash ^ bytes[i]) * 1099511628211ULL;
    return hash;
}

static double test_accuracy(const nerve_net *net, const dataset *test, float *cost)
{
    float *outputs = malloc((size_t)(test->n * CLASSES) * sizeof(float));
    int64_t i, correct = 0;
    nerve_status status;
    if (outputs == NULL)
        return -1.0;
    status = nerve_predict(net, test->x, test->n, outputs, test->n * CLASSES);
    if (status == NERVE_OK)
        status = nerve_evaluate(net, test->x, test->y, test->n, cost, NULL);
    if (status != NERVE_OK) {
        fail("predict", status);
        free(outputs);
        return -1.0;
    }
    for (i = 0; i < test->n; i++) {
        const float *row = outputs + i * CLASSES;
        int32_t best = 0, k;
        for (k = 1; k < CLASSES; k++)
            best = row[k] > row[best] ? k : best;
        correct += best == test->labels[i];
    }
    free(outputs);
    return (double)correct / (double)test->n;
}

/* Rank 0 saves, loads back and checks the parameters survived bit for bit. */
static int save_model(const nerve_net *net, const char *path, const float *parameters, int64_t count)
{
    nerve_net *loaded = NULL;
    float *copy = malloc((size_t)count * sizeof(float));
    nerve_status status;
    int result = -1;
    if (copy == NULL)
        return -1;
    if ((status = nerve_save(net, path)) != NERVE_OK)
        fail("save", status);
    else if ((status = nerve_load(path, &loaded)) != NERVE_OK)
        fail("load", status);
    else if ((status = nerve_get_parameters(loaded, copy, count)) != NERVE_OK)
        fail("get parameters of the loaded model", status);
    else if (memcmp(copy, parameters, (size_t)count * sizeof(float)) != 0)
        fprintf(stderr, "mpi_train: the model loaded from %s differs\n", path);
    else {
        printf("saved to %s and loaded back: identical parameters\n", path);
        result = 0;
    }
    nerve_free(loaded);
    free(copy);
    return result;
}

/* ------------------------------------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    settings cfg;
    dataset train = {0}, validation = {0}, test = {0};
    training state;
    int32_t sizes[MAX_HIDDEN + 2], activations[MAX_HIDDEN + 1], i;
    int64_t local[2], totals[2], steps, max_steps;
    uint64_t hash, hashes[2];
    nerve_net *net = NULL;
    nerve_train_options opts;
    nerve_status status;
    float *parameters = NULL;
    int rank, size, parsed, loaded, all_loaded, exit_code = EXIT_FAILURE;

    memset(&state, 0, sizeof state);
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* Errors come back as codes, so that a callback can end training and the program can abort the job. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    setvbuf(stdout, NULL, _IOLBF, 0);

    parsed = parse_arguments(argc, argv, &cfg, rank == 0); /* same command line everywhere */
    if (parsed != 0) {
        MPI_Finalize();
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    if (rank == 0 && strcmp(nerve_version(), NERVE_VERSION_STRING) != 0)
        fprintf(stderr, "mpi_train: warning: built with nerve.h %s, running with libnerve %s\n",
                NERVE_VERSION_STRING, nerve_version());

    /* Collective decisions from here on: a rank that cannot go on says so, and all stop together. */
    loaded = load_shards(&cfg, rank, size, &train, &validation, &test) == 0 && train.n > 0;
    MPI_Allreduce(&loaded, &all_loaded, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_loaded) {
        if (rank == 0)
            fprintf(stderr, "mpi_train: a rank could not load its shard (or got no images)\n");
        goto finish;
    }

    sizes[0] = train.features;
    for (i = 0; i < cfg.n_hidden; i++) {
        sizes[i + 1] = cfg.hidden[i];
        activations[i] = NERVE_ACT_RELU;
    }
    sizes[cfg.n_hidden + 1] = CLASSES;
    activations[cfg.n_hidden] = NERVE_ACT_SOFTMAX;
    status = nerve_create(&net, sizes, cfg.n_hidden + 2, activations, NERVE_COST_LOG_LIKELIHOOD, cfg.seed);
    if (status != NERVE_OK) {
        fail("create", status);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    state.comm = MPI_COMM_WORLD;
    state.rank = rank;
    state.size = size;
    state.n_train = train.n;
    state.n_eval = validation.n;
    state.count = nerve_parameter_count(net);
    state.buffer = malloc((size_t)(state.count + 1) * sizeof(float));
    parameters = malloc((size_t)state.count * sizeof(float));
    if (state.buffer == NULL || parameters == NULL) {
        fputs("mpi_train: out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    /* The same seed gives the same weights on every rank; rank 0's are broadcast all the same. */
    if (rank == 0 && (status = nerve_get_parameters(net, parameters, state.count)) != NERVE_OK) {
        fail("get parameters", status);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Bcast(parameters, (int)state.count, MPI_FLOAT, 0, MPI_COMM_WORLD);
    if (rank != 0 && (status = nerve_set_parameters(net, parameters, state.count)) != NERVE_OK) {
        fail("set parameters", status);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    /* Steps per epoch: the largest rank's; L2 scaled by the images of all ranks. */
    steps = (train.n + cfg.batch_size - 1) / cfg.batch_size;
    MPI_Allreduce(&steps, &max_steps, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    local[0] = train.n;
    local[1] = validation.n;
    MPI_Allreduce(local, totals, 2, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);

    nerve_train_options_init(&opts);
    opts.epochs = cfg.epochs;
    opts.batch_size = cfg.batch_size;
    opts.learning_rate = cfg.learning_rate;
    opts.momentum = cfg.momentum;
    opts.l2 = cfg.l2;
    opts.threads = cfg.threads;
    opts.steps_per_epoch = (int32_t)max_steps;
    opts.regularization_n = totals[0];
    /* Every rank scores alike whatever its shard holds (one-hot labels here): the combined figures mean one rule. */
    opts.accuracy_rule = NERVE_ACCURACY_ARGMAX;
    opts.gradient_hook = average_gradient;
    opts.report_hook = combine_report;
    opts.hook_data = &state;
    opts.progress = report_epoch;
    opts.user_data = &state;

    if (rank == 0) {
        printf("%d ranks: %ld training images (%ld on rank 0), %ld validation, %ld test; ", size, (long)totals[0],
               (long)train.n, (long)totals[1], (long)test.n);
        printf("network 784");
        for (i = 0; i < cfg.n_hidden; i++)
            printf("-%d", (int)cfg.hidden[i]);
        printf("-10 relu/softmax, %ld parameters\n", (long)state.count);
        printf("batch %d per rank (%d per step), %ld steps per epoch, lr %g, momentum %g, L2 %g, %d thread%s "
               "per rank\n",
               (int)cfg.batch_size, (int)cfg.batch_size * size, (long)max_steps, cfg.learning_rate,
               cfg.momentum, cfg.l2, (int)cfg.threads, cfg.threads == 1 ? "" : "s");
    }

    signal(SIGINT, on_interrupt);
    status = nerve_train(net, train.x, train.y, train.n, validation.x, validation.y, validation.n, &opts);
    signal(SIGINT, SIG_DFL);
    if (state.mpi_failed) {
        fputs("mpi_train: an MPI call failed during training\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (status < 0) {
        /* Figures and weights are alike on every rank, so a failure such as NERVE_E_DIVERGED happens on all of
         * them; an aborted hook may be this rank's alone, and the others would wait for it. */
        fail("train", status);
        if (status == NERVE_E_ABORTED)
            MPI_Abort(MPI_COMM_WORLD, 1);
        goto finish;
    }
    if (status == NERVE_STOPPED && rank == 0)
        printf("stopped after epoch %d\n", (int)state.epochs_run);

    /* Every rank must hold the same weights: compare fingerprints. */
    if ((status = nerve_get_parameters(net, parameters, state.count)) != NERVE_OK) {
        fail("get parameters", status);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    hash = fingerprint(parameters, state.count);
    MPI_Allreduce(&hash, &hashes[0], 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&hash, &hashes[1], 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (hashes[0] != hashes[1]) {
        if (rank == 0)
            fputs("mpi_train: the ranks' weights differ\n", stderr);
        goto finish;
    }

    if (rank == 0) {
        float test_cost = NAN;
        double accuracy = test_accuracy(net, &test, &test_cost);
        double hook_share = state.epoch_seconds > 0 ? state.hook_seconds / state.epoch_seconds : 0.0;
        printf("weights identical on all %d ranks\n", size);
        printf("allreduce: %ld steps of %ld bytes per rank, %.2f s in the gradient hook (%.0f%% of training)\n",
               (long)state.steps, (long)((state.count + 1) * (int64_t)sizeof(float)), state.hook_seconds,
               100.0 * hook_share);
        printf("test accuracy %.4f (cost %.4f) on %ld images after %d epoch%s, %.2f s per epoch\n", accuracy,
               test_cost, (long)test.n, (int)state.epochs_run, state.epochs_run == 1 ? "" : "s",
               state.epochs_run > 0 ? state.epoch_seconds / state.epochs_run : 0.0);
        exit_code = EXIT_SUCCESS;
        if (accuracy < 0)
            exit_code = EXIT_FAILURE;
        else if (cfg.save_path != NULL && save_model(net, cfg.save_path, parameters, state.count) != 0)
            exit_code = EXIT_FAILURE;
        else if (accuracy < cfg.min_accuracy) {
            fprintf(stderr, "mpi_train: test accuracy %.4f is below the required %.4f\n", accuracy,
                    cfg.min_accuracy);
            exit_code = 2;
        }
    }
    /* All ranks leave with rank 0's verdict. */
    MPI_Bcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD);

finish:
    free(parameters);
    free(state.buffer);
    nerve_free(net);
    dataset_free(&train);
    dataset_free(&validation);
    dataset_free(&test);
    MPI_Finalize();
    return exit_code;
}
