/* A save that fails half-way (the file size limit stops the write) reports NERVE_E_IO and leaves the previous
 * model file exactly as it was, with no temporary file beside it. Run in a child so the limit stays there. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "suite.h"

static nerve_net *make(int32_t hidden, uint64_t seed)
{
    const int32_t sizes[] = {50, hidden, 10}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_LOG_LIKELIHOOD, seed));
    return net;
}

void test_failed_save(void)
{
    char *dir = scratch_subdir("failed_save");
    char path[4200];
    snprintf(path, sizeof path, "%s/model.nerve", dir);
    nerve_net *small = make(4, 1), *large = make(200, 2);
    if (!small || !large)
        goto done;
    if (!CHECK_OK(nerve_save(small, path)))
        goto done;
    size_t before_size = 0;
    unsigned char *before = read_whole_file(path, &before_size);

    /* Limits below the small model (nothing fits), between the two (a partial write), and none. */
    const rlim_t limits[] = {16, before_size + 1000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        fflush(NULL);
        pid_t child = fork();
        if (child == 0) {
            signal(SIGXFSZ, SIG_IGN); /* writes past the limit then fail with EFBIG instead of killing */
            struct rlimit limit = {limits[i], limits[i]};
            setrlimit(RLIMIT_FSIZE, &limit);
            nerve_status s = nerve_save(large, path);
            int ok = s == NERVE_E_IO && nerve_last_error()[0] != '\0';
            if (!ok)
                fprintf(stderr, "     save under a %lu-byte limit returned %d: %s\n", (unsigned long)limits[i], s,
                        nerve_last_error());
            _exit(ok ? 0 : 1);
        }
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "save beyond a %lu-byte file size limit did not fail with NERVE_E_IO (status %#x)",
              (unsigned long)limits[i], status);
        size_t after_size = 0;
        unsigned char *after = read_whole_file(path, &after_size);
        CHECK(after && before && after_size == before_size && memcmp(before, after, before_size) == 0,
              "a failed save changed the previous model file (%zu bytes, was %zu)", after_size, before_size);
        CHECK(dir_holds_only(dir, "model.nerve"), "a failed save left a temporary file behind");
        free(after);
    }
    nerve_net *loaded = NULL;
    int32_t hidden = 0;
    if (CHECK_OK(nerve_load(path, &loaded)) && CHECK_OK(nerve_layer_info(loaded, 0, NULL, &hidden, NULL)))
        CHECK(hidden == 4, "the surviving model has %d hidden units, the small one has 4", hidden);
    nerve_free(loaded);
    free(before);
done:
    nerve_free(small);
    nerve_free(large);
    remove_tree(dir);
    free(dir);
}
