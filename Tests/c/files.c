#define _XOPEN_SOURCE 700
#include "files.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[4096];

const char *scratch_dir(void)
{
    if (scratch[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/nerve-test-XXXXXX", base && *base ? base : "/tmp");
        if (mkdtemp(scratch) == NULL) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return scratch;
}

const char *scratch_path(const char *name)
{
    static _Thread_local char path[4096 + 256];
    snprintf(path, sizeof path, "%s/%s", scratch_dir(), name);
    return path;
}

char *scratch_subdir(const char *name)
{
    char *path = strdup(scratch_path(name));
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

unsigned char *read_whole_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t capacity = 1 << 16, used = 0;
    unsigned char *data = malloc(capacity);
    for (;;) {
        if (used == capacity) {
            capacity *= 2;
            data = realloc(data, capacity);
        }
        size_t got = fread(data + used, 1, capacity - used, f);
        used += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(data);
        return NULL;
    }
    *size = used;
    return data;
}

int write_whole_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    return (fclose(f) == 0 && put == size) ? 0 : -1;
}

static int list_dir(const char *dir, const char *name, int print)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int entries = 0, found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (print)
            fprintf(stderr, "    found %s/%s\n", dir, e->d_name);
        entries++;
        found += name != NULL && strcmp(e->d_name, name) == 0;
    }
    closedir(d);
    return name ? (entries == 1 && found == 1) : entries == 0;
}

int dir_holds_only(const char *dir, const char *name)
{
    if (list_dir(dir, name, 0))
        return 1;
    list_dir(dir, name, 1);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }
