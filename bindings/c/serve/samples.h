/*
 * samples.h — the bodies of POST /predict: samples in, answers out.
 *
 * In:  text, floats separated by whitespace and/or commas (strtof's syntax, any number of samples back to back,
 *      n × input_size values in all), or, with Content-Type: application/octet-stream, n × input_size
 *      little-endian IEEE-754 float32 values and nothing else.
 * Out: one line per sample: the index of its largest output (the first on ties), a tab, then its outputs
 *      separated by single spaces, each printed with %.9g, which reads back to the same float.
 */
#ifndef SAMPLES_H
#define SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "text_buffer.h"

/* A growable array of floats, reused from request to request by one worker. */
typedef struct float_array {
    float *values;
    size_t count;
    size_t capacity;
} float_array;

/* Make room for `count` floats (contents not kept). Returns 0, or -1 when memory runs out. */
int float_array_reserve(float_array *array, size_t count);
void float_array_free(float_array *array);

/* Parse a text or binary body into `values`. Return 0, or -1 with a message in `error`. */
int samples_parse_text(const char *body, size_t length, float_array *values, char *error, size_t error_size);
int samples_parse_binary(const char *body, size_t length, float_array *values, char *error, size_t error_size);

/* Appends n answer lines (argmax, tab, outputs) for n × output_size outputs. Returns 0, or -1 when memory runs
 * out. */
int samples_format_answers(text_buffer *out, const float *outputs, int64_t n, int32_t output_size);

#endif /* SAMPLES_H */
