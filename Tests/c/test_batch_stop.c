/* Stopping between mini-batches (since 0.5): the cancel flag, set from another thread or from the batch callback,
 * and the batch callback's own stop end training before the next mini-batch with NERVE_STOPPED, the interrupted
 * epoch unreported and the network holding the weights after the last mini-batch trained (the same as a one-epoch
 * run with steps_per_epoch = that step); batch_progress is called no more than once per batch_interval, with the
 * documented step fields; older struct sizes never read the 0.5 fields; a bad batch_interval is refused. */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { IN = 8, HIDDEN = 16, OUT = 3, N = 3000 };
static float x[N * IN], y[N * OUT];

static nerve_net *make_net(void)
{
    const int32_t sizes[] = {IN, HIDDEN, OUT}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    return CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 2024)) ? net : NULL;
}

/* Shuffled mini-batches of 1 with momentum and dropout: the generator and the optimizer's state both matter. */
static nerve_train_options base_options(void)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 3;
    o.batch_size = 1;
    o.learning_rate = 0.05f;
    o.momentum = 0.9f;
    o.dropout = 0.2f;
    o.batch_interval = 0;
    return o;
}

/* A one-epoch run of `steps` steps from the same seed: what a stop after step `steps` of epoch 1 must leave. */
static int equals_replay(const nerve_net *stopped, int32_t steps)
{
    nerve_net *replay = make_net();
    nerve_train_options o = base_options();
    o.epochs = 1;
    o.steps_per_epoch = steps;
    int same = 0;
    net_snapshot a, b;
    if (replay && CHECK_OK(nerve_train(replay, x, y, N, NULL, NULL, 0, &o)) && snapshot_take(stopped, &a) == 0) {
        if (snapshot_take(replay, &b) == 0) {
            same = snapshot_equal(&a, &b);
            snapshot_free(&b);
        }
        snapshot_free(&a);
    }
    nerve_free(replay);
    return same;
}

typedef struct {
    int32_t flag;          /* the cancel flag */
    int32_t stop_at;       /* the callback returns non-zero (or sets the flag) after this step of epoch 1 */
    int32_t set_flag;      /* 1: set the flag there instead of returning non-zero */
    int32_t hold_at;       /* the callback waits after this step of epoch 1 until another thread sets the flag */
    int32_t calls, epochs_reported;
    int32_t last_epoch, last_step;
    int32_t fields_ok;
    int64_t done;          /* samples of the epoch so far, as counted here */
} run_log;

static int32_t on_epoch(const nerve_epoch_report *report, void *user_data)
{
    (void)report;
    ((run_log *)user_data)->epochs_reported++;
    return 0;
}

static int32_t on_batch(const nerve_step *step, void *user_data)
{
    run_log *log = user_data;
    __atomic_add_fetch(&log->calls, 1, __ATOMIC_RELAXED);
    if (step->step == 1)
        log->done = 0;
    log->done += step->rows;
    log->fields_ok &= step->steps == N && step->epochs == 3 && step->rows == 1 && step->samples_done == log->done &&
                      step->step >= 1 && step->step <= step->steps;
    log->last_epoch = step->epoch;
    log->last_step = step->step;
    /* An epoch takes milliseconds: without the wait, a busy machine could finish it before the other thread runs. */
    if (step->epoch == 1 && step->step == log->hold_at)
        for (int i = 0; i < 100000 && !__atomic_load_n(&log->flag, __ATOMIC_RELAXED); i++) {
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
        }
    if (step->epoch == 1 && step->step == log->stop_at) {
        if (!log->set_flag)
            return 1;
        __atomic_store_n(&log->flag, 1, __ATOMIC_RELAXED);
    }
    return 0;
}

static void stop_from_the_callback(int set_flag)
{
    nerve_net *net = make_net();
    if (!net)
        return;
    run_log log = {.stop_at = 777, .set_flag = set_flag, .fields_ok = 1};
    nerve_train_options o = base_options();
    o.cancel = &log.flag;
    o.batch_progress = on_batch;
    o.progress = on_epoch;
    o.user_data = &log;
    nerve_status status = nerve_train(net, x, y, N, NULL, NULL, 0, &o);
    const char *how = set_flag ? "the flag set in the batch callback" : "the batch callback's return";
    CHECK(status == NERVE_STOPPED, "stopped by %s: status %d, expected NERVE_STOPPED", how, status);
    CHECK(log.calls == 777 && log.last_epoch == 1 && log.last_step == 777 && log.epochs_reported == 0,
          "stopped by %s after step 777: %d calls, last epoch %d step %d, %d epochs reported", how, log.calls,
          log.last_epoch, log.last_step, log.epochs_reported);
    CHECK(log.fields_ok, "a nerve_step's steps, epochs, rows or samples_done was wrong");
    CHECK(equals_replay(net, 777), "stopped by %s after step 777: the weights differ from a 777-step epoch", how);
    nerve_free(net);
}

typedef struct {
    run_log *log;
    double set_at;
} setter_args;

/* Sets the flag once training has taken 200 steps, as a UI or a watchdog thread would. */
static void *set_flag_later(void *arg)
{
    setter_args *a = arg;
    while (__atomic_load_n(&a->log->calls, __ATOMIC_RELAXED) < 200) {
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    a->set_at = now_seconds();
    __atomic_store_n(&a->log->flag, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void stop_from_another_thread(void)
{
    nerve_net *net = make_net();
    if (!net)
        return;
    run_log log = {.stop_at = -1, .hold_at = 200, .fields_ok = 1};
    nerve_train_options o = base_options();
    o.cancel = &log.flag;
    o.batch_progress = on_batch;
    o.progress = on_epoch;
    o.user_data = &log;
    setter_args args = {.log = &log};
    pthread_t setter;
    if (!CHECK(pthread_create(&setter, NULL, set_flag_later, &args) == 0, "pthread_create failed"))
        return;
    nerve_status status = nerve_train(net, x, y, N, NULL, NULL, 0, &o);
    double returned = now_seconds();
    pthread_join(setter, NULL);
    CHECK(status == NERVE_STOPPED, "stopped by the flag from another thread: status %d, expected NERVE_STOPPED",
          status);
    /* With batch_interval 0 the callback saw every step, so its last is the last trained. */
    if (CHECK(log.last_epoch == 1 && log.calls >= 200 && log.calls < N && log.epochs_reported == 0,
              "stopped by the flag from another thread: last epoch %d step %d after %d calls, %d epochs reported",
              log.last_epoch, log.last_step, log.calls, log.epochs_reported))
        CHECK(equals_replay(net, log.last_step), "stopped after step %d: the weights differ from a one-epoch run "
                                                 "of that many steps", log.last_step);
    CHECK(returned - args.set_at < (SANITIZED ? 2.0 : 0.5), "nerve_train returned %.3f s after the flag was set",
          returned - args.set_at);
    nerve_free(net);
}

/* ---- throttling ------------------------------------------------------------------------------------------ */

typedef struct {
    int32_t calls;
    double first, last, shortest_gap;
} timing_log;

static int32_t timed_batch(const nerve_step *step, void *user_data)
{
    (void)step;
    timing_log *t = user_data;
    double now = now_seconds();
    if (t->calls == 0)
        t->first = now;
    else if (now - t->last < t->shortest_gap)
        t->shortest_gap = now - t->last;
    t->last = now;
    t->calls++;
    return 0;
}

static void throttling(void)
{
    nerve_net *net = make_net();
    if (!net)
        return;
    nerve_train_options o = base_options();
    o.epochs = 2;
    o.batch_size = 7; /* ceil(3000 / 7) = 429 steps an epoch */
    o.batch_progress = timed_batch;

    timing_log every = {.shortest_gap = 1e9};
    o.user_data = &every;
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    CHECK(every.calls == 2 * 429, "batch_interval 0: %d calls, expected one per step (858)", every.calls);

    timing_log never = {.shortest_gap = 1e9};
    o.user_data = &never;
    o.batch_interval = 1e9;
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    CHECK(never.calls == 0, "batch_interval 1e9: %d calls, expected none", never.calls);

    /* Batch 1 over 20 epochs: long enough for several intervals of 20 ms. */
    timing_log some = {.shortest_gap = 1e9};
    o.user_data = &some;
    o.batch_size = 1;
    o.epochs = 20;
    o.batch_interval = 0.02;
    double began = now_seconds();
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    double seconds = now_seconds() - began;
    CHECK(some.calls >= 1 && some.calls <= seconds / 0.02, "batch_interval 0.02 over %.3f s: %d calls, expected 1 "
          "to %d", seconds, some.calls, (int)(seconds / 0.02));
    CHECK(some.first - began >= 0.02 && some.shortest_gap >= 0.02, "batch_interval 0.02: first call %.4f s after "
          "the start, calls as close as %.4f s", some.first - began, some.shortest_gap);
    printf("   batch_interval 0.02: %d calls in %.3f s (%d steps)\n", some.calls, seconds, 20 * N);
    nerve_free(net);
}

/* ---- struct sizes and validation --------------------------------------------------------------------------- */

static int32_t stop_at_once(const nerve_step *step, void *user_data)
{
    (void)step, (void)user_data;
    return 1;
}

static void older_layouts_ignore_the_new_fields(void)
{
    const size_t sizes[] = {
        offsetof(nerve_train_options, regularization_n) + sizeof(int64_t),        /* 0.4 */
        (offsetof(nerve_train_options, threads) + sizeof(int32_t) + 7) / 8 * 8, /* 0.2 and 0.3 */
        offsetof(nerve_train_options, user_data) + sizeof(void *),               /* 0.1 */
    };
    CHECK(sizes[0] + 2 * sizeof(void *) == offsetof(nerve_train_options, batch_interval),
          "the 0.5 fields do not start with three 8-byte fields after regularization_n without padding");
    nerve_net *current = make_net();
    nerve_train_options o = base_options();
    o.epochs = 1;
    o.batch_size = 50;
    if (!current || !CHECK_OK(nerve_train(current, x, y, N, NULL, NULL, 0, &o)))
        goto done;
    for (int i = 0; i < 3; i++) {
        nerve_net *old = make_net();
        if (!old)
            continue;
        const int32_t set = 1;
        nerve_train_options v = o;
        v.struct_size = (uint32_t)sizes[i];
        v.cancel = &set;            /* would stop at once if read */
        v.batch_progress = stop_at_once;
        v.batch_interval = NAN;     /* would be refused if read */
        nerve_status status = nerve_train(old, x, y, N, NULL, NULL, 0, &v);
        CHECK(status == NERVE_OK, "struct_size %zu: status %d, expected NERVE_OK", sizes[i], status);
        net_snapshot a, b;
        if (snapshot_take(old, &a) == 0) {
            if (snapshot_take(current, &b) == 0) {
                CHECK(snapshot_equal(&a, &b), "struct_size %zu trained other weights than the current layout",
                      sizes[i]);
                snapshot_free(&b);
            }
            snapshot_free(&a);
        }
        nerve_free(old);
    }
done:
    nerve_free(current);
}

static void bad_intervals(void)
{
    nerve_net *net = make_net();
    net_snapshot before, after;
    if (!net || snapshot_take(net, &before) != 0)
        return;
    const double bad[] = {NAN, -1e-9, -1, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nerve_train_options o = base_options();
        o.batch_interval = bad[i];
        if (!CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), NERVE_E_INVALID))
            fprintf(stderr, "     (batch_interval %g)\n", bad[i]);
        else
            CHECK(strstr(nerve_last_error(), "batch_interval") != NULL, "the message does not name batch_interval: "
                  "%s", nerve_last_error());
    }
    if (snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&before, &after), "a refused batch_interval changed the weights");
        snapshot_free(&after);
    }
    snapshot_free(&before);
    nerve_free(net);
}

static void init_defaults(void)
{
    nerve_train_options o;
    memset(&o, 0x5A, sizeof o);
    nerve_train_options_init(&o);
    CHECK(o.cancel == NULL && o.batch_progress == NULL && o.batch_interval == 0.1,
          "nerve_train_options_init: cancel %p, batch_progress set %d, batch_interval %g; expected NULL, 0, 0.1",
          (const void *)o.cancel, o.batch_progress != NULL, o.batch_interval);
}

void test_batch_stop(void)
{
    fill_uniform(x, N * IN, 501, -1, 1);
    fill_one_hot(y, N, OUT, 502);
    init_defaults();
    stop_from_the_callback(0);
    stop_from_the_callback(1);
    stop_from_another_thread();
    throttling();
    older_layouts_ignore_the_new_fields();
    bad_intervals();
}
