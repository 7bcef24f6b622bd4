#include "arguments.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int argument_long(const char *text, long min, long max, long *value)
{
    char *end;
    long parsed;
    errno = 0;
    parsed = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > max)
        return -1;
    *value = parsed;
    return 0;
}

int argument_float(const char *text, float *value)
{
    char *end;
    float parsed;
    errno = 0;
    parsed = strtof(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(parsed))
        return -1;
    *value = parsed;
    return 0;
}

int argument_sizes(const char *text, int32_t *sizes, int32_t capacity, int32_t *count)
{
    char buffer[256];
    char *item;
    int32_t n = 0;
    if (strlen(text) >= sizeof buffer)
        return -1;
    strcpy(buffer, text);
    for (item = strtok(buffer, ","); item != NULL; item = strtok(NULL, ",")) {
        long size;
        if (n == capacity || argument_long(item, 1, 1L << 24, &size) != 0)
            return -1;
        sizes[n++] = (int32_t)size;
    }
    if (n == 0)
        return -1;
    *count = n;
    return 0;
}
