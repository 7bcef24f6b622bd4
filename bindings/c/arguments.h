/*
 * arguments.h — numbers on the command lines of the examples, checked whole: "12x", "" or out-of-range values
 * are refused instead of read as far as they parse.
 */
#ifndef ARGUMENTS_H
#define ARGUMENTS_H

#include <stdint.h>

/* A decimal integer in [min, max]. Returns 0 and sets *value, or -1 and leaves it. */
int argument_long(const char *text, long min, long max, long *value);

/* A finite float. Returns 0 and sets *value, or -1 and leaves it. */
int argument_float(const char *text, float *value);

/* A comma-separated list of 1 to `capacity` sizes in [1, 2^24], e.g. "256,128". Returns 0 and fills sizes and
 * *count, or -1. */
int argument_sizes(const char *text, int32_t *sizes, int32_t capacity, int32_t *count);

#endif /* ARGUMENTS_H */
