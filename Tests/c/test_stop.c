/* The progress callback: called once per epoch in order with the documented report; a non-zero return stops
 * training with NERVE_STOPPED and the network keeps that epoch's weights. Read-only calls on the network are
 * allowed from the callback (only train, set_layer, reinit and free are forbidden there). */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { IN = 4, OUT = 2, SAMPLES = 50 };

typedef struct {
    const nerve_net *net;
    int calls, last_epoch, stop_at, order_ok;
    float eval_cost_reported, eval_cost_measured, learning_rate;
    float train_cost;
    net_snapshot at_stop;
    int snapshot_ok;
} progress_log;

static float eval_x[SAMPLES * IN], eval_y[SAMPLES * OUT];

static int32_t on_epoch(const nerve_epoch_report *report, void *user_data)
{
    progress_log *log = user_data;
    log->calls++;
    log->order_ok &= report->epoch == log->last_epoch + 1;
    log->last_epoch = report->epoch;
    log->learning_rate = report->learning_rate;
    log->train_cost = report->train_cost;
    log->eval_cost_reported = report->eval_cost;
    nerve_evaluate(log->net, eval_x, eval_y, SAMPLES, &log->eval_cost_measured, NULL);
    if (report->epoch == log->stop_at) {
        log->snapshot_ok = snapshot_take(log->net, &log->at_stop) == 0;
        return 1;
    }
    return 0;
}

void test_stop(void)
{
    float x[SAMPLES * IN], y[SAMPLES * OUT];
    fill_uniform(x, SAMPLES * IN, 31, -1, 1);
    fill_uniform(y, SAMPLES * OUT, 32, 0, 1);
    fill_uniform(eval_x, SAMPLES * IN, 33, -1, 1);
    fill_uniform(eval_y, SAMPLES * OUT, 34, 0, 1);

    const int32_t sizes[] = {IN, 5, OUT}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 77)))
        return;

    progress_log log = {.net = net, .stop_at = 3, .order_ok = 1, .eval_cost_measured = NAN};
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 10;
    opts.learning_rate = 0.3f;
    opts.monitor_training = NERVE_MONITOR_NONE;
    opts.progress = on_epoch;
    opts.user_data = &log;
    nerve_status status = nerve_train(net, x, y, SAMPLES, eval_x, eval_y, SAMPLES, &opts);
    CHECK(status == NERVE_STOPPED, "training stopped by the callback returned %d, expected NERVE_STOPPED", status);
    CHECK(log.calls == 3 && log.order_ok, "callback called %d times (epochs in order: %d), expected 3", log.calls,
          log.order_ok);
    CHECK(log.learning_rate == opts.learning_rate, "report's learning rate %g, expected %g", log.learning_rate,
          opts.learning_rate);
    CHECK(isnan(log.train_cost), "training cost %g reported with monitoring off, expected NaN", log.train_cost);
    CHECK(fabsf(log.eval_cost_reported - log.eval_cost_measured) < 1e-5f * (1 + fabsf(log.eval_cost_measured)),
          "report's evaluation cost %g, evaluate() in the callback %g", log.eval_cost_reported,
          log.eval_cost_measured);
    net_snapshot after;
    if (CHECK(log.snapshot_ok, "nerve_get_layer failed inside the callback") && snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&log.at_stop, &after), "after NERVE_STOPPED the weights are not those of the epoch");
        snapshot_free(&after);
    }
    if (log.snapshot_ok)
        snapshot_free(&log.at_stop);

    /* Without evaluation data the evaluation figures are NaN; with RUNNING monitoring training cost is finite. */
    progress_log second = {.net = net, .stop_at = 1, .order_ok = 1};
    opts.monitor_training = NERVE_MONITOR_RUNNING;
    opts.user_data = &second;
    CHECK(nerve_train(net, x, y, SAMPLES, NULL, NULL, 0, &opts) == NERVE_STOPPED, "second run did not stop");
    CHECK(isnan(second.eval_cost_reported), "evaluation cost %g without evaluation data, expected NaN",
          second.eval_cost_reported);
    CHECK(isfinite(second.train_cost), "running training cost %g, expected a finite value", second.train_cost);
    if (second.snapshot_ok)
        snapshot_free(&second.at_stop);
    nerve_free(net);
}
