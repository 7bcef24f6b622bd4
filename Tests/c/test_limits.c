/* Training under an address-space limit (ulimit -v): every allocation the library makes may fail, and a call
 * must then return NERVE_E_NOMEM (or succeed with fewer threads) promptly, never wait for memory forever. Runs
 * in a child, so the limit stays there, with an alarm that turns a hang into a failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "suite.h"

/* The process's current virtual size in bytes, from /proc/self/statm (pages). */
static long virtual_size(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld", &pages) != 1)
        pages = -1;
    fclose(f);
    return pages < 0 ? -1 : pages * sysconf(_SC_PAGESIZE);
}

enum { SAMPLES = 2048, INPUTS = 784, CLASSES = 10 };

/* In the child: the limit, then one training call. Exit status: 0 if the call returned `expected` (or, for a
 * call expected to succeed, NERVE_OK), 1 otherwise; a hang ends in SIGALRM. */
static int train_limited(long headroom, const int32_t *sizes, int32_t layers, int32_t batch, int32_t threads,
                         nerve_status expected)
{
    float *x = calloc((size_t)SAMPLES * INPUTS, sizeof(float)), *y = calloc((size_t)SAMPLES * CLASSES, sizeof(float));
    if (!x || !y)
        return 2;
    for (int i = 0; i < SAMPLES; i++) {
        y[i * CLASSES + i % CLASSES] = 1;
        for (int k = 0; k < INPUTS; k += 7)
            x[(size_t)i * INPUTS + k] = (float)((i + k) % 5) * 0.2f;
    }
    int32_t activations[8];
    for (int l = 0; l < layers - 1; l++)
        activations[l] = l == layers - 2 ? NERVE_ACT_SOFTMAX : NERVE_ACT_RELU;
    nerve_net *net = NULL;
    if (nerve_create(&net, sizes, layers, activations, NERVE_COST_LOG_LIKELIHOOD, 1) != NERVE_OK)
        return 3;
    struct rlimit limit = {.rlim_cur = (rlim_t)(virtual_size() + headroom), .rlim_max = RLIM_INFINITY};
    if (setrlimit(RLIMIT_AS, &limit) != 0)
        return 4;
    alarm(30);
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = batch;
    o.threads = threads;
    nerve_status s = nerve_train(net, x, y, SAMPLES, NULL, NULL, 0, &o);
    if (s != expected)
        fprintf(stderr, "     training under a limit of %ld MiB more returned %d (%s), expected %d\n",
                headroom >> 20, (int)s, nerve_last_error(), (int)expected);
    return s == expected && (s == NERVE_OK || nerve_last_error()[0]) ? 0 : 1;
}

static void run_child(const char *what, long headroom, const int32_t *sizes, int32_t layers, int32_t batch,
                      int32_t threads, nerve_status expected)
{
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    fflush(NULL);
    pid_t child = fork();
    if (child == 0)
        _exit(train_limited(headroom, sizes, layers, batch, threads, expected));
    int status = 0;
    waitpid(child, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) * 1e-9;
    if (expected != NERVE_OK)
        check_note_error_case();
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "%s: the child %s %d after %.1f s", what, WIFSIGNALED(status) ? "was killed by signal" : "exited with",
          WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), seconds);
}

void test_limits(void)
{
    if (SANITIZED) {
        printf("   (skipped: a sanitizer reserves more address space than any limit here leaves)\n");
        return;
    }
    /* A full batch of 2048 through 784-4096-4096-10 needs 2048 × (4096 + 4096) × 4 bytes × 2 (activations and
     * errors) = 128 MiB of buffers and 64 MiB of weights and gradients: far beyond 48 MiB of headroom. */
    const int32_t big[] = {INPUTS, 4096, 4096, CLASSES};
    run_child("a network too big for the limit, 1 thread", 48L << 20, big, 4, SAMPLES, 1, NERVE_E_NOMEM);
    run_child("a network too big for the limit, 2 threads", 48L << 20, big, 4, SAMPLES, 2, NERVE_E_NOMEM);
    /* A small one fits, with or without the second thread's stack. */
    const int32_t small[] = {INPUTS, 32, CLASSES};
    run_child("a small network under the limit, 2 threads", 48L << 20, small, 3, 64, 2, NERVE_OK);
}
