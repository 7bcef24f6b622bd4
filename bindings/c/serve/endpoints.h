/*
 * endpoints.h — what the service answers, request by request:
 *
 *   GET  /health    200 "ok"
 *   GET  /model     200, a JSON object describing the published model (model_slot_describe)
 *   POST /predict   200, one answer line per sample (samples.h); 400 with the reason for a body that is not
 *                   a whole number of samples or that the library refuses (its message), 413 for too many outputs
 *   POST /reload    200 after loading the model file again; 500 with the library's message when that fails
 *                   (the previous model is still served)
 *
 * A known path with another method gets 405 and an Allow header, any other path 404.
 */
#ifndef ENDPOINTS_H
#define ENDPOINTS_H

#include "http_request.h"
#include "model_slot.h"
#include "samples.h"
#include "text_buffer.h"

/* What one worker thread reuses from request to request. */
typedef struct worker_scratch {
    float_array inputs, outputs;
    text_buffer body;
} worker_scratch;

/* Appends the response to `request` (whose body is `body`) to `response`. Returns 0, or -1 when memory ran out
 * and the connection should be closed without an answer. */
int endpoint_answer(model_slot *slot, const http_request *request, const char *body, worker_scratch *scratch,
                    text_buffer *response);

void worker_scratch_free(worker_scratch *scratch);

#endif /* ENDPOINTS_H */
