/* Accuracy as nerve.h defines it, on hand-made cases: argmax agreement for one-hot targets whatever the output
 * activation, per-label agreement after rounding at 0.5 for other 0/1 targets, NaN for regression targets, the
 * rule chosen from all rows of a data set, in nerve_evaluate and in every monitoring mode of the epoch report;
 * and the rules nerve_train's accuracy_rule fixes (label-smoothed targets scored by argmax, among others).
 *
 * The 3-3 sigmoid network has identity weights and zero biases, so its outputs are σ(x): an output rounds to 1
 * exactly when its input is >= 0, and the largest output is at the largest input. The rows of SIGNS give:
 *   row  x                    rounded   argmax   one-hot target   argmax right   labels right
 *   0    0.4  0.8 -1.4        1 1 0     1        0 1 0            yes            2
 *   1   -0.8 -0.4 -2.2        0 0 0     1        1 0 0            no             2
 *   2   -2.2 -1.4 -0.8        0 0 0     2        0 0 1            yes            2
 *   3    2.2  1.4  0.8        1 1 1     0        1 0 0            yes            1
 * so argmax agreement is 3/4 where rounding each output would give 7/12. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "suite.h"

enum { ROWS = 4, OUT = 3 };

static const float SIGNS[ROWS * OUT] = {0.4f, 0.8f, -1.4f, -0.8f, -0.4f, -2.2f,
                                        -2.2f, -1.4f, -0.8f, 2.2f, 1.4f, 0.8f};
static const float ONE_HOT[ROWS * OUT] = {0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0};
/* Rounded rows against these: 3 + 3 + 1 + 2 = 9 of 12 labels. */
static const float MULTI_LABEL[ROWS * OUT] = {1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1};
/* ONE_HOT with row 2 all zeros: no longer one-hot, so labels: 2 + 2 + 3 + 1 = 8 of 12. */
static const float MIXED_LABELS[ROWS * OUT] = {0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0};
/* ONE_HOT with one 0.5 in row 1: regression, no accuracy. */
static const float MIXED_REGRESSION[ROWS * OUT] = {0, 1, 0, 1, 0.5f, 0, 0, 0, 1, 1, 0, 0};
/* ONE_HOT label-smoothed (0.9 and 0.05): regression to the automatic rule; argmax at ONE_HOT's 1 (3/4), and
 * rounded at 0.5 it is ONE_HOT, whose labels the rounded outputs match 2 + 2 + 2 + 1 = 7 of 12 times. */
static const float SMOOTHED[ROWS * OUT] = {0.05f, 0.9f, 0.05f, 0.9f, 0.05f, 0.05f,
                                           0.05f, 0.05f, 0.9f, 0.9f, 0.05f, 0.05f};

static nerve_net *identity_net(int n, int activation, int cost)
{
    const int32_t sizes[] = {n, n}, acts[] = {activation};
    float w[OUT * OUT] = {0}, b[OUT] = {0};
    for (int i = 0; i < n; i++)
        w[i * n + i] = 1;
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 2, acts, cost, 5)))
        return NULL;
    if (!CHECK_OK(nerve_set_layer(net, 0, w, (int64_t)n * n, b, n))) {
        nerve_free(net);
        return NULL;
    }
    return net;
}

static float evaluated(nerve_net *net, const float *x, const float *y, int64_t n)
{
    float accuracy = -1;
    CHECK_OK(nerve_evaluate(net, x, y, n, NULL, &accuracy));
    return accuracy;
}

static void evaluate_follows_the_targets(void)
{
    nerve_net *net = identity_net(OUT, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
    if (!net)
        return;
    float a = evaluated(net, SIGNS, ONE_HOT, ROWS);
    CHECK(a == 0.75f, "one-hot targets on sigmoid outputs: accuracy %.9g, expected argmax agreement 3/4", a);
    a = evaluated(net, SIGNS, MULTI_LABEL, ROWS);
    CHECK(a == 0.75f, "multi-label targets: accuracy %.9g, expected 9/12", a);
    a = evaluated(net, SIGNS, MIXED_LABELS, ROWS);
    CHECK(fabs(a - 8.0 / 12) < 1e-6, "one row not one-hot: accuracy %.9g, expected 8/12 labels", a);
    a = evaluated(net, SIGNS, MIXED_REGRESSION, ROWS);
    CHECK(isnan(a), "one target of 0.5: accuracy %.9g, expected NaN", a);
    /* The first two rows alone are one-hot: the rule is this call's rows', 1/2 by argmax (4/6 by labels). */
    a = evaluated(net, SIGNS, MIXED_LABELS, 2);
    CHECK(a == 0.5f, "two one-hot rows: accuracy %.9g, expected argmax agreement 1/2", a);

    /* Equal outputs σ(0.5) = σ(0.5): the first is the choice, right for target 0 and wrong for target 1. */
    const float tie_x[] = {0.5f, 0.5f, -1, 0.5f, 0.5f, -1}, tie_y[] = {1, 0, 0, 0, 1, 0};
    a = evaluated(net, tie_x, tie_y, 2);
    CHECK(a == 0.5f, "ties: accuracy %.9g, expected 1/2 (the first largest output is the choice)", a);
    nerve_free(net);

    /* One sigmoid output σ(x): 0.3 → 1 for 1 right, -0.2 → 0 for 1 wrong, 0 → σ = 0.5 rounds to 1 for 0 wrong,
     * -1.5 → 0 for 0 right. */
    net = identity_net(1, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
    if (!net)
        return;
    const float bx[] = {0.3f, -0.2f, 0, -1.5f}, by[] = {1, 1, 0, 0};
    a = evaluated(net, bx, by, 4);
    CHECK(a == 0.5f, "one binary output: accuracy %.9g, expected 2/4", a);
    nerve_free(net);

    /* Linear regression a = x: cost ½((1 - 0.5)² + (2 - 3)²)/2 = 0.3125, no accuracy. */
    net = identity_net(1, NERVE_ACT_LINEAR, NERVE_COST_QUADRATIC);
    if (!net)
        return;
    const float rx[] = {1, 2}, ry[] = {0.5f, 3};
    float cost = -1, accuracy = -1;
    if (CHECK_OK(nerve_evaluate(net, rx, ry, 2, &cost, &accuracy)))
        CHECK(isnan(accuracy) && fabs(cost - 0.3125) < 1e-6, "regression: cost %.9g accuracy %.9g, expected 0.3125 NaN",
              cost, accuracy);
    nerve_free(net);
}

static int32_t keep_report(const nerve_epoch_report *report, void *user_data)
{
    *(nerve_epoch_report *)user_data = *report;
    return 0;
}

/* One epoch at a negligible rate (margins of 0.4 in x cannot move), in order, one batch. */
static int train_once(nerve_net *net, const float *x, const float *y, const float *ex, const float *ey, int64_t n,
                      int monitor, nerve_epoch_report *report)
{
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1;
    opts.batch_size = (int32_t)n;
    opts.learning_rate = 1e-5f;
    opts.shuffle = 0;
    opts.monitor_training = monitor;
    opts.progress = keep_report;
    opts.user_data = report;
    return CHECK_OK(nerve_train(net, x, y, n, ex, ey, n, &opts));
}

static void reports_follow_the_targets(void)
{
    static const char *const names[] = {"none", "running", "full"};
    for (int monitor = NERVE_MONITOR_NONE; monitor <= NERVE_MONITOR_FULL; monitor++) {
        nerve_epoch_report r = {0};
        nerve_net *net = identity_net(OUT, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
        if (net && train_once(net, SIGNS, ONE_HOT, SIGNS, MIXED_LABELS, ROWS, monitor, &r)) {
            CHECK(monitor == NERVE_MONITOR_NONE ? isnan(r.train_accuracy) : r.train_accuracy == 0.75f,
                  "monitor %s: one-hot training accuracy %.9g, expected argmax agreement 3/4", names[monitor],
                  r.train_accuracy);
            CHECK(fabs(r.eval_accuracy - 8.0 / 12) < 1e-6,
                  "monitor %s: evaluation accuracy %.9g, expected 8/12 labels", names[monitor], r.eval_accuracy);
        }
        nerve_free(net);

        net = identity_net(1, NERVE_ACT_LINEAR, NERVE_COST_QUADRATIC);
        const float rx[] = {1, 2}, ry[] = {0.5f, 3};
        if (net && train_once(net, rx, ry, rx, ry, 2, monitor, &r))
            CHECK(isnan(r.train_accuracy) && isnan(r.eval_accuracy) && isfinite(r.eval_cost) &&
                      (monitor == NERVE_MONITOR_NONE || isfinite(r.train_cost)),
                  "monitor %s: regression reports accuracy %.9g / %.9g, expected NaN (costs %.9g / %.9g)",
                  names[monitor], r.train_accuracy, r.eval_accuracy, r.train_cost, r.eval_cost);
        nerve_free(net);
    }
}

/* One epoch as train_once, full monitoring, with accuracy_rule `rule` (and early stopping on accuracy if asked). */
static nerve_status train_with_rule(nerve_net *net, const float *y, int32_t rule, int watch_accuracy,
                                    nerve_epoch_report *report)
{
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1;
    opts.batch_size = ROWS;
    opts.learning_rate = 1e-5f;
    opts.shuffle = 0;
    opts.monitor_training = NERVE_MONITOR_FULL;
    opts.progress = keep_report;
    opts.user_data = report;
    opts.accuracy_rule = rule;
    if (watch_accuracy) {
        opts.early_stopping = 2;
        opts.early_stopping_metric = NERVE_METRIC_ACCURACY;
    }
    return nerve_train(net, SIGNS, y, ROWS, SIGNS, y, ROWS, &opts);
}

static void fixed_rules(void)
{
    static const struct {
        const char *what;
        const float *y;
        int32_t rule;
        float expected; /* NaN: no accuracy */
    } cases[] = {
        {"smoothed targets, AUTO", SMOOTHED, NERVE_ACCURACY_AUTO, NAN},
        {"smoothed targets, ARGMAX", SMOOTHED, NERVE_ACCURACY_ARGMAX, 0.75f},
        {"smoothed targets, PER_LABEL", SMOOTHED, NERVE_ACCURACY_PER_LABEL, 7.0f / 12},
        {"one-hot targets, PER_LABEL", ONE_HOT, NERVE_ACCURACY_PER_LABEL, 7.0f / 12},
        {"one-hot targets, NONE", ONE_HOT, NERVE_ACCURACY_NONE, NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nerve_net *net = identity_net(OUT, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
        nerve_epoch_report r = {0};
        if (net && CHECK_OK(train_with_rule(net, cases[i].y, cases[i].rule, 0, &r))) {
            float e = cases[i].expected;
            int train_ok = isnan(e) ? isnan(r.train_accuracy) : fabsf(r.train_accuracy - e) < 1e-6f;
            int eval_ok = isnan(e) ? isnan(r.eval_accuracy) : fabsf(r.eval_accuracy - e) < 1e-6f;
            CHECK(train_ok && eval_ok, "%s: accuracy %.9g (training) and %.9g (evaluation), expected %.9g",
                  cases[i].what, r.train_accuracy, r.eval_accuracy, e);
        }
        /* nerve_evaluate keeps choosing from the targets. */
        if (net && cases[i].y == SMOOTHED) {
            float a = evaluated(net, SIGNS, SMOOTHED, ROWS);
            CHECK(isnan(a), "%s: nerve_evaluate gave accuracy %.9g, expected NaN (its own rule)", cases[i].what, a);
        }
        nerve_free(net);
    }

    /* Early stopping on accuracy needs a rule that has one. */
    nerve_net *net = identity_net(OUT, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
    nerve_epoch_report r = {0};
    if (net) {
        CHECK_FAILS(train_with_rule(net, SMOOTHED, NERVE_ACCURACY_AUTO, 1, &r), NERVE_E_INVALID);
        CHECK_FAILS(train_with_rule(net, ONE_HOT, NERVE_ACCURACY_NONE, 1, &r), NERVE_E_INVALID);
        CHECK_OK(train_with_rule(net, SMOOTHED, NERVE_ACCURACY_ARGMAX, 1, &r));
        /* Unknown values. */
        static const int32_t bad[] = {-1, 4, 1000};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            nerve_error error;
            nerve_train_options opts;
            nerve_train_options_init(&opts);
            opts.accuracy_rule = bad[i];
            nerve_status s = nerve_train_r(net, SIGNS, ONE_HOT, ROWS, NULL, NULL, 0, &opts, &error);
            CHECK(s == NERVE_E_INVALID && strstr(error.message, "accuracy_rule") != NULL,
                  "accuracy_rule %d: status %d (%s), expected NERVE_E_INVALID naming the field", (int)bad[i], (int)s,
                  error.message);
        }
    }
    nerve_free(net);
    /* ARGMAX needs two outputs to choose between. */
    net = identity_net(1, NERVE_ACT_SIGMOID, NERVE_COST_CROSS_ENTROPY);
    if (net) {
        nerve_train_options opts;
        nerve_train_options_init(&opts);
        opts.accuracy_rule = NERVE_ACCURACY_ARGMAX;
        const float bx[] = {0.3f, -0.2f}, by[] = {1, 0};
        CHECK_FAILS(nerve_train(net, bx, by, 2, NULL, NULL, 0, &opts), NERVE_E_INVALID);
    }
    nerve_free(net);
}

void test_accuracy(void)
{
    evaluate_follows_the_targets();
    reports_follow_the_targets();
    fixed_rules();
}
