#include "model_slot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A reload that keeps losing the race to newer reloads is not retried for ever. */
enum { MAX_ATTEMPTS = 1000 };

/* Outputs one request may ask for (64 MiB of floats), however small its input. */
#define MAX_OUTPUTS ((int64_t)1 << 24)

int model_slot_open(model_slot *slot, const char *path, char *error, size_t error_size)
{
    memset(slot, 0, sizeof *slot);
    nerve_net *net = NULL;
    if (nerve_load(path, &net) != NERVE_OK) {
        snprintf(error, error_size, "%s", nerve_last_error());
        return -1;
    }
    slot->path = strdup(path);
    if (slot->path == NULL) {
        nerve_free(net);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    pthread_mutex_init(&slot->lock, NULL);
    slot->version = 1;
    atomic_store(&slot->current, net);
    return 0;
}

int model_slot_reload(model_slot *slot, char *message, size_t message_size)
{
    pthread_mutex_lock(&slot->lock);
    nerve_net *next = NULL;
    int result = 0;
    if (nerve_load(slot->path, &next) != NERVE_OK) {
        /* Read the message at once, on this thread, before any other library call. */
        snprintf(slot->last_error, sizeof slot->last_error, "%s", nerve_last_error());
        slot->failed_reloads++;
        snprintf(message, message_size, "reload failed, still serving model version %ld: %s", slot->version,
                 slot->last_error);
        result = -1;
    } else {
        nerve_net *old = atomic_exchange(&slot->current, next);
        nerve_free(old);
        slot->version++;
        slot->reloads++;
        snprintf(message, message_size, "reloaded %s: model version %ld, %d inputs, %d outputs", slot->path,
                 slot->version, (int)nerve_input_size(next), (int)nerve_output_size(next));
    }
    pthread_mutex_unlock(&slot->lock);
    return result;
}

nerve_status model_slot_predict(model_slot *slot, const float_array *inputs, float_array *outputs,
                                int64_t *n_samples, int32_t *output_size, char *error, size_t error_size)
{
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        nerve_net *net = atomic_load(&slot->current);
        int32_t in = nerve_input_size(net), out = nerve_output_size(net);
        if (in <= 0 || out <= 0)
            continue; /* freed since the load above: a newer network is published */
        if (inputs->count == 0 || inputs->count % (size_t)in != 0) {
            snprintf(error, error_size, "%zu values are not a whole number of samples of %d inputs",
                     inputs->count, (int)in);
            return NERVE_E_SIZE;
        }
        int64_t n = (int64_t)(inputs->count / (size_t)in);
        if (n > MAX_OUTPUTS / out) {
            snprintf(error, error_size, "%lld samples of %d outputs are more than one request may ask for",
                     (long long)n, (int)out);
            return NERVE_E_CAPACITY;
        }
        if (float_array_reserve(outputs, (size_t)n * (size_t)out) != 0) {
            snprintf(error, error_size, "out of memory for %lld outputs", (long long)n * out);
            return NERVE_E_NOMEM;
        }
        nerve_status status = nerve_predict(net, inputs->values, n, outputs->values, n * out);
        if (status == NERVE_OK) {
            outputs->count = (size_t)n * (size_t)out;
            *n_samples = n;
            *output_size = out;
            return NERVE_OK;
        }
        snprintf(error, error_size, "%s", nerve_last_error());
        if (status == NERVE_E_INVALID && atomic_load(&slot->current) != net)
            continue; /* the handle was freed under us; handles are never reused, so this cannot be a new one */
        return status;
    }
    snprintf(error, error_size, "the model kept changing during the call");
    return NERVE_E_BUSY;
}

int model_slot_describe(model_slot *slot, text_buffer *out)
{
    pthread_mutex_lock(&slot->lock);
    nerve_net *net = atomic_load(&slot->current); /* stays alive: only a reload, which needs the lock, frees it */
    int failed = text_buffer_printf(out, "{\"path\":") || text_buffer_append_json_string(out, slot->path) ||
                 text_buffer_printf(out,
                                    ",\"library_version\":\"%s\",\"kernel\":\"%s\",\"input_size\":%d,"
                                    "\"output_size\":%d,\"layers\":%d,\"parameters\":%lld,\"model_version\":%ld,"
                                    "\"reloads\":%ld,\"failed_reloads\":%ld,\"last_reload_error\":",
                                    nerve_version(), nerve_kernel(), (int)nerve_input_size(net),
                                    (int)nerve_output_size(net), (int)nerve_layer_count(net),
                                    (long long)nerve_parameter_count(net), slot->version, slot->reloads,
                                    slot->failed_reloads) ||
                 text_buffer_append_json_string(out, slot->last_error) || text_buffer_printf(out, "}\n");
    pthread_mutex_unlock(&slot->lock);
    return failed ? -1 : 0;
}

void model_slot_close(model_slot *slot)
{
    nerve_free(atomic_exchange(&slot->current, NULL));
    pthread_mutex_destroy(&slot->lock);
    free(slot->path);
    slot->path = NULL;
}
