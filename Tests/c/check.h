/* A minimal check harness: counts passed and failed checks, prints every failure with its location. */
#ifndef NERVE_TEST_CHECK_H
#define NERVE_TEST_CHECK_H

#include <stdint.h>
#include "nerve.h"

#define CHECK_STR2(x) #x
#define CHECK_STR(x) CHECK_STR2(x)
#define CHECK_WHERE __FILE__ ":" CHECK_STR(__LINE__)

/* Records one check; on failure prints where and the formatted explanation. Returns ok. */
int check_record(int ok, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define CHECK(cond, ...) check_record(!!(cond), CHECK_WHERE, __VA_ARGS__)

/* The call must succeed. */
int check_ok(nerve_status status, const char *expr, const char *where);
#define CHECK_OK(expr) check_ok((expr), #expr, CHECK_WHERE)

/* The call must fail with one of the accepted codes (0 ends the list) and leave a non-empty message. */
int check_fails(nerve_status status, const char *expr, const char *where, const nerve_status *accepted);
#define CHECK_FAILS(expr, ...) \
    check_fails((expr), #expr, CHECK_WHERE, (const nerve_status[]){__VA_ARGS__, 0})

/* Every check_fails call counts one hostile case; suites report how many they ran. */
long check_error_cases(void);
void check_note_error_case(void); /* for a hostile case checked some other way (e.g. in a child) */

/* Prints "N passed, N failed" and returns the process exit code. */
int check_summary(void);
long check_failed_count(void);

/* 1 in a build under AddressSanitizer or ThreadSanitizer (gcc or clang), whose address-space reservations and
 * timings some checks must allow for. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Shared helpers. */

/* A marker a failed call must not overwrite: fill a buffer with it, then check it is still there. */
#define SENTINEL (-12345.5f)
void fill_sentinel(float *a, size_t n);
int untouched(const float *a, size_t n);

/* Checks that the last error (a NERVE_E_CAPACITY message of `what`) names the size needed. */
void message_names(long needed, const char *what);

int floats_equal_bits(const float *a, const float *b, size_t n);

/* The sample mean and standard deviation (n - 1 in the denominator) of n >= 2 floats. */
void moments(const float *a, size_t n, double *mean, double *sd);

/* Every parameter of the network (malloc'd, *count floats), or NULL after a failed check. */
float *parameters_of(const nerve_net *net, int64_t *count);

/* 1 if the network's parameters are bitwise those in `expected`. */
int parameters_are(const nerve_net *net, const float *expected, int64_t count);
int all_finite(const float *a, size_t n);
double now_seconds(void);

/* Threads of this process (entries of /proc/self/task); -1 if that cannot be read. */
int process_threads(void);

/* process_threads() once it equals `expected`, or after a second of waiting for that: a thread that was joined
 * may stay listed for a moment while the kernel finishes its exit. */
int process_threads_settle(int expected);

/* A thread that samples process_threads() until stopped and keeps the largest count seen since the last reset
 * (its own thread included). */
typedef struct thread_watch thread_watch;
thread_watch *thread_watch_start(void);
void thread_watch_reset(thread_watch *w);
int thread_watch_max(thread_watch *w);
void thread_watch_stop(thread_watch *w);

#endif
