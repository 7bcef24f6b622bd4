/* Crash-safe saving: a child saves two large models (2000-2000-2000, 32 MB each) alternately to one path,
 * and is killed with SIGKILL at random moments. After every kill the file at the path must load and be one
 * of the two models exactly, and no partial file may be left beside it (nerve.h: "a failure or crash never
 * leaves a partial file behind and never destroys the previous one").
 *
 *   crash_save [iterations]      (default 20)
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "sample_data.h"

enum { WIDTH = 2000 };

static nerve_net *big(uint64_t seed)
{
    const int32_t sizes[] = {WIDTH, WIDTH, WIDTH}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_LINEAR};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_QUADRATIC, seed));
    return net;
}

/* Files in dir other than the model; each one is reported, whether it is complete and loads, then removed
 * so that the next round starts clean. Returns how many were partial (not loadable). */
static int strays(const char *dir, const char *model_name, int *complete)
{
    DIR *d = opendir(dir);
    int partial = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, model_name))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        nerve_net *net = NULL;
        if (nerve_load(path, &net) == NERVE_OK) {
            ++*complete;
            nerve_free(net);
        } else {
            partial++;
            fprintf(stderr, "     left behind: %s (%s)\n", e->d_name, nerve_last_error());
        }
        remove(path);
    }
    if (d)
        closedir(d);
    return partial;
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 20;
    char *dir = scratch_subdir("crash");
    char path[4200];
    snprintf(path, sizeof path, "%s/model.nerve", dir);

    nerve_net *models[2] = {big(1), big(2)};
    if (!models[0] || !models[1])
        return check_summary();
    float *x = malloc(sizeof(float) * WIDTH), *expected[2], *got = malloc(sizeof(float) * WIDTH);
    fill_uniform(x, WIDTH, 3, -1, 1);
    for (int m = 0; m < 2; m++) {
        expected[m] = malloc(sizeof(float) * WIDTH);
        CHECK_OK(nerve_predict(models[m], x, 1, expected[m], WIDTH));
    }
    CHECK(!floats_equal_bits(expected[0], expected[1], WIDTH), "the two models must predict differently");

    double t0 = now_seconds();
    CHECK_OK(nerve_save(models[0], path));
    double save_seconds = now_seconds() - t0;
    printf("one save of %s takes %.3f s\n", path, save_seconds);

    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    int kills_mid_write = 0, complete_strays = 0, partial_strays = 0, seen[2] = {0, 0};
    for (int i = 0; i < iterations; i++) {
        fflush(NULL);
        pid_t child = fork();
        if (child == 0) {
            for (unsigned k = 0;; k++)
                nerve_save(models[k % 2], path);
        }
        /* Kill anywhere within the first three saves: early in a write, late in it, during the rename. */
        useconds_t delay = (useconds_t)((double)rand() / RAND_MAX * 3.0 * save_seconds * 1e6);
        usleep(delay);
        kill(child, SIGKILL);
        int status;
        waitpid(child, &status, 0);

        nerve_net *loaded = NULL;
        int which = -1;
        if (CHECK_OK(nerve_load(path, &loaded)) && CHECK_OK(nerve_predict(loaded, x, 1, got, WIDTH)))
            for (int m = 0; m < 2; m++)
                if (floats_equal_bits(got, expected[m], WIDTH))
                    which = m;
        CHECK(which >= 0, "kill %d after %.0f ms: the file at the path is neither model", i, delay / 1000.0);
        if (which >= 0)
            seen[which]++;
        nerve_free(loaded);

        int partial = strays(dir, "model.nerve", &complete_strays);
        kills_mid_write += partial > 0;
        partial_strays += partial;
        CHECK(partial == 0, "kill %d after %.0f ms left %d partial file(s) beside the model", i, delay / 1000.0,
              partial);
    }
    printf("%d kills: the path held model A %d times, model B %d times; %d partial and %d complete temporary "
           "files were left behind\n",
           iterations, seen[0], seen[1], partial_strays, complete_strays);
    (void)kills_mid_write;

    for (int m = 0; m < 2; m++) {
        nerve_free(models[m]);
        free(expected[m]);
    }
    free(x);
    free(got);
    remove_tree(scratch_dir());
    free(dir);
    return check_summary();
}
