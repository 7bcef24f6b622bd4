#include "check.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_long passed, failed, error_cases;

int check_record(int ok, const char *where, const char *fmt, ...)
{
    if (ok) {
        atomic_fetch_add(&passed, 1);
        return 1;
    }
    atomic_fetch_add(&failed, 1);
    char text[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    fprintf(stderr, "FAIL %s: %s\n", where, text);
    return 0;
}

int check_ok(nerve_status status, const char *expr, const char *where)
{
    return check_record(status == NERVE_OK, where, "%s returned %d (%s): %s", expr, (int)status,
                        nerve_status_string(status), status == NERVE_OK ? "" : nerve_last_error());
}

int check_fails(nerve_status status, const char *expr, const char *where, const nerve_status *accepted)
{
    atomic_fetch_add(&error_cases, 1);
    const char *message = nerve_last_error();
    int code_ok = 0;
    for (const nerve_status *a = accepted; *a != 0; a++)
        if (status == *a)
            code_ok = 1;
    if (!code_ok) {
        char wanted[128] = "";
        for (const nerve_status *a = accepted; *a != 0; a++) {
            char one[16];
            snprintf(one, sizeof one, "%s%d", a == accepted ? "" : " or ", (int)*a);
            strncat(wanted, one, sizeof wanted - strlen(wanted) - 1);
        }
        return check_record(0, where, "%s returned %d (%s), expected %s; message: \"%s\"", expr, (int)status,
                            nerve_status_string(status), wanted, message ? message : "(NULL)");
    }
    return check_record(message != NULL && message[0] != '\0', where,
                        "%s failed with %d as expected but left an empty message", expr, (int)status);
}

void check_note_error_case(void) { atomic_fetch_add(&error_cases, 1); }
long check_error_cases(void) { return atomic_load(&error_cases); }
long check_failed_count(void) { return atomic_load(&failed); }

int check_summary(void)
{
    long p = atomic_load(&passed), f = atomic_load(&failed);
    printf("%ld passed, %ld failed\n", p, f);
    fflush(stdout);
    return f == 0 ? 0 : 1;
}

int floats_equal_bits(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof(float)) == 0;
}

int all_finite(const float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int process_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

struct thread_watch {
    pthread_t thread;
    atomic_int stop, max;
};

static void *watch_threads(void *arg)
{
    thread_watch *w = arg;
    while (!atomic_load(&w->stop)) {
        int n = process_threads();
        if (n > atomic_load(&w->max))
            atomic_store(&w->max, n);
        struct timespec pause = {0, 50000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

thread_watch *thread_watch_start(void)
{
    thread_watch *w = calloc(1, sizeof *w);
    if (!w || pthread_create(&w->thread, NULL, watch_threads, w) != 0) {
        free(w);
        return NULL;
    }
    /* Wait until the watcher counts itself, and threads that ended before have left the list. */
    while (atomic_load(&w->max) == 0) {
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    struct timespec settle = {0, 20000000};
    nanosleep(&settle, NULL);
    return w;
}

int process_threads_settle(int expected)
{
    int n = process_threads();
    for (int i = 0; i < 200 && n != expected; i++) {
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
        n = process_threads();
    }
    return n;
}

void thread_watch_reset(thread_watch *w) { atomic_store(&w->max, process_threads()); }
int thread_watch_max(thread_watch *w) { return atomic_load(&w->max); }

void thread_watch_stop(thread_watch *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, 1);
    pthread_join(w->thread, NULL);
    free(w);
}

void fill_sentinel(float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = SENTINEL;
}

int untouched(const float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != SENTINEL)
            return 0;
    return 1;
}

void message_names(long needed, const char *what)
{
    char number[32];
    snprintf(number, sizeof number, "%ld", needed);
    CHECK(strstr(nerve_last_error(), number) != NULL, "%s: capacity message \"%s\" does not give the needed %ld",
          what, nerve_last_error(), needed);
}

float *parameters_of(const nerve_net *net, int64_t *count)
{
    *count = nerve_parameter_count(net);
    float *p = malloc(sizeof(float) * (size_t)(*count > 0 ? *count : 1));
    if (!p || !CHECK_OK(nerve_get_parameters(net, p, *count))) {
        free(p);
        return NULL;
    }
    return p;
}

int parameters_are(const nerve_net *net, const float *expected, int64_t count)
{
    int64_t n = 0;
    float *now = parameters_of(net, &n);
    int same = now && n == count && floats_equal_bits(now, expected, (size_t)count);
    free(now);
    return same;
}

void moments(const float *a, size_t n, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        s2 += (a[i] - *mean) * (a[i] - *mean);
    *sd = sqrt(s2 / (double)(n - 1));
}
