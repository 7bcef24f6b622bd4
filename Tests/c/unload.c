/* The library as a plug-in: loaded with dlopen into a host that uses pthread keys itself, and unloaded with
 * dlclose while the host goes on. The per-thread error message must live in the library's own storage:
 *
 *   host keys     a host that has used up every pthread key (pthread_key_create fails with EAGAIN) loads the
 *                 library and makes failing calls on its main thread and on a new thread: each gets its own
 *                 message, and every key of the host still holds the host's value on both threads.
 *   load cycles   2,000 cycles of dlopen, a failing call on a new thread, join, dlclose use up no pthread key.
 *   unload first  200 cycles in which a thread makes a failing call, the library is dlclosed while that thread
 *                 is still alive, and the thread then exits: nothing of the library may run at its exit.
 *
 *   unload LIBRARY          (the path of libnerve.so; the program does not link it)
 *
 * Each scenario runs in a child process under alarm(), so a crash or a hang is reported as a failed check. Run it
 * plainly, never under valgrind or a sanitizer: those take pthread keys and hook thread exit themselves, and
 * slow 2,000 loads of the library down far too much. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nerve.h"

enum { LOAD_CYCLES = 2000, UNLOAD_FIRST_CYCLES = 200, MAX_KEYS = 1 << 16 };

static const char *library;

/* Shared by the parent and its children: the counts, so a child's checks add up in the parent's summary, and
 * what the child is doing, so a crash or a hang can be placed. */
static struct {
    int passed, failed;
    char doing[120];
} *counts;

#define DOING(...) snprintf(counts->doing, sizeof counts->doing, __VA_ARGS__)

static int check(int ok, const char *fmt, ...)
{
    if (ok) {
        counts->passed++;
        return 1;
    }
    counts->failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    return 0;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- the library, through dlopen ---- */

typedef struct {
    void *handle;
    nerve_status (*create)(nerve_net **, const int32_t *, int32_t, const int32_t *, int32_t, uint64_t);
    const char *(*last_error)(void);
} api;

/* Loads the library; on failure says why. */
static int api_open(api *a, char *why, size_t why_size)
{
    memset(a, 0, sizeof *a);
    a->handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!a->handle) {
        snprintf(why, why_size, "dlopen(\"%s\"): %s", library, dlerror());
        return 0;
    }
    *(void **)&a->create = dlsym(a->handle, "nerve_create");
    *(void **)&a->last_error = dlsym(a->handle, "nerve_last_error");
    if (a->create && a->last_error)
        return 1;
    snprintf(why, why_size, "%s lacks nerve_create or nerve_last_error", library);
    dlclose(a->handle);
    return 0;
}

/* Whether dlclose really unmapped the library (it stays if something still holds it). */
static int still_loaded(void)
{
    void *h = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
    if (h)
        dlclose(h);
    return h != NULL;
}

/* A call that fails (no place for the network) and must leave its message on the calling thread. Returns 1 if
 * it did; otherwise describes what happened in why. */
static int failing_call(const api *a, char *why, size_t why_size)
{
    const int32_t sizes[] = {2, 3, 1}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_status status = a->create(NULL, sizes, 3, acts, NERVE_COST_QUADRATIC, 1);
    const char *message = a->last_error();
    if (status == NERVE_E_INVALID && message && strstr(message, "nerve_create"))
        return 1;
    snprintf(why, why_size, "nerve_create(NULL, ...) returned %d with the message \"%.200s\"", (int)status,
             message ? message : "(NULL)");
    return 0;
}

/* ---- host keys ---- */

static pthread_key_t host_keys[MAX_KEYS];
static int n_host_keys;

/* The host's value for key i on the main thread (thread 0) or the new thread (1): a heap string, as a host would
 * keep there, so that a library freeing it is seen as a changed value rather than a crash in free. */
static void *host_values[2][MAX_KEYS];

static void set_host_values(int thread)
{
    for (int i = 0; i < n_host_keys; i++) {
        char *v = malloc(48);
        snprintf(v, 48, "host value %d for key %u", thread, (unsigned)host_keys[i]);
        host_values[thread][i] = v;
        pthread_setspecific(host_keys[i], v);
    }
}

/* Number of host keys that no longer hold the host's value on this thread; the first one is described. */
static int changed_host_values(int thread, char *first, size_t first_size)
{
    int changed = 0;
    for (int i = 0; i < n_host_keys; i++) {
        void *v = pthread_getspecific(host_keys[i]);
        if (v != host_values[thread][i] && changed++ == 0)
            snprintf(first, first_size, "key %u holds %p instead of %p", (unsigned)host_keys[i], v,
                     host_values[thread][i]);
    }
    return changed;
}

/* What a thread of the host does with the library loaded; run on the main thread and on a new one. */
static void use_library(const api *a, int thread)
{
    const char *where = thread ? "new thread" : "main thread";
    char why[400] = "";
    const char *before = a->last_error();
    check(before && before[0] == '\0', "%s: nerve_last_error() before any failed call is \"%.200s\", not empty",
          where, before ? before : "(NULL)");
    check(failing_call(a, why, sizeof why), "%s: %s", where, why);
    int changed = changed_host_values(thread, why, sizeof why);
    check(changed == 0, "%s: %d of the host's %d pthread keys lost their value (%s)", where, changed, n_host_keys,
          why);
}

static void *host_thread(void *arg)
{
    set_host_values(1);
    use_library(arg, 1);
    return NULL;
}

static void host_keys_scenario(void)
{
    int rc = 0;
    DOING("while creating pthread keys");
    while (n_host_keys < MAX_KEYS && (rc = pthread_key_create(&host_keys[n_host_keys], NULL)) == 0)
        n_host_keys++;
    if (!check(rc == EAGAIN && n_host_keys > 0, "pthread_key_create did not run out of keys: %d keys, then %s",
               n_host_keys, strerror(rc)))
        return;
    printf("     the host holds every pthread key: %d keys, the first one %u, then EAGAIN\n", n_host_keys,
           (unsigned)host_keys[0]);
    set_host_values(0);

    DOING("while loading the library");
    api a;
    char why[400] = "";
    if (!check(api_open(&a, why, sizeof why), "%s", why))
        return;
    DOING("while calling it on the main thread");
    use_library(&a, 0);
    DOING("while calling it on a new thread");
    pthread_t t;
    if (check(pthread_create(&t, NULL, host_thread, &a) == 0, "pthread_create failed"))
        pthread_join(t, NULL);
    int changed = changed_host_values(0, why, sizeof why);
    check(changed == 0, "main thread, after the new thread ended: %d host keys lost their value (%s)", changed,
          why);
    DOING("while unloading the library");
    check(dlclose(a.handle) == 0, "dlclose: %s", dlerror());
    changed = changed_host_values(0, why, sizeof why);
    check(changed == 0, "main thread, after dlclose: %d host keys lost their value (%s)", changed, why);
}

/* ---- load cycles ---- */

/* How many pthread keys can still be created (they are deleted again). */
static int free_keys(void)
{
    static pthread_key_t keys[MAX_KEYS];
    int n = 0;
    while (n < MAX_KEYS && pthread_key_create(&keys[n], NULL) == 0)
        n++;
    for (int i = 0; i < n; i++)
        pthread_key_delete(keys[i]);
    return n;
}

typedef struct {
    const api *a;
    int ok;
    char why[400];
    sem_t called, go; /* the thread has made its call / the thread may end */
    int wait;         /* whether the thread waits for go before it ends */
} call_job;

static void *call_thread(void *arg)
{
    call_job *job = arg;
    job->ok = failing_call(job->a, job->why, sizeof job->why);
    if (job->wait) {
        sem_post(&job->called);
        while (sem_wait(&job->go) != 0) {
        }
    }
    return NULL;
}

/* One dlopen, failing call on a new thread, dlclose. With unload_first, the library is closed while the thread
 * is still alive and the thread ends afterwards. Returns 1 if the call behaved; *unloaded tells whether dlclose
 * unmapped the library. */
static int load_cycle(int unload_first, char *why, size_t why_size, int *unloaded)
{
    api a;
    *unloaded = 0;
    if (!api_open(&a, why, why_size))
        return 0;
    call_job job = {.a = &a, .wait = unload_first};
    sem_init(&job.called, 0, 0);
    sem_init(&job.go, 0, 0);
    pthread_t t;
    if (pthread_create(&t, NULL, call_thread, &job) != 0) {
        snprintf(why, why_size, "pthread_create failed");
        dlclose(a.handle);
        return 0;
    }
    if (unload_first)
        while (sem_wait(&job.called) != 0) {
        }
    else
        pthread_join(t, NULL);
    int closed = dlclose(a.handle) == 0;
    *unloaded = closed && !still_loaded();
    if (unload_first) {
        sem_post(&job.go);
        pthread_join(t, NULL); /* the thread ends only now, with the library gone */
    }
    sem_destroy(&job.called);
    sem_destroy(&job.go);
    if (!job.ok)
        snprintf(why, why_size, "%s", job.why);
    else if (!closed)
        snprintf(why, why_size, "dlclose failed");
    return job.ok && closed;
}

/* Runs the cycles; returns how many misbehaved, the first one described. */
static int load_cycles(int cycles, int unload_first, int *unloaded)
{
    int bad = 0, first_bad = -1;
    char why[400] = "", first_why[400] = "";
    *unloaded = 0;
    for (int i = 0; i < cycles; i++) {
        DOING("in cycle %d of %d", i + 1, cycles);
        int u;
        if (!load_cycle(unload_first, why, sizeof why, &u) && bad++ == 0) {
            first_bad = i + 1;
            snprintf(first_why, sizeof first_why, "%s", why);
        }
        *unloaded += u;
    }
    check(bad == 0, "%d of %d cycles misbehaved; the first, cycle %d: %s", bad, cycles, first_bad, first_why);
    return bad;
}

static void load_cycles_scenario(void)
{
    int unloaded, warm_unloaded;
    load_cycles(1, 0, &warm_unloaded); /* what the first load brings for good (libstdc++) stays */
    DOING("while counting free pthread keys");
    int before = free_keys();
    load_cycles(LOAD_CYCLES, 0, &unloaded);
    DOING("while counting free pthread keys");
    int after = free_keys();
    printf("     %d free pthread keys before the cycles, %d after; dlclose unmapped the library in %d of %d "
           "cycles\n",
           before, after, unloaded, LOAD_CYCLES);
    check(after == before, "%d load/unload cycles used up %d pthread keys (%d free before, %d after)", LOAD_CYCLES,
          before - after, before, after);
    pthread_key_t k;
    int rc = pthread_key_create(&k, NULL);
    check(rc == 0, "after %d load/unload cycles pthread_key_create fails: %s", LOAD_CYCLES, strerror(rc));
}

static void unload_first_scenario(void)
{
    int unloaded;
    load_cycles(UNLOAD_FIRST_CYCLES, 1, &unloaded);
    printf("     dlclose unmapped the library under a live thread in %d of %d cycles\n", unloaded,
           UNLOAD_FIRST_CYCLES);
    if (unloaded == 0)
        printf("     note: the library was never unmapped, so this scenario proved nothing\n");
}

/* ---- children ---- */

static void run(const char *name, void (*scenario)(void), unsigned seconds)
{
    printf("%s\n", name);
    double t0 = now_seconds();
    DOING("at its start");
    pid_t child = fork();
    if (!check(child >= 0, "%s: fork: %s", name, strerror(errno)))
        return;
    if (child == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(seconds);
        scenario();
        DOING("at its end");
        _exit(0);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        check(0, "%s: did not finish within %u s (stuck %s)", name, seconds, counts->doing);
    else if (WIFSIGNALED(status))
        check(0, "%s: the process was killed by signal %d (%s) %s", name, WTERMSIG(status),
              strsignal(WTERMSIG(status)), counts->doing);
    else
        check(WEXITSTATUS(status) == 0, "%s: the process exited with status %d %s", name, WEXITSTATUS(status),
              counts->doing);
    printf("     %.1f s\n", now_seconds() - t0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LIBRARY\n", argv[0]);
        return 2;
    }
    library = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0); /* a child's lines must be out before it can crash */
    counts = mmap(NULL, sizeof *counts, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    run("host keys: the library loaded into a host that holds every pthread key", host_keys_scenario, 20);
    run("load cycles: 2,000 x (dlopen, failing call on a new thread, join, dlclose)", load_cycles_scenario, 60);
    run("unload first: 200 x (a thread fails a call, dlclose while it lives, the thread ends)",
        unload_first_scenario, 30);
    printf("%d passed, %d failed\n", counts->passed, counts->failed);
    return counts->failed == 0 ? 0 : 1;
}
