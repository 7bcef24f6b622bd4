/* Command-line options of the form key=value, the way run.py passes them. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdint.h>

/* The value of `key`, or `fallback` when the key is absent. */
const char *option_string(int argc, char **argv, const char *key, const char *fallback);
double option_number(int argc, char **argv, const char *key, double fallback);

/* Parses a comma-separated list of layer sizes ("784,100,10") into sizes[0 .. capacity-1];
 * returns how many there are. Exits with a message when the list is missing or malformed. */
int option_sizes(int argc, char **argv, const char *key, int32_t *sizes, int capacity);

#endif
