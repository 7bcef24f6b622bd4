/* Runs the ABI test groups: all of them, or those named as arguments (e.g. `nerve_tests threads`). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "suite.h"

/* In the order they run. "execution" comes first: its check that OpenBLAS's thread count stays as the host set
 * it would miss a library that changes the count only on its first use in the process. */
static const struct {
    const char *name;
    void (*run)(void);
} groups[] = {
    {"execution", test_execution},
    {"forward", test_forward},         {"cost", test_cost},
    {"xor", test_xor},                 {"persistence", test_persistence},
    {"determinism", test_determinism}, {"init", test_init},
    {"unsupported", test_unsupported}, {"stop", test_stop},
    {"hostile", test_hostile},         {"divergence", test_divergence},
    {"failed_save", test_failed_save}, {"threads", test_threads},
    {"model_v1", test_model_v1},       {"invariance", test_invariance},
    {"cnn", test_cnn},                 {"cnn_hostile", test_cnn_hostile},
    {"cnn_threads", test_cnn_threads}, {"gradients", test_gradients},
    {"files_hostile", test_files_hostile}, {"limits", test_limits},
    {"batch_stop", test_batch_stop}, {"errors", test_errors},
    {"training_rules", test_training_rules},
    {"accuracy", test_accuracy},
    {"initialize", test_initialize},
    {"optimizer_state", test_optimizer_state},
};
enum { GROUP_COUNT = sizeof groups / sizeof groups[0] };

static const char *current_group = "";

/* A hung library call (a deadlock, an endless read) must fail the run, not stall `make test`. */
static void on_timeout(int sig)
{
    (void)sig;
    static const char prefix[] = "FAIL: timed out in group ";
    write(2, prefix, sizeof prefix - 1);
    write(2, current_group, strlen(current_group));
    write(2, "\n", 1);
    _exit(2);
}

static void run_group(int i)
{
    current_group = groups[i].name;
    long failed_before = check_failed_count();
    printf("== %s\n", groups[i].name);
    fflush(stdout);
    alarm(120);
    groups[i].run();
    alarm(0);
    printf("   %s: %s\n", groups[i].name, check_failed_count() == failed_before ? "ok" : "FAILED");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    signal(SIGALRM, on_timeout);
    printf("libnerve %s (header %s)\n", nerve_version(), NERVE_VERSION_STRING);
    CHECK(strcmp(nerve_version(), NERVE_VERSION_STRING) == 0, "library version %s differs from header %s",
          nerve_version(), NERVE_VERSION_STRING);
    if (argc == 1) {
        for (int i = 0; i < GROUP_COUNT; i++)
            run_group(i);
    } else {
        for (int a = 1; a < argc; a++) {
            int found = 0;
            for (int i = 0; i < GROUP_COUNT; i++)
                if (strcmp(argv[a], groups[i].name) == 0) {
                    run_group(i);
                    found = 1;
                }
            if (!found) {
                fprintf(stderr, "unknown group %s\n", argv[a]);
                return 2;
            }
        }
    }
    return check_summary();
}
