/* The threading rules of nerve.h: concurrent predictions agree bit for bit with each row predicted alone;
 * predictions that run while another thread trains always see the weights of a whole epoch, never a
 * half-updated network; a second nerve_train is refused with NERVE_E_BUSY at once; nerve_set_layer waits for a
 * running training; the error message is per thread. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sample_data.h"
#include "suite.h"

/* ---- 8 threads predicting at once ---------------------------------------------------------------------- */

enum { PREDICTORS = 8, ROUNDS = 150, IN = 32, OUT = 10, ROWS = 100 };

typedef struct {
    const nerve_net *net;
    const float *x;
    int64_t n;
    const float *expected;
    pthread_barrier_t *start;
    int mismatches, failures;
} predictor;

static void *predict_repeatedly(void *arg)
{
    predictor *p = arg;
    float *out = malloc(sizeof(float) * (size_t)p->n * OUT);
    pthread_barrier_wait(p->start);
    for (int r = 0; r < ROUNDS; r++) {
        if (nerve_predict(p->net, p->x, p->n, out, p->n * OUT) != NERVE_OK)
            p->failures++;
        else if (!floats_equal_bits(out, p->expected, (size_t)p->n * OUT))
            p->mismatches++;
    }
    free(out);
    return NULL;
}

static void concurrent_predictions(void)
{
    const int32_t sizes[] = {IN, 64, OUT}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 5)))
        return;
    float *x = malloc(sizeof(float) * ROWS * IN);
    fill_uniform(x, ROWS * IN, 21, -1, 1);

    /* Each thread predicts its own number of rows; a sample's outputs do not depend on n, so the reference is
     * every row predicted alone. */
    predictor p[PREDICTORS];
    float *expected = malloc(sizeof(float) * ROWS * OUT);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, PREDICTORS);
    for (int r = 0; r < ROWS; r++)
        CHECK_OK(nerve_predict(net, x + r * IN, 1, expected + r * OUT, OUT));
    for (int t = 0; t < PREDICTORS; t++) {
        int64_t n = 40 + 7 * t;
        p[t] = (predictor){.net = net, .x = x, .n = n, .expected = expected, .start = &start};
    }
    pthread_t threads[PREDICTORS];
    for (int t = 0; t < PREDICTORS; t++)
        pthread_create(&threads[t], NULL, predict_repeatedly, &p[t]);
    for (int t = 0; t < PREDICTORS; t++) {
        pthread_join(threads[t], NULL);
        CHECK(p[t].failures == 0 && p[t].mismatches == 0,
              "thread %d: %d failed and %d differing predictions of %d", t, p[t].failures, p[t].mismatches, ROUNDS);
    }
    free(expected);
    pthread_barrier_destroy(&start);
    free(x);
    nerve_free(net);
}

/* ---- predictions while training ------------------------------------------------------------------------ */

enum { T_IN = 16, T_OUT = 4, T_SAMPLES = 2000, EPOCHS = 30, PROBE_ROWS = 8, READERS = 3, LOG_MAX = 20000 };
enum { PROBE = PROBE_ROWS * T_OUT };

static float probe_x[PROBE_ROWS * T_IN];

typedef struct {
    const nerve_net *net;
    float snapshots[EPOCHS + 1][PROBE];
    int snapshot_ok[EPOCHS + 1];
} epoch_probes;

typedef struct {
    const nerve_net *net;
    atomic_int *stop, *training;
    float (*log)[PROBE];
    int logged, during_training, failures;
} reader;

static int32_t probe_after_epoch(const nerve_epoch_report *report, void *user_data)
{
    epoch_probes *e = user_data;
    if (report->epoch >= 1 && report->epoch <= EPOCHS)
        e->snapshot_ok[report->epoch] =
            nerve_predict(e->net, probe_x, PROBE_ROWS, e->snapshots[report->epoch], PROBE) == NERVE_OK;
    usleep(2000); /* a window in which waiting readers may run */
    return 0;
}

static void *read_until_stopped(void *arg)
{
    reader *r = arg;
    while (!atomic_load(r->stop) && r->logged < LOG_MAX) {
        int in_training = atomic_load(r->training);
        if (nerve_predict(r->net, probe_x, PROBE_ROWS, r->log[r->logged], PROBE) != NERVE_OK) {
            r->failures++;
            continue;
        }
        r->during_training += in_training;
        r->logged++;
    }
    return NULL;
}

static void predictions_during_training(void)
{
    const int32_t sizes[] = {T_IN, 32, T_OUT}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 6)))
        return;
    float *x = malloc(sizeof(float) * T_SAMPLES * T_IN), *y = malloc(sizeof(float) * T_SAMPLES * T_OUT);
    fill_uniform(x, T_SAMPLES * T_IN, 41, -1, 1);
    fill_one_hot(y, T_SAMPLES, T_OUT, 42);
    fill_uniform(probe_x, PROBE_ROWS * T_IN, 43, -1, 1);

    epoch_probes *probes = calloc(1, sizeof *probes);
    probes->net = net;
    probes->snapshot_ok[0] = nerve_predict(net, probe_x, PROBE_ROWS, probes->snapshots[0], PROBE) == NERVE_OK;

    atomic_int stop = 0, training = 1;
    reader readers[READERS];
    pthread_t threads[READERS];
    for (int t = 0; t < READERS; t++) {
        readers[t] = (reader){.net = net, .stop = &stop, .training = &training, .log = malloc(sizeof(float[PROBE]) * LOG_MAX)};
        pthread_create(&threads[t], NULL, read_until_stopped, &readers[t]);
    }
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = EPOCHS;
    opts.learning_rate = 0.5f;
    opts.progress = probe_after_epoch;
    opts.user_data = probes;
    CHECK_OK(nerve_train(net, x, y, T_SAMPLES, NULL, NULL, 0, &opts));
    atomic_store(&training, 0);
    usleep(20000);
    atomic_store(&stop, 1);

    int all_snapshots = 1;
    for (int e = 0; e <= EPOCHS; e++)
        all_snapshots &= probes->snapshot_ok[e];
    CHECK(all_snapshots, "nerve_predict inside the progress callback failed");

    long total = 0, during = 0, torn = 0, intermediate = 0;
    for (int t = 0; t < READERS; t++) {
        pthread_join(threads[t], NULL);
        CHECK(readers[t].failures == 0, "reader %d: %d predictions failed", t, readers[t].failures);
        total += readers[t].logged;
        during += readers[t].during_training;
        for (int i = 0; i < readers[t].logged; i++) {
            int match = -1;
            for (int e = EPOCHS; e >= 0 && match < 0; e--)
                if (floats_equal_bits(readers[t].log[i], probes->snapshots[e], PROBE))
                    match = e;
            torn += match < 0;
            intermediate += match > 0 && match < EPOCHS;
        }
        free(readers[t].log);
    }
    CHECK(torn == 0, "%ld of %ld concurrent predictions match no epoch's weights (torn reads)", torn, total);
    CHECK(during > 0, "no prediction was issued while training ran; the test proved nothing");
    printf("   %ld predictions beside training (%ld issued during it, %ld saw an intermediate epoch)\n", total,
           during, intermediate);
    free(probes);
    free(x);
    free(y);
    nerve_free(net);
}

/* ---- a second train, and set_layer, while a training is running --------------------------------------- */

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    int paused, released;
} gate;

static void deadline_in(struct timespec *ts, int seconds)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += seconds;
}

static int32_t pause_in_first_epoch(const nerve_epoch_report *report, void *user_data)
{
    gate *g = user_data;
    if (report->epoch != 1)
        return 0;
    struct timespec deadline;
    deadline_in(&deadline, 20);
    pthread_mutex_lock(&g->mutex);
    g->paused = 1;
    pthread_cond_broadcast(&g->changed);
    while (!g->released)
        if (pthread_cond_timedwait(&g->changed, &g->mutex, &deadline) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&g->mutex);
    return 0;
}

typedef struct {
    nerve_net *net;
    const float *x, *y;
    const nerve_train_options *opts;
    nerve_status status;
} trainer;

static void *train_in_thread(void *arg)
{
    trainer *t = arg;
    t->status = nerve_train(t->net, t->x, t->y, 50, NULL, NULL, 0, t->opts);
    return NULL;
}

static void busy_and_exclusive(void)
{
    const int32_t sizes[] = {4, 3, 2}, acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 8)))
        return;
    float x[50 * 4], y[50 * 2], w[12];
    fill_uniform(x, 50 * 4, 51, -1, 1);
    fill_uniform(y, 50 * 2, 52, 0, 1);
    fill_uniform(w, 12, 53, -1, 1);

    gate g = {.mutex = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 3;
    opts.progress = pause_in_first_epoch;
    opts.user_data = &g;
    trainer first = {.net = net, .x = x, .y = y, .opts = &opts};
    pthread_t training_thread;
    pthread_create(&training_thread, NULL, train_in_thread, &first);

    struct timespec deadline;
    deadline_in(&deadline, 20);
    pthread_mutex_lock(&g.mutex);
    while (!g.paused)
        if (pthread_cond_timedwait(&g.changed, &g.mutex, &deadline) == ETIMEDOUT)
            break;
    int paused = g.paused;
    pthread_mutex_unlock(&g.mutex);
    CHECK(paused, "training never reached its first epoch");

    nerve_train_options plain;
    nerve_train_options_init(&plain);
    plain.epochs = 1;
    double t0 = now_seconds();
    CHECK_FAILS(nerve_train(net, x, y, 50, NULL, NULL, 0, &plain), NERVE_E_BUSY);
    CHECK(now_seconds() - t0 < 1.0, "the refused second nerve_train took %.2f s; it must return at once",
          now_seconds() - t0);

    /* Writers are refused for the whole run, even between epochs, so training never trains over them. */
    t0 = now_seconds();
    CHECK_FAILS(nerve_set_layer(net, 0, w, 12, NULL, 0), NERVE_E_BUSY);
    CHECK_FAILS(nerve_reinit(net, NERVE_INIT_AUTO, 3), NERVE_E_BUSY);
    CHECK(now_seconds() - t0 < 1.0, "refused writers took %.2f s; they must return at once", now_seconds() - t0);

    pthread_mutex_lock(&g.mutex);
    g.released = 1;
    pthread_cond_broadcast(&g.changed);
    pthread_mutex_unlock(&g.mutex);
    pthread_join(training_thread, NULL);
    CHECK_OK(first.status);

    /* After training, the same write goes through and sticks. */
    CHECK_OK(nerve_set_layer(net, 0, w, 12, NULL, 0));
    float now[12];
    CHECK_OK(nerve_get_layer(net, 0, now, 12, NULL, 0));
    CHECK(floats_equal_bits(now, w, 12), "nerve_set_layer after training did not store the weights");

    /* Once the first training is over a new one is accepted. */
    CHECK_OK(nerve_train(net, x, y, 50, NULL, NULL, 0, &plain));
    nerve_free(net);
}

/* ---- the error message belongs to the thread ----------------------------------------------------------- */

typedef struct {
    pthread_barrier_t *step;
    int fresh_empty, own_kept;
    char mine[512];
} message_thread;

static void *fail_in_thread(void *arg)
{
    message_thread *m = arg;
    m->fresh_empty = nerve_last_error()[0] == '\0';
    pthread_barrier_wait(m->step); /* main has failed a call */
    m->fresh_empty &= nerve_last_error()[0] == '\0';
    nerve_predict(NULL, NULL, 0, NULL, 0);
    snprintf(m->mine, sizeof m->mine, "%s", nerve_last_error());
    pthread_barrier_wait(m->step);
    return NULL;
}

static void per_thread_messages(void)
{
    pthread_barrier_t step;
    pthread_barrier_init(&step, NULL, 2);
    message_thread m = {.step = &step};
    pthread_t thread;
    pthread_create(&thread, NULL, fail_in_thread, &m);
    nerve_load("/nonexistent/nerve/model", &(nerve_net *){NULL});
    char mine[512];
    snprintf(mine, sizeof mine, "%s", nerve_last_error());
    pthread_barrier_wait(&step);
    pthread_barrier_wait(&step);
    pthread_join(thread, NULL);
    CHECK(m.fresh_empty, "a new thread's nerve_last_error was not \"\" before any failure there");
    CHECK(m.mine[0] != '\0' && strcmp(mine, nerve_last_error()) == 0 && strcmp(mine, m.mine) != 0,
          "messages crossed threads: main has \"%s\" (was \"%s\"), other thread \"%s\"", nerve_last_error(), mine,
          m.mine);
    pthread_barrier_destroy(&step);
}

/* ---- freeing a network that other threads are predicting with -------------------------------------------- */

/* The hot-reload pattern of a service: readers take the current handle and predict; a writer publishes a new
 * network and frees the old one at once, while readers may still be inside calls on it. Those calls must finish
 * (with the old network's answer), later calls on the old handle must be refused, and nothing may crash. */
enum { SWAP_READERS = 3, SWAPS = 400 };

typedef struct {
    _Atomic(nerve_net *) *current;
    const float *x;
    atomic_int *stop;
    long ok, refused, other;
} swap_reader;

static void *predict_while_swapped(void *arg)
{
    swap_reader *r = arg;
    float out[4 * OUT];
    while (!atomic_load(r->stop)) {
        nerve_status s = nerve_predict(atomic_load(r->current), r->x, 4, out, 4 * OUT);
        if (s == NERVE_OK)
            r->ok++;
        else if (s == NERVE_E_INVALID)
            r->refused++; /* the handle was freed between the load and the call */
        else
            r->other++;
    }
    return NULL;
}

static void free_during_predictions(void)
{
    const int32_t sizes[] = {IN, 64, OUT}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SOFTMAX};
    nerve_net *first = NULL;
    if (!CHECK_OK(nerve_create(&first, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 1)))
        return;
    _Atomic(nerve_net *) current = first;
    atomic_int stop = 0;
    float x[4 * IN];
    for (int i = 0; i < 4 * IN; i++)
        x[i] = (float)(i % 7) * 0.1f;
    swap_reader readers[SWAP_READERS];
    pthread_t threads[SWAP_READERS];
    for (int t = 0; t < SWAP_READERS; t++) {
        readers[t] = (swap_reader){.current = &current, .x = x, .stop = &stop};
        pthread_create(&threads[t], NULL, predict_while_swapped, &readers[t]);
    }
    int created = 0;
    for (int i = 0; i < SWAPS; i++) {
        nerve_net *next = NULL;
        if (nerve_create(&next, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, (uint64_t)i + 2) != NERVE_OK)
            break;
        created++;
        nerve_free(atomic_exchange(&current, next));
    }
    atomic_store(&stop, 1);
    long ok = 0, refused = 0, other = 0;
    for (int t = 0; t < SWAP_READERS; t++) {
        pthread_join(threads[t], NULL);
        ok += readers[t].ok, refused += readers[t].refused, other += readers[t].other;
    }
    nerve_free(atomic_load(&current));
    CHECK(created == SWAPS, "only %d of %d networks were created", created, SWAPS);
    CHECK(other == 0, "%ld predictions during swaps failed with a status other than NERVE_E_INVALID", other);
    CHECK(ok > 0, "no prediction succeeded during %d swaps", SWAPS);
    printf("   %d swaps under %d readers: %ld predictions, %ld refused on a freed handle\n", SWAPS, SWAP_READERS, ok,
           refused);
}

void test_threads(void)
{
    concurrent_predictions();
    predictions_during_training();
    busy_and_exclusive();
    per_thread_messages();
    free_during_predictions();
}
