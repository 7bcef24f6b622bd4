/* XOR is not linearly separable: a network that learns it to 100% has a working hidden layer and backprop.
 * Tried for several seeds and both optimizers, so one lucky initialisation cannot pass the test alone. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "suite.h"

static const float xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1};
static const float xor_y[] = {0, 1, 1, 0};

static void learn_xor(int optimizer, uint64_t seed)
{
    const int32_t sizes[] = {2, 8, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, seed)))
        return;
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1000;
    opts.batch_size = 4;
    opts.monitor_training = NERVE_MONITOR_NONE;
    if (optimizer == NERVE_OPTIMIZER_ADAM) {
        opts.optimizer = NERVE_OPTIMIZER_ADAM;
        opts.learning_rate = 0.05f;
    } else {
        opts.learning_rate = 1.0f;
        opts.momentum = 0.9f;
    }
    const char *name = optimizer == NERVE_OPTIMIZER_ADAM ? "adam" : "sgd";
    if (CHECK_OK(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &opts))) {
        float out[4];
        CHECK_OK(nerve_predict(net, xor_x, 4, out, 4));
        int right = 0;
        for (int i = 0; i < 4; i++)
            right += (out[i] >= 0.5f) == (xor_y[i] >= 0.5f);
        CHECK(right == 4, "%s seed %llu: %d of 4 XOR cases right (%.3f %.3f %.3f %.3f)", name,
              (unsigned long long)seed, right, out[0], out[1], out[2], out[3]);
        float cost = NAN, accuracy = NAN;
        CHECK_OK(nerve_evaluate(net, xor_x, xor_y, 4, &cost, &accuracy));
        CHECK(accuracy == 1.0f, "%s seed %llu: evaluate accuracy %g", name, (unsigned long long)seed, accuracy);
        CHECK(cost < 0.1f, "%s seed %llu: cost %g after training", name, (unsigned long long)seed, cost);
    }
    nerve_free(net);
}

void test_xor(void)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        learn_xor(NERVE_OPTIMIZER_SGD, seed);
        learn_xor(NERVE_OPTIMIZER_ADAM, seed);
    }
}
