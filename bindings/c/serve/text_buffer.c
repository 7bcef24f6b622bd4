#include "text_buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int text_buffer_reserve(text_buffer *buffer, size_t extra)
{
    if (buffer->capacity - buffer->length >= extra)
        return 0;
    if (extra > ((size_t)-1) / 4 - buffer->length)
        return -1;
    size_t capacity = buffer->capacity ? buffer->capacity : 256;
    while (capacity - buffer->length < extra)
        capacity *= 2;
    char *data = realloc(buffer->data, capacity);
    if (data == NULL)
        return -1;
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

int text_buffer_append(text_buffer *buffer, const void *bytes, size_t length)
{
    if (text_buffer_reserve(buffer, length + 1) != 0)
        return -1;
    memcpy(buffer->data + buffer->length, bytes, length);
    buffer->length += length;
    buffer->data[buffer->length] = '\0';
    return 0;
}

int text_buffer_printf(text_buffer *buffer, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    size_t room = buffer->capacity - buffer->length;
    int needed = vsnprintf(room ? buffer->data + buffer->length : NULL, room, format, arguments);
    va_end(arguments);
    if (needed < 0)
        return -1;
    if ((size_t)needed >= room) {
        if (text_buffer_reserve(buffer, (size_t)needed + 1) != 0)
            return -1;
        va_start(arguments, format);
        vsnprintf(buffer->data + buffer->length, (size_t)needed + 1, format, arguments);
        va_end(arguments);
    }
    buffer->length += (size_t)needed;
    return 0;
}

int text_buffer_append_json_string(text_buffer *buffer, const char *text)
{
    if (text_buffer_append(buffer, "\"", 1) != 0)
        return -1;
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        int failed;
        if (*c == '"' || *c == '\\')
            failed = text_buffer_printf(buffer, "\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7f)
            failed = text_buffer_printf(buffer, "\\u%04x", *c);
        else
            failed = text_buffer_append(buffer, c, 1);
        if (failed)
            return -1;
    }
    return text_buffer_append(buffer, "\"", 1);
}

void text_buffer_free(text_buffer *buffer)
{
    free(buffer->data);
    buffer->data = NULL;
    buffer->length = buffer->capacity = 0;
}
