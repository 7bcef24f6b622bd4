/* Training that blows up returns NERVE_E_DIVERGED and keeps the weights of the last good epoch: the initial
 * weights when the first epoch already diverges, the last epoch the callback saw otherwise. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { SAMPLES = 32 };

typedef struct {
    const nerve_net *net;
    net_snapshot last;
    int epochs_seen, snapshot_failed;
} epoch_log;

static int32_t remember_weights(const nerve_epoch_report *report, void *user_data)
{
    epoch_log *log = user_data;
    snapshot_free(&log->last);
    log->snapshot_failed |= snapshot_take(log->net, &log->last) != 0;
    log->epochs_seen = report->epoch;
    return 0;
}

static nerve_net *linear_regressor(int inputs)
{
    const int32_t sizes[] = {inputs, 1}, acts[] = {NERVE_ACT_LINEAR};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 2, acts, NERVE_COST_QUADRATIC, 3));
    return net;
}

static void expect_diverged(nerve_status status, const char *what)
{
    CHECK(status == NERVE_E_DIVERGED && nerve_last_error()[0] != '\0',
          "%s: training returned %d (%s), expected NERVE_E_DIVERGED with a message", what, status,
          nerve_status_string(status));
}

/* A huge step on large targets: the first epoch already overflows. */
static void first_epoch(void)
{
    nerve_net *net = linear_regressor(4);
    if (!net)
        return;
    float x[SAMPLES * 4], y[SAMPLES];
    fill_uniform(x, SAMPLES * 4, 8, -10, 10);
    fill_uniform(y, SAMPLES, 9, 1e4f, 1e5f);
    net_snapshot before, after;
    if (!CHECK(snapshot_take(net, &before) == 0, "snapshot before training"))
        goto done;
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 5;
    opts.batch_size = 1;
    opts.learning_rate = 1e6f;
    expect_diverged(nerve_train(net, x, y, SAMPLES, NULL, NULL, 0, &opts), "lr 1e6");
    if (snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&before, &after), "diverged in the first epoch but the initial weights were not kept");
        CHECK(all_finite(after.params, after.count), "non-finite weights after divergence");
        snapshot_free(&after);
    }
    float out[SAMPLES];
    CHECK_OK(nerve_predict(net, x, SAMPLES, out, SAMPLES));
    CHECK(all_finite(out, SAMPLES), "predictions after divergence are not finite");
    snapshot_free(&before);
done:
    nerve_free(net);
}

/* Full-batch gradient descent on y = x + 1 with a constant input: the Hessian's largest eigenvalue is 2, so a
 * learning rate of 2 multiplies the error by 3 per epoch and overflows float after dozens of epochs. */
static void later_epoch(void)
{
    nerve_net *net = linear_regressor(1);
    if (!net)
        return;
    float x[SAMPLES], y[SAMPLES];
    for (int i = 0; i < SAMPLES; i++)
        x[i] = 1.0f, y[i] = 2.0f;
    epoch_log log = {.net = net};
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 1000;
    opts.batch_size = SAMPLES;
    opts.learning_rate = 2.0f;
    opts.shuffle = 0;
    opts.progress = remember_weights;
    opts.user_data = &log;
    expect_diverged(nerve_train(net, x, y, SAMPLES, NULL, NULL, 0, &opts), "lr 2 full batch");
    CHECK(log.epochs_seen > 5 && log.epochs_seen < 1000, "diverged after %d good epochs, expected some dozens",
          log.epochs_seen);
    net_snapshot after;
    if (CHECK(!log.snapshot_failed && log.last.params, "snapshots in the callback") &&
        snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&log.last, &after), "after divergence the weights are not those of the last good epoch");
        CHECK(all_finite(after.params, after.count), "non-finite weights after divergence");
        snapshot_free(&after);
    }
    snapshot_free(&log.last);
    nerve_free(net);
}

void test_divergence(void)
{
    first_epoch();
    later_epoch();
}
