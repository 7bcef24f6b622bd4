/* File helpers for the persistence tests: a scratch directory per run, whole-file reads, directory listings. */
#ifndef NERVE_TEST_FILES_H
#define NERVE_TEST_FILES_H

#include <stddef.h>

/* Creates a fresh directory under $TMPDIR (or /tmp) and returns its path (static storage, one per process). */
const char *scratch_dir(void);

/* Joins the scratch directory and name into a static buffer (valid until the next call from this thread). */
const char *scratch_path(const char *name);

/* Creates scratch_dir()/name and returns its path (malloc'd). Each test group uses its own. */
char *scratch_subdir(const char *name);

/* Reads a whole file into a malloc'd buffer; NULL if it cannot be read. */
unsigned char *read_whole_file(const char *path, size_t *size);

int write_whole_file(const char *path, const void *data, size_t size);

/* 1 if the directory holds exactly the named entry (nothing at all if name is NULL); otherwise prints
 * what it holds and returns 0. */
int dir_holds_only(const char *dir, const char *name);

/* Removes a directory and everything below it. */
void remove_tree(const char *dir);

#endif
