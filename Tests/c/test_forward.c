/* Forward pass against hand computation: a 2-2-1 sigmoid network with chosen weights, then every activation
 * on a single layer, each over several samples so that row-major layout errors show. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "reference.h"
#include "suite.h"

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static void two_two_one(void)
{
    const int32_t sizes[] = {2, 2, 1};
    const int32_t acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_QUADRATIC, 7)))
        return;

    CHECK(nerve_input_size(net) == 2, "input size %d", nerve_input_size(net));
    CHECK(nerve_output_size(net) == 1, "output size %d", nerve_output_size(net));
    CHECK(nerve_layer_count(net) == 2, "layer count %d", nerve_layer_count(net));
    CHECK(nerve_cost(net) == NERVE_COST_QUADRATIC, "cost %d", nerve_cost(net));
    int32_t in = -1, out = -1, act = -1;
    CHECK_OK(nerve_layer_info(net, 1, &in, &out, &act));
    CHECK(in == 2 && out == 1 && act == NERVE_ACT_SIGMOID, "layer 1 info %d %d %d", in, out, act);

    /* w[j][k] connects input k to hidden unit j; asymmetric so that a transposed matrix gives other numbers. */
    const float w1[] = {0.15f, -0.20f, 0.25f, 0.30f}, b1[] = {0.35f, -0.45f};
    const float w2[] = {0.40f, -0.55f}, b2[] = {0.60f};
    CHECK_OK(nerve_set_layer(net, 0, w1, 4, b1, 2));
    CHECK_OK(nerve_set_layer(net, 1, w2, 2, b2, 1));

    float got_w[4], got_b[2];
    CHECK_OK(nerve_get_layer(net, 0, got_w, 4, got_b, 2));
    CHECK(floats_equal_bits(got_w, w1, 4) && floats_equal_bits(got_b, b1, 2), "get_layer differs from set_layer");

    const float x[] = {0.05f, 0.10f, 1.0f, -2.0f, -0.5f, 3.0f};
    float y[3];
    if (!CHECK_OK(nerve_predict(net, x, 3, y, 3)))
        goto done;
    for (int s = 0; s < 3; s++) {
        double x0 = x[2 * s], x1 = x[2 * s + 1];
        double h0 = sigmoid((double)w1[0] * x0 + (double)w1[1] * x1 + b1[0]);
        double h1 = sigmoid((double)w1[2] * x0 + (double)w1[3] * x1 + b1[1]);
        double expected = sigmoid((double)w2[0] * h0 + (double)w2[1] * h1 + b2[0]);
        CHECK(fabs(y[s] - expected) < 1e-6, "sample %d: predicted %.9g, hand computation %.9g", s, y[s], expected);
    }
    /* One sample at a time gives the same bits as the batch (Results in nerve.h). */
    for (int s = 0; s < 3; s++) {
        float one;
        CHECK_OK(nerve_predict(net, x + 2 * s, 1, &one, 1));
        CHECK(floats_equal_bits(&one, &y[s], 1), "sample %d alone %.9g, in batch %.9g", s, one, y[s]);
    }
done:
    nerve_free(net);
}

static const char *activation_name(int a)
{
    static const char *names[] = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step"};
    return names[a];
}

static void each_activation(void)
{
    enum { IN = 3, OUT = 4, SAMPLES = 3 };
    const float w[OUT * IN] = {0.5f, -1.0f, 2.0f, -0.25f, 0.75f, 0.0f, 1.0f, -1.0f, 0.0f, 0.1f, 0.2f, -0.3f};
    const float b[OUT] = {0.1f, -0.2f, 0.0f, 0.05f};
    /* The third unit sees exactly 0 for the third sample (0.5 - 0.5), where step must give 1. */
    const float x[SAMPLES * IN] = {1.0f, 2.0f, -1.0f, -3.0f, 0.5f, 0.25f, 0.5f, 0.5f, 4.0f};
    for (int a = NERVE_ACT_SIGMOID; a <= NERVE_ACT_STEP; a++) {
        const int32_t sizes[] = {IN, OUT}, acts[] = {a};
        nerve_net *net = NULL;
        if (!CHECK_OK(nerve_create(&net, sizes, 2, acts, NERVE_COST_QUADRATIC, 1)))
            continue;
        CHECK_OK(nerve_set_layer(net, 0, w, OUT * IN, b, OUT));
        float out[SAMPLES * OUT];
        if (CHECK_OK(nerve_predict(net, x, SAMPLES, out, SAMPLES * OUT))) {
            for (int s = 0; s < SAMPLES; s++) {
                double in_d[IN], w_d[OUT * IN], b_d[OUT], expected[OUT];
                for (int k = 0; k < IN; k++)
                    in_d[k] = x[s * IN + k];
                for (int i = 0; i < OUT * IN; i++)
                    w_d[i] = w[i];
                for (int j = 0; j < OUT; j++)
                    b_d[j] = b[j];
                ref_dense(in_d, IN, w_d, b_d, OUT, a, expected);
                for (int j = 0; j < OUT; j++)
                    CHECK(fabs(out[s * OUT + j] - expected[j]) < 1e-5 * (1 + fabs(expected[j])),
                          "%s sample %d output %d: %.9g, expected %.9g", activation_name(a), s, j,
                          out[s * OUT + j], expected[j]);
            }
        }
        nerve_free(net);
    }
}

void test_forward(void)
{
    two_two_one();
    each_activation();
}
