/* The _r twins: each fills the caller's nerve_error with its own status and message, whatever the thread-local
 * message says later; success clears it; NULL is accepted; long messages are cut at a character boundary. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "suite.h"

/* The layout every FFI generator must see: enums of int32_t's size, status signed, no padding in nerve_error. */
_Static_assert(sizeof(nerve_status) == 4 && (nerve_status)-1 < 0, "nerve_status is a signed 32-bit enum");
_Static_assert(sizeof(nerve_activation) == 4 && sizeof(nerve_cost_function) == 4 && sizeof(nerve_init) == 4 &&
                   sizeof(nerve_layer_kind) == 4 && sizeof(nerve_padding) == 4 && sizeof(nerve_optimizer) == 4 &&
                   sizeof(nerve_monitor) == 4 && sizeof(nerve_enumeration) == 4,
               "every enumeration has int32_t's size");
_Static_assert(sizeof(nerve_error) == 1024 && offsetof(nerve_error, message) == 8, "nerve_error is 1024 bytes");

/* An error as a caller that never initialised it would pass it. */
static nerve_error garbage(void)
{
    nerve_error e;
    memset(&e, 0x7f, sizeof e);
    return e;
}

/* The twin's record matches what it returned and what nerve_last_error() says for the same call. */
static void check_record_of(nerve_status returned, nerve_status expected, const nerve_error *e, const char *what)
{
    CHECK(returned == expected, "%s returned %d, expected %d", what, (int)returned, (int)expected);
    CHECK(e->status == returned, "%s: error.status %d, returned %d", what, (int)e->status, (int)returned);
    CHECK(e->length == strlen(e->message), "%s: length %u, message of %zu bytes", what, e->length, strlen(e->message));
    if (returned < 0)
        CHECK(e->length > 0 && strcmp(e->message, nerve_last_error()) == 0,
              "%s: message \"%s\", nerve_last_error \"%s\"", what, e->message, nerve_last_error());
    else
        CHECK(e->length == 0 && e->message[0] == '\0', "%s succeeded but left message \"%s\"", what, e->message);
}

static int32_t stop_at_once(const nerve_epoch_report *report, void *user_data)
{
    (void)report, (void)user_data;
    return 1;
}

static void each_twin_reports_its_call(nerve_net *net)
{
    nerve_error e = garbage();
    float x[4] = {0, 1, 1, 0}, y[2] = {1, 0}, out[4];
    int32_t value = -1;
    nerve_net *other = NULL;

    check_record_of(nerve_predict_r(NULL, x, 1, out, 1, &e), NERVE_E_INVALID, &e, "predict on NULL");
    e = garbage();
    check_record_of(nerve_predict_r(net, x, 2, out, 1, &e), NERVE_E_CAPACITY, &e, "predict into a short buffer");
    e = garbage();
    check_record_of(nerve_predict_r(net, x, 2, out, 4, &e), NERVE_OK, &e, "predict");
    e = garbage();
    check_record_of(nerve_create_r(&other, (const int32_t[]){2, 0}, 2, (const int32_t[]){NERVE_ACT_SIGMOID},
                                   NERVE_COST_QUADRATIC, 1, &e),
                    NERVE_E_SIZE, &e, "create with a layer of 0");
    CHECK(other == NULL, "a failed create wrote *out");
    e = garbage();
    check_record_of(nerve_load_r("/nonexistent-directory/model.nerve", &other, &e), NERVE_E_IO, &e, "load");
    e = garbage();
    check_record_of(nerve_enum_value_r(NERVE_ENUM_COST, "no such cost", &value, &e), NERVE_E_INVALID, &e,
                    "enum_value");
    e = garbage();
    check_record_of(nerve_enum_value_r(NERVE_ENUM_COST, "log_likelihood", &value, &e), NERVE_OK, &e, "enum_value");
    CHECK(value == NERVE_COST_LOG_LIKELIHOOD, "enum_value_r gave %d", (int)value);
    e = garbage();
    check_record_of(nerve_set_threads_r(net, 0, &e), NERVE_E_INVALID, &e, "set_threads 0");

    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 3;
    o.progress = stop_at_once;
    e = garbage();
    check_record_of(nerve_train_r(net, x, y, 1, NULL, NULL, 0, &o, &e), NERVE_STOPPED, &e, "train stopped");
    o.progress = NULL;
    o.learning_rate = -1;
    e = garbage();
    check_record_of(nerve_train_r(net, x, y, 1, NULL, NULL, 0, &o, &e), NERVE_E_INVALID, &e, "train, rate -1");

    /* NULL error: the twin is its namesake. */
    CHECK(nerve_predict_r(net, x, 2, out, 1, NULL) == NERVE_E_CAPACITY, "predict_r with a NULL error");
    CHECK(nerve_predict_r(net, x, 2, out, 4, NULL) == NERVE_OK, "predict_r with a NULL error");
}

/* A message longer than nerve_error holds: cut before a whole character, ended by "…", a prefix of the full one. */
static void long_messages_are_cut_at_a_character(void)
{
    char path[3200] = "/nonexistent-directory/";
    size_t at = strlen(path);
    while (at + 2 < 3000) { /* "é" is two bytes; the message quotes the path */
        path[at++] = (char)0xC3;
        path[at++] = (char)0xA9;
    }
    path[at] = '\0';
    nerve_net *net = NULL;
    nerve_error e = garbage();
    nerve_status status = nerve_load_r(path, &net, &e);
    const char *full = nerve_last_error();
    static const char ellipsis[] = "\xE2\x80\xA6";
    size_t kept = e.length >= 3 ? e.length - 3 : 0;
    CHECK(status == NERVE_E_IO && e.status == NERVE_E_IO, "load of a missing file gave %d", (int)status);
    CHECK(strlen(full) > sizeof e.message, "the full message (%zu bytes) should not fit", strlen(full));
    CHECK(e.length == strlen(e.message) && e.length < sizeof e.message, "length %u", e.length);
    CHECK(e.length >= 3 && strcmp(e.message + kept, ellipsis) == 0, "the cut message does not end in an ellipsis");
    CHECK(strncmp(e.message, full, kept) == 0, "the cut message is not a prefix of the full one");
    CHECK(((unsigned char)full[kept] & 0xC0) != 0x80, "the cut falls inside a character");
    CHECK(kept + 3 + 3 > sizeof e.message - 1, "the cut keeps only %zu of %zu bytes", kept, sizeof e.message);
}

/* A record is the caller's: later failures, on this thread or another, leave it as its call left it. */
struct failing_thread {
    nerve_error error;
    nerve_status status;
};

static void *fail_elsewhere(void *arg)
{
    struct failing_thread *t = arg;
    t->status = nerve_set_threads_r(NULL, 1, &t->error);
    return NULL;
}

static void records_belong_to_their_call(nerve_net *net)
{
    float x[4] = {0}, out[4];
    nerve_error first = garbage();
    nerve_predict_r(net, x, 2, out, 1, &first);
    char kept[sizeof first.message];
    memcpy(kept, first.message, sizeof kept);

    struct failing_thread other;
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, fail_elsewhere, &other) == 0, "pthread_create");
    pthread_join(thread, NULL);
    CHECK(nerve_set_threads_r(net, 100000, NULL) == NERVE_E_INVALID, "a second failure on this thread");

    CHECK(first.status == NERVE_E_CAPACITY && strcmp(first.message, kept) == 0, "a later failure changed a record");
    CHECK(other.status == NERVE_E_INVALID && other.error.status == NERVE_E_INVALID && other.error.length > 0 &&
              strcmp(other.error.message, first.message) != 0,
          "the other thread's record: %d \"%s\"", (int)other.error.status, other.error.message);
}

void test_errors(void)
{
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, (const int32_t[]){2, 3, 2}, 3, (const int32_t[]){NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID},
                          NERVE_COST_QUADRATIC, 7));
    each_twin_reports_its_call(net);
    long_messages_are_cut_at_a_character();
    records_belong_to_their_call(net);
    nerve_free(net);
}
