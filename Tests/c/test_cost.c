/* nerve_evaluate's cost and accuracy for each cost function against the definitions in nerve.h,
 * computed here in double from the weights the test sets. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "reference.h"
#include "suite.h"

enum { IN = 2, MAX_OUT = 3, SAMPLES = 4 };

static const float x[SAMPLES * IN] = {0.5f, -1.0f, 2.0f, 0.25f, -1.5f, -0.5f, 0.0f, 1.0f};

static void expect_cost(const char *name, int activation, int cost, int n_out, const float *w, const float *b,
                        const float *y)
{
    const int32_t sizes[] = {IN, n_out}, acts[] = {activation};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 2, acts, cost, 3)))
        return;
    CHECK_OK(nerve_set_layer(net, 0, w, (int64_t)n_out * IN, b, n_out));

    /* The accuracy rule comes from all the targets: one-hot rows, else 0/1 labels, else none (NaN). */
    int one_hot = n_out >= 2, labels = 1;
    for (int s = 0; s < SAMPLES; s++) {
        int ones = 0;
        for (int j = 0; j < n_out; j++) {
            ones += y[s * n_out + j] == 1;
            labels &= y[s * n_out + j] == 0 || y[s * n_out + j] == 1;
        }
        one_hot &= ones == 1;
    }
    double total = 0, agree = 0, counted = 0;
    for (int s = 0; s < SAMPLES; s++) {
        double in_d[IN] = {x[s * IN], x[s * IN + 1]}, w_d[MAX_OUT * IN], b_d[MAX_OUT], a[MAX_OUT], y_d[MAX_OUT];
        for (int i = 0; i < n_out * IN; i++)
            w_d[i] = w[i];
        for (int j = 0; j < n_out; j++) {
            b_d[j] = b[j];
            y_d[j] = y[s * n_out + j];
        }
        ref_dense(in_d, IN, w_d, b_d, n_out, activation, a);
        total += ref_cost(cost, a, y_d, n_out);
        if (!labels) {
            continue;
        } else if (one_hot) {
            int best_a = 0, best_y = 0;
            for (int j = 1; j < n_out; j++) {
                best_a = a[j] > a[best_a] ? j : best_a;
                best_y = y_d[j] > y_d[best_y] ? j : best_y;
            }
            agree += best_a == best_y;
            counted += 1;
        } else {
            for (int j = 0; j < n_out; j++)
                agree += (a[j] >= 0.5) == (y_d[j] >= 0.5);
            counted += n_out;
        }
    }
    double expected_cost = total / SAMPLES, expected_accuracy = labels ? agree / counted : NAN;

    float got_cost = NAN, got_accuracy = NAN;
    if (CHECK_OK(nerve_evaluate(net, x, y, SAMPLES, &got_cost, &got_accuracy))) {
        CHECK(fabs(got_cost - expected_cost) < 1e-5 * (1 + fabs(expected_cost)), "%s cost %.9g, expected %.9g",
              name, got_cost, expected_cost);
        CHECK((isnan(got_accuracy) ? 0 : 1) == labels, "%s accuracy %.9g: NaN exactly for regression targets", name,
              got_accuracy);
        if (labels) {
            CHECK(fabs(got_accuracy - expected_accuracy) < 1e-6, "%s accuracy %.9g, expected %.9g", name,
                  got_accuracy, expected_accuracy);
            /* A trivial accuracy (0 or 1) would prove little. */
            CHECK(expected_accuracy > 0 && expected_accuracy < 1, "%s: test data should give a partial accuracy",
                  name);
        }
    }
    /* Either out-pointer may be NULL. */
    float only_cost = NAN, only_accuracy = NAN;
    CHECK_OK(nerve_evaluate(net, x, y, SAMPLES, &only_cost, NULL));
    CHECK_OK(nerve_evaluate(net, x, y, SAMPLES, NULL, &only_accuracy));
    CHECK_OK(nerve_evaluate(net, x, y, SAMPLES, NULL, NULL));
    CHECK(only_cost == got_cost && memcmp(&only_accuracy, &got_accuracy, sizeof got_accuracy) == 0,
          "%s: evaluate with a NULL out-pointer differs", name);
    nerve_free(net);
}

void test_cost(void)
{
    const float w2[] = {0.8f, -0.6f, -0.4f, 1.2f}, b2[] = {0.1f, -0.3f};
    const float w3[] = {0.8f, -0.6f, -0.4f, 1.2f, 0.3f, 0.3f}, b3[] = {0.1f, -0.3f, 0.2f};

    /* Regression targets away from the outputs. */
    const float y_regression[] = {1.5f, -2.0f, 0.0f, 0.75f, -1.0f, 0.2f, 0.9f, 3.0f};
    expect_cost("quadratic+linear", NERVE_ACT_LINEAR, NERVE_COST_QUADRATIC, 2, w2, b2, y_regression);

    const float y_labels[] = {1, 0, 1, 1, 0, 0, 0, 0};
    expect_cost("quadratic+sigmoid", NERVE_ACT_SIGMOID, NERVE_COST_QUADRATIC, 2, w2, b2, y_labels);
    expect_cost("cross_entropy+sigmoid", NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY, 2, w2, b2, y_labels);
    expect_cost("quadratic+tanh", NERVE_ACT_TANH, NERVE_COST_QUADRATIC, 2, w2, b2, y_labels);

    const float y_onehot[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0};
    expect_cost("log_likelihood+softmax", NERVE_ACT_SOFTMAX, NERVE_COST_LOG_LIKELIHOOD, 3, w3, b3, y_onehot);
    expect_cost("quadratic+softmax", NERVE_ACT_SOFTMAX, NERVE_COST_QUADRATIC, 3, w3, b3, y_onehot);

    /* Counts, zeros among them (y ln y is 0 there). */
    const float y_counts[] = {2, 0, 0, 5, 1, 3, 7, 0};
    expect_cost("poisson+exp", NERVE_ACT_EXP, NERVE_COST_POISSON, 2, w2, b2, y_counts);
    expect_cost("quadratic+exp", NERVE_ACT_EXP, NERVE_COST_QUADRATIC, 2, w2, b2, y_counts);

    /* Poisson targets are counts: a negative one is refused, a large one is fine. */
    const int32_t sizes[] = {IN, 2}, acts[] = {NERVE_ACT_EXP};
    nerve_net *net = NULL;
    if (CHECK_OK(nerve_create(&net, sizes, 2, acts, NERVE_COST_POISSON, 3))) {
        float y_bad[SAMPLES * 2];
        memcpy(y_bad, y_counts, sizeof y_bad);
        y_bad[5] = -1;
        float cost = NAN;
        CHECK_FAILS(nerve_evaluate(net, x, y_bad, SAMPLES, &cost, NULL), NERVE_E_INVALID);
        CHECK(strstr(nerve_last_error(), "negative") != NULL, "negative Poisson target: \"%s\"", nerve_last_error());
        CHECK_FAILS(nerve_train(net, x, y_bad, SAMPLES, NULL, NULL, 0, NULL), NERVE_E_INVALID);
        y_bad[5] = 1e6f;
        CHECK_OK(nerve_evaluate(net, x, y_bad, SAMPLES, &cost, NULL));
        nerve_free(net);
    }
}
