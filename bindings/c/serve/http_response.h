/*
 * http_response.h — formats a whole HTTP/1.1 response (status line, headers, body) into a buffer.
 */
#ifndef HTTP_RESPONSE_H
#define HTTP_RESPONSE_H

#include "text_buffer.h"

/* The reason phrase of a status code the server uses ("Bad Request", ...). */
const char *http_reason_phrase(int status);

/* Appends a response with Content-Length and Connection headers. extra_headers is NULL or whole header lines,
 * each ending in "\r\n". Returns 0, or -1 when memory runs out. */
int http_append_response(text_buffer *out, int status, const char *content_type, const char *extra_headers,
                         const char *body, size_t body_length, int keep_alive);

#endif /* HTTP_RESPONSE_H */
