/* The 0.5 training rules of nerve_train_options, through the C API:
 *  - iRPROP− (NERVE_OPTIMIZER_RPROP): XOR learnt full-batch; an imbalanced three-class set with inputs of tiny
 *    scale, where full-batch gradient descent still predicts the majority class for every sample after 1000
 *    epochs and RPROP does not; mini-batches refused;
 *  - sample_weights: integer weights give the step, cost and accuracy of the data set with each sample repeated,
 *    weight 0 those of the set without the sample (the n of λ/n following Σw);
 *  - early_stopping_metric, min_improvement: a report hook scripts the evaluation accuracies, and training stops
 *    on the epoch worked out by hand and keeps the best epoch's weights;
 *  - target_cost: training stops after the first epoch whose reported cost is at or below the target;
 *  - every new field's validation (NaN, out of range, the wrong optimizer), with nothing changed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sample_data.h"
#include "suite.h"

enum { MAX_EPOCHS = 1000, SCRIPT_EPOCHS = 8 };

/* Every epoch's report and parameters, from the progress callback. */
typedef struct {
    const nerve_net *net;
    int epochs;
    nerve_epoch_report reports[MAX_EPOCHS];
    float *parameters[SCRIPT_EPOCHS]; /* after each of the first epochs */
    /* figures the report hook writes in epoch e (1-based) at [e - 1], when set */
    const float *eval_accuracy, *eval_cost, *train_cost;
} run_log;

static int32_t log_epoch(const nerve_epoch_report *report, void *user_data)
{
    run_log *r = user_data;
    int e = r->epochs++;
    if (e < MAX_EPOCHS)
        r->reports[e] = *report;
    if (e < SCRIPT_EPOCHS) {
        int64_t count = 0;
        r->parameters[e] = parameters_of(r->net, &count);
    }
    return 0;
}

static int32_t script_report(nerve_epoch_report *report, void *hook_data)
{
    const run_log *r = hook_data;
    int e = report->epoch - 1;
    if (r->eval_accuracy)
        report->eval_accuracy = r->eval_accuracy[e];
    if (r->eval_cost)
        report->eval_cost = r->eval_cost[e];
    if (r->train_cost)
        report->train_cost = r->train_cost[e];
    return 0;
}

static void log_free(run_log *r)
{
    for (int e = 0; e < SCRIPT_EPOCHS; e++)
        free(r->parameters[e]);
}

static nerve_train_options full_batch(int32_t epochs, int32_t n)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = epochs;
    o.batch_size = n;
    o.shuffle = 0;
    return o;
}

static nerve_net *make(const int32_t *sizes, int32_t n_sizes, const int32_t *acts, int32_t cost, uint64_t seed)
{
    nerve_net *net = NULL;
    return CHECK_OK(nerve_create(&net, sizes, n_sizes, acts, cost, seed)) ? net : NULL;
}

/* ---- RPROP ----------------------------------------------------------------------------------------------- */

static const float xor_x[] = {0, 0, 0, 1, 1, 0, 1, 1}, xor_y[] = {0, 1, 1, 0};

static void rprop_learns_xor(void)
{
    const int32_t sizes[] = {2, 4, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    int learnt = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        nerve_net *net = make(sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, seed);
        if (!net)
            continue;
        nerve_train_options o = full_batch(300, 4);
        o.optimizer = NERVE_OPTIMIZER_RPROP;
        float cost = NAN, accuracy = NAN;
        if (CHECK_OK(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &o)) &&
            CHECK_OK(nerve_evaluate(net, xor_x, xor_y, 4, &cost, &accuracy)))
            learnt += accuracy == 1.0f && cost < 0.05f;
        printf("   RPROP on XOR, seed %d, 300 epochs: cost %.2g, accuracy %.2f\n", (int)seed, cost, accuracy);
        nerve_free(net);
    }
    CHECK(learnt >= 4, "RPROP learnt XOR (accuracy 1, cost < 0.05) from only %d of 5 starts", learnt);

    /* Mini-batches (and more than one step per epoch) are refused as unsupported. */
    nerve_net *net = make(sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 9);
    if (!net)
        return;
    int64_t count = 0;
    float *before = parameters_of(net, &count);
    nerve_train_options o = full_batch(2, 3);
    o.optimizer = NERVE_OPTIMIZER_RPROP;
    CHECK_FAILS(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &o), NERVE_E_UNSUPPORTED);
    CHECK(strstr(nerve_last_error(), "full-batch") != NULL, "the refusal does not say RPROP is full-batch: %s",
          nerve_last_error());
    o.batch_size = 4;
    o.steps_per_epoch = 2;
    CHECK_FAILS(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &o), NERVE_E_UNSUPPORTED);
    o.steps_per_epoch = 0;
    o.momentum = 0.5f;
    CHECK_FAILS(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &o), NERVE_E_INVALID);
    o.momentum = 0;
    o.lr_decay = 2;
    CHECK_FAILS(nerve_train(net, xor_x, xor_y, 4, xor_x, xor_y, 4, &o), NERVE_E_INVALID);
    CHECK(before && parameters_are(net, before, count), "refused RPROP trainings changed the network");
    free(before);
    nerve_free(net);
}

/* 400 samples of two inputs in [0, 0.01): class 1 where x0 > 0.008 (~20%), else class 2 where x1 > 0.008, else
 * class 0 (~64%). The inputs' tiny scale makes the weight gradients tiny: gradient descent fits the biases, that
 * is the class frequencies, and stays there; RPROP's steps do not depend on the gradients' size. */
enum { IMBALANCED_N = 400 };

static double predicted_share_of_majority(const nerve_net *net, const float *x, int64_t n)
{
    float *out = malloc(sizeof(float) * (size_t)(3 * n));
    long majority = 0;
    if (CHECK_OK(nerve_predict(net, x, n, out, 3 * n)))
        for (int64_t i = 0; i < n; i++)
            majority += out[3 * i] >= out[3 * i + 1] && out[3 * i] >= out[3 * i + 2];
    free(out);
    return (double)majority / (double)n;
}

static void rprop_beats_gradient_descent_on_imbalanced_classes(void)
{
    float *x = malloc(sizeof(float) * 2 * IMBALANCED_N), *y = calloc(3 * IMBALANCED_N, sizeof(float));
    fill_uniform(x, 2 * IMBALANCED_N, 501, 0, 0.01f);
    int counts[3] = {0};
    for (int i = 0; i < IMBALANCED_N; i++) {
        int c = x[2 * i] > 0.008f ? 1 : x[2 * i + 1] > 0.008f ? 2 : 0;
        y[3 * i + c] = 1;
        counts[c]++;
    }
    double majority_rate = (double)counts[0] / IMBALANCED_N;
    const int32_t sizes[] = {2, 8, 3}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *gd = make(sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 502), *rp = NULL;
    if (!gd || !CHECK_OK(nerve_clone(gd, &rp)))
        goto done;
    nerve_train_options o = full_batch(1000, IMBALANCED_N);
    o.monitor_training = NERVE_MONITOR_NONE;
    o.learning_rate = 0.5f;
    float gd_accuracy = NAN, rp_accuracy = NAN;
    if (CHECK_OK(nerve_train(gd, x, y, IMBALANCED_N, NULL, NULL, 0, &o)))
        CHECK_OK(nerve_evaluate(gd, x, y, IMBALANCED_N, NULL, &gd_accuracy));
    o.optimizer = NERVE_OPTIMIZER_RPROP;
    if (CHECK_OK(nerve_train(rp, x, y, IMBALANCED_N, NULL, NULL, 0, &o)))
        CHECK_OK(nerve_evaluate(rp, x, y, IMBALANCED_N, NULL, &rp_accuracy));
    double gd_share = predicted_share_of_majority(gd, x, IMBALANCED_N);
    printf("   imbalanced 3 classes (%d/%d/%d), 1000 full-batch epochs: gradient descent accuracy %.4f (majority "
           "rate %.4f, majority predicted for %.0f%%), RPROP %.4f\n", counts[0], counts[1], counts[2], gd_accuracy,
           majority_rate, 100 * gd_share, rp_accuracy);
    CHECK(fabs(gd_accuracy - majority_rate) < 1e-6 && gd_share == 1.0,
          "gradient descent was expected to stay at the majority rate %.4f, got accuracy %.4f", majority_rate,
          gd_accuracy);
    CHECK(rp_accuracy > majority_rate + 0.2, "RPROP reached accuracy %.4f only (majority rate %.4f)", rp_accuracy,
          majority_rate);
done:
    free(x), free(y);
    nerve_free(gd), nerve_free(rp);
}

/* ---- sample weights -------------------------------------------------------------------------------------- */

/* Trains a copy of `start` one full-batch epoch on (x, y, n, weights) and returns its parameters and the
 * epoch's report. */
static float *one_epoch(const nerve_net *start, const float *x, const float *y, int64_t n, const float *weights,
                        int32_t monitor, nerve_epoch_report *report)
{
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_clone(start, &net)))
        return NULL;
    run_log r = {.net = net};
    nerve_train_options o = full_batch(1, (int32_t)n);
    o.learning_rate = 0.7f;
    o.l2 = 0.3f;
    o.monitor_training = monitor;
    o.sample_weights = weights;
    o.progress = log_epoch;
    o.user_data = &r;
    float *p = NULL;
    int64_t count = 0;
    if (CHECK_OK(nerve_train(net, x, y, n, NULL, NULL, 0, &o)) && CHECK(r.epochs == 1, "%d epochs", r.epochs)) {
        *report = r.reports[0];
        p = parameters_of(net, &count);
    }
    log_free(&r);
    nerve_free(net);
    return p;
}

static int close_floats(const float *a, const float *b, int64_t n, double tolerance, double *worst)
{
    *worst = 0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / (1 + fabs((double)b[i]));
        *worst = d > *worst ? d : *worst;
    }
    return *worst <= tolerance;
}

static void weights_act_as_copies(void)
{
    const int32_t sizes[] = {3, 5, 3}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *start = make(sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 601);
    if (!start)
        return;
    float x[4 * 3], y[4 * 3];
    fill_uniform(x, 12, 602, -1, 1);
    fill_one_hot(y, 4, 3, 603);
    const float weights[] = {2, 1, 3, 1}, with_zero[] = {2, 0, 3, 1};
    /* Each sample repeated as often as its weight, in the same order; and the set without sample 1. */
    float dx[7 * 3], dy[7 * 3], rx[6 * 3], ry[6 * 3];
    int d = 0, k = 0;
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < (int)weights[i]; c++, d++) {
            memcpy(dx + 3 * d, x + 3 * i, sizeof(float) * 3);
            memcpy(dy + 3 * d, y + 3 * i, sizeof(float) * 3);
            if (i != 1) {
                memcpy(rx + 3 * k, x + 3 * i, sizeof(float) * 3);
                memcpy(ry + 3 * k, y + 3 * i, sizeof(float) * 3);
                k++;
            }
        }
    int64_t count = nerve_parameter_count(start);
    const int32_t monitors[] = {NERVE_MONITOR_RUNNING, NERVE_MONITOR_FULL};
    for (int m = 0; m < 2; m++) {
        struct {
            const char *what;
            const float *weights, *ex, *ey;
            int64_t en;
        } cases[] = {{"weights 2, 1, 3, 1 against the samples repeated", weights, dx, dy, 7},
                     {"weights 2, 0, 3, 1 against sample 1 removed", with_zero, rx, ry, 6}};
        for (int c = 0; c < 2; c++) {
            nerve_epoch_report weighted, repeated;
            float *a = one_epoch(start, x, y, 4, cases[c].weights, monitors[m], &weighted);
            float *b = one_epoch(start, cases[c].ex, cases[c].ey, cases[c].en, NULL, monitors[m], &repeated);
            double worst = 0;
            if (a && b) {
                CHECK(close_floats(a, b, count, 2e-6, &worst), "%s (monitor %d): parameters differ by up to %.3g",
                      cases[c].what, (int)monitors[m], worst);
                CHECK(fabs(weighted.train_cost - repeated.train_cost) <= 2e-6 * fabs(repeated.train_cost) &&
                          weighted.train_accuracy == repeated.train_accuracy,
                      "%s (monitor %d): training cost %.9g and accuracy %g, expected %.9g and %g", cases[c].what,
                      (int)monitors[m], weighted.train_cost, weighted.train_accuracy, repeated.train_cost,
                      repeated.train_accuracy);
            }
            free(a), free(b);
        }
    }
    /* Unweighted, the same data gives another step: the test can tell them apart. */
    nerve_epoch_report plain, weighted;
    float *a = one_epoch(start, x, y, 4, NULL, NERVE_MONITOR_RUNNING, &plain);
    float *b = one_epoch(start, x, y, 4, weights, NERVE_MONITOR_RUNNING, &weighted);
    double worst = 0;
    CHECK(a && b && !close_floats(a, b, count, 1e-4, &worst), "weights 2, 1, 3, 1 changed nothing");
    free(a), free(b);

    /* Refused: NaN, infinite, negative, all zero; the network untouched. */
    float *before = parameters_of(start, &count);
    const float bad[][4] = {{1, NAN, 1, 1}, {1, 1, INFINITY, 1}, {1, -1, 1, 1}, {0, 0, 0, 0}, {1, -0.0f, 0, -1e-30f}};
    for (int i = 0; i < 5; i++) {
        nerve_train_options o = full_batch(1, 4);
        o.sample_weights = bad[i];
        if (!CHECK_FAILS(nerve_train(start, x, y, 4, NULL, NULL, 0, &o), NERVE_E_INVALID))
            fprintf(stderr, "     (sample weights case %d)\n", i);
    }
    CHECK(before && parameters_are(start, before, count), "refused sample weights changed the network");
    free(before);
    nerve_free(start);
}

/* ---- early stopping on accuracy, min_improvement, target_cost -------------------------------------------- */

static const int32_t small_sizes[] = {3, 4, 3}, small_acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};

/* Trains a copy of `start` with evaluation data and the scripted report; returns the status. */
static nerve_status scripted(const nerve_net *start, nerve_net **net, run_log *r, nerve_train_options *o,
                             const float *x, const float *y)
{
    if (!CHECK_OK(nerve_clone(start, net)))
        return NERVE_E_INVALID;
    r->net = *net;
    o->progress = log_epoch;
    o->user_data = r;
    o->report_hook = script_report;
    o->hook_data = r;
    return nerve_train(*net, x, y, 6, x, y, 6, o);
}

static void stopping_rules(void)
{
    nerve_net *start = make(small_sizes, 3, small_acts, NERVE_COST_LOG_LIKELIHOOD, 701);
    if (!start)
        return;
    float x[6 * 3], y[6 * 3];
    fill_uniform(x, 18, 702, -1, 1);
    fill_one_hot(y, 6, 3, 703);
    /* Accuracies in 64ths and 0.0625, all exact in float. Patience 3, watching accuracy: the best is epoch 3
     * (0.8125); 4 is worse, 5 equal (not better), 6 worse: training ends after epoch 6 with epoch 3's weights.
     * The costs rise all along, so watching the cost would end after epoch 4 with epoch 1's. */
    static const float accuracy[SCRIPT_EPOCHS] = {0.5f, 0.625f, 0.8125f, 0.75f, 0.8125f, 0.78125f, 0.9f, 0.95f};
    static const float rising[SCRIPT_EPOCHS] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (int metric = NERVE_METRIC_COST; metric <= NERVE_METRIC_ACCURACY; metric++) {
        nerve_net *net = NULL;
        run_log r = {.eval_accuracy = accuracy, .eval_cost = rising};
        nerve_train_options o = full_batch(SCRIPT_EPOCHS, 6);
        o.early_stopping = 3;
        o.early_stopping_metric = metric;
        int expected_epochs = metric == NERVE_METRIC_ACCURACY ? 6 : 4, best = metric == NERVE_METRIC_ACCURACY ? 3 : 1;
        if (CHECK_OK(scripted(start, &net, &r, &o, x, y))) {
            CHECK(r.epochs == expected_epochs, "early stopping watching %s: %d epochs, expected %d",
                  nerve_enum_name(NERVE_ENUM_METRIC, metric), r.epochs, expected_epochs);
            CHECK(r.parameters[best - 1] && parameters_are(net, r.parameters[best - 1], nerve_parameter_count(net)),
                  "early stopping watching %s did not restore epoch %d's weights",
                  nerve_enum_name(NERVE_ENUM_METRIC, metric), best);
        }
        log_free(&r);
        nerve_free(net);
    }

    /* min_improvement 0.0625, patience 2: 0.5 best; 0.625 beats it by 0.125 (best); 0.671875 not by more than
     * 0.0625; 0.703125 does (best, epoch 4); 0.75 and 0.765625 (exactly 0.0625 more) do not: stop after epoch 6
     * with epoch 4's weights. Without it every epoch improves and all 8 run. */
    static const float creeping[SCRIPT_EPOCHS] = {0.5f, 0.625f, 0.671875f, 0.703125f, 0.75f, 0.765625f, 0.78125f,
                                                  0.796875f};
    for (int with = 1; with >= 0; with--) {
        nerve_net *net = NULL;
        run_log r = {.eval_accuracy = creeping};
        nerve_train_options o = full_batch(SCRIPT_EPOCHS, 6);
        o.early_stopping = 2;
        o.early_stopping_metric = NERVE_METRIC_ACCURACY;
        o.min_improvement = with ? 0.0625f : 0;
        if (CHECK_OK(scripted(start, &net, &r, &o, x, y))) {
            CHECK(r.epochs == (with ? 6 : 8), "min_improvement %g: %d epochs, expected %d", o.min_improvement,
                  r.epochs, with ? 6 : 8);
            int best = with ? 4 : 8;
            if (with)
                CHECK(r.parameters[best - 1] && parameters_are(net, r.parameters[best - 1], nerve_parameter_count(net)),
                      "min_improvement 0.0625 did not keep epoch 4's weights");
        }
        log_free(&r);
        nerve_free(net);
    }

    /* target_cost on scripted training costs: 0.9, 0.7, 0.5 ... with target 0.5 ends after epoch 3 (<=). */
    {
        static const float costs[SCRIPT_EPOCHS] = {0.9f, 0.7f, 0.5f, 0.3f, 0.2f, 0.1f, 0.05f, 0.01f};
        nerve_net *net = NULL;
        run_log r = {.train_cost = costs};
        nerve_train_options o = full_batch(SCRIPT_EPOCHS, 6);
        o.target_cost = 0.5f;
        if (CHECK_OK(scripted(start, &net, &r, &o, x, y)))
            CHECK(r.epochs == 3 && r.parameters[2] && parameters_are(net, r.parameters[2], nerve_parameter_count(net)),
                  "target_cost 0.5 on costs 0.9, 0.7, 0.5, ...: %d epochs, expected 3 with epoch 3's weights",
                  r.epochs);
        log_free(&r);
        nerve_free(net);
    }

    /* ... and on measured costs: RPROP on XOR stops at the first epoch at or below 0.1. */
    {
        const int32_t sizes[] = {2, 4, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
        nerve_net *net = make(sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 2);
        run_log *r = calloc(1, sizeof *r);
        if (net && r) {
            r->net = net;
            nerve_train_options o = full_batch(MAX_EPOCHS, 4);
            o.optimizer = NERVE_OPTIMIZER_RPROP;
            o.target_cost = 0.1f;
            o.progress = log_epoch;
            o.user_data = r;
            if (CHECK_OK(nerve_train(net, xor_x, xor_y, 4, NULL, NULL, 0, &o))) {
                int first = -1;
                for (int e = 0; e < r->epochs && first < 0; e++)
                    if (r->reports[e].train_cost <= 0.1f)
                        first = e + 1;
                CHECK(first == r->epochs && r->epochs < MAX_EPOCHS,
                      "target_cost 0.1: training ran %d epochs, the first at or below the target was %d", r->epochs,
                      first);
                printf("   target_cost 0.1 reached by RPROP on XOR after %d epochs (cost %.4f)\n", r->epochs,
                       r->epochs > 0 ? r->reports[r->epochs - 1].train_cost : NAN);
            }
            log_free(r);
        }
        free(r);
        nerve_free(net);
    }

    /* Watching accuracy needs evaluation targets that have one (regression targets do not). */
    {
        const int32_t sizes[] = {3, 2}, acts[] = {NERVE_ACT_LINEAR};
        nerve_net *net = make(sizes, 2, acts, NERVE_COST_QUADRATIC, 704);
        float ty[6 * 2];
        fill_uniform(ty, 12, 705, -2, 2);
        nerve_train_options o = full_batch(2, 6);
        o.early_stopping = 2;
        o.early_stopping_metric = NERVE_METRIC_ACCURACY;
        if (net)
            CHECK_FAILS(nerve_train(net, x, ty, 6, x, ty, 6, &o), NERVE_E_INVALID);
        nerve_free(net);
    }
    nerve_free(start);
}

/* ---- defaults, names and validation ---------------------------------------------------------------------- */

static void defaults_and_names(void)
{
    nerve_train_options o;
    memset(&o, 0xA5, sizeof o);
    nerve_train_options_init(&o);
    CHECK(o.sample_weights == NULL && o.nesterov == 0 && o.rprop_increase == 1.2f && o.rprop_decrease == 0.5f &&
              o.rprop_delta_min == 0 && o.rprop_delta_max == 50 && o.rprop_delta_zero == 0.1f &&
              o.early_stopping_metric == NERVE_METRIC_COST && o.min_improvement == 0 && o.target_cost == 0 &&
              o.optimizer_state == NERVE_OPTIMIZER_STATE_FRESH && o.accuracy_rule == NERVE_ACCURACY_AUTO && o.reserved == 0,
          "nerve_train_options_init: rprop %g %g %g %g %g, nesterov %d, metric %d, min_improvement %g, target %g",
          o.rprop_increase, o.rprop_decrease, o.rprop_delta_min, o.rprop_delta_max, o.rprop_delta_zero,
          (int)o.nesterov, (int)o.early_stopping_metric, o.min_improvement, o.target_cost);
    const char *rprop = nerve_enum_name(NERVE_ENUM_OPTIMIZER, NERVE_OPTIMIZER_RPROP);
    const char *cost = nerve_enum_name(NERVE_ENUM_METRIC, NERVE_METRIC_COST);
    const char *accuracy = nerve_enum_name(NERVE_ENUM_METRIC, NERVE_METRIC_ACCURACY);
    CHECK(rprop && strcmp(rprop, "rprop") == 0, "NERVE_OPTIMIZER_RPROP is named %s", rprop ? rprop : "NULL");
    CHECK(cost && accuracy && strcmp(cost, "cost") == 0 && strcmp(accuracy, "accuracy") == 0 &&
              nerve_enum_name(NERVE_ENUM_METRIC, 2) == NULL,
          "NERVE_ENUM_METRIC names: %s, %s", cost ? cost : "NULL", accuracy ? accuracy : "NULL");
    int32_t value = -1;
    CHECK(CHECK_OK(nerve_enum_value(NERVE_ENUM_METRIC, "accuracy", &value)) && value == NERVE_METRIC_ACCURACY,
          "\"accuracy\" is value %d", (int)value);
}

typedef struct {
    const char *what;
    void (*apply)(nerve_train_options *o);
} bad_option;

/* One refused setting, as a function of the options. */
#define BAD(name, body) \
    static void name(nerve_train_options *o) { body; }
BAD(increase_one, o->optimizer = NERVE_OPTIMIZER_RPROP; o->rprop_increase = 1)
BAD(increase_nan, o->rprop_increase = NAN)
BAD(decrease_zero, o->rprop_decrease = 0)
BAD(decrease_one, o->rprop_decrease = 1)
BAD(decrease_nan, o->optimizer = NERVE_OPTIMIZER_RPROP; o->rprop_decrease = NAN)
BAD(min_negative, o->rprop_delta_min = -0.01f)
BAD(min_above_zero, o->rprop_delta_min = 0.2f)
BAD(zero_above_max, o->rprop_delta_zero = 60)
BAD(max_infinite, o->rprop_delta_max = INFINITY)
BAD(zero_nan, o->rprop_delta_zero = NAN)
BAD(nesterov_no_momentum, o->nesterov = 1)
BAD(nesterov_adam, o->nesterov = 1; o->momentum = 0.9f; o->optimizer = NERVE_OPTIMIZER_ADAM)
BAD(nesterov_rprop, o->nesterov = 1; o->momentum = 0.9f; o->optimizer = NERVE_OPTIMIZER_RPROP)
BAD(metric_two, o->early_stopping_metric = 2)
BAD(metric_negative, o->early_stopping_metric = -1)
BAD(improvement_negative, o->min_improvement = -0.1f)
BAD(improvement_nan, o->min_improvement = NAN)
BAD(target_negative, o->target_cost = -1)
BAD(target_nan, o->target_cost = NAN)
BAD(target_infinite, o->target_cost = INFINITY)
BAD(target_unmonitored, o->target_cost = 0.5f; o->monitor_training = NERVE_MONITOR_NONE)
BAD(optimizer_three, o->optimizer = 3)

static void new_fields_validated(void)
{
    static const bad_option bad[] = {
        {"rprop_increase 1", increase_one},          {"rprop_increase NaN", increase_nan},
        {"rprop_decrease 0", decrease_zero},         {"rprop_decrease 1", decrease_one},
        {"rprop_decrease NaN", decrease_nan},        {"rprop_delta_min -0.01", min_negative},
        {"rprop_delta_min 0.2 > delta_zero", min_above_zero}, {"rprop_delta_zero 60 > delta_max", zero_above_max},
        {"rprop_delta_max inf", max_infinite},       {"rprop_delta_zero NaN", zero_nan},
        {"nesterov without momentum", nesterov_no_momentum}, {"nesterov with Adam", nesterov_adam},
        {"nesterov with RPROP", nesterov_rprop},     {"early_stopping_metric 2", metric_two},
        {"early_stopping_metric -1", metric_negative}, {"min_improvement -0.1", improvement_negative},
        {"min_improvement NaN", improvement_nan},    {"target_cost -1", target_negative},
        {"target_cost NaN", target_nan},             {"target_cost inf", target_infinite},
        {"target_cost with monitor_training NONE", target_unmonitored}, {"optimizer 3", optimizer_three},
    };
    nerve_net *net = make(small_sizes, 3, small_acts, NERVE_COST_LOG_LIKELIHOOD, 801);
    if (!net)
        return;
    float x[6 * 3], y[6 * 3];
    fill_uniform(x, 18, 802, -1, 1);
    fill_one_hot(y, 6, 3, 803);
    int64_t count = 0;
    float *before = parameters_of(net, &count);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nerve_train_options o = full_batch(1, 6);
        bad[i].apply(&o);
        nerve_error error;
        nerve_status status = nerve_train_r(net, x, y, 6, NULL, NULL, 0, &o, &error);
        CHECK(status == NERVE_E_INVALID && error.message[0] != '\0', "%s: status %d (%s), expected NERVE_E_INVALID "
              "with a message", bad[i].what, (int)status, error.message);
    }
    /* Accepted: the defaults and the edges of each range. */
    nerve_train_options o = full_batch(1, 6);
    o.optimizer = NERVE_OPTIMIZER_RPROP;
    o.rprop_increase = 1.0001f;
    o.rprop_decrease = 0.9999f;
    o.rprop_delta_min = o.rprop_delta_zero = o.rprop_delta_max = 0.01f;
    o.target_cost = 1e-30f;
    CHECK_OK(nerve_train(net, x, y, 6, NULL, NULL, 0, &o));
    CHECK(before && !parameters_are(net, before, count), "an accepted RPROP epoch left the weights alone");
    free(before);
    nerve_free(net);
}

void test_training_rules(void)
{
    double t0 = now_seconds();
    defaults_and_names();
    new_fields_validated();
    weights_act_as_copies();
    stopping_rules();
    rprop_learns_xor();
    rprop_beats_gradient_descent_on_imbalanced_classes();
    printf("   %.1f s\n", now_seconds() - t0);
}
