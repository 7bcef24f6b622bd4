/* How calls execute, as the Cores and Safety sections of nerve.h describe it, and the 0.2 entry points:
 *  - no entry point changes OpenBLAS's process-wide thread count (this program links OpenBLAS itself and sets
 *    3 threads, as a host would);
 *  - nerve_set_threads / nerve_threads and options.threads: defaults, range, refusals;
 *  - with 1 thread no other thread runs during a call; with t threads at most t - 1 more, all joined when
 *    the call returns;
 *  - nerve_kernel names one of the two documented kernels, the one the CPU's instruction sets select;
 *  - nerve_enum_name / nerve_enum_value: every documented name, both ways, and the refusals;
 *  - struct_size: the 0.1 layout (ending at user_data), the 0.2/0.3 one (ending at threads, its size rounded up
 *    to 8 bytes) and the current one are accepted; the older layouts train exactly like the current one with
 *    the defaults of the later fields, whatever lies beyond their fields; other sizes are refused;
 *  - calls with 2 or more threads complete, with the same results, while spinning threads occupy every core. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "files.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

/* OpenBLAS's own interface (libopenblas is linked into the test program). */
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

#define INVALID NERVE_E_INVALID

/* A mid-size problem used throughout. */
enum { IN = 100, HIDDEN = 64, OUT = 10, N = 500 };
static float *x, *y;

static nerve_net *make_net(uint64_t seed)
{
    const int32_t sizes[] = {IN, HIDDEN, OUT}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, seed));
    return net;
}

static int weights_equal(const nerve_net *a, const nerve_net *b)
{
    net_snapshot sa, sb;
    if (snapshot_take(a, &sa) != 0)
        return 0;
    if (snapshot_take(b, &sb) != 0) {
        snapshot_free(&sa);
        return 0;
    }
    int same = snapshot_equal(&sa, &sb);
    snapshot_free(&sa);
    snapshot_free(&sb);
    return same;
}

/* ---- OpenBLAS's thread count stays as the host set it -------------------------------------------------- */

static int host_blas_threads;

static void blas_unchanged(const char *after)
{
    int now = openblas_get_num_threads();
    CHECK(now == host_blas_threads, "after %s OpenBLAS runs %d threads; the host had set %d", after, now,
          host_blas_threads);
}

/* Another host thread reading OpenBLAS's count while the library works must never see it changed either. */
typedef struct {
    atomic_int stop;
    long reads, changed;
    int seen;
} blas_poller;

static void *poll_blas_threads(void *arg)
{
    blas_poller *p = arg;
    while (!atomic_load(&p->stop)) {
        int now = openblas_get_num_threads();
        p->reads++;
        if (now != host_blas_threads) {
            p->changed++;
            p->seen = now;
        }
        sched_yield();
    }
    return NULL;
}

static void openblas_untouched(void)
{
    openblas_set_num_threads(3);
    host_blas_threads = openblas_get_num_threads();
    if (!CHECK(host_blas_threads == 3, "openblas_set_num_threads(3) reads back %d", host_blas_threads))
        return;
    char *dir = scratch_subdir("execution");
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/model.nerve", dir);

    nerve_version();
    nerve_kernel();
    nerve_status_string(NERVE_E_BUSY);
    nerve_last_error();
    blas_unchanged("version, kernel, status_string, last_error");
    int32_t value = 0;
    nerve_enum_name(NERVE_ENUM_ACTIVATION, NERVE_ACT_RELU);
    nerve_enum_value(NERVE_ENUM_COST, "quadratic", &value);
    blas_unchanged("nerve_enum_name / nerve_enum_value");
    nerve_train_options o;
    nerve_train_options_init(&o);
    blas_unchanged("nerve_train_options_init");

    nerve_net *net = make_net(5);
    blas_unchanged("nerve_create");
    if (!net)
        goto done;
    CHECK_OK(nerve_set_threads(net, 2));
    blas_unchanged("nerve_set_threads");
    CHECK(nerve_threads(net) == 2 && nerve_input_size(net) == IN && nerve_output_size(net) == OUT &&
              nerve_layer_count(net) == 2 && nerve_cost(net) == NERVE_COST_LOG_LIKELIHOOD,
          "getters of the network");
    CHECK_OK(nerve_layer_info(net, 0, NULL, NULL, NULL));
    blas_unchanged("the getters");

    blas_poller poller = {0};
    pthread_t poller_thread;
    pthread_create(&poller_thread, NULL, poll_blas_threads, &poller);
    o.epochs = 1;
    o.threads = 2;
    o.batch_size = 50;
    CHECK_OK(nerve_train(net, x, y, N, x, y, 100, &o));
    blas_unchanged("nerve_train (threads = 2)");
    o.threads = 1;
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    blas_unchanged("nerve_train (threads = 1)");

    float *out = malloc(sizeof(float) * N * OUT);
    CHECK_OK(nerve_predict(net, x, 1, out, OUT));
    blas_unchanged("nerve_predict (n = 1, 2 threads)");
    CHECK_OK(nerve_predict(net, x, N, out, N * OUT));
    blas_unchanged("nerve_predict (n = 500, 2 threads)");
    float cost = 0, accuracy = 0;
    CHECK_OK(nerve_evaluate(net, x, y, N, &cost, &accuracy));
    blas_unchanged("nerve_evaluate");
    atomic_store(&poller.stop, 1);
    pthread_join(poller_thread, NULL);
    CHECK(poller.changed == 0,
          "while training, predicting and evaluating, another thread saw OpenBLAS run %d threads (%ld of %ld "
          "reads); the host had set %d", poller.seen, poller.changed, poller.reads, host_blas_threads);

    CHECK_OK(nerve_save(net, path));
    blas_unchanged("nerve_save");
    nerve_net *loaded = NULL;
    CHECK_OK(nerve_load(path, &loaded));
    blas_unchanged("nerve_load");
    nerve_free(loaded);
    size_t size = 0, written = 0;
    CHECK_OK(nerve_serialized_size(net, &size));
    unsigned char *buffer = malloc(size ? size : 1);
    CHECK_OK(nerve_save_to_memory(net, buffer, size, &written));
    blas_unchanged("nerve_serialized_size / nerve_save_to_memory");
    loaded = NULL;
    CHECK_OK(nerve_load_from_memory(buffer, written, &loaded));
    blas_unchanged("nerve_load_from_memory");
    nerve_free(loaded);
    blas_unchanged("nerve_free of a loaded network");
    free(buffer);

    float *w = malloc(sizeof(float) * IN * HIDDEN), b[HIDDEN];
    CHECK_OK(nerve_get_layer(net, 0, w, IN * HIDDEN, b, HIDDEN));
    blas_unchanged("nerve_get_layer");
    CHECK_OK(nerve_set_layer(net, 0, w, IN * HIDDEN, b, HIDDEN));
    blas_unchanged("nerve_set_layer");
    free(w);
    CHECK_OK(nerve_reinit(net, NERVE_INIT_HE, 6));
    blas_unchanged("nerve_reinit");
    nerve_predict(NULL, x, 1, out, OUT);
    blas_unchanged("a failed call");
    free(out);
    nerve_free(net);
    blas_unchanged("nerve_free");
done:
    remove_tree(dir);
    free(dir);
}

/* ---- thread counts ------------------------------------------------------------------------------------- */

static void thread_counts(void)
{
    CHECK(nerve_threads(NULL) == 0, "nerve_threads(NULL) gave %d, expected 0", nerve_threads(NULL));
    CHECK_FAILS(nerve_set_threads(NULL, 2), INVALID);
    nerve_net *net = make_net(7);
    if (!net)
        return;
    CHECK(nerve_threads(net) == 1, "a new network has %d threads, expected 1", nerve_threads(net));
    CHECK_OK(nerve_set_threads(net, 2));
    CHECK(nerve_threads(net) == 2, "set to 2 threads, the network reports %d", nerve_threads(net));
    const int32_t bad[] = {0, -1, NERVE_MAX_THREADS + 1, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (!CHECK_FAILS(nerve_set_threads(net, bad[i]), INVALID))
            fprintf(stderr, "     (nerve_set_threads(net, %d))\n", (int)bad[i]);
        CHECK(nerve_threads(net) == 2, "a refused nerve_set_threads(net, %d) changed the count to %d", (int)bad[i],
              nerve_threads(net));
    }
    CHECK_OK(nerve_set_threads(net, NERVE_MAX_THREADS));
    CHECK(nerve_threads(net) == NERVE_MAX_THREADS, "set to NERVE_MAX_THREADS, the network reports %d",
          nerve_threads(net));
    CHECK_OK(nerve_set_threads(net, 1));
    CHECK(nerve_threads(net) == 1, "set back to 1 thread, the network reports %d", nerve_threads(net));

    /* options.threads: 0 .. NERVE_MAX_THREADS; out of range refused before any work. */
    net_snapshot before, after;
    if (snapshot_take(net, &before) == 0) {
        const int32_t bad_option[] = {-1, NERVE_MAX_THREADS + 1, INT32_MIN, INT32_MAX};
        for (size_t i = 0; i < sizeof bad_option / sizeof bad_option[0]; i++) {
            nerve_train_options o;
            nerve_train_options_init(&o);
            o.epochs = 1;
            o.threads = bad_option[i];
            if (!CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), INVALID))
                fprintf(stderr, "     (options.threads = %d)\n", (int)bad_option[i]);
        }
        if (snapshot_take(net, &after) == 0) {
            CHECK(snapshot_equal(&before, &after), "a training refused for its thread count changed the weights");
            snapshot_free(&after);
        }
        snapshot_free(&before);
    }
    nerve_train_options o;
    nerve_train_options_init(&o);
    CHECK(o.threads == 0, "nerve_train_options_init sets threads to %d, expected 0", (int)o.threads);
    CHECK(o.struct_size == sizeof(nerve_train_options), "nerve_train_options_init sets struct_size %u, expected %zu",
          o.struct_size, sizeof(nerve_train_options));
    /* The option is for the call: the network's own count stays. */
    o.epochs = 1;
    o.threads = 3;
    CHECK_OK(nerve_train(net, x, y, N, NULL, NULL, 0, &o));
    CHECK(nerve_threads(net) == 1, "training with options.threads = 3 left the network's count at %d",
          nerve_threads(net));

    /* The most threads allowed work, on a network far too small to use them all. */
    const int32_t tiny_sizes[] = {3, 2}, tiny_acts[] = {NERVE_ACT_SIGMOID};
    nerve_net *tiny = NULL;
    if (CHECK_OK(nerve_create(&tiny, tiny_sizes, 2, tiny_acts, NERVE_COST_QUADRATIC, 3))) {
        const float tx[6] = {0.1f, 0.2f, 0.3f, -1, 0, 1}, ty[4] = {0, 1, 1, 0};
        float alone[4], many[4];
        CHECK_OK(nerve_predict(tiny, tx, 2, alone, 4));
        CHECK_OK(nerve_set_threads(tiny, NERVE_MAX_THREADS));
        if (CHECK_OK(nerve_predict(tiny, tx, 2, many, 4)))
            CHECK(floats_equal_bits(alone, many, 4), "NERVE_MAX_THREADS threads predicted otherwise than 1");
        nerve_train_options_init(&o);
        o.epochs = 2;
        o.threads = NERVE_MAX_THREADS;
        CHECK_OK(nerve_train(tiny, tx, ty, 2, NULL, NULL, 0, &o));
        nerve_free(tiny);
    }

    /* A network made by nerve_load starts with 1 thread like any other. */
    CHECK_OK(nerve_set_threads(net, 3));
    size_t size = 0, written = 0;
    if (CHECK_OK(nerve_serialized_size(net, &size))) {
        unsigned char *buffer = malloc(size);
        nerve_net *copy = NULL;
        if (CHECK_OK(nerve_save_to_memory(net, buffer, size, &written)) &&
            CHECK_OK(nerve_load_from_memory(buffer, written, &copy)))
            CHECK(nerve_threads(copy) == 1, "a loaded network starts with %d threads, expected 1",
                  nerve_threads(copy));
        nerve_free(copy);
        free(buffer);
    }
    nerve_free(net);
}

/* ---- threads the library runs -------------------------------------------------------------------------- */

static void threads_started(void)
{
    if (!CHECK(process_threads() > 0, "cannot read /proc/self/task"))
        return;
    nerve_net *net = make_net(9);
    if (!net)
        return;
    thread_watch *w = thread_watch_start();
    if (!CHECK(w != NULL, "could not start the thread watcher"))
        goto done;
    int baseline = process_threads();
    float *out = malloc(sizeof(float) * N * OUT);

    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 25;
    thread_watch_reset(w);
    CHECK_OK(nerve_train(net, x, y, N, x, y, N, &o));
    CHECK_OK(nerve_predict(net, x, N, out, N * OUT));
    CHECK_OK(nerve_evaluate(net, x, y, N, NULL, NULL));
    CHECK(thread_watch_max(w) == baseline,
          "with the default of 1 thread, %d threads ran during training, prediction and evaluation; %d before",
          thread_watch_max(w), baseline);

    for (int32_t t = 2; t <= 3; t++) {
        process_threads_settle(baseline);
        thread_watch_reset(w);
        o.threads = t;
        CHECK_OK(nerve_train(net, x, y, N, x, y, N, &o));
        CHECK_OK(nerve_set_threads(net, t));
        CHECK_OK(nerve_predict(net, x, N, out, N * OUT));
        CHECK_OK(nerve_evaluate(net, x, y, N, NULL, NULL));
        int during = thread_watch_max(w), after = process_threads_settle(baseline);
        CHECK(during <= baseline + t - 1, "with %d threads a call ran %d extra threads at once", (int)t,
              during - baseline);
        CHECK(after == baseline, "%d threads remain after calls with %d threads returned; %d before", after, (int)t,
              baseline);
        printf("   %d threads: up to %d extra threads seen\n", (int)t, during - baseline);
        CHECK_OK(nerve_set_threads(net, 1));
    }
    free(out);
done:
    thread_watch_stop(w);
    nerve_free(net);
}

/* ---- kernel -------------------------------------------------------------------------------------------- */

static void *kernel_in_thread(void *arg)
{
    *(const char **)arg = nerve_kernel();
    return NULL;
}

static void kernel(void)
{
    const char *k = nerve_kernel();
    if (!CHECK(k != NULL, "nerve_kernel returned NULL"))
        return;
    CHECK(strcmp(k, "avx2-fma") == 0 || strcmp(k, "generic") == 0, "nerve_kernel gave \"%s\"", k);
    CHECK(nerve_kernel() == k, "nerve_kernel returned another string the second time");
    const char *other = NULL;
    pthread_t thread;
    pthread_create(&thread, NULL, kernel_in_thread, &other);
    pthread_join(thread, NULL);
    CHECK(other && strcmp(other, k) == 0, "nerve_kernel in another thread gave \"%s\", here \"%s\"",
          other ? other : "(NULL)", k);
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    const char *expected = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? "avx2-fma" : "generic";
    CHECK(strcmp(k, expected) == 0, "this CPU %s AVX2 and FMA, but nerve_kernel gave \"%s\"",
          expected[0] == 'a' ? "has" : "lacks", k);
#endif
    printf("   kernel: %s\n", k);
}

/* ---- enumeration names --------------------------------------------------------------------------------- */

static const struct {
    int32_t enumeration;
    const char *label;
    int count;
    const char *names[8];
    int32_t values[8]; /* the header's constants, in the order of names */
} enums[] = {
    {NERVE_ENUM_ACTIVATION, "activation", 8,
     {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step", "exp"},
     {NERVE_ACT_SIGMOID, NERVE_ACT_TANH, NERVE_ACT_RELU, NERVE_ACT_LEAKY_RELU, NERVE_ACT_LINEAR, NERVE_ACT_SOFTMAX,
      NERVE_ACT_STEP, NERVE_ACT_EXP}},
    {NERVE_ENUM_COST, "cost", 4, {"quadratic", "cross_entropy", "log_likelihood", "poisson"},
     {NERVE_COST_QUADRATIC, NERVE_COST_CROSS_ENTROPY, NERVE_COST_LOG_LIKELIHOOD, NERVE_COST_POISSON}},
    {NERVE_ENUM_INIT, "init", 7,
     {"auto", "normalized", "large", "he", "glorot_uniform", "glorot_normal", "lecun_normal"},
     {NERVE_INIT_AUTO, NERVE_INIT_NORMALIZED, NERVE_INIT_LARGE, NERVE_INIT_HE, NERVE_INIT_GLOROT_UNIFORM,
      NERVE_INIT_GLOROT_NORMAL, NERVE_INIT_LECUN_NORMAL}},
    {NERVE_ENUM_OPTIMIZER, "optimizer", 3, {"sgd", "adam", "rprop"},
     {NERVE_OPTIMIZER_SGD, NERVE_OPTIMIZER_ADAM, NERVE_OPTIMIZER_RPROP}},
    {NERVE_ENUM_MONITOR, "monitor", 3, {"none", "running", "full"},
     {NERVE_MONITOR_NONE, NERVE_MONITOR_RUNNING, NERVE_MONITOR_FULL}},
    {NERVE_ENUM_LAYER, "layer", 4, {"dense", "conv2d", "max_pool2d", "mean_pool2d"},
     {NERVE_LAYER_DENSE, NERVE_LAYER_CONV2D, NERVE_LAYER_MAX_POOL2D, NERVE_LAYER_MEAN_POOL2D}},
    {NERVE_ENUM_PADDING, "padding", 2, {"valid", "same"}, {NERVE_PADDING_VALID, NERVE_PADDING_SAME}},
    {NERVE_ENUM_METRIC, "metric", 2, {"cost", "accuracy"}, {NERVE_METRIC_COST, NERVE_METRIC_ACCURACY}},
    {NERVE_ENUM_BIAS_INIT, "bias init", 3, {"zero", "normal", "constant"},
     {NERVE_BIAS_ZERO, NERVE_BIAS_NORMAL, NERVE_BIAS_CONSTANT}},
    {NERVE_ENUM_OPTIMIZER_STATE, "optimizer state", 3, {"fresh", "keep", "resume"},
     {NERVE_OPTIMIZER_STATE_FRESH, NERVE_OPTIMIZER_STATE_KEEP, NERVE_OPTIMIZER_STATE_RESUME}},
    {NERVE_ENUM_ACCURACY_RULE, "accuracy rule", 4, {"auto", "argmax", "per_label", "none"},
     {NERVE_ACCURACY_AUTO, NERVE_ACCURACY_ARGMAX, NERVE_ACCURACY_PER_LABEL, NERVE_ACCURACY_NONE}},
};
enum { ENUMS = sizeof enums / sizeof enums[0] };

static void enum_names(void)
{
    CHECK(NERVE_ENUM_ACTIVATION == 0 && NERVE_ENUM_COST == 1 && NERVE_ENUM_INIT == 2 && NERVE_ENUM_OPTIMIZER == 3 &&
              NERVE_ENUM_MONITOR == 4 && NERVE_ENUM_LAYER == 5 && NERVE_ENUM_PADDING == 6,
          "the NERVE_ENUM_* constants are not 0 .. 6");
    for (int e = 0; e < ENUMS; e++) {
        for (int i = 0; i < enums[e].count; i++) {
            const char *name = nerve_enum_name(enums[e].enumeration, enums[e].values[i]);
            CHECK(name && strcmp(name, enums[e].names[i]) == 0, "%s %d is named \"%s\", expected \"%s\"",
                  enums[e].label, (int)enums[e].values[i], name ? name : "(NULL)", enums[e].names[i]);
            CHECK(name == nerve_enum_name(enums[e].enumeration, enums[e].values[i]),
                  "%s %d: the name is not one static string", enums[e].label, (int)enums[e].values[i]);
            int32_t value = -99;
            CHECK_OK(nerve_enum_value(enums[e].enumeration, enums[e].names[i], &value));
            CHECK(value == enums[e].values[i], "%s \"%s\" has value %d, expected %d", enums[e].label,
                  enums[e].names[i], (int)value, (int)enums[e].values[i]);
        }
        /* The values run 0 .. count-1 without gaps, and stop there. */
        const int32_t beyond[] = {enums[e].count, enums[e].count + 1, -1, INT32_MIN, INT32_MAX};
        for (size_t i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
            const char *name = nerve_enum_name(enums[e].enumeration, beyond[i]);
            CHECK(name == NULL, "%s %d is named \"%s\", expected NULL", enums[e].label, (int)beyond[i], name);
        }
        /* Names are exact: no other case, prefixes, extensions, spaces or other enumerations' names. */
        const char *wrong[] = {"", "SIGMOID", "Sigmoid", "sig", "sigmoid ", " sigmoid", "sigmoidx", "leaky-relu",
                               "QUADRATIC", "Adam", "dense\n", "log likelihood", "conv2D", "conv", "max-pool2d",
                               "mean_pool", "VALID", "same "};
        for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
            int32_t value = -99;
            if (!CHECK_FAILS(nerve_enum_value(enums[e].enumeration, wrong[i], &value), INVALID))
                fprintf(stderr, "     (%s \"%s\")\n", enums[e].label, wrong[i]);
            CHECK(value == -99, "a refused nerve_enum_value wrote %d", (int)value);
        }
        for (int other = 0; other < ENUMS; other++) {
            if (other == e)
                continue;
            for (int i = 0; i < enums[other].count; i++) {
                int known = 0;
                for (int j = 0; j < enums[e].count; j++)
                    known |= strcmp(enums[e].names[j], enums[other].names[i]) == 0;
                int32_t value = -99;
                if (!known && !CHECK_FAILS(nerve_enum_value(enums[e].enumeration, enums[other].names[i], &value),
                                           INVALID))
                    fprintf(stderr, "     (%s \"%s\")\n", enums[e].label, enums[other].names[i]);
            }
        }
        int32_t value = -99;
        CHECK_FAILS(nerve_enum_value(enums[e].enumeration, NULL, &value), INVALID);
        CHECK_FAILS(nerve_enum_value(enums[e].enumeration, enums[e].names[0], NULL), INVALID);
        CHECK(value == -99, "a refused nerve_enum_value wrote %d", (int)value);
    }
    const int32_t unknown[] = {-1, ENUMS, ENUMS + 1, 100, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *name = nerve_enum_name(unknown[i], 0);
        CHECK(name == NULL, "enumeration %d value 0 is named \"%s\", expected NULL", (int)unknown[i], name);
        int32_t value = -99;
        if (!CHECK_FAILS(nerve_enum_value(unknown[i], "sigmoid", &value), INVALID))
            fprintf(stderr, "     (enumeration %d)\n", (int)unknown[i]);
        CHECK(value == -99, "a refused nerve_enum_value wrote %d", (int)value);
    }
}

/* ---- struct_size --------------------------------------------------------------------------------------- */

/* The 0.1 struct ended at user_data. The 0.2 and 0.3 struct ended at threads: its fields take V03_FIELDS bytes,
 * and sizeof (its struct_size) counts the tail padding up to the struct's 8-byte alignment. */
static const size_t V01_SIZE = offsetof(nerve_train_options, user_data) + sizeof(void *);
static const size_t V03_FIELDS = offsetof(nerve_train_options, threads) + sizeof(int32_t);
#define V03_SIZE ((V03_FIELDS + 7) / 8 * 8)

/* What a library reading beyond a short struct's fields would find: values that each change the outcome. */
static int32_t zero_gradient(float *gradient, int64_t count, const nerve_step *step, void *hook_data)
{
    (void)step, (void)hook_data;
    memset(gradient, 0, sizeof(float) * (size_t)count);
    return 0;
}

static int32_t refuse_report(nerve_epoch_report *report, void *hook_data)
{
    (void)report, (void)hook_data;
    return 1;
}

static void garbage_beyond(nerve_train_options *o, size_t fields)
{
    if (fields <= offsetof(nerve_train_options, threads))
        o->threads = -7; /* refused if read */
    o->gradient_hook = zero_gradient;
    o->report_hook = refuse_report;
    o->regularization_n = -3; /* refused if read */
    /* The bytes after the last field the layout has (0.2/0.3's tail padding is steps_per_epoch's place now):
     * 1 would train one step per epoch. */
    o->steps_per_epoch = 1;
    if (fields < offsetof(nerve_train_options, steps_per_epoch))
        memset((unsigned char *)o + fields, 0x5A, offsetof(nerve_train_options, steps_per_epoch) - fields);
}

static void options_size(void)
{
    nerve_net *old = make_net(11), *current = make_net(11), *other = make_net(11);
    if (!old || !current || !other)
        goto done;
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 20;
    o.momentum = 0.3f;
    o.dropout = 0.1f;
    CHECK_OK(nerve_train(current, x, y, N, NULL, NULL, 0, &o));
    /* A 0.1 caller's struct: what lies beyond struct_size is not the caller's, here values that would be
     * refused or would change the training. */
    nerve_train_options v01 = o;
    v01.struct_size = (uint32_t)V01_SIZE;
    garbage_beyond(&v01, V01_SIZE);
    CHECK_OK(nerve_set_threads(old, 2)); /* the default of `threads`, 0, means the network's count */
    if (CHECK_OK(nerve_train(old, x, y, N, NULL, NULL, 0, &v01)))
        CHECK(weights_equal(old, current), "training with the 0.1 struct_size (%zu) gave other weights than with "
                                            "the current layout and default threads", V01_SIZE);
    /* A 0.2/0.3 caller's struct: struct_size is its sizeof, whose last 4 bytes are padding that may hold
     * anything; neither they nor what follows is read. */
    nerve_train_options v03 = o;
    v03.struct_size = (uint32_t)V03_SIZE;
    v03.threads = 2;
    garbage_beyond(&v03, V03_FIELDS);
    nerve_free(old);
    old = make_net(11);
    if (old && CHECK_OK(nerve_train(old, x, y, N, NULL, NULL, 0, &v03)))
        CHECK(weights_equal(old, current), "training with the 0.2/0.3 struct_size (%zu, fields up to %zu) gave "
                                            "other weights than with the current layout and the defaults of the "
                                            "later fields", (size_t)V03_SIZE, V03_FIELDS);

    const uint32_t refused[] = {0, 1, 4, (uint32_t)V01_SIZE - 1, (uint32_t)V01_SIZE + 1,
                                (uint32_t)V01_SIZE + 4, (uint32_t)V03_FIELDS, (uint32_t)V03_SIZE - 1,
                                (uint32_t)V03_SIZE + 1, (uint32_t)V03_SIZE + 4, (uint32_t)V03_SIZE + 8,
                                (uint32_t)sizeof(nerve_train_options) - 1,
                                (uint32_t)sizeof(nerve_train_options) + 1, (uint32_t)sizeof(nerve_train_options) + 8,
                                UINT32_MAX};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (refused[i] == sizeof(nerve_train_options) || refused[i] == V01_SIZE || refused[i] == V03_SIZE)
            continue;
        struct {
            nerve_train_options known;
            unsigned char after[64];
        } padded;
        memset(&padded, 0, sizeof padded);
        padded.known = o;
        padded.known.struct_size = refused[i];
        if (!CHECK_FAILS(nerve_train(other, x, y, N, NULL, NULL, 0, &padded.known), INVALID))
            fprintf(stderr, "     (struct_size %u; 0.1's is %zu, 0.3's %zu, this version's %zu)\n", refused[i],
                    V01_SIZE, (size_t)V03_SIZE, sizeof(nerve_train_options));
    }
done:
    nerve_free(old);
    nerve_free(current);
    nerve_free(other);
}

/* ---- busy cores ---------------------------------------------------------------------------------------- */

static atomic_int spinning;

static void *spin(void *arg)
{
    volatile unsigned long *sink = arg;
    while (atomic_load_explicit(&spinning, memory_order_relaxed))
        ++*sink;
    return NULL;
}

static void busy_cores(void)
{
    enum { B_IN = 256, B_HIDDEN = 128, B_N = 1000 };
    const int32_t sizes[] = {B_IN, B_HIDDEN, OUT}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *quiet = NULL, *busy = NULL;
    float *bx = malloc(sizeof(float) * B_N * B_IN), *by = malloc(sizeof(float) * B_N * OUT);
    float *p_quiet = malloc(sizeof(float) * B_N * OUT), *p_busy = malloc(sizeof(float) * B_N * OUT);
    fill_uniform(bx, (size_t)B_N * B_IN, 61, -1, 1);
    fill_one_hot(by, B_N, OUT, 62);
    if (!CHECK_OK(nerve_create(&quiet, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 13)) ||
        !CHECK_OK(nerve_create(&busy, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, 13)))
        goto done;
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 32;
    o.threads = 2;
    CHECK_OK(nerve_train(quiet, bx, by, B_N, NULL, NULL, 0, &o));
    CHECK_OK(nerve_predict(quiet, bx, B_N, p_quiet, B_N * OUT));

    /* As many spinning threads as this machine has cores (at least 2). */
    long cores = 2;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 2)
        cores = CPU_COUNT(&set);
    if (cores > 16)
        cores = 16;
    pthread_t spinners[16];
    unsigned long sinks[16] = {0};
    atomic_store(&spinning, 1);
    for (long i = 0; i < cores; i++)
        pthread_create(&spinners[i], NULL, spin, &sinks[i]);
    double t0 = now_seconds();
    nerve_status trained = nerve_train(busy, bx, by, B_N, NULL, NULL, 0, &o);
    double train_seconds = now_seconds() - t0;
    CHECK_OK(nerve_set_threads(busy, 2));
    t0 = now_seconds();
    nerve_status predicted = nerve_predict(busy, bx, B_N, p_busy, B_N * OUT);
    CHECK_OK(nerve_set_threads(busy, 8));
    float *p_eight = malloc(sizeof(float) * B_N * OUT);
    nerve_status eight = nerve_predict(busy, bx, B_N, p_eight, B_N * OUT);
    double predict_seconds = now_seconds() - t0;
    atomic_store(&spinning, 0);
    for (long i = 0; i < cores; i++)
        pthread_join(spinners[i], NULL);

    CHECK_OK(trained);
    CHECK_OK(predicted);
    CHECK_OK(eight);
    if (trained == NERVE_OK) {
        CHECK(weights_equal(quiet, busy), "training with 2 threads beside %ld spinning threads gave other weights",
              cores);
        if (predicted == NERVE_OK)
            CHECK(floats_equal_bits(p_quiet, p_busy, (size_t)B_N * OUT),
                  "predictions with 2 threads beside spinning threads differ");
        if (eight == NERVE_OK)
            CHECK(floats_equal_bits(p_quiet, p_eight, (size_t)B_N * OUT),
                  "predictions with 8 threads beside spinning threads differ");
    }
    printf("   beside %ld spinning threads: training %.2f s, predictions %.2f s\n", cores, train_seconds,
           predict_seconds);
    free(p_eight);
done:
    nerve_free(quiet);
    nerve_free(busy);
    free(bx), free(by), free(p_quiet), free(p_busy);
}

void test_execution(void)
{
    x = malloc(sizeof(float) * N * IN);
    y = malloc(sizeof(float) * N * OUT);
    fill_uniform(x, (size_t)N * IN, 51, -1, 1);
    fill_one_hot(y, N, OUT, 52);
    openblas_untouched();
    thread_counts();
    threads_started();
    kernel();
    enum_names();
    options_size();
    busy_cores();
    free(x);
    free(y);
    x = y = NULL;
}
