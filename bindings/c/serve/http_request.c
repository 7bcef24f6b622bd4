#include "http_request.h"

#include <string.h>

enum { MAX_HEADERS = 100, MAX_METHOD = 16 };

static http_parse_result refuse(int code, const char *why, int *status, const char **reason)
{
    *status = code;
    *reason = why;
    return HTTP_REFUSED;
}

static int is_token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int equals_ignoring_case(const char *a, size_t a_length, const char *b)
{
    size_t b_length = strlen(b);
    if (a_length != b_length)
        return 0;
    for (size_t i = 0; i < a_length; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Does the comma-separated list `value` hold `token` (case-insensitive)? */
static int list_contains(const char *value, size_t length, const char *token)
{
    size_t start = 0;
    while (start < length) {
        size_t end = start;
        while (end < length && value[end] != ',')
            end++;
        size_t a = start, b = end;
        while (a < b && (value[a] == ' ' || value[a] == '\t'))
            a++;
        while (b > a && (value[b - 1] == ' ' || value[b - 1] == '\t'))
            b--;
        if (equals_ignoring_case(value + a, b - a, token))
            return 1;
        start = end + 1;
    }
    return 0;
}

/* The end of the header block (just past its blank line) if it lies within `limit` bytes from `from`, else 0. */
static size_t find_header_end(const char *data, size_t length, size_t from, size_t limit)
{
    size_t end = length < from + limit ? length : from + limit;
    for (size_t i = from; i < end; i++) {
        if (data[i] != '\n')
            continue;
        if (i + 1 < length && data[i + 1] == '\n')
            return i + 2;
        if (i + 2 < length && data[i + 1] == '\r' && data[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* One line [start, end) without its line ending; returns the start of the next line. */
static size_t next_line(const char *data, size_t start, size_t limit, size_t *line_end)
{
    size_t i = start;
    while (i < limit && data[i] != '\n')
        i++;
    *line_end = (i > start && data[i - 1] == '\r') ? i - 1 : i;
    return i + 1;
}

static http_parse_result parse_request_line(const char *line, size_t length, http_request *request, int *status,
                                            const char **reason)
{
    size_t i = 0;
    while (i < length && line[i] >= 'A' && line[i] <= 'Z')
        i++;
    if (i == 0 || i > MAX_METHOD || i >= length || line[i] != ' ')
        return refuse(400, "malformed request line", status, reason);
    if (i == 3 && memcmp(line, "GET", 3) == 0)
        request->method = HTTP_GET;
    else if (i == 4 && memcmp(line, "POST", 4) == 0)
        request->method = HTTP_POST;
    else
        request->method = HTTP_OTHER_METHOD;

    size_t target = i + 1, target_end = target;
    while (target_end < length && line[target_end] > ' ' && line[target_end] < 0x7f)
        target_end++;
    if (target_end == target || line[target] != '/' || target_end >= length || line[target_end] != ' ')
        return refuse(400, "malformed request target", status, reason);
    request->path = line + target;
    const char *query = memchr(line + target, '?', target_end - target);
    request->path_length = (query ? (size_t)(query - line) : target_end) - target;

    const char *version = line + target_end + 1;
    size_t version_length = length - target_end - 1;
    if (version_length != 8 || memcmp(version, "HTTP/", 5) != 0 || version[6] != '.' ||
        version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return refuse(400, "malformed HTTP version", status, reason);
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return refuse(505, "only HTTP/1.0 and HTTP/1.1 are served", status, reason);
    request->keep_alive = version[7] == '1';
    return HTTP_COMPLETE;
}

/* Content-Length: digits only; a value above the body limit is refused as too large. */
static http_parse_result parse_content_length(const char *value, size_t length, const http_limits *limits,
                                              size_t *out, int *status, const char **reason)
{
    size_t parsed = 0;
    if (length == 0)
        return refuse(400, "empty Content-Length", status, reason);
    for (size_t i = 0; i < length; i++) {
        if (value[i] < '0' || value[i] > '9')
            return refuse(400, "Content-Length is not a number", status, reason);
        if (parsed > limits->max_body)
            break; /* already too large: stop before the arithmetic can overflow */
        parsed = parsed * 10 + (size_t)(value[i] - '0');
    }
    if (parsed > limits->max_body)
        return refuse(413, "the body is larger than the server accepts", status, reason);
    *out = parsed;
    return HTTP_COMPLETE;
}

static http_parse_result parse_header(const char *line, size_t length, const http_limits *limits,
                                      http_request *request, int *have_length, int *status, const char **reason)
{
    if (line[0] == ' ' || line[0] == '\t')
        return refuse(400, "folded header lines are not accepted", status, reason);
    size_t colon = 0;
    while (colon < length && is_token_char((unsigned char)line[colon]))
        colon++;
    if (colon == 0 || colon >= length || line[colon] != ':')
        return refuse(400, "malformed header", status, reason);
    size_t a = colon + 1, b = length;
    while (a < b && (line[a] == ' ' || line[a] == '\t'))
        a++;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
        b--;
    const char *value = line + a;
    size_t value_length = b - a;

    if (equals_ignoring_case(line, colon, "content-length")) {
        size_t parsed = 0;
        if (parse_content_length(value, value_length, limits, &parsed, status, reason) != HTTP_COMPLETE)
            return HTTP_REFUSED;
        if (*have_length && parsed != request->body_length)
            return refuse(400, "conflicting Content-Length headers", status, reason);
        request->body_length = parsed;
        *have_length = 1;
    } else if (equals_ignoring_case(line, colon, "transfer-encoding")) {
        return refuse(411, "chunked bodies are not accepted: send Content-Length", status, reason);
    } else if (equals_ignoring_case(line, colon, "connection")) {
        if (list_contains(value, value_length, "close"))
            request->keep_alive = 0;
        else if (list_contains(value, value_length, "keep-alive"))
            request->keep_alive = 1;
    } else if (equals_ignoring_case(line, colon, "content-type")) {
        const char *semicolon = memchr(value, ';', value_length);
        size_t type_length = semicolon ? (size_t)(semicolon - value) : value_length;
        while (type_length > 0 && (value[type_length - 1] == ' ' || value[type_length - 1] == '\t'))
            type_length--;
        request->binary_body = equals_ignoring_case(value, type_length, "application/octet-stream");
    } else if (equals_ignoring_case(line, colon, "expect")) {
        request->expect_continue = equals_ignoring_case(value, value_length, "100-continue");
    }
    return HTTP_COMPLETE;
}

http_parse_result http_parse_request(const char *data, size_t length, const http_limits *limits,
                                     http_request *request, int *status, const char **reason)
{
    memset(request, 0, sizeof *request);
    /* Blank lines before a request are allowed; they count against the header limit. */
    size_t start = 0;
    while (start < length && (data[start] == '\r' || data[start] == '\n')) {
        if (++start > limits->max_header)
            return refuse(431, "the request line and headers are too large", status, reason);
    }
    request->skipped = start;
    if (start == length)
        return HTTP_INCOMPLETE;
    size_t end = find_header_end(data, length, start, limits->max_header - start);
    if (end == 0) {
        if (length - start >= limits->max_header - start)
            return refuse(431, "the request line and headers are too large", status, reason);
        return HTTP_INCOMPLETE;
    }
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
            (c == '\r' && data[i + 1] != '\n'))
            return refuse(400, "control characters in the request head", status, reason);
    }

    size_t line_end;
    size_t next = next_line(data, start, end, &line_end);
    if (parse_request_line(data + start, line_end - start, request, status, reason) != HTTP_COMPLETE)
        return HTTP_REFUSED;
    int have_length = 0, headers = 0;
    for (;;) {
        size_t line_start = next;
        next = next_line(data, line_start, end, &line_end);
        if (line_end == line_start)
            break; /* the blank line */
        if (++headers > MAX_HEADERS)
            return refuse(431, "too many headers", status, reason);
        if (parse_header(data + line_start, line_end - line_start, limits, request, &have_length, status,
                         reason) != HTTP_COMPLETE)
            return HTTP_REFUSED;
    }
    request->header_length = end;
    if (length - end < request->body_length)
        return HTTP_INCOMPLETE;
    return HTTP_COMPLETE;
}
