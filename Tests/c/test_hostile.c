/* Hostile input: every entry point with NULL pointers, zero, negative, huge and overflowing sizes, unknown
 * enum values, NaN and infinities in data and options, too-small buffers, bad paths and corrupt model bytes.
 * Each call must fail with the documented status and a message, change nothing the caller can see, and the
 * process must live. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

#define INVALID NERVE_E_INVALID
#define SIZE NERVE_E_SIZE
#define CAPACITY NERVE_E_CAPACITY
#define IO NERVE_E_IO
#define FORMAT NERVE_E_FORMAT
#define UNSUPPORTED NERVE_E_UNSUPPORTED

enum { IN = 4, HIDDEN = 3, OUT = 2, N = 10 };

static const int64_t TWO_62 = (int64_t)1 << 62;

/* A small valid network and valid data, and a network with 784 inputs for multiplication overflows. */
static nerve_net *net, *wide;
static float x[N * IN], y[N * OUT];
static float wide_x[784];


static void status_strings(void)
{
    const nerve_status known[] = {NERVE_OK, NERVE_STOPPED, NERVE_E_INVALID, NERVE_E_SIZE, NERVE_E_UNSUPPORTED,
                                  NERVE_E_NOMEM, NERVE_E_IO, NERVE_E_FORMAT, NERVE_E_BUSY, NERVE_E_DIVERGED,
                                  NERVE_E_CAPACITY, NERVE_E_ABORTED};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *s = nerve_status_string(known[i]);
        CHECK(s && s[0] && strcmp(s, "unknown status") != 0, "status %d has no name", (int)known[i]);
    }
    const nerve_status unknown[] = {2, -11, 100, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *s = nerve_status_string(unknown[i]);
        CHECK(s && strcmp(s, "unknown status") == 0, "status %d named \"%s\", expected \"unknown status\"",
              (int)unknown[i], s ? s : "(NULL)");
    }
    CHECK(nerve_last_error() != NULL, "nerve_last_error returned NULL");
    CHECK(nerve_version() != NULL, "nerve_version returned NULL");
}

/* nerve_create must refuse and leave *out alone. */
static void create_fails(const int32_t *sizes, int32_t n_sizes, const int32_t *acts, int32_t cost,
                         nerve_status expected, const char *what)
{
    nerve_net *marker = (nerve_net *)&marker, *out = marker;
    if (!CHECK_FAILS(nerve_create(&out, sizes, n_sizes, acts, cost, 1), expected))
        fprintf(stderr, "     (create: %s)\n", what);
    CHECK(out == marker, "create (%s) wrote *out on failure", what);
    if (out != marker)
        nerve_free(out);
}

static void create(void)
{
    const int32_t sizes[] = {IN, HIDDEN, OUT}, acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};

    CHECK_FAILS(nerve_create(NULL, sizes, 3, acts, NERVE_COST_QUADRATIC, 1), INVALID);
    create_fails(NULL, 3, acts, NERVE_COST_QUADRATIC, INVALID, "sizes NULL");
    create_fails(sizes, 3, NULL, NERVE_COST_QUADRATIC, INVALID, "activations NULL");
    create_fails(NULL, 0, NULL, NERVE_COST_QUADRATIC, INVALID, "everything NULL");

    const int32_t bad_counts[] = {0, 1, -1, -3, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_counts / sizeof bad_counts[0]; i++)
        create_fails(sizes, bad_counts[i], acts, NERVE_COST_QUADRATIC, SIZE, "n_sizes out of range");

    const int32_t bad_sizes[][3] = {
        {0, 3, 2},       {4, 0, 2},        {4, 3, 0},         {-1, 3, 2},         {4, -3, 2},
        {4, 3, INT32_MIN}, {16777217, 3, 2}, {4, 16777217, 2}, {INT32_MAX, 3, 2}, {4, 3, INT32_MAX},
        /* more than 2^31 parameters, and products that wrap in 32 bits (2^32 → 0, 2^31 → negative) */
        {46341, 46341, 1}, {65536, 65536, 1}, {65536, 32768, 1}, {16777216, 16777216, 1},
        {1, 16777216, 16777216},
    };
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "sizes %d %d %d", bad_sizes[i][0], bad_sizes[i][1], bad_sizes[i][2]);
        create_fails(bad_sizes[i], 3, acts, NERVE_COST_QUADRATIC, SIZE, what);
    }
    /* The total overflows 64 bits only when summed over layers: 4 layers of 2^48 weights. */
    const int32_t huge4[] = {16777216, 16777216, 16777216, 16777216, 16777216};
    const int32_t acts_huge[] = {0, 0, 0, 0};
    create_fails(huge4, 5, acts_huge, NERVE_COST_QUADRATIC, SIZE, "2^50 parameters");

    const int32_t bad_acts[] = {-1, 8, 9, 100, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_acts / sizeof bad_acts[0]; i++) {
        const int32_t first[] = {bad_acts[i], NERVE_ACT_SIGMOID}, last[] = {NERVE_ACT_SIGMOID, bad_acts[i]};
        create_fails(sizes, 3, first, NERVE_COST_QUADRATIC, INVALID, "unknown hidden activation");
        create_fails(sizes, 3, last, NERVE_COST_QUADRATIC, INVALID, "unknown output activation");
    }
    const int32_t bad_costs[] = {-1, 4, 5, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad_costs / sizeof bad_costs[0]; i++)
        create_fails(sizes, 3, acts, bad_costs[i], INVALID, "unknown cost");
}

static void free_and_init(void)
{
    nerve_free(NULL);
    nerve_train_options_init(NULL);
    CHECK(1, "nerve_free(NULL) and nerve_train_options_init(NULL) returned");
    CHECK(nerve_input_size(NULL) == 0 && nerve_output_size(NULL) == 0 && nerve_layer_count(NULL) == 0,
          "size getters on NULL must give 0");
    CHECK(nerve_cost(NULL) == -1, "nerve_cost(NULL) gave %d, expected -1", nerve_cost(NULL));
}

/* nerve.h leaves a freed handle undefined; this library keeps a registry of live networks and refuses
 * pointers that are not in it, which is worth keeping: the commonest misuse becomes an error, not a crash. */
static void freed_handle(void)
{
    const int32_t sizes[] = {IN, OUT}, acts[] = {NERVE_ACT_SIGMOID};
    nerve_net *gone = NULL;
    if (!CHECK_OK(nerve_create(&gone, sizes, 2, acts, NERVE_COST_QUADRATIC, 1)))
        return;
    nerve_free(gone);
    float out[N * OUT];
    CHECK_FAILS(nerve_predict(gone, x, N, out, N * OUT), INVALID);
    CHECK_FAILS(nerve_train(gone, x, y, N, NULL, NULL, 0, NULL), INVALID);
    CHECK_FAILS(nerve_save(gone, scratch_path("never.nerve")), INVALID);
    CHECK_FAILS(nerve_set_threads(gone, 2), INVALID);
    nerve_free(gone); /* a second free is ignored */
    CHECK(nerve_input_size(gone) == 0, "nerve_input_size of a freed network is not 0");
    /* A pointer that never was a network. */
    int not_a_net = 0;
    CHECK_FAILS(nerve_predict((const nerve_net *)(void *)&not_a_net, x, N, out, N * OUT), INVALID);

    /* Handles are never given out again: networks created after the free (an allocator would soon hand back
     * the freed address) are new handles, and the stale one still names none of them. */
    for (int i = 0; i < 16; i++) {
        nerve_net *next = NULL;
        if (!CHECK_OK(nerve_create(&next, sizes, 2, acts, NERVE_COST_QUADRATIC, 2)))
            break;
        CHECK(next != gone, "create %d after a free returned the freed handle", i + 1);
        CHECK_FAILS(nerve_predict(gone, x, N, out, N * OUT), INVALID);
        nerve_free(gone); /* must not free `next` */
        CHECK_OK(nerve_predict(next, x, N, out, N * OUT));
        nerve_free(next);
    }
}

static void reinit(void)
{
    CHECK_FAILS(nerve_reinit(NULL, NERVE_INIT_AUTO, 1), INVALID);
    const int32_t bad[] = {-1, NERVE_INIT_LECUN_NORMAL + 1, NERVE_INIT_LECUN_NORMAL + 2, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_FAILS(nerve_reinit(net, bad[i], 1), INVALID);
}

static void layer_info(void)
{
    int32_t a = -7, b = -7, c = -7;
    CHECK_FAILS(nerve_layer_info(NULL, 0, &a, &b, &c), INVALID);
    const int32_t bad[] = {-1, 2, 3, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_FAILS(nerve_layer_info(net, bad[i], &a, &b, &c), INVALID, SIZE);
    CHECK(a == -7 && b == -7 && c == -7, "failed nerve_layer_info wrote its out-parameters");
}

static void get_layer(void)
{
    float w[IN * HIDDEN + 8], b[HIDDEN + 8];
    fill_sentinel(w, IN * HIDDEN + 8);
    fill_sentinel(b, HIDDEN + 8);
    CHECK_FAILS(nerve_get_layer(NULL, 0, w, IN * HIDDEN, b, HIDDEN), INVALID);
    CHECK_FAILS(nerve_get_layer(net, -1, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_get_layer(net, 2, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_get_layer(net, INT32_MIN, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_get_layer(net, 0, w, IN * HIDDEN - 1, b, HIDDEN), CAPACITY);
    message_names(IN * HIDDEN, "get_layer weights");
    CHECK_FAILS(nerve_get_layer(net, 0, w, IN * HIDDEN, b, HIDDEN - 1), CAPACITY);
    message_names(HIDDEN, "get_layer biases");
    CHECK_FAILS(nerve_get_layer(net, 0, w, 0, NULL, 0), CAPACITY);
    CHECK_FAILS(nerve_get_layer(net, 0, w, -1, NULL, 0), CAPACITY, SIZE);
    CHECK_FAILS(nerve_get_layer(net, 0, w, INT64_MIN, b, HIDDEN), CAPACITY, SIZE);
    CHECK_FAILS(nerve_get_layer(net, 0, NULL, 0, b, -5), CAPACITY, SIZE);
    CHECK(untouched(w, IN * HIDDEN + 8) && untouched(b, HIDDEN + 8), "failed nerve_get_layer wrote its buffers");
}

static void set_layer(void)
{
    net_snapshot before, after;
    if (snapshot_take(net, &before) != 0) {
        CHECK(0, "snapshot before set_layer cases");
        return;
    }
    float w[IN * HIDDEN], b[HIDDEN];
    fill_uniform(w, IN * HIDDEN, 3, -1, 1);
    fill_uniform(b, HIDDEN, 4, -1, 1);
    CHECK_FAILS(nerve_set_layer(NULL, 0, w, IN * HIDDEN, b, HIDDEN), INVALID);
    CHECK_FAILS(nerve_set_layer(net, -1, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_set_layer(net, 2, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_set_layer(net, INT32_MAX, w, IN * HIDDEN, b, HIDDEN), INVALID, SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN - 1, b, HIDDEN), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, 0, b, HIDDEN), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, -1, b, HIDDEN), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, INT64_MIN, b, HIDDEN), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN, b, HIDDEN - 1), SIZE);
    CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN, b, -1), SIZE);

    /* Non-finite values anywhere, including the very last one; valid weights with bad biases must not
     * half-apply. */
    const float bad_values[] = {NAN, INFINITY, -INFINITY};
    for (int v = 0; v < 3; v++) {
        for (int at = 0; at < IN * HIDDEN; at += IN * HIDDEN - 1) {
            float saved = w[at];
            w[at] = bad_values[v];
            CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN, b, HIDDEN), INVALID);
            CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN, NULL, 0), INVALID);
            w[at] = saved;
        }
        float saved = b[HIDDEN - 1];
        b[HIDDEN - 1] = bad_values[v];
        CHECK_FAILS(nerve_set_layer(net, 0, w, IN * HIDDEN, b, HIDDEN), INVALID);
        CHECK_FAILS(nerve_set_layer(net, 0, NULL, 0, b, HIDDEN), INVALID);
        b[HIDDEN - 1] = saved;
    }
    if (snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&before, &after), "a failed nerve_set_layer changed the network");
        snapshot_free(&after);
    }
    snapshot_free(&before);
}

/* One training option set to a bad value must be refused before any epoch. */
#define OPTION_FAILS(field, value, ...)                                                          \
    do {                                                                                         \
        nerve_train_options o;                                                                   \
        nerve_train_options_init(&o);                                                            \
        o.epochs = 1;                                                                            \
        o.field = (value);                                                                       \
        if (!CHECK_FAILS(nerve_train(net, x, y, N, x, y, N, &o), __VA_ARGS__))                   \
            fprintf(stderr, "     (option %s = %s)\n", #field, #value);                          \
    } while (0)

#define ADAM_OPTION_FAILS(field, value)                                                          \
    do {                                                                                         \
        nerve_train_options o;                                                                   \
        nerve_train_options_init(&o);                                                            \
        o.epochs = 1;                                                                            \
        o.optimizer = NERVE_OPTIMIZER_ADAM;                                                      \
        o.field = (value);                                                                       \
        if (!CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), INVALID))                 \
            fprintf(stderr, "     (Adam option %s = %s)\n", #field, #value);                     \
    } while (0)

static int stray_calls;

static int32_t count_calls(const nerve_epoch_report *report, void *user_data)
{
    (void)report;
    ++*(user_data ? (int *)user_data : &stray_calls);
    return 0;
}

static void train_options(void)
{
    OPTION_FAILS(epochs, 0, INVALID, SIZE);
    OPTION_FAILS(epochs, -1, INVALID, SIZE);
    OPTION_FAILS(epochs, INT32_MIN, INVALID, SIZE);
    OPTION_FAILS(batch_size, 0, INVALID, SIZE);
    OPTION_FAILS(batch_size, -10, INVALID, SIZE);
    OPTION_FAILS(learning_rate, 0.0f, INVALID);
    OPTION_FAILS(learning_rate, -0.1f, INVALID);
    OPTION_FAILS(learning_rate, NAN, INVALID);
    OPTION_FAILS(learning_rate, INFINITY, INVALID);
    OPTION_FAILS(learning_rate, -INFINITY, INVALID);
    OPTION_FAILS(momentum, -0.1f, INVALID);
    OPTION_FAILS(momentum, 1.0f, INVALID);
    OPTION_FAILS(momentum, NAN, INVALID);
    OPTION_FAILS(momentum, INFINITY, INVALID);
    OPTION_FAILS(l2, -1.0f, INVALID);
    OPTION_FAILS(l2, NAN, INVALID);
    OPTION_FAILS(l2, INFINITY, INVALID);
    OPTION_FAILS(l1, -1.0f, INVALID);
    OPTION_FAILS(l1, NAN, INVALID);
    OPTION_FAILS(l1, INFINITY, INVALID);
    OPTION_FAILS(dropout, -0.1f, INVALID);
    OPTION_FAILS(dropout, 1.0f, INVALID);
    OPTION_FAILS(dropout, NAN, INVALID);
    OPTION_FAILS(dropout, INFINITY, INVALID);
    OPTION_FAILS(optimizer, -1, INVALID);
    OPTION_FAILS(optimizer, 3, INVALID); /* one past NERVE_OPTIMIZER_RPROP */
    OPTION_FAILS(optimizer, INT32_MAX, INVALID);
    ADAM_OPTION_FAILS(adam_beta1, NAN);
    ADAM_OPTION_FAILS(adam_beta1, INFINITY);
    ADAM_OPTION_FAILS(adam_beta2, NAN);
    ADAM_OPTION_FAILS(adam_beta2, -INFINITY);
    ADAM_OPTION_FAILS(adam_epsilon, NAN);
    ADAM_OPTION_FAILS(adam_epsilon, INFINITY);
    OPTION_FAILS(early_stopping, -1, INVALID);
    OPTION_FAILS(lr_decay, NAN, INVALID);
    OPTION_FAILS(lr_decay, INFINITY, INVALID);
    OPTION_FAILS(lr_decay, -2.0f, INVALID);
    OPTION_FAILS(lr_decay, 0.5f, INVALID);
    OPTION_FAILS(lr_decay, 1.0f, INVALID);
    OPTION_FAILS(lr_min, NAN, INVALID);
    OPTION_FAILS(lr_min, INFINITY, INVALID);
    OPTION_FAILS(monitor_training, -1, INVALID);
    OPTION_FAILS(monitor_training, 3, INVALID);

    nerve_train_options o;
    nerve_train_options_init(&o);
    o.lr_decay = 2.0f;
    o.lr_patience = -1;
    CHECK_FAILS(nerve_train(net, x, y, N, x, y, N, &o), INVALID);

    /* Early stopping and the schedule need evaluation data. */
    nerve_train_options_init(&o);
    o.early_stopping = 3;
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), INVALID);
    nerve_train_options_init(&o);
    o.lr_decay = 2.0f;
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &o), INVALID);
}

/* struct_size tells the library which fields the caller knows. This version accepts its own layout, 0.2's and
 * 0.3's (which ends at threads; its struct_size, the struct's sizeof then, counts 4 bytes of tail padding) and
 * 0.1's (which ends at user_data), and refuses every other size with NERVE_E_INVALID; it must not read beyond
 * the size it was given, nor take the padding of the 0.2/0.3 layout for a field. */
static const size_t V01_OPTIONS_SIZE = offsetof(nerve_train_options, user_data) + sizeof(void *);
static const size_t V03_OPTIONS_FIELDS = offsetof(nerve_train_options, threads) + sizeof(int32_t);
#define V03_OPTIONS_SIZE ((V03_OPTIONS_FIELDS + 7) / 8 * 8)

/* An older caller's struct really is shorter: the bytes after struct_size may not be readable at all. Puts a
 * struct of `known` bytes right before an inaccessible page and trains with it in a child (a read there kills
 * the process), which must end with `expected`. Bytes of the struct after the layout's last field (the 0.2/0.3
 * tail padding) hold 0xFF: -1 if taken for steps_per_epoch, which would be refused. */
static void short_struct_at_page_end(size_t known, nerve_status expected)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (CHECK(pages != MAP_FAILED, "mmap for the short options struct") &&
        CHECK(mprotect(pages + page, page, PROT_NONE) == 0, "mprotect of the guard page")) {
        nerve_train_options full;
        nerve_train_options_init(&full);
        full.struct_size = (uint32_t)known;
        full.epochs = 1;
        unsigned char *at = pages + page - known;
        memcpy(at, &full, known);
        if (known == V03_OPTIONS_SIZE && V03_OPTIONS_FIELDS < known)
            memset(at + V03_OPTIONS_FIELDS, 0xFF, known - V03_OPTIONS_FIELDS);
        fflush(NULL);
        pid_t child = fork();
        if (child == 0) {
            nerve_status s = nerve_train(net, x, y, N, NULL, NULL, 0, (const nerve_train_options *)(void *)at);
            _exit(s == expected && (s == NERVE_OK || nerve_last_error()[0]) ? 0 : 1);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (expected != NERVE_OK)
            check_note_error_case();
        /* A read past struct_size shows as a signal, or as exit status 1 when a sanitizer catches it. */
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "nerve_train given struct_size %zu with unreadable memory after it: the child %s %d (expected status "
              "%d without reading beyond struct_size)",
              known, WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), (int)expected);
    }
    if (pages != MAP_FAILED)
        munmap(pages, 2 * page);
}

static void train_options_size(void)
{
    const uint32_t sizes[] = {0, 1, sizeof(uint32_t), offsetof(nerve_train_options, progress),
                              (uint32_t)V01_OPTIONS_SIZE - 1, (uint32_t)V01_OPTIONS_SIZE + 1,
                              (uint32_t)V03_OPTIONS_FIELDS, (uint32_t)V03_OPTIONS_SIZE - 1,
                              (uint32_t)V03_OPTIONS_SIZE + 1, (uint32_t)V03_OPTIONS_SIZE + 8,
                              sizeof(nerve_train_options) - 1, sizeof(nerve_train_options) + 8, UINT32_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (sizes[i] == V01_OPTIONS_SIZE || sizes[i] == V03_OPTIONS_SIZE || sizes[i] == sizeof(nerve_train_options))
            continue; /* the accepted layouts, on a platform where another size coincides with one */
        /* Room behind the struct, so that a library trusting a larger struct_size reads only our zeros. */
        struct {
            nerve_train_options known;
            unsigned char after[64];
        } padded;
        memset(&padded, 0, sizeof padded);
        nerve_train_options_init(&padded.known);
        int calls = 0;
        padded.known.struct_size = sizes[i];
        padded.known.epochs = 1;
        padded.known.progress = count_calls;
        padded.known.user_data = &calls;
        if (!CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, &padded.known), INVALID))
            fprintf(stderr, "     (struct_size %u)\n", sizes[i]);
        CHECK(calls == 0 && stray_calls == 0, "struct_size %u: refused training called the callback", sizes[i]);
    }
    /* Too short for any version: refused without a look beyond. 0.1's layout: accepted without a look at
     * `threads` and what follows. 0.2's and 0.3's: accepted without a look past its own size, its padding
     * not taken for steps_per_epoch. */
    short_struct_at_page_end(offsetof(nerve_train_options, progress), NERVE_E_INVALID);
    short_struct_at_page_end(V01_OPTIONS_SIZE, NERVE_OK);
    short_struct_at_page_end(V03_OPTIONS_SIZE, NERVE_OK);
    short_struct_at_page_end(V03_OPTIONS_FIELDS, NERVE_E_INVALID);
}

static void train(void)
{
    net_snapshot before, after;
    if (snapshot_take(net, &before) != 0) {
        CHECK(0, "snapshot before train cases");
        return;
    }
    CHECK_FAILS(nerve_train(NULL, x, y, N, NULL, NULL, 0, NULL), INVALID);
    CHECK_FAILS(nerve_train(net, NULL, y, N, NULL, NULL, 0, NULL), INVALID);
    CHECK_FAILS(nerve_train(net, x, NULL, N, NULL, NULL, 0, NULL), INVALID);
    CHECK_FAILS(nerve_train(net, NULL, NULL, 0, NULL, NULL, 0, NULL), INVALID, SIZE);

    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62, INT64_MAX, INT64_MAX / 2 + 1};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++) {
        CHECK_FAILS(nerve_train(net, x, y, bad_n[i], NULL, NULL, 0, NULL), SIZE);
        CHECK_FAILS(nerve_train(net, x, y, N, x, y, bad_n[i] == 0 ? -5 : bad_n[i], NULL), SIZE);
    }
    /* n × 784 overflows 64 bits; n × 784 × 4 bytes overflows while n × 784 does not. */
    float wide_y[2] = {0, 1};
    CHECK_FAILS(nerve_train(wide, wide_x, wide_y, TWO_62, NULL, NULL, 0, NULL), SIZE);
    CHECK_FAILS(nerve_train(wide, wide_x, wide_y, INT64_MAX / 784, NULL, NULL, 0, NULL), SIZE);
    CHECK_FAILS(nerve_train(wide, wide_x, wide_y, INT64_MAX / 784 / 4 + 1, NULL, NULL, 0, NULL), SIZE);

    /* Half of the evaluation pair, or a count without data. */
    CHECK_FAILS(nerve_train(net, x, y, N, x, NULL, N, NULL), INVALID);
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, y, N, NULL), INVALID);
    CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, N, NULL), INVALID, SIZE);

    /* Non-finite values in each array, first and last element. */
    float *arrays[] = {x, y};
    const size_t lengths[] = {N * IN, N * OUT};
    const float bad_values[] = {NAN, INFINITY, -INFINITY};
    for (int a = 0; a < 2; a++)
        for (int v = 0; v < 3; v++)
            for (size_t at = 0; at < lengths[a]; at += lengths[a] - 1) {
                float saved = arrays[a][at];
                arrays[a][at] = bad_values[v];
                CHECK_FAILS(nerve_train(net, x, y, N, NULL, NULL, 0, NULL), INVALID);
                arrays[a][at] = saved;
            }
    /* Non-finite evaluation data (training data fine). */
    float ex[N * IN], ey[N * OUT];
    memcpy(ex, x, sizeof ex);
    memcpy(ey, y, sizeof ey);
    ex[N * IN - 1] = NAN;
    CHECK_FAILS(nerve_train(net, x, y, N, ex, ey, N, NULL), INVALID);
    ex[N * IN - 1] = 0;
    ey[0] = INFINITY;
    CHECK_FAILS(nerve_train(net, x, y, N, ex, ey, N, NULL), INVALID);

    train_options();
    train_options_size();

    /* Every call above was refused: the weights are those from before. */
    if (snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&before, &after), "a refused nerve_train changed the weights");
        snapshot_free(&after);
    }
    snapshot_free(&before);
}

static void predict(void)
{
    float out[N * OUT + 4];
    fill_sentinel(out, N * OUT + 4);
    CHECK_FAILS(nerve_predict(NULL, x, N, out, N * OUT), INVALID);
    CHECK_FAILS(nerve_predict(net, NULL, N, out, N * OUT), INVALID);
    CHECK_FAILS(nerve_predict(net, x, N, NULL, N * OUT), INVALID);
    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62, INT64_MAX};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++)
        CHECK_FAILS(nerve_predict(net, x, bad_n[i], out, INT64_MAX), SIZE);
    float wide_out[2];
    CHECK_FAILS(nerve_predict(wide, wide_x, TWO_62, wide_out, INT64_MAX), SIZE);
    CHECK_FAILS(nerve_predict(wide, wide_x, INT64_MAX / 784, wide_out, INT64_MAX), SIZE);
    CHECK_FAILS(nerve_predict(wide, wide_x, INT64_MAX / 784 / 4 + 1, wide_out, INT64_MAX), SIZE);

    CHECK_FAILS(nerve_predict(net, x, N, out, N * OUT - 1), CAPACITY);
    message_names(N * OUT, "predict");
    CHECK_FAILS(nerve_predict(net, x, N, out, 0), CAPACITY);
    CHECK_FAILS(nerve_predict(net, x, N, out, -1), CAPACITY, SIZE);
    CHECK_FAILS(nerve_predict(net, x, N, out, INT64_MIN), CAPACITY, SIZE);
    /* n × outputs overflows: the capacity check itself must not wrap. */
    CHECK_FAILS(nerve_predict(net, x, INT64_MAX / 2 + 1, out, N * OUT), SIZE, CAPACITY);

    const float bad_values[] = {NAN, INFINITY, -INFINITY};
    for (int v = 0; v < 3; v++)
        for (size_t at = 0; at < N * IN; at += N * IN - 1) {
            float saved = x[at];
            x[at] = bad_values[v];
            CHECK_FAILS(nerve_predict(net, x, N, out, N * OUT), INVALID);
            x[at] = saved;
        }
    CHECK(untouched(out, N * OUT + 4), "a failed nerve_predict wrote to the output buffer");

    /* Outputs written over inputs still to be read: refused wherever the two arrays overlap. */
    float *both = malloc(sizeof(float) * (N * IN + N * OUT));
    if (CHECK(both != NULL, "malloc")) {
        memcpy(both, x, sizeof(float) * N * IN);
        CHECK_FAILS(nerve_predict(net, both, N, both, N * OUT), INVALID);
        CHECK_FAILS(nerve_predict(net, both, N, both + N * IN - 1, N * OUT), INVALID);
        CHECK_OK(nerve_predict(net, both, N, both + N * IN, N * OUT));
        free(both);
    }
}

static void evaluate(void)
{
    float cost = SENTINEL, accuracy = SENTINEL;
    CHECK_FAILS(nerve_evaluate(NULL, x, y, N, &cost, &accuracy), INVALID);
    CHECK_FAILS(nerve_evaluate(net, NULL, y, N, &cost, &accuracy), INVALID);
    CHECK_FAILS(nerve_evaluate(net, x, NULL, N, &cost, &accuracy), INVALID);
    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62, INT64_MAX};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++)
        CHECK_FAILS(nerve_evaluate(net, x, y, bad_n[i], &cost, &accuracy), SIZE);
    float wide_y[2] = {0, 1};
    CHECK_FAILS(nerve_evaluate(wide, wide_x, wide_y, TWO_62, &cost, &accuracy), SIZE);
    CHECK_FAILS(nerve_evaluate(wide, wide_x, wide_y, INT64_MAX / 784, &cost, &accuracy), SIZE);
    float *arrays[] = {x, y};
    const size_t lengths[] = {N * IN, N * OUT};
    const float bad_values[] = {NAN, INFINITY, -INFINITY};
    for (int a = 0; a < 2; a++)
        for (int v = 0; v < 3; v++) {
            size_t at = (size_t)v * (lengths[a] - 1) / 2;
            float saved = arrays[a][at];
            arrays[a][at] = bad_values[v];
            CHECK_FAILS(nerve_evaluate(net, x, y, N, &cost, &accuracy), INVALID);
            arrays[a][at] = saved;
        }
    CHECK(cost == SENTINEL && accuracy == SENTINEL, "a failed nerve_evaluate wrote its out-parameters");
}

static void save(const char *dir)
{
    char path[8192];
    CHECK_FAILS(nerve_save(NULL, scratch_path("never.nerve")), INVALID);
    CHECK_FAILS(nerve_save(net, NULL), INVALID);
    CHECK_FAILS(nerve_save(net, ""), IO, INVALID);
    CHECK_FAILS(nerve_save(net, dir), IO);                       /* an existing directory */
    CHECK_FAILS(nerve_save(net, "/"), IO);
    snprintf(path, sizeof path, "%s/missing/model.nerve", dir);  /* parent does not exist */
    CHECK_FAILS(nerve_save(net, path), IO);
    snprintf(path, sizeof path, "%s/plain", dir);                /* parent is a regular file */
    write_whole_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/plain/model.nerve", dir);
    CHECK_FAILS(nerve_save(net, path), IO);
    CHECK_FAILS(nerve_save(net, "/proc/nerve-model"), IO);      /* unwritable even for root */
    CHECK_FAILS(nerve_save(net, "/proc/self/status"), IO);
    memset(path, 'a', sizeof path - 1);                          /* longer than PATH_MAX */
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    CHECK_FAILS(nerve_save(net, path), IO, INVALID);
    snprintf(path, sizeof path, "%s/%0300d", dir, 0);            /* a component longer than NAME_MAX */
    CHECK_FAILS(nerve_save(net, path), IO, INVALID);

    /* A directory where the model should go stays a directory. */
    snprintf(path, sizeof path, "%s/taken", dir);
    mkdir(path, 0700);
    CHECK_FAILS(nerve_save(net, path), IO);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "failed save replaced a directory");
    rmdir(path);
}

static void load_fails(const char *path, nerve_status a, nerve_status b, const char *what)
{
    nerve_net *marker = (nerve_net *)&marker, *out = marker;
    if (!CHECK_FAILS(nerve_load(path, &out), a, b))
        fprintf(stderr, "     (load: %s)\n", what);
    CHECK(out == marker, "load (%s) wrote *out on failure", what);
    if (out != marker)
        nerve_free(out);
}

/* A character device never ends: the loader must not read it forever. Run it in a child with a deadline. */
static void load_endless(const char *path)
{
    pid_t child = fork();
    if (child == 0) {
        alarm(20);
        nerve_net *out = NULL;
        nerve_status s = nerve_load(path, &out);
        _exit(s < 0 && nerve_last_error()[0] ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    check_note_error_case();
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "nerve_load(\"%s\") %s", path,
          WIFSIGNALED(status) ? (WTERMSIG(status) == SIGALRM ? "did not return within 20 s" : "crashed")
                              : "did not fail with a message");
}

static void load(const char *dir)
{
    char path[8192];
    nerve_net *out = NULL;
    CHECK_FAILS(nerve_load(NULL, &out), INVALID);
    CHECK_FAILS(nerve_load(scratch_path("anything"), NULL), INVALID);
    load_fails("", IO, INVALID, "empty path");
    snprintf(path, sizeof path, "%s/does-not-exist.nerve", dir);
    load_fails(path, IO, IO, "missing file");
    load_fails(dir, IO, FORMAT, "directory");
    snprintf(path, sizeof path, "%s/empty.nerve", dir);
    write_whole_file(path, "", 0);
    load_fails(path, FORMAT, FORMAT, "empty file");
    snprintf(path, sizeof path, "%s/magic-only.nerve", dir);
    write_whole_file(path, "NERVEnet", 8);
    load_fails(path, FORMAT, FORMAT, "magic only");
    snprintf(path, sizeof path, "%s/text.nerve", dir);
    const char *json = "{\"sizes\": [2, 3, 1], \"weights\": [], \"biases\": [], \"cost\": \"CrossEntropyCost\"}";
    write_whole_file(path, json, strlen(json));
    load_fails(path, FORMAT, FORMAT, "JSON text");
    load_fails("/dev/null", FORMAT, IO, "/dev/null");
    load_fails("/proc/self/status", FORMAT, IO, "/proc/self/status");
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    load_fails(path, IO, INVALID, "path longer than PATH_MAX");
    load_endless("/dev/zero");
    load_endless("/dev/urandom");
}

static void memory(void)
{
    size_t size = 0;
    CHECK_FAILS(nerve_serialized_size(NULL, &size), INVALID);
    CHECK_FAILS(nerve_serialized_size(net, NULL), INVALID);
    if (!CHECK_OK(nerve_serialized_size(net, &size)))
        return;
    unsigned char *buffer = malloc(size + 16), *copy = malloc(size);
    size_t written = 777;
    memset(buffer, 0xA5, size + 16);
    CHECK_FAILS(nerve_save_to_memory(NULL, buffer, size, &written), INVALID);
    CHECK_FAILS(nerve_save_to_memory(net, NULL, size, &written), INVALID);
    CHECK_FAILS(nerve_save_to_memory(net, buffer, size, NULL), INVALID);
    CHECK_FAILS(nerve_save_to_memory(net, buffer, size - 1, &written), CAPACITY);
    message_names((long)size, "save_to_memory");
    CHECK_FAILS(nerve_save_to_memory(net, buffer, 0, &written), CAPACITY);
    CHECK_FAILS(nerve_save_to_memory(net, NULL, 0, &written), CAPACITY, INVALID);
    int buffer_untouched = 1;
    for (size_t i = 0; i < size + 16; i++)
        buffer_untouched &= buffer[i] == 0xA5;
    CHECK(buffer_untouched && written == 777, "a failed nerve_save_to_memory wrote its buffer or *written");

    if (!CHECK_OK(nerve_save_to_memory(net, buffer, size, &written)))
        goto done;
    /* A capacity beyond INT64_MAX is simply large enough. */
    size_t written_huge = 0;
    CHECK_OK(nerve_save_to_memory(net, buffer, SIZE_MAX, &written_huge));
    CHECK(written_huge == size, "a huge capacity wrote %zu bytes, expected %zu", written_huge, size);

    nerve_net *marker = (nerve_net *)&marker, *out = marker;
    CHECK_FAILS(nerve_load_from_memory(NULL, size, &out), INVALID);
    CHECK_FAILS(nerve_load_from_memory(buffer, size, NULL), INVALID);
    CHECK_FAILS(nerve_load_from_memory(buffer, 0, &out), FORMAT, SIZE);
    CHECK_FAILS(nerve_load_from_memory(NULL, 0, &out), INVALID, FORMAT);
    CHECK_FAILS(nerve_load_from_memory(buffer, SIZE_MAX, &out), SIZE);
    CHECK_FAILS(nerve_load_from_memory(buffer, (size_t)1 << 63, &out), SIZE);

    /* Every truncation of a valid model. */
    for (size_t len = 1; len < size; len++)
        CHECK_FAILS(nerve_load_from_memory(buffer, len, &out), FORMAT);

    /* One flipped bit in each byte: the CRC-32 catches every single-bit error, wherever it is. */
    for (size_t i = 0; i < size; i++) {
        memcpy(copy, buffer, size);
        copy[i] ^= (unsigned char)(1u << (i % 8));
        if (!CHECK_FAILS(nerve_load_from_memory(copy, size, &out), FORMAT))
            fprintf(stderr, "     (bit %zu of byte %zu flipped)\n", i % 8, i);
    }
    CHECK(out == marker, "a failed nerve_load_from_memory wrote *out");
    if (out != marker)
        nerve_free(out);
done:
    free(buffer);
    free(copy);
}

void test_hostile(void)
{
    long cases_before = check_error_cases();
    const int32_t sizes[] = {IN, HIDDEN, OUT}, acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};
    const int32_t wide_sizes[] = {784, 2}, wide_acts[] = {NERVE_ACT_SOFTMAX};
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, 9)) ||
        !CHECK_OK(nerve_create(&wide, wide_sizes, 2, wide_acts, NERVE_COST_LOG_LIKELIHOOD, 9)))
        return;
    fill_uniform(x, N * IN, 1, -1, 1);
    fill_uniform(y, N * OUT, 2, 0, 1);
    fill_uniform(wide_x, 784, 3, 0, 1);
    char *dir = scratch_subdir("hostile");

    status_strings();
    create();
    free_and_init();
    freed_handle();
    reinit();
    layer_info();
    get_layer();
    set_layer();
    train();
    predict();
    evaluate();
    save(dir);
    load(dir);
    memory();

    /* The network survived all of it. */
    float out[N * OUT];
    CHECK_OK(nerve_predict(net, x, N, out, N * OUT));
    CHECK(all_finite(out, N * OUT), "predictions after the hostile cases are not finite");
    printf("   hostile cases: %ld\n", check_error_cases() - cases_before);

    nerve_free(net);
    nerve_free(wide);
    remove_tree(dir);
    free(dir);
}
