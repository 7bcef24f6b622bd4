/* optimizer_state (nerve_optimizer_state), through the C API. The reference is a single nerve_train call of k
 * epochs, whose steps other groups check against hand-worked sequences: k calls of one epoch that keep and
 * resume the state must end on exactly its weights, for momentum, Nesterov, Adam and RPROP, with shuffling on
 * (the generator goes on across calls) and a learning rate changed between calls where that is allowed. Fresh
 * calls must not (momentum and Adam restart), nor may a resumed call whose coefficients changed, a call after
 * nerve_initialize or after a diverged call: those equal a fresh start from the same weights. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sample_data.h"
#include "suite.h"

enum { N = 24, INPUTS = 4, CLASSES = 3, EPOCHS = 4 };

static const int32_t sizes[] = {INPUTS, 6, CLASSES};
static const int32_t acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};

typedef struct {
    const char *name;
    int32_t optimizer;
    float momentum;
    int32_t nesterov;
    int32_t batch_size;
    float learning_rate;
} rule;

static const rule rules[] = {
    {"momentum", NERVE_OPTIMIZER_SGD, 0.9f, 0, 5, 0.05f},
    {"nesterov", NERVE_OPTIMIZER_SGD, 0.9f, 1, 5, 0.05f},
    {"adam", NERVE_OPTIMIZER_ADAM, 0, 0, 5, 0.01f},
    {"rprop", NERVE_OPTIMIZER_RPROP, 0, 0, N, 0.1f},
};

static float x[N * INPUTS], y[N * CLASSES];

static nerve_net *make(uint64_t seed)
{
    nerve_net *net = NULL;
    return CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, seed)) ? net : NULL;
}

static nerve_train_options options(const rule *r, int32_t epochs, int32_t state)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = epochs;
    o.batch_size = r->batch_size;
    o.learning_rate = r->learning_rate;
    o.optimizer = r->optimizer;
    o.momentum = r->momentum;
    o.nesterov = r->nesterov;
    o.optimizer_state = state;
    return o;
}

/* The parameters after `epochs` one-epoch calls made with `first` and then `later` states; the learning rate of
 * the last call is `last_rate` times the rule's (RPROP ignores it). */
static float *one_epoch_calls(const rule *r, int epochs, int32_t first, int32_t later, float last_rate)
{
    nerve_net *net = make(42);
    if (!net)
        return NULL;
    for (int e = 0; e < epochs; e++) {
        nerve_train_options o = options(r, 1, e == 0 ? first : later);
        if (e == epochs - 1)
            o.learning_rate *= last_rate;
        CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    }
    int64_t count = 0;
    float *p = parameters_of(net, &count);
    nerve_free(net);
    return p;
}

/* Evaluation costs that never improve after the first epoch, so lr_decay with patience EPOCHS - 2 halves the
 * rate once, after epoch EPOCHS - 1. */
static int32_t worsening_evaluation(nerve_epoch_report *report, void *hook_data)
{
    (void)hook_data;
    report->eval_cost = (float)report->epoch;
    return 0;
}

/* The weights of one call of EPOCHS epochs; with `halve_last`, its last epoch runs at half the rate (the
 * library's own learning-rate schedule, made to act after epoch EPOCHS - 1). */
static float *reference(const rule *r, int halve_last, int64_t *count)
{
    nerve_net *net = make(42);
    if (!net)
        return NULL;
    nerve_train_options o = options(r, EPOCHS, NERVE_OPTIMIZER_STATE_FRESH);
    if (halve_last) {
        o.lr_decay = 2;
        o.lr_patience = EPOCHS - 2;
        o.report_hook = worsening_evaluation;
    }
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    float *p = parameters_of(net, count);
    nerve_free(net);
    return p;
}

static void resumed_calls_equal_one_call(void)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const rule *r = &rules[i];
        int64_t count = 0;
        float *whole = reference(r, 0, &count);
        float *resumed = one_epoch_calls(r, EPOCHS, NERVE_OPTIMIZER_STATE_KEEP, NERVE_OPTIMIZER_STATE_RESUME, 1);
        float *fresh = one_epoch_calls(r, EPOCHS, NERVE_OPTIMIZER_STATE_FRESH, NERVE_OPTIMIZER_STATE_FRESH, 1);
        /* RESUME in the first call finds nothing kept and starts a new state, as KEEP does. */
        float *resumed_from_start =
            one_epoch_calls(r, EPOCHS, NERVE_OPTIMIZER_STATE_RESUME, NERVE_OPTIMIZER_STATE_RESUME, 1);
        if (whole && resumed && fresh && resumed_from_start) {
            CHECK(floats_equal_bits(whole, resumed, (size_t)count),
                  "%s: %d resumed one-epoch calls differ from one call of %d epochs", r->name, EPOCHS, EPOCHS);
            CHECK(floats_equal_bits(whole, resumed_from_start, (size_t)count),
                  "%s: resuming from the first call differs from one call", r->name);
            CHECK(!floats_equal_bits(whole, fresh, (size_t)count),
                  "%s: fresh one-epoch calls ended on the weights of one long call, as if the state was kept",
                  r->name);
        }
        free(whole);
        free(resumed);
        free(fresh);
        free(resumed_from_start);
    }
}

/* The learning rate may change between resumed calls (scikit-learn's invscaling and adaptive rates): the last
 * call at half the rate ends where the library's own schedule, halving the rate inside one call, ends. */
static void learning_rate_may_change(void)
{
    for (size_t i = 0; i < 3; i++) { /* not RPROP, which has no learning rate */
        const rule *r = &rules[i];
        int64_t count = 0;
        float *expected = reference(r, 1, &count);
        float *resumed =
            one_epoch_calls(r, EPOCHS, NERVE_OPTIMIZER_STATE_KEEP, NERVE_OPTIMIZER_STATE_RESUME, 0.5f);
        float *unchanged = one_epoch_calls(r, EPOCHS, NERVE_OPTIMIZER_STATE_KEEP, NERVE_OPTIMIZER_STATE_RESUME, 1);
        if (expected && resumed && unchanged) {
            CHECK(floats_equal_bits(expected, resumed, (size_t)count),
                  "%s: a resumed call at half the rate differs from the reference", r->name);
            CHECK(!floats_equal_bits(unchanged, resumed, (size_t)count),
                  "%s: halving the last call's rate changed nothing", r->name);
        }
        free(expected);
        free(resumed);
        free(unchanged);
    }
}

/* Trains `net` one epoch with momentum 0.9 and KEEP, then runs `between` (which may be NULL), then one epoch
 * of `last`. */
static float *after(uint64_t seed, void (*between)(nerve_net *), nerve_train_options last)
{
    nerve_net *net = make(seed);
    if (!net)
        return NULL;
    nerve_train_options o = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_KEEP);
    o.shuffle = 0;
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    if (between)
        between(net);
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &last));
    int64_t count = 0;
    float *p = parameters_of(net, &count);
    nerve_free(net);
    return p;
}

static void reinitialize(nerve_net *net)
{
    CHECK_OK(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, 42));
}

static int32_t refuse_step(float *gradient, int64_t count, const nerve_step *step, void *hook_data)
{
    (void)gradient, (void)count, (void)step, (void)hook_data;
    return 1;
}

/* A call that fails once training started: its gradient hook aborts the first step (weights untouched). */
static void abort_training(nerve_net *net)
{
    nerve_train_options o = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_RESUME);
    o.shuffle = 0;
    o.gradient_hook = refuse_step;
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), NERVE_E_ABORTED);
}

static void refused(nerve_net *net)
{
    nerve_train_options o = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_RESUME);
    o.learning_rate = -1;
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), NERVE_E_INVALID);
}

/* When a resumed call must start anew, and when the kept state survives. */
static void when_the_state_is_dropped(void)
{
    nerve_train_options resume = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_RESUME);
    nerve_train_options fresh = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_FRESH);
    resume.shuffle = fresh.shuffle = 0;
    int64_t count = 0;
    nerve_net *probe = make(42);
    if (!probe)
        return;
    float *start = parameters_of(probe, &count);
    nerve_free(probe);

    float *kept = after(42, NULL, resume), *restarted = after(42, NULL, fresh);
    if (kept && restarted)
        CHECK(!floats_equal_bits(kept, restarted, (size_t)count), "resuming momentum took a fresh start's step");

    /* Other coefficients: a new state, as a fresh call with them. */
    nerve_train_options other = resume, other_fresh = fresh;
    other.momentum = other_fresh.momentum = 0.5f;
    float *a = after(42, NULL, other), *b = after(42, NULL, other_fresh);
    CHECK(a && b && floats_equal_bits(a, b, (size_t)count), "a resumed call with momentum 0.5 used momentum 0.9's "
          "velocity");
    free(a);
    free(b);
    nerve_train_options nesterov = resume, nesterov_fresh = fresh;
    nesterov.nesterov = nesterov_fresh.nesterov = 1;
    a = after(42, NULL, nesterov);
    b = after(42, NULL, nesterov_fresh);
    CHECK(a && b && floats_equal_bits(a, b, (size_t)count), "a resumed Nesterov call used plain momentum's state");
    free(a);
    free(b);

    /* nerve_initialize: the resumed epoch is a fresh epoch of a new network with the same seed. */
    a = after(42, reinitialize, resume);
    nerve_net *renewed = make(42);
    if (renewed) {
        CHECK_OK(nerve_train(renewed, x, y, N, NULL, NULL, 0, &fresh));
        CHECK(a && parameters_are(renewed, a, count), "after nerve_initialize a resumed call kept the old velocity");
        nerve_free(renewed);
    }
    free(a);

    /* A failed call (the generator untouched with shuffle off) keeps nothing. */
    a = after(42, abort_training, resume);
    CHECK(a && restarted && floats_equal_bits(a, restarted, (size_t)count),
          "after an aborted call a resumed call did not start anew");
    free(a);

    /* A call refused for its options leaves the kept state as it was. */
    a = after(42, refused, resume);
    CHECK(a && kept && floats_equal_bits(a, kept, (size_t)count), "a refused call dropped the kept state");
    free(a);

    /* A clone carries no state: its resumed epoch is a fresh one. */
    nerve_net *net = make(42), *twin = NULL;
    nerve_train_options keep = options(&rules[0], 1, NERVE_OPTIMIZER_STATE_KEEP);
    keep.shuffle = 0;
    if (net && CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &keep)) && CHECK_OK(nerve_clone(net, &twin))) {
        CHECK_OK(nerve_train(twin, x, y, N, NULL, NULL, 0, &resume));
        CHECK(restarted && parameters_are(twin, restarted, count), "a clone resumed its original's velocity");
    }
    nerve_free(twin);
    nerve_free(net);
    CHECK(start && kept && !floats_equal_bits(start, kept, (size_t)count), "training left the weights alone");
    free(start);
    free(kept);
    free(restarted);
}

static void names_and_validation(void)
{
    static const char *const names[] = {"fresh", "keep", "resume"};
    for (int32_t v = 0; v < 3; v++) {
        const char *name = nerve_enum_name(NERVE_ENUM_OPTIMIZER_STATE, v);
        int32_t back = -1;
        CHECK(name && strcmp(name, names[v]) == 0 &&
                  nerve_enum_value(NERVE_ENUM_OPTIMIZER_STATE, names[v], &back) == NERVE_OK && back == v,
              "NERVE_OPTIMIZER_STATE value %d is named %s", (int)v, name ? name : "NULL");
    }
    CHECK(nerve_enum_name(NERVE_ENUM_OPTIMIZER_STATE, 3) == NULL, "NERVE_OPTIMIZER_STATE has a value 3");
    nerve_net *net = make(7);
    if (!net)
        return;
    int64_t count = 0;
    float *before = parameters_of(net, &count);
    static const int32_t bad[] = {-1, 3, 1000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nerve_train_options o = options(&rules[0], 1, bad[i]);
        nerve_error error;
        nerve_status status = nerve_train_r(net, x, y, N, NULL, NULL, 0, &o, &error);
        CHECK(status == NERVE_E_INVALID && strstr(error.message, "optimizer_state") != NULL,
              "optimizer_state %d: status %d (%s), expected NERVE_E_INVALID naming the field", (int)bad[i],
              (int)status, error.message);
    }
    CHECK(before && parameters_are(net, before, count), "a refused optimizer_state changed the weights");
    free(before);
    nerve_free(net);
}

void test_optimizer_state(void)
{
    fill_uniform(x, sizeof x / sizeof x[0], 901, -1, 1);
    fill_one_hot(y, N, CLASSES, 902);
    names_and_validation();
    resumed_calls_equal_one_call();
    learning_rate_may_change();
    when_the_state_is_dropped();
}
