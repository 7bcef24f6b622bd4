/*
 * text_buffer.h — a growable byte buffer for building replies without fixed-size guesses.
 */
#ifndef TEXT_BUFFER_H
#define TEXT_BUFFER_H

#include <stddef.h>

typedef struct text_buffer {
    char *data;
    size_t length;
    size_t capacity;
} text_buffer;

/* Makes room for `extra` more bytes. Returns 0, or -1 when memory runs out (the buffer is unchanged). */
int text_buffer_reserve(text_buffer *buffer, size_t extra);

/* Appends bytes, or printf-formatted text. Return 0, or -1 when memory runs out. */
int text_buffer_append(text_buffer *buffer, const void *bytes, size_t length);
int text_buffer_printf(text_buffer *buffer, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Appends `text` as a JSON string, quotes included; bytes that are not printable ASCII become \u00XX. */
int text_buffer_append_json_string(text_buffer *buffer, const char *text);

void text_buffer_free(text_buffer *buffer);

#endif /* TEXT_BUFFER_H */
