#include "arguments.h"
#include "options.h"

#include <nerve.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Names come from the library (nerve_enum_name), so the example never spells an enumeration out again; on
 * the command line a dash may stand for the library's underscore ("leaky-relu", "log-likelihood"). */
static int lookup(int32_t enumeration, const char *name, int32_t *value)
{
    char spelled[64];
    size_t length = strlen(name);
    if (length >= sizeof spelled)
        return -1;
    for (size_t i = 0; i <= length; i++)
        spelled[i] = name[i] == '-' ? '_' : name[i];
    return nerve_enum_value(enumeration, spelled, value) == NERVE_OK ? 0 : -1;
}

static const char *name_of(int32_t enumeration, int32_t value)
{
    const char *name = nerve_enum_name(enumeration, value);
    return name != NULL ? name : "?";
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
          "  --threads N           threads the library may use (default 1; results do not change)\n"
          "  --save PATH           keep the trained model there (default: a temporary file)\n"
          "  --min-accuracy X      exit with status 2 if the test accuracy is below X\n",
          stream);
}

/* Returns 0 on success, 1 after --help, -1 on a bad command line. */
static int parse_arguments(int argc, char **argv, options *cfg)
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
            ok = argument_sizes(value, cfg->hidden, OPTIONS_MAX_HIDDEN, &cfg->n_hidden) == 0;
        } else if (strcmp(option, "--activation") == 0) {
            ok = lookup(NERVE_ENUM_ACTIVATION, value, &cfg->hidden_activation) == 0;
        } else if (strcmp(option, "--output") == 0) {
            ok = lookup(NERVE_ENUM_ACTIVATION, value, &cfg->output_activation) == 0;
        } else if (strcmp(option, "--cost") == 0) {
            ok = lookup(NERVE_ENUM_COST, value, &cfg->cost) == 0;
        } else if (strcmp(option, "--optimizer") == 0) {
            ok = lookup(NERVE_ENUM_OPTIMIZER, value, &cfg->optimizer) == 0;
        } else if (strcmp(option, "--epochs") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &number) == 0;
            cfg->epochs = (int32_t)number;
        } else if (strcmp(option, "--batch") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &number) == 0;
            cfg->batch_size = (int32_t)number;
        } else if (strcmp(option, "--train-limit") == 0) {
            ok = argument_long(value, 1, INT32_MAX, &cfg->train_limit) == 0;
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
        } else if (strcmp(option, "--dropout") == 0) {
            ok = argument_float(value, &cfg->dropout) == 0;
        } else if (strcmp(option, "--save") == 0) {
            cfg->save_path = value;
            ok = 1;
        } else if (strcmp(option, "--min-accuracy") == 0) {
            float accuracy;
            ok = argument_float(value, &accuracy) == 0;
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

int options_parse(int argc, char **argv, options *opts)
{
    int status;

    memset(opts, 0, sizeof *opts);
    opts->data_dir = getenv("NERVE_DATA");
    opts->hidden[0] = 100;
    opts->n_hidden = 1;
    opts->hidden_activation = NERVE_ACT_SIGMOID;
    opts->output_activation = NERVE_ACT_SOFTMAX;
    opts->cost = -1;
    opts->epochs = 5;
    opts->batch_size = 10;
    opts->optimizer = NERVE_OPTIMIZER_SGD;
    opts->learning_rate = 0.2f;
    opts->seed = 1;
    opts->threads = 1;
    status = parse_arguments(argc, argv, opts);
    if (opts->cost < 0) /* the cost whose output error needs no derivative of the activation */
        opts->cost = opts->output_activation == NERVE_ACT_SOFTMAX ? NERVE_COST_LOG_LIKELIHOOD
                   : opts->output_activation == NERVE_ACT_SIGMOID ? NERVE_COST_CROSS_ENTROPY
                                                                  : NERVE_COST_QUADRATIC;
    return status;
}

const char *options_activation_name(int32_t activation)
{
    return name_of(NERVE_ENUM_ACTIVATION, activation);
}

const char *options_cost_name(int32_t cost)
{
    return name_of(NERVE_ENUM_COST, cost);
}

const char *options_optimizer_name(int32_t optimizer)
{
    return name_of(NERVE_ENUM_OPTIMIZER, optimizer);
}
