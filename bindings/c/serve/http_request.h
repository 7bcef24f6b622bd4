/*
 * http_request.h — reads one HTTP/1.x request from the bytes a connection has received so far.
 *
 * Deliberately small: request line, Content-Length bodies, Connection, Content-Type and Expect; everything
 * else is skipped. Sizes are checked before anything is trusted, so a client can make the parser refuse, never
 * read past the buffer or allocate.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stddef.h>

enum { HTTP_GET, HTTP_POST, HTTP_OTHER_METHOD };

typedef struct http_request {
    int method;                /* HTTP_GET, HTTP_POST or HTTP_OTHER_METHOD */
    const char *path;          /* into the buffer; the query string (after '?') is left out */
    size_t path_length;
    int keep_alive;            /* HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive" */
    int binary_body;           /* Content-Type: application/octet-stream */
    int expect_continue;       /* "Expect: 100-continue": the client waits for a go-ahead before the body */
    size_t skipped;            /* blank lines before the request line (allowed by RFC 9112) */
    size_t header_length;      /* from the start of the buffer to the end of the blank line after the headers */
    size_t body_length;        /* Content-Length, 0 without one */
} http_request;

typedef struct http_limits {
    size_t max_header;         /* request line and headers together */
    size_t max_body;
} http_limits;

typedef enum {
    HTTP_COMPLETE,             /* the whole request is in the buffer */
    HTTP_INCOMPLETE,           /* more bytes are needed; header_length is non-zero once the headers are in */
    HTTP_REFUSED               /* a malformed or oversized request: answer *status and close the connection */
} http_parse_result;

/* Parses the request that starts at data[0]. On HTTP_REFUSED, *status is the code to answer (400, 411, 413, 431
 * or 505) and *reason a static explanation. */
http_parse_result http_parse_request(const char *data, size_t length, const http_limits *limits,
                                     http_request *request, int *status, const char **reason);

#endif /* HTTP_REQUEST_H */
