/* The Results section of nerve.h: outputs do not depend on the number of samples in a call, the thread count
 * or what other threads do.
 *  - Predictions: a trained 784-100-10 sigmoid/softmax network and a deeper ReLU one answer 8 threads that
 *    predict at once with n = 1, 7, 32 and 1000 rows at varying offsets, on a network set to 2 threads while
 *    another thread keeps changing the count, bit for bit as the same rows predicted one per call with 1
 *    thread. nerve_evaluate gives the same cost and accuracy with 1, 2 and 3 threads.
 *  - Training: the same seed, data and options give bit-identical weights (and epoch reports) with
 *    options.threads = 1, 2, 3 and with threads taken from nerve_set_threads, for SGD, momentum, Adam, L2 + L1,
 *    dropout, batch sizes 1, 10, 128 and full batch, and for a 784-256-128-10 network whose products are large
 *    enough to be split. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

/* ---- predictions --------------------------------------------------------------------------------------- */

enum { ROWS = 1000, PREDICTORS = 8 };

static const int64_t call_sizes[] = {1, 7, 32, ROWS};

typedef struct {
    const nerve_net *net;
    const float *x, *expected;
    int32_t in, out;
    int64_t n;
    int rounds, offset;
    pthread_barrier_t *start;
    long calls, failures, mismatches;
} predictor;

static void *predict_rows(void *arg)
{
    predictor *p = arg;
    float *got = malloc(sizeof(float) * (size_t)(p->n * p->out));
    pthread_barrier_wait(p->start);
    for (int r = 0; r < p->rounds; r++) {
        /* Successive windows of n rows, starting at a different row in each thread and round. */
        int64_t span = ROWS - p->n + 1;
        for (int64_t k = 0; k * p->n < ROWS; k++) {
            int64_t first = (p->offset + 13 * r + k * p->n) % span;
            p->calls++;
            if (nerve_predict(p->net, p->x + first * p->in, p->n, got, p->n * p->out) != NERVE_OK) {
                p->failures++;
                continue;
            }
            if (memcmp(got, p->expected + first * p->out, sizeof(float) * (size_t)(p->n * p->out)) != 0)
                p->mismatches++;
        }
    }
    free(got);
    return NULL;
}

typedef struct {
    nerve_net *net;
    atomic_int *stop;
    long changes, failures;
} switcher;

/* Calls already running keep the count they started with; new ones take the new count. */
static void *switch_threads(void *arg)
{
    switcher *s = arg;
    static const int32_t counts[] = {2, 3, 1, 2, 4};
    for (long i = 0; !atomic_load(s->stop); i++) {
        s->failures += nerve_set_threads(s->net, counts[i % 5]) != NERVE_OK;
        s->changes++;
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void train_briefly(nerve_net *net, const float *x, const float *y, int64_t n)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 20;
    o.learning_rate = 0.1f;
    o.monitor_training = NERVE_MONITOR_NONE;
    CHECK_OK(nerve_train(net, x, y, n, NULL, NULL, 0, &o));
}

static void prediction_invariance(const char *name, const int32_t *sizes, int32_t n_sizes, const int32_t *acts,
                                  int32_t cost)
{
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, n_sizes, acts, cost, 314)))
        return;
    const int32_t in = sizes[0], out = sizes[n_sizes - 1];
    float *x = malloc(sizeof(float) * ROWS * (size_t)in), *y = malloc(sizeof(float) * ROWS * (size_t)out);
    float *expected = malloc(sizeof(float) * ROWS * (size_t)out), *whole = malloc(sizeof(float) * ROWS * (size_t)out);
    fill_uniform(x, (size_t)ROWS * in, 271, 0, 1);
    fill_one_hot(y, ROWS, out, 272);
    train_briefly(net, x, y, ROWS);

    /* The reference: one thread, one row per call. */
    CHECK_OK(nerve_set_threads(net, 1));
    int ok = 1;
    for (int r = 0; r < ROWS && ok; r++)
        ok = CHECK_OK(nerve_predict(net, x + (size_t)r * in, 1, expected + (size_t)r * out, out));
    if (!ok)
        goto done;
    CHECK(all_finite(expected, (size_t)ROWS * out), "%s: reference predictions are not finite", name);
    if (CHECK_OK(nerve_predict(net, x, ROWS, whole, (int64_t)ROWS * out)))
        CHECK(floats_equal_bits(whole, expected, (size_t)ROWS * out),
              "%s: 1000 rows in one call differ from the same rows one per call", name);

    /* Two threads per call, eight callers, mixed n, the count changing underneath. */
    CHECK_OK(nerve_set_threads(net, 2));
    predictor p[PREDICTORS];
    pthread_t threads[PREDICTORS], switcher_thread;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, PREDICTORS);
    atomic_int stop = 0;
    switcher s = {.net = net, .stop = &stop};
    pthread_create(&switcher_thread, NULL, switch_threads, &s);
    for (int t = 0; t < PREDICTORS; t++) {
        p[t] = (predictor){.net = net, .x = x, .expected = expected, .in = in, .out = out,
                           .n = call_sizes[t % 4], .rounds = SANITIZED ? 1 : 2, .offset = 97 * t, .start = &start};
        pthread_create(&threads[t], NULL, predict_rows, &p[t]);
    }
    long calls = 0;
    for (int t = 0; t < PREDICTORS; t++) {
        pthread_join(threads[t], NULL);
        calls += p[t].calls;
        CHECK(p[t].failures == 0 && p[t].mismatches == 0,
              "%s: thread %d (n = %lld): %ld failed calls and %ld answers not bit-identical to one row per call, "
              "of %ld", name, t, (long long)p[t].n, p[t].failures, p[t].mismatches, p[t].calls);
    }
    atomic_store(&stop, 1);
    pthread_join(switcher_thread, NULL);
    CHECK(s.failures == 0, "%s: %ld of %ld nerve_set_threads calls during predictions failed", name, s.failures,
          s.changes);
    pthread_barrier_destroy(&start);
    printf("   %s: %ld concurrent predictions, thread count changed %ld times\n", name, calls, s.changes);

    /* Evaluation: the same figures with 1, 2 and 3 threads. */
    float cost1 = 0, accuracy1 = 0;
    for (int32_t t = 1; t <= 3; t++) {
        float c = -1, a = -1;
        CHECK_OK(nerve_set_threads(net, t));
        if (!CHECK_OK(nerve_evaluate(net, x, y, ROWS, &c, &a)))
            continue;
        if (t == 1) {
            cost1 = c, accuracy1 = a;
            continue;
        }
        CHECK(memcmp(&c, &cost1, sizeof c) == 0 && memcmp(&a, &accuracy1, sizeof a) == 0,
              "%s: evaluate with %d threads gave cost %.9g accuracy %.9g, with 1 thread %.9g %.9g", name, (int)t, c,
              a, cost1, accuracy1);
    }
done:
    free(x), free(y), free(expected), free(whole);
    nerve_free(net);
}

/* ---- training ------------------------------------------------------------------------------------------ */

typedef struct {
    int32_t epochs;
    float train_cost[8], eval_cost[8], eval_accuracy[8];
} report_log;

static int32_t log_report(const nerve_epoch_report *report, void *user_data)
{
    report_log *log = user_data;
    if (report->epoch >= 1 && report->epoch <= 8) {
        log->train_cost[report->epoch - 1] = report->train_cost;
        log->eval_cost[report->epoch - 1] = report->eval_cost;
        log->eval_accuracy[report->epoch - 1] = report->eval_accuracy;
    }
    log->epochs = report->epoch;
    return 0;
}

typedef struct {
    const int32_t *sizes;
    int32_t n_sizes;
    const int32_t *acts;
    int32_t cost;
    const float *x, *y, *eval_x, *eval_y;
    int64_t n, eval_n;
} problem;

/* threads > 0: options.threads; threads < 0: options.threads = 0 and nerve_set_threads(net, -threads). */
static int train_once(const problem *pb, const nerve_train_options *base, int32_t threads, net_snapshot *snap,
                      report_log *log)
{
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, pb->sizes, pb->n_sizes, pb->acts, pb->cost, 2718)))
        return -1;
    nerve_train_options o = *base;
    memset(log, 0, sizeof *log);
    o.progress = log_report;
    o.user_data = log;
    if (threads > 0) {
        o.threads = threads;
    } else {
        o.threads = 0;
        CHECK_OK(nerve_set_threads(net, -threads));
    }
    int rc = -1;
    if (CHECK_OK(nerve_train(net, pb->x, pb->y, pb->n, pb->eval_x, pb->eval_y, pb->eval_n, &o)))
        rc = snapshot_take(net, snap);
    nerve_free(net);
    return rc;
}

static int same_reports(const report_log *a, const report_log *b)
{
    return a->epochs == b->epochs && memcmp(a->train_cost, b->train_cost, sizeof a->train_cost) == 0 &&
           memcmp(a->eval_cost, b->eval_cost, sizeof a->eval_cost) == 0 &&
           memcmp(a->eval_accuracy, b->eval_accuracy, sizeof a->eval_accuracy) == 0;
}

static void training_invariance(const char *name, const problem *pb, const nerve_train_options *o,
                                const int32_t *modes, int n_modes)
{
    net_snapshot reference, other;
    report_log reference_log, other_log;
    if (!CHECK(train_once(pb, o, 1, &reference, &reference_log) == 0, "%s: training with 1 thread", name))
        return;
    for (int m = 0; m < n_modes; m++) {
        char how[64];
        if (modes[m] > 0)
            snprintf(how, sizeof how, "options.threads = %d", (int)modes[m]);
        else
            snprintf(how, sizeof how, "nerve_set_threads(net, %d)", (int)-modes[m]);
        if (!CHECK(train_once(pb, o, modes[m], &other, &other_log) == 0, "%s: training with %s", name, how))
            continue;
        CHECK(snapshot_equal(&reference, &other), "%s: weights trained with %s differ from those with 1 thread",
              name, how);
        CHECK(same_reports(&reference_log, &other_log),
              "%s: epoch reports with %s differ from those with 1 thread (epoch 1 training cost %.9g vs %.9g)",
              name, how, other_log.train_cost[0], reference_log.train_cost[0]);
        snapshot_free(&other);
    }
    snapshot_free(&reference);
}

enum { S_IN = 20, S_OUT = 5, S_N = 300, S_EVAL = 60 };

static void small_problems(void)
{
    static float x[S_N * S_IN], y[S_N * S_OUT], ex[S_EVAL * S_IN], ey[S_EVAL * S_OUT];
    fill_uniform(x, S_N * S_IN, 81, -1, 1);
    fill_one_hot(y, S_N, S_OUT, 82);
    fill_uniform(ex, S_EVAL * S_IN, 83, -1, 1);
    fill_one_hot(ey, S_EVAL, S_OUT, 84);
    const int32_t sizes[] = {S_IN, 48, 32, S_OUT};
    const int32_t acts[] = {NERVE_ACT_RELU, NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    const problem pb = {sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, x, y, NULL, NULL, S_N, 0};
    const problem with_eval = {sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, x, y, ex, ey, S_N, S_EVAL};
    const int32_t modes[] = {2, 3, -2, -3};

    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 10;
    o.learning_rate = 0.1f;
    training_invariance("SGD, batch 10", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 1;
    o.learning_rate = 0.02f;
    o.momentum = 0.9f;
    training_invariance("momentum, batch 1", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 3;
    o.batch_size = 128;
    o.optimizer = NERVE_OPTIMIZER_ADAM;
    o.learning_rate = 0.003f;
    training_invariance("Adam, batch 128", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 10;
    o.l2 = 2.0f;
    o.l1 = 0.5f;
    training_invariance("L2 + L1, batch 10", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 10;
    o.dropout = 0.3f;
    o.momentum = 0.5f;
    training_invariance("dropout, batch 10", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 4;
    o.batch_size = S_N;
    o.learning_rate = 0.5f;
    training_invariance("full batch", &pb, &o, modes, 4);

    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = S_N + 1000;
    o.optimizer = NERVE_OPTIMIZER_ADAM;
    o.learning_rate = 0.01f;
    o.dropout = 0.2f;
    training_invariance("full batch (batch_size > n), Adam, dropout", &pb, &o, modes, 4);

    /* Measured figures are outputs too: full monitoring and evaluation data, with the schedule. */
    nerve_train_options_init(&o);
    o.epochs = 4;
    o.batch_size = 16;
    o.monitor_training = NERVE_MONITOR_FULL;
    o.lr_decay = 2.0f;
    o.lr_patience = 1;
    o.l2 = 1.0f;
    training_invariance("full monitoring with evaluation data", &with_eval, &o, modes, 4);

    /* Early stopping restores the best epoch's weights: the same epoch whatever the thread count. */
    nerve_train_options_init(&o);
    o.epochs = 8;
    o.batch_size = 10;
    o.learning_rate = 0.8f;
    o.early_stopping = 2;
    training_invariance("early stopping", &with_eval, &o, modes, 4);
}

static void large_problem(void)
{
    const int64_t n = SANITIZED ? 500 : 2000;
    float *x = malloc(sizeof(float) * (size_t)n * 784), *y = malloc(sizeof(float) * (size_t)n * 10);
    fill_uniform(x, (size_t)n * 784, 91, 0, 1);
    fill_one_hot(y, (size_t)n, 10, 92);
    const int32_t sizes[] = {784, 256, 128, 10};
    const int32_t acts[] = {NERVE_ACT_RELU, NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};
    const problem pb = {sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, x, y, NULL, NULL, n, 0};
    const int32_t modes[] = {2, 3};
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 100;
    o.learning_rate = 0.1f;
    o.momentum = 0.5f;
    o.dropout = 0.1f;
    double t0 = now_seconds();
    thread_watch *w = thread_watch_start();
    int baseline = process_threads();
    if (w)
        thread_watch_reset(w);
    training_invariance("784-256-128-10, batch 100", &pb, &o, modes, 2);
    /* Otherwise the comparison proved nothing. */
    CHECK(w && thread_watch_max(w) > baseline,
          "no extra thread ran while the 784-256-128-10 network trained with 2 and 3 threads");
    thread_watch_stop(w);
    printf("   784-256-128-10 on %lld samples, 3 trainings: %.2f s\n", (long long)n, now_seconds() - t0);

    /* One sample per step: every product is a matrix times a vector. */
    const problem few = {sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, x, y, NULL, NULL, SANITIZED ? 60 : 200, 0};
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 1;
    o.optimizer = NERVE_OPTIMIZER_ADAM;
    o.learning_rate = 0.001f;
    o.l2 = 1.0f;
    o.l1 = 0.1f;
    training_invariance("784-256-128-10, batch 1, Adam, L2 + L1", &few, &o, modes, 2);
    free(x);
    free(y);
}

void test_invariance(void)
{
    double t0 = now_seconds();
    const int32_t mnist_sizes[] = {784, 100, 10}, mnist_acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};
    prediction_invariance("784-100-10", mnist_sizes, 3, mnist_acts, NERVE_COST_LOG_LIKELIHOOD);
    const int32_t deep_sizes[] = {64, 128, 96, 64, 32, 10};
    const int32_t deep_acts[] = {NERVE_ACT_RELU, NERVE_ACT_RELU, NERVE_ACT_LEAKY_RELU, NERVE_ACT_RELU,
                                 NERVE_ACT_SIGMOID};
    prediction_invariance("64-128-96-64-32-10 ReLU", deep_sizes, 6, deep_acts, NERVE_COST_CROSS_ENTROPY);
    printf("   predictions: %.2f s\n", now_seconds() - t0);
    t0 = now_seconds();
    small_problems();
    printf("   small trainings: %.2f s\n", now_seconds() - t0);
    large_problem();
}
