/* Replays model files without libFuzzer.
 *
 *   replay FILE|DIR...            runs each file through the harness it is linked with (a crash or a violated
 *                                 invariant fails that file; each runs in its own process)
 *   replay --reject DIR           every file must be refused with NERVE_E_FORMAT, from memory and from disk
 *   replay --accept LIST          every model in LIST must load and predict the outputs LIST gives for them
 *
 * Ends with "N passed, N failed"; exits non-zero on any failure. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nerve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

static void result(int ok, const char *file, const char *why)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s: %s\n", file, why);
    }
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(length > 0 ? (size_t)length : 1);
    *size = length > 0 ? fread(data, 1, (size_t)length, f) : 0;
    fclose(f);
    return data;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

/* Calls visit for the file, or for every regular file in the directory, in name order. */
static void each_file(const char *path, void (*visit)(const char *))
{
    struct stat st;
    if (stat(path, &st) != 0) {
        result(0, path, "cannot stat");
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        visit(path);
        return;
    }
    struct dirent **entries;
    int n = scandir(path, &entries, NULL, by_name);
    for (int i = 0; i < n; i++) {
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, entries[i]->d_name);
        if (entries[i]->d_name[0] != '.' && stat(child, &st) == 0 && S_ISREG(st.st_mode))
            visit(child);
        free(entries[i]);
    }
    free(entries);
}

static void through_harness(const char *file)
{
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        size_t size = 0;
        unsigned char *data = read_file(file, &size);
        if (!data)
            _exit(3);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    result(WIFEXITED(status) && WEXITSTATUS(status) == 0, file,
           WIFSIGNALED(status) ? "the harness crashed or found a violated invariant" : "the harness failed");
}

static void must_refuse(const char *file)
{
    size_t size = 0;
    unsigned char *data = read_file(file, &size);
    if (!data) {
        result(0, file, "cannot read");
        return;
    }
    nerve_net *net = NULL;
    nerve_status s = nerve_load_from_memory(size ? data : (const void *)"", size, &net);
    char why[600];
    snprintf(why, sizeof why, "nerve_load_from_memory returned %d, expected NERVE_E_FORMAT (%s)", s,
             s ? nerve_last_error() : "loaded");
    result(s == NERVE_E_FORMAT && nerve_last_error()[0] != '\0' && net == NULL, file, why);
    nerve_free(net);
    net = NULL;
    s = nerve_load(file, &net);
    snprintf(why, sizeof why, "nerve_load returned %d, expected NERVE_E_FORMAT (%s)", s,
             s ? nerve_last_error() : "loaded");
    result(s == NERVE_E_FORMAT && nerve_last_error()[0] != '\0' && net == NULL, file, why);
    nerve_free(net);
    free(data);
}

/* LIST lines: <model file relative to LIST> <n> <inputs...> <m> <outputs...>; '#' starts a comment. */
static void accepted(const char *list)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        result(0, list, "cannot open");
        return;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", list);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    char name[1024];
    while (fscanf(f, " %1023s", name) == 1) {
        if (name[0] == '#') {
            fscanf(f, "%*[^\n]");
            continue;
        }
        int n = 0, m = 0;
        float x[64], y[64];
        int ok = fscanf(f, "%d", &n) == 1 && n > 0 && n <= 64;
        for (int i = 0; ok && i < n; i++)
            ok = fscanf(f, "%f", &x[i]) == 1;
        ok = ok && fscanf(f, "%d", &m) == 1 && m > 0 && m <= 64;
        for (int i = 0; ok && i < m; i++)
            ok = fscanf(f, "%f", &y[i]) == 1;
        if (!ok) {
            result(0, list, "malformed line");
            break;
        }
        char path[5200];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        nerve_net *net = NULL;
        nerve_status s = nerve_load(path, &net);
        if (s != NERVE_OK) {
            char why[600];
            snprintf(why, sizeof why, "does not load (%d): %s", s, nerve_last_error());
            result(0, path, why);
            continue;
        }
        float out[64];
        int matches = nerve_input_size(net) == n && nerve_output_size(net) == m &&
                      nerve_predict(net, x, 1, out, m) == NERVE_OK;
        for (int i = 0; matches && i < m; i++)
            matches = fabsf(out[i] - y[i]) <= 1e-5f * (1 + fabsf(y[i]));
        char why[256];
        snprintf(why, sizeof why, "predicts %g… where the hand computation gives %g…", matches ? 0 : out[0], y[0]);
        result(matches, path, why);
        nerve_free(net);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reject") == 0 && i + 1 < argc)
            each_file(argv[++i], must_refuse);
        else if (strcmp(argv[i], "--accept") == 0 && i + 1 < argc)
            accepted(argv[++i]);
        else
            each_file(argv[i], through_harness);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
