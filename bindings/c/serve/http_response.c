#include "http_response.h"

const char *http_reason_phrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

int http_append_response(text_buffer *out, int status, const char *content_type, const char *extra_headers,
                         const char *body, size_t body_length, int keep_alive)
{
    if (text_buffer_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: %s\r\n%s\r\n",
                           status, http_reason_phrase(status), content_type, body_length,
                           keep_alive ? "keep-alive" : "close", extra_headers ? extra_headers : "") != 0)
        return -1;
    return text_buffer_append(out, body, body_length);
}
