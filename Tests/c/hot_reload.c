/* Hot reload under load, as a prediction service does it: reader threads take the current handle and predict
 * with it, while a reloader publishes a new network (loaded from a model in memory, or cloned) and frees the old
 * one at once, with readers possibly still inside calls on it. For the given number of seconds (30 in the
 * suite, under AddressSanitizer and ThreadSanitizer): no crash, no sanitizer report, every answer is exactly
 * the one of the model that answered (models alternate, each sample's outputs are known), and calls that lost
 * the race get NERVE_E_INVALID, nothing else.
 *
 *   hot_reload SECONDS [READERS] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

enum { IN = 64, OUT = 10, ROWS = 4, MODELS = 2, MAX_READERS = 16 };

static float x[ROWS * IN];
static float expected[MODELS][ROWS * OUT];   /* each model's outputs for x */
static unsigned char *model_bytes[MODELS];
static size_t model_size[MODELS];

/* The published network and which model it is, packed so readers see both at once. */
typedef struct {
    nerve_net *net;
    int model;
} published;
static _Atomic(published *) current;
static atomic_int stop;

typedef struct {
    long answers, refused, wrong, other;
} reader_counts;

static void *reader(void *arg)
{
    reader_counts *c = arg;
    float out[ROWS * OUT];
    while (!atomic_load(&stop)) {
        published *p = atomic_load(&current);
        nerve_status s = nerve_predict(p->net, x, ROWS, out, ROWS * OUT);
        if (s == NERVE_OK) {
            c->answers++;
            /* The handle may have been reused by no one, so an answer is the model it was published with. */
            if (!floats_equal_bits(out, expected[p->model], ROWS * OUT))
                c->wrong++;
        } else if (s == NERVE_E_INVALID) {
            c->refused++; /* freed between the load of `current` and the call */
        } else {
            c->other++;
        }
    }
    return NULL;
}

static int make_models(void)
{
    const int32_t sizes[] = {IN, 128, OUT}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SOFTMAX};
    for (int i = 0; i < ROWS * IN; i++)
        x[i] = (float)((i * 7) % 11) * 0.1f - 0.5f;
    for (int m = 0; m < MODELS; m++) {
        nerve_net *net = NULL;
        if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, (uint64_t)m + 1)))
            return -1;
        size_t size = 0;
        CHECK_OK(nerve_serialized_size(net, &size));
        model_bytes[m] = malloc(size);
        CHECK_OK(nerve_save_to_memory(net, model_bytes[m], size, &model_size[m]));
        CHECK_OK(nerve_predict(net, x, ROWS, expected[m], ROWS * OUT));
        nerve_free(net);
    }
    return floats_equal_bits(expected[0], expected[1], ROWS * OUT) ? -1 : 0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 30;
    int readers = argc > 2 ? atoi(argv[2]) : 8;
    if (readers < 1 || readers > MAX_READERS || make_models() != 0) {
        fprintf(stderr, "usage: hot_reload SECONDS [READERS 1..%d]\n", MAX_READERS);
        return 2;
    }
    published *first = malloc(sizeof *first);
    first->model = 0;
    CHECK_OK(nerve_load_from_memory(model_bytes[0], model_size[0], &first->net));
    atomic_store(&current, first);

    /* The first refused call instantiates the Swift runtime's metadata for the error path: once here, before
     * the threads (see tsan.supp). */
    float warm[ROWS * OUT];
    nerve_predict(NULL, x, ROWS, warm, ROWS * OUT);

    pthread_t threads[MAX_READERS];
    reader_counts counts[MAX_READERS];
    memset(counts, 0, sizeof counts);
    for (int t = 0; t < readers; t++)
        pthread_create(&threads[t], NULL, reader, &counts[t]);

    /* Retired records are kept until the end: readers may still hold a pointer to one (the network inside is
     * freed at once, which is what the library must survive). */
    published **retired = NULL;
    long reloads = 0, capacity = 0;
    int reload_failed = 0;
    double start = now_seconds();
    while (now_seconds() - start < seconds) {
        published *old = atomic_load(&current), *next = malloc(sizeof *next);
        next->model = 1 - old->model;
        /* Alternately a load from memory and a clone of a freshly loaded network. */
        nerve_status s;
        if (reloads % 2 == 0) {
            s = nerve_load_from_memory(model_bytes[next->model], model_size[next->model], &next->net);
        } else {
            nerve_net *loaded = NULL;
            s = nerve_load_from_memory(model_bytes[next->model], model_size[next->model], &loaded);
            if (s == NERVE_OK)
                s = nerve_clone(loaded, &next->net);
            nerve_free(loaded);
        }
        if (s != NERVE_OK) {
            fprintf(stderr, "reload %ld failed: %s\n", reloads + 1, nerve_last_error());
            free(next);
            reload_failed = 1;
            break;
        }
        atomic_store(&current, next);
        nerve_free(old->net);
        if (reloads == capacity) {
            capacity = capacity ? 2 * capacity : 1024;
            retired = realloc(retired, sizeof *retired * (size_t)capacity);
        }
        retired[reloads++] = old;
        struct timespec pause = {0, 200000}; /* 0.2 ms between reloads: thousands per second */
        nanosleep(&pause, NULL);
    }
    atomic_store(&stop, 1);
    long answers = 0, refused = 0, wrong = 0, other = 0;
    for (int t = 0; t < readers; t++) {
        pthread_join(threads[t], NULL);
        answers += counts[t].answers, refused += counts[t].refused;
        wrong += counts[t].wrong, other += counts[t].other;
    }
    published *last = atomic_load(&current);
    nerve_free(last->net);
    free(last);
    for (long i = 0; i < reloads; i++)
        free(retired[i]);
    free(retired);
    for (int m = 0; m < MODELS; m++)
        free(model_bytes[m]);

    printf("%.0f s, %d readers: %ld reloads, %ld answers, %ld calls on a freed handle refused\n", seconds, readers,
           reloads, answers, refused);
    CHECK(!reload_failed && reloads > 0 && answers > 0, "a reload failed, or no reload or answer happened");
    CHECK(wrong == 0, "%ld answers were not the published model's", wrong);
    CHECK(other == 0, "%ld calls failed with a status other than NERVE_E_INVALID", other);
    return check_summary();
}
