#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
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
