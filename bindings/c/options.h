/*
 * options.h — the command line of the Fashion-MNIST example.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#define OPTIONS_MAX_HIDDEN 16

typedef struct options {
    const char *data_dir;      /* directory of the un-gzipped IDX files */
    int32_t hidden[OPTIONS_MAX_HIDDEN];
    int32_t n_hidden;
    int32_t hidden_activation; /* NERVE_ACT_* */
    int32_t output_activation; /* NERVE_ACT_* */
    int32_t cost;              /* NERVE_COST_*; by default the one that suits the output activation */
    int32_t epochs;
    int32_t batch_size;
    int32_t optimizer;         /* NERVE_OPTIMIZER_* */
    float learning_rate;
    float momentum;
    float l2;
    float dropout;
    long train_limit;          /* 0: every training image */
    uint64_t seed;
    int32_t threads;           /* threads the library may use */
    const char *save_path;     /* NULL: a temporary file, removed at the end */
    double min_accuracy;       /* fail below this test accuracy */
} options;

/* Fills *opts from the defaults and the command line. Returns 0 to go on, 1 when --help was printed, -1
 * (after printing why) on a bad command line. */
int options_parse(int argc, char **argv, options *opts);

/* Readable names of Nerve's enum values, as the command line spells them. */
const char *options_activation_name(int32_t activation);
const char *options_cost_name(int32_t cost);
const char *options_optimizer_name(int32_t optimizer);

#endif /* OPTIONS_H */
