#include "endpoints.h"

#include <stdio.h>
#include <string.h>

#include "http_response.h"

static const char TEXT[] = "text/plain; charset=utf-8";

/* Scratch arrays above this many floats are released after the request, so one huge request does not pin its
 * memory in every worker. */
enum { KEPT_FLOATS = 1 << 20 };

static int is_path(const http_request *request, const char *path)
{
    return request->path_length == strlen(path) && memcmp(request->path, path, request->path_length) == 0;
}

static int answer_text(text_buffer *response, int status, const char *text, int keep_alive)
{
    return http_append_response(response, status, TEXT, NULL, text, strlen(text), keep_alive);
}

static int answer_predict(model_slot *slot, const http_request *request, const char *body, worker_scratch *scratch,
                          text_buffer *response)
{
    char error[640];
    int keep = request->keep_alive;
    int parsed = request->binary_body
                     ? samples_parse_binary(body, request->body_length, &scratch->inputs, error, sizeof error - 1)
                     : samples_parse_text(body, request->body_length, &scratch->inputs, error, sizeof error - 1);
    if (parsed != 0)
        return answer_text(response, 400, strcat(error, "\n"), keep);
    int64_t n = 0;
    int32_t output_size = 0;
    nerve_status status =
        model_slot_predict(slot, &scratch->inputs, &scratch->outputs, &n, &output_size, error, sizeof error - 1);
    if (status != NERVE_OK) {
        int code = status == NERVE_E_INVALID || status == NERVE_E_SIZE ? 400
                   : status == NERVE_E_CAPACITY                         ? 413
                                                                        : 500;
        return answer_text(response, code, strcat(error, "\n"), keep);
    }
    scratch->body.length = 0;
    if (samples_format_answers(&scratch->body, scratch->outputs.values, n, output_size) != 0)
        return -1;
    return http_append_response(response, 200, TEXT, NULL, scratch->body.data, scratch->body.length, keep);
}

static int answer_reload(model_slot *slot, const http_request *request, text_buffer *response)
{
    char message[1024];
    int failed = model_slot_reload(slot, message, sizeof message - 1);
    fprintf(stderr, "nerve-serve: POST /reload: %s\n", message);
    return answer_text(response, failed ? 500 : 200, strcat(message, "\n"), request->keep_alive);
}

static int answer_method_not_allowed(text_buffer *response, const char *allowed, int keep_alive)
{
    char allow[64], text[96];
    snprintf(allow, sizeof allow, "Allow: %s\r\n", allowed);
    snprintf(text, sizeof text, "only %s is allowed here\n", allowed);
    return http_append_response(response, 405, TEXT, allow, text, strlen(text), keep_alive);
}

int endpoint_answer(model_slot *slot, const http_request *request, const char *body, worker_scratch *scratch,
                    text_buffer *response)
{
    int keep = request->keep_alive, result;
    if (is_path(request, "/health")) {
        result = request->method == HTTP_GET ? answer_text(response, 200, "ok\n", keep)
                                             : answer_method_not_allowed(response, "GET", keep);
    } else if (is_path(request, "/model")) {
        if (request->method != HTTP_GET) {
            result = answer_method_not_allowed(response, "GET", keep);
        } else {
            scratch->body.length = 0;
            if (model_slot_describe(slot, &scratch->body) != 0)
                return -1;
            result = http_append_response(response, 200, "application/json", NULL, scratch->body.data,
                                          scratch->body.length, keep);
        }
    } else if (is_path(request, "/predict")) {
        result = request->method == HTTP_POST ? answer_predict(slot, request, body, scratch, response)
                                              : answer_method_not_allowed(response, "POST", keep);
    } else if (is_path(request, "/reload")) {
        result = request->method == HTTP_POST ? answer_reload(slot, request, response)
                                              : answer_method_not_allowed(response, "POST", keep);
    } else {
        result = answer_text(response, 404, "no such endpoint: /health, /model, /predict and /reload exist\n", keep);
    }
    if (scratch->inputs.capacity > KEPT_FLOATS)
        float_array_free(&scratch->inputs);
    if (scratch->outputs.capacity > KEPT_FLOATS)
        float_array_free(&scratch->outputs);
    if (scratch->body.capacity > KEPT_FLOATS)
        text_buffer_free(&scratch->body);
    return result;
}

void worker_scratch_free(worker_scratch *scratch)
{
    float_array_free(&scratch->inputs);
    float_array_free(&scratch->outputs);
    text_buffer_free(&scratch->body);
}
