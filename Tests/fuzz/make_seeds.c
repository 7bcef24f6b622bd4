/* Writes seed inputs for the fuzzers: small valid models, saved by the library itself, for every
 * activation/cost pair a network may be created with, some trained a little so their parameters and
 * generator state are not the initial ones.
 *
 *   make_seeds DIR */
#include <stdio.h>
#include <stdlib.h>

#include "nerve.h"

static int admitted(int output, int cost)
{
    return cost == NERVE_COST_QUADRATIC || (cost == NERVE_COST_CROSS_ENTROPY && output == NERVE_ACT_SIGMOID) ||
           (cost == NERVE_COST_LOG_LIKELIHOOD && output == NERVE_ACT_SOFTMAX);
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
    for (int hidden = NERVE_ACT_SIGMOID; hidden <= NERVE_ACT_STEP; hidden++)
        for (int output = NERVE_ACT_SIGMOID; output <= NERVE_ACT_STEP; output++)
            for (int cost = NERVE_COST_QUADRATIC; cost <= NERVE_COST_LOG_LIKELIHOOD; cost++) {
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
    printf("make_seeds: %d models in %s\n", written, argv[1]);
    return failures ? 1 : 0;
}
