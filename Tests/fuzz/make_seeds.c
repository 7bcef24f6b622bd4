/* Writes seed inputs for the fuzzers: small valid models, saved by the library itself, for every
 * activation/cost pair a network may be created with, and convolutional networks with every kind of layer,
 * both paddings and strides; some trained a little so their parameters and generator state are not the
 * initial ones.
 *
 *   make_seeds DIR */
#include <stdio.h>
#include <stdlib.h>

#include "nerve.h"
#include "../c/layer_specs.h"

static int admitted(int output, int cost)
{
    return cost == NERVE_COST_QUADRATIC || (cost == NERVE_COST_CROSS_ENTROPY && output == NERVE_ACT_SIGMOID) ||
           (cost == NERVE_COST_LOG_LIKELIHOOD && output == NERVE_ACT_SOFTMAX) ||
           (cost == NERVE_COST_POISSON && output == NERVE_ACT_EXP);
}

static int save(const char *dir, const char *name, const nerve_net *net)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (nerve_save(net, path) != NERVE_OK) {
        fprintf(stderr, "make_seeds: %s\n", nerve_last_error());
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    int failures = 0, written = 0;
    const float x[] = {0.1f, -0.4f, 0.9f, 0.3f, 0.0f, -1.0f}, y[] = {1, 0, 0, 1};
    for (int hidden = NERVE_ACT_SIGMOID; hidden <= NERVE_ACT_EXP; hidden++)
        for (int output = NERVE_ACT_SIGMOID; output <= NERVE_ACT_EXP; output++)
            for (int cost = NERVE_COST_QUADRATIC; cost <= NERVE_COST_POISSON; cost++) {
                if (!admitted(output, cost))
                    continue;
                const int32_t sizes[] = {3, 4, 2}, acts[] = {hidden, output};
                nerve_net *net = NULL;
                if (nerve_create(&net, sizes, 3, acts, cost, (uint64_t)(hidden * 31 + output * 7 + cost)) != NERVE_OK) {
                    fprintf(stderr, "make_seeds: %s\n", nerve_last_error());
                    failures++;
                    continue;
                }
                if (hidden != NERVE_ACT_STEP && output != NERVE_ACT_STEP) {
                    nerve_train_options opts;
                    nerve_train_options_init(&opts);
                    opts.epochs = 2;
                    opts.batch_size = 1;
                    opts.learning_rate = 0.05f;
                    nerve_train(net, x, y, 2, NULL, NULL, 0, &opts); /* divergence would be fine too */
                }
                char name[64];
                snprintf(name, sizeof name, "seed-h%d-o%d-c%d.nerve", hidden, output, cost);
                failures += save(argv[1], name, net);
                written++;
                nerve_free(net);
            }
    /* Shapes: a single layer, a deep narrow chain, a wider layer. */
    const int32_t one[] = {5, 3}, one_acts[] = {NERVE_ACT_SOFTMAX};
    const int32_t deep[] = {2, 3, 3, 3, 3, 3, 3, 1};
    const int32_t deep_acts[] = {NERVE_ACT_RELU, NERVE_ACT_TANH, NERVE_ACT_LEAKY_RELU, NERVE_ACT_SIGMOID,
                                 NERVE_ACT_LINEAR, NERVE_ACT_SOFTMAX, NERVE_ACT_SIGMOID};
    const int32_t wide[] = {30, 12}, wide_acts[] = {NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (nerve_create(&net, one, 2, one_acts, NERVE_COST_LOG_LIKELIHOOD, 1) == NERVE_OK)
        failures += save(argv[1], "seed-single-layer.nerve", net), written++;
    nerve_free(net);
    if (nerve_create(&net, deep, 8, deep_acts, NERVE_COST_CROSS_ENTROPY, 2) == NERVE_OK)
        failures += save(argv[1], "seed-deep.nerve", net), written++;
    nerve_free(net);
    if (nerve_create(&net, wide, 2, wide_acts, NERVE_COST_QUADRATIC, 3) == NERVE_OK)
        failures += save(argv[1], "seed-wide.nerve", net), written++;
    nerve_free(net);

    /* Convolutional networks on small images (the fuzz inputs are at most 8 KiB). */
    enum { VALID = NERVE_PADDING_VALID, SAME = NERVE_PADDING_SAME };
    const int32_t MAXP = NERVE_LAYER_MAX_POOL2D, MEANP = NERVE_LAYER_MEAN_POOL2D;
    static const struct {
        const char *name;
        int32_t shape[3];
        int32_t n;
        nerve_layer_spec layers[5];
        int32_t cost;
    } cnns[] = {
        {"seed-cnn-conv-max-dense-softmax.nerve", {1, 6, 6}, 3,
         {{NERVE_LAYER_CONV2D, 2, 3, 3, 0, 0, VALID, NERVE_ACT_RELU, 0}, {MAXP, 0, 2, 2, 0, 0, 0, 0, 0},
          {NERVE_LAYER_DENSE, 3, 0, 0, 0, 0, 0, NERVE_ACT_SOFTMAX, 0}},
         NERVE_COST_LOG_LIKELIHOOD},
        {"seed-cnn-same-stride-2-mean-conv-sigmoid.nerve", {2, 5, 5}, 3,
         {{NERVE_LAYER_CONV2D, 3, 3, 3, 2, 2, SAME, NERVE_ACT_TANH, 0}, {MEANP, 0, 2, 2, 1, 1, 0, 0, 0},
          {NERVE_LAYER_CONV2D, 1, 2, 2, 0, 0, VALID, NERVE_ACT_SIGMOID, 0}},
         NERVE_COST_CROSS_ENTROPY},
        {"seed-cnn-pool-first.nerve", {3, 4, 5}, 2,
         {{MAXP, 0, 2, 2, 0, 0, 0, 0, 0}, {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, NERVE_ACT_LINEAR, 0}},
         NERVE_COST_QUADRATIC},
        {"seed-cnn-mean-pool-only.nerve", {2, 5, 5}, 1, {{MEANP, 0, 2, 3, 1, 2, 0, 0, 0}}, NERVE_COST_QUADRATIC},
        {"seed-cnn-asymmetric.nerve", {1, 7, 6}, 3,
         {{NERVE_LAYER_CONV2D, 2, 3, 2, 2, 3, VALID, NERVE_ACT_LEAKY_RELU, 0}, {MAXP, 0, 3, 1, 1, 1, 0, 0, 0},
          {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, NERVE_ACT_SIGMOID, 0}},
         NERVE_COST_CROSS_ENTROPY},
        {"seed-cnn-kernel-larger-than-input.nerve", {1, 3, 3}, 1,
         {{NERVE_LAYER_CONV2D, 2, 5, 4, 0, 0, SAME, NERVE_ACT_LINEAR, 0}}, NERVE_COST_QUADRATIC},
        {"seed-cnn-step.nerve", {1, 4, 4}, 2,
         {{NERVE_LAYER_CONV2D, 1, 2, 2, 0, 0, VALID, NERVE_ACT_STEP, 0},
          {NERVE_LAYER_DENSE, 1, 0, 0, 0, 0, 0, NERVE_ACT_LINEAR, 0}},
         NERVE_COST_QUADRATIC},
        {"seed-cnn-deep.nerve", {3, 6, 6}, 5,
         {{NERVE_LAYER_CONV2D, 4, 3, 3, 1, 1, SAME, NERVE_ACT_RELU, 0}, {MAXP, 0, 2, 2, 0, 0, 0, 0, 0},
          {NERVE_LAYER_CONV2D, 3, 2, 2, 1, 1, VALID, NERVE_ACT_TANH, 0}, {MEANP, 0, 2, 2, 0, 0, 0, 0, 0},
          {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, NERVE_ACT_SOFTMAX, 0}},
         NERVE_COST_LOG_LIKELIHOOD},
    };
    for (size_t i = 0; i < sizeof cnns / sizeof cnns[0]; i++) {
        nerve_net *cnn = NULL;
        if (CREATE_LAYERS(&cnn, cnns[i].shape, cnns[i].layers, cnns[i].n, cnns[i].cost, 100 + i) != NERVE_OK) {
            fprintf(stderr, "make_seeds: %s: %s\n", cnns[i].name, nerve_last_error());
            failures++;
            continue;
        }
        int32_t n_in = nerve_input_size(cnn), n_out = nerve_output_size(cnn);
        float cx[4 * 128], cy[4 * 32] = {0};
        if (n_in <= 128 && n_out <= 32) {
            for (int k = 0; k < 4 * n_in; k++)
                cx[k] = (float)((k * 37) % 19 - 9) / 9.0f;
            for (int r = 0; r < 4; r++)
                cy[r * n_out + r % n_out] = 1;
            nerve_train_options opts;
            nerve_train_options_init(&opts);
            opts.epochs = 2;
            opts.batch_size = 2;
            opts.learning_rate = 0.05f;
            nerve_train(cnn, cx, cy, 4, NULL, NULL, 0, &opts); /* refused for step layers, which is fine */
        }
        failures += save(argv[1], cnns[i].name, cnn);
        written++;
        nerve_free(cnn);
    }
    printf("make_seeds: %d models in %s\n", written, argv[1]);
    return failures ? 1 : 0;
}
