/* The Results and Threads sections of nerve.h for convolutional networks (small images, so the group also runs
 * under ThreadSanitizer in little time):
 *  - a sample predicted alone gives the same bits as inside a batch of 37, and as inside a batch of 600 on two
 *    threads (enough work for a helper);
 *  - training with options.threads = 1, 2, 3 and with nerve_set_threads(net, 2) gives bit-identical weights and
 *    epoch reports, for SGD, momentum with dropout and Adam, with mini-batches large enough to be shared;
 *  - four threads predicting at once on one CNN (each call with its own scratch memory) agree with the rows
 *    predicted alone;
 *  - predictions that run while another thread trains the CNN always see the weights of a whole epoch. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "layer_specs.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

/* 1×12×12 → conv 6 × 3×3 ReLU → 6×10×10 → max 2×2 → 6×5×5 → conv 8 × 3×3 stride 2 SAME tanh → 8×3×3 →
 * mean 2×2 stride 1 → 8×2×2 → dense 10 softmax. About 10,000 multiply-adds a sample, most in the two
 * convolutions (5,400 and 3,888). */
static const int32_t shape[3] = {1, 12, 12};
enum { IN = 144, OUT = 10, ROWS = 600, BATCH = 37 };

static nerve_net *make_cnn(uint64_t seed)
{
    const nerve_layer_spec layers[] = {
        conv_layer(6, 3, 3, 0, NERVE_PADDING_VALID, NERVE_ACT_RELU),
        pool_layer(NERVE_LAYER_MAX_POOL2D, 2, 2, 0),
        conv_layer(8, 3, 3, 2, NERVE_PADDING_SAME, NERVE_ACT_TANH),
        pool_layer(NERVE_LAYER_MEAN_POOL2D, 2, 2, 1),
        dense_layer(OUT, NERVE_ACT_SOFTMAX),
    };
    nerve_net *net = NULL;
    if (!CHECK_OK(CREATE_LAYERS(&net, shape, layers, 5, NERVE_COST_LOG_LIKELIHOOD, seed)))
        return NULL;
    return net;
}

static float *x, *y;

/* ---- batch invariance ---------------------------------------------------------------------------------- */

static void batch_invariance(void)
{
    nerve_net *net = make_cnn(3);
    if (!net)
        return;
    float *alone = malloc(sizeof(float) * ROWS * OUT), *batch = malloc(sizeof(float) * ROWS * OUT);
    int ok = 1;
    for (int r = 0; r < ROWS && ok; r++)
        ok = CHECK_OK(nerve_predict(net, x + (size_t)r * IN, 1, alone + (size_t)r * OUT, OUT));
    if (!ok)
        goto done;
    CHECK(all_finite(alone, (size_t)ROWS * OUT), "CNN predictions are not finite");
    /* Batches of 37 at several offsets, one thread. */
    for (int first = 0; first + BATCH <= ROWS; first += 113)
        if (CHECK_OK(nerve_predict(net, x + (size_t)first * IN, BATCH, batch, BATCH * OUT)))
            CHECK(floats_equal_bits(batch, alone + (size_t)first * OUT, BATCH * OUT),
                  "CNN: rows %d .. %d predicted in one call of 37 differ from the same rows alone", first,
                  first + BATCH - 1);
    /* Two threads: 37 rows, and 600 rows (about 6 million multiply-adds, enough to start a helper). */
    CHECK_OK(nerve_set_threads(net, 2));
    if (CHECK_OK(nerve_predict(net, x, BATCH, batch, BATCH * OUT)))
        CHECK(floats_equal_bits(batch, alone, BATCH * OUT), "CNN: 37 rows on 2 threads differ from the rows alone");
    if (CHECK_OK(nerve_predict(net, x, ROWS, batch, ROWS * OUT)))
        CHECK(floats_equal_bits(batch, alone, (size_t)ROWS * OUT),
              "CNN: 600 rows on 2 threads differ from the rows alone");
    /* Evaluation gives the same figures with 1 and 2 threads. */
    float c1 = -1, a1 = -1, c2 = -2, a2 = -2;
    CHECK_OK(nerve_evaluate(net, x, y, ROWS, &c2, &a2));
    CHECK_OK(nerve_set_threads(net, 1));
    CHECK_OK(nerve_evaluate(net, x, y, ROWS, &c1, &a1));
    CHECK(memcmp(&c1, &c2, sizeof c1) == 0 && memcmp(&a1, &a2, sizeof a1) == 0,
          "CNN: evaluate gives cost %.9g accuracy %.9g with 1 thread, %.9g %.9g with 2", c1, a1, c2, a2);
done:
    free(alone);
    free(batch);
    nerve_free(net);
}

/* ---- training with 1, 2 and 3 threads ------------------------------------------------------------------ */

typedef struct {
    int epochs;
    float cost[8];
} report_log;

static int32_t log_report(const nerve_epoch_report *report, void *user_data)
{
    report_log *log = user_data;
    if (report->epoch >= 1 && report->epoch <= 8)
        log->cost[report->epoch - 1] = report->train_cost;
    log->epochs = report->epoch;
    return 0;
}

/* threads > 0: options.threads; threads < 0: nerve_set_threads(net, -threads) and options.threads = 0. */
static int train_with(const nerve_train_options *base, int64_t n, int32_t threads, net_snapshot *snap,
                      report_log *log)
{
    nerve_net *net = make_cnn(17);
    if (!net)
        return -1;
    nerve_train_options o = *base;
    memset(log, 0, sizeof *log);
    o.progress = log_report;
    o.user_data = log;
    o.threads = threads > 0 ? threads : 0;
    if (threads < 0)
        CHECK_OK(nerve_set_threads(net, -threads));
    int rc = -1;
    if (CHECK_OK(nerve_train(net, x, y, n, NULL, NULL, 0, &o)))
        rc = snapshot_take(net, snap);
    nerve_free(net);
    return rc;
}

static void training_invariance(const char *name, const nerve_train_options *o, int64_t n)
{
    static const int32_t modes[] = {2, 3, -2};
    net_snapshot reference, other;
    report_log reference_log, other_log;
    if (!CHECK(train_with(o, n, 1, &reference, &reference_log) == 0, "%s: training with 1 thread", name))
        return;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        if (!CHECK(train_with(o, n, modes[m], &other, &other_log) == 0, "%s: training with mode %d", name,
                   (int)modes[m]))
            continue;
        CHECK(snapshot_equal(&reference, &other), "%s: weights trained with %s %d differ from 1 thread's", name,
              modes[m] > 0 ? "options.threads =" : "nerve_set_threads", modes[m] > 0 ? modes[m] : -modes[m]);
        CHECK(other_log.epochs == reference_log.epochs &&
                  memcmp(other_log.cost, reference_log.cost, sizeof other_log.cost) == 0,
              "%s: epoch reports with %d threads differ from 1 thread's (epoch 1 cost %.9g vs %.9g)", name,
              modes[m] > 0 ? modes[m] : -modes[m], other_log.cost[0], reference_log.cost[0]);
        snapshot_free(&other);
    }
    snapshot_free(&reference);
}

static void thread_invariance(void)
{
    thread_watch *w = thread_watch_start();
    int baseline = process_threads();
    if (w)
        thread_watch_reset(w);

    /* Mini-batches of 40: the first convolution does 40 × 5,400 multiply-adds forward, enough to share. */
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 40;
    o.learning_rate = 0.1f;
    o.monitor_training = NERVE_MONITOR_FULL;
    training_invariance("CNN, SGD, batch 40", &o, 120);

    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 37;
    o.learning_rate = 0.05f;
    o.momentum = 0.9f;
    o.dropout = 0.2f;
    training_invariance("CNN, momentum and dropout, batch 37", &o, 111);

    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 60;
    o.optimizer = NERVE_OPTIMIZER_ADAM;
    o.learning_rate = 0.005f;
    o.l2 = 0.5f;
    training_invariance("CNN, Adam and L2, batch 60", &o, 120);

    /* Otherwise the comparisons proved nothing. */
    CHECK(w && thread_watch_max(w) > baseline, "no extra thread ran while the CNN trained with 2 and 3 threads");
    thread_watch_stop(w);
}

/* ---- concurrent predictions ---------------------------------------------------------------------------- */

enum { PREDICTORS = 4, ROUNDS = 6 };

typedef struct {
    const nerve_net *net;
    const float *expected;
    int64_t n;
    int offset;
    pthread_barrier_t *start;
    int failures, mismatches;
} predictor;

static void *predict_rows(void *arg)
{
    predictor *p = arg;
    float *out = malloc(sizeof(float) * (size_t)p->n * OUT);
    pthread_barrier_wait(p->start);
    for (int r = 0; r < ROUNDS; r++) {
        int64_t first = (p->offset + 29 * r) % (ROWS - p->n + 1);
        if (nerve_predict(p->net, x + first * IN, p->n, out, p->n * OUT) != NERVE_OK)
            p->failures++;
        else if (!floats_equal_bits(out, p->expected + first * OUT, (size_t)p->n * OUT))
            p->mismatches++;
    }
    free(out);
    return NULL;
}

static void concurrent_predictions(void)
{
    nerve_net *net = make_cnn(5);
    if (!net)
        return;
    float *expected = malloc(sizeof(float) * ROWS * OUT);
    int ok = 1;
    for (int r = 0; r < ROWS && ok; r++)
        ok = CHECK_OK(nerve_predict(net, x + (size_t)r * IN, 1, expected + (size_t)r * OUT, OUT));
    if (ok) {
        CHECK_OK(nerve_set_threads(net, 2));
        static const int64_t sizes[PREDICTORS] = {1, 37, 64, 450};
        predictor p[PREDICTORS];
        pthread_t threads[PREDICTORS];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, PREDICTORS);
        for (int t = 0; t < PREDICTORS; t++) {
            p[t] = (predictor){.net = net, .expected = expected, .n = sizes[t], .offset = 41 * t, .start = &start};
            pthread_create(&threads[t], NULL, predict_rows, &p[t]);
        }
        for (int t = 0; t < PREDICTORS; t++) {
            pthread_join(threads[t], NULL);
            CHECK(p[t].failures == 0 && p[t].mismatches == 0,
                  "CNN predictor %d (n = %lld): %d failed calls, %d answers differ from the rows alone", t,
                  (long long)p[t].n, p[t].failures, p[t].mismatches);
        }
        pthread_barrier_destroy(&start);
    }
    free(expected);
    nerve_free(net);
}

/* ---- predictions beside training ----------------------------------------------------------------------- */

enum { EPOCHS = 6, PROBE_ROWS = 4, PROBE = PROBE_ROWS * OUT, LOG_MAX = 4000 };

typedef struct {
    const nerve_net *net;
    float snapshots[EPOCHS + 1][PROBE];
    int snapshot_ok[EPOCHS + 1];
} epoch_probes;

static int32_t probe_after_epoch(const nerve_epoch_report *report, void *user_data)
{
    epoch_probes *e = user_data;
    if (report->epoch >= 1 && report->epoch <= EPOCHS)
        e->snapshot_ok[report->epoch] = nerve_predict(e->net, x, PROBE_ROWS, e->snapshots[report->epoch], PROBE) ==
                                        NERVE_OK;
    usleep(1000); /* a window in which waiting readers may run */
    return 0;
}

typedef struct {
    const nerve_net *net;
    atomic_int *stop, *training;
    float (*log)[PROBE];
    int logged, during_training, failures;
} reader;

static void *read_until_stopped(void *arg)
{
    reader *r = arg;
    while (!atomic_load(r->stop) && r->logged < LOG_MAX) {
        int in_training = atomic_load(r->training);
        if (nerve_predict(r->net, x, PROBE_ROWS, r->log[r->logged], PROBE) != NERVE_OK) {
            r->failures++;
            continue;
        }
        r->during_training += in_training;
        r->logged++;
    }
    return NULL;
}

static void predictions_beside_training(void)
{
    nerve_net *net = make_cnn(9);
    if (!net)
        return;
    epoch_probes *probes = calloc(1, sizeof *probes);
    probes->net = net;
    probes->snapshot_ok[0] = nerve_predict(net, x, PROBE_ROWS, probes->snapshots[0], PROBE) == NERVE_OK;
    atomic_int stop = 0, training = 1;
    reader r = {.net = net, .stop = &stop, .training = &training, .log = malloc(sizeof(float[PROBE]) * LOG_MAX)};
    pthread_t thread;
    pthread_create(&thread, NULL, read_until_stopped, &r);
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = EPOCHS;
    o.batch_size = 20;
    o.learning_rate = 0.2f;
    o.threads = 2;
    o.progress = probe_after_epoch;
    o.user_data = probes;
    CHECK_OK(nerve_train(net, x, y, 200, NULL, NULL, 0, &o));
    atomic_store(&training, 0);
    usleep(5000);
    atomic_store(&stop, 1);
    pthread_join(thread, NULL);

    int all = 1;
    for (int e = 0; e <= EPOCHS; e++)
        all &= probes->snapshot_ok[e];
    CHECK(all, "CNN: nerve_predict inside the progress callback failed");
    long torn = 0;
    for (int i = 0; i < r.logged; i++) {
        int match = 0;
        for (int e = 0; e <= EPOCHS && !match; e++)
            match = floats_equal_bits(r.log[i], probes->snapshots[e], PROBE);
        torn += !match;
    }
    CHECK(r.failures == 0, "CNN: %d predictions beside training failed", r.failures);
    CHECK(torn == 0, "CNN: %ld of %d predictions beside training match no epoch's weights", torn, r.logged);
    CHECK(r.during_training > 0, "CNN: no prediction ran while training did; the test proved nothing");
    free(r.log);
    free(probes);
    nerve_free(net);
}

void test_cnn_threads(void)
{
    double t0 = now_seconds();
    x = malloc(sizeof(float) * ROWS * IN);
    y = malloc(sizeof(float) * ROWS * OUT);
    fill_uniform(x, (size_t)ROWS * IN, 61, 0, 1);
    fill_one_hot(y, ROWS, OUT, 62);
    batch_invariance();
    thread_invariance();
    concurrent_predictions();
    predictions_beside_training();
    free(x);
    free(y);
    printf("   cnn threads: %.2f s\n", now_seconds() - t0);
}
