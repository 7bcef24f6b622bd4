#include "options.h"

#include <nerve.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_value {
    const char *name;
    int32_t value;
} name_value;

static const name_value activation_names[] = {
    {"sigmoid", NERVE_ACT_SIGMOID},
    {"tanh", NERVE_ACT_TANH},
    {"relu", NERVE_ACT_RELU},
    {"leaky-relu", NERVE_ACT_LEAKY_RELU},
    {"linear", NERVE_ACT_LINEAR},
    {"softmax", NERVE_ACT_SOFTMAX},
    {NULL, 0},
};

static const name_value cost_names[] = {
    {"quadratic", NERVE_COST_QUADRATIC},
    {"cross-entropy", NERVE_COST_CROSS_ENTROPY},
    {"log-likelihood", NERVE_COST_LOG_LIKELIHOOD},
    {NULL, 0},
};

static const name_value optimizer_names[] = {
    {"sgd", NERVE_OPTIMIZER_SGD},
    {"adam", NERVE_OPTIMIZER_ADAM},
    {NULL, 0},
};

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
        if (n == OPTIONS_MAX_HIDDEN || parse_long(item, 1, 1L << 24, &size) != 0)
            return -1;
        sizes[n++] = (int32_t)size;
    }
    if (n == 0)
        return -1;
    *count = n;
    return 0;
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
    status = parse_arguments(argc, argv, opts);
    if (opts->cost < 0) /* the cost whose output error needs no derivative of the activation */
        opts->cost = opts->output_activation == NERVE_ACT_SOFTMAX ? NERVE_COST_LOG_LIKELIHOOD
                   : opts->output_activation == NERVE_ACT_SIGMOID ? NERVE_COST_CROSS_ENTROPY
                                                                  : NERVE_COST_QUADRATIC;
    return status;
}

const char *options_activation_name(int32_t activation)
{
    return name_of(activation_names, activation);
}

const char *options_cost_name(int32_t cost)
{
    return name_of(cost_names, cost);
}

const char *options_optimizer_name(int32_t optimizer)
{
    return name_of(optimizer_names, optimizer);
}
