#include "samples.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NUMBER_TEXT = 63 };

int float_array_reserve(float_array *array, size_t count)
{
    if (count <= array->capacity)
        return 0;
    if (count > ((size_t)-1) / sizeof(float))
        return -1;
    float *values = realloc(array->values, count * sizeof(float));
    if (values == NULL)
        return -1;
    array->values = values;
    array->capacity = count;
    return 0;
}

void float_array_free(float_array *array)
{
    free(array->values);
    array->values = NULL;
    array->count = array->capacity = 0;
}

static int is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f' || c == '\v';
}

int samples_parse_text(const char *body, size_t length, float_array *values, char *error, size_t error_size)
{
    /* A value takes at least two bytes with its separator (the last one may have none). */
    if (float_array_reserve(values, length / 2 + 1) != 0) {
        snprintf(error, error_size, "out of memory for %zu values", length / 2 + 1);
        return -1;
    }
    values->count = 0;
    size_t i = 0;
    while (i < length) {
        if (is_separator(body[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < length && !is_separator(body[i]))
            i++;
        /* strtof needs a terminated string: copy the token, which also bounds what it reads. */
        char token[MAX_NUMBER_TEXT + 1];
        size_t token_length = i - start;
        if (token_length > MAX_NUMBER_TEXT) {
            snprintf(error, error_size, "value %zu is longer than %d characters", values->count + 1,
                     MAX_NUMBER_TEXT);
            return -1;
        }
        memcpy(token, body + start, token_length);
        token[token_length] = '\0';
        char *end;
        errno = 0;
        float value = strtof(token, &end);
        if (end != token + token_length) {
            /* Show the token only if it is printable, so the message stays plain text. */
            int printable = 1;
            for (size_t k = 0; k < token_length; k++)
                printable &= (unsigned char)token[k] >= 0x20 && (unsigned char)token[k] < 0x7f;
            if (printable)
                snprintf(error, error_size, "value %zu (\"%s\") is not a number", values->count + 1, token);
            else
                snprintf(error, error_size, "value %zu is not a number", values->count + 1);
            return -1;
        }
        values->values[values->count++] = value; /* overflow gives ±inf, which the library refuses */
    }
    return 0;
}

int samples_parse_binary(const char *body, size_t length, float_array *values, char *error, size_t error_size)
{
    if (length % 4 != 0) {
        snprintf(error, error_size, "a float32 body must be a multiple of 4 bytes, not %zu", length);
        return -1;
    }
    if (float_array_reserve(values, length / 4 + 1) != 0) {
        snprintf(error, error_size, "out of memory for %zu values", length / 4);
        return -1;
    }
    values->count = length / 4;
    /* memcpy, not a cast: the body has no particular alignment in the connection's buffer. */
    memcpy(values->values, body, length);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t k = 0; k < values->count; k++) {
        uint32_t bits;
        memcpy(&bits, &values->values[k], 4);
        bits = __builtin_bswap32(bits);
        memcpy(&values->values[k], &bits, 4);
    }
#endif
    return 0;
}

int samples_format_answers(text_buffer *out, const float *outputs, int64_t n, int32_t output_size)
{
    for (int64_t s = 0; s < n; s++) {
        const float *row = outputs + s * output_size;
        int32_t best = 0;
        for (int32_t j = 1; j < output_size; j++)
            if (row[j] > row[best])
                best = j;
        if (text_buffer_printf(out, "%d\t", (int)best) != 0)
            return -1;
        for (int32_t j = 0; j < output_size; j++)
            if (text_buffer_printf(out, j + 1 < output_size ? "%.9g " : "%.9g\n", (double)row[j]) != 0)
                return -1;
    }
    return 0;
}
