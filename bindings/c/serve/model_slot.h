/*
 * model_slot.h — the network a service answers with, and its hot reload.
 *
 * Workers read the published handle with one atomic load and call the library with it. A reload loads the file
 * into a new handle, publishes it with one atomic exchange and frees the old handle at once: calls already
 * running on the old one finish with it (nerve_free waits for them), and a call that picked up the old handle
 * just before the exchange but entered the library after the free gets NERVE_E_INVALID, sees that the
 * published handle has changed, and runs again on the new one. A reload that fails leaves the published
 * handle alone.
 */
#ifndef MODEL_SLOT_H
#define MODEL_SLOT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <nerve.h>

#include "samples.h"
#include "text_buffer.h"

typedef struct model_slot {
    _Atomic(nerve_net *) current;
    pthread_mutex_t lock;       /* serialises reloads, and the description against them */
    char *path;
    long version;               /* 1 for the model loaded at start, +1 per successful reload */
    long reloads, failed_reloads;
    char last_error[512];       /* the library's message for the last failed reload, "" if none */
} model_slot;

/* Loads the model at `path` and publishes it. Returns 0, or -1 with the library's message in `error`. */
int model_slot_open(model_slot *slot, const char *path, char *error, size_t error_size);

/* Loads the file again (see above). Returns 0 with a summary in `message`, or -1 with the library's message. */
int model_slot_reload(model_slot *slot, char *message, size_t message_size);

/* Predicts with the published network on inputs->count values (a whole number of samples) into `outputs`,
 * setting *n_samples and *output_size. Returns NERVE_OK or the library's status, with its message in `error`;
 * messages of its own with NERVE_E_SIZE when the count does not fit the network's input size, and
 * NERVE_E_CAPACITY when the answers would be too large. */
nerve_status model_slot_predict(model_slot *slot, const float_array *inputs, float_array *outputs,
                                int64_t *n_samples, int32_t *output_size, char *error, size_t error_size);

/* Appends a JSON object: file, library version and kernel, sizes, model version, reload counts, last error. */
int model_slot_describe(model_slot *slot, text_buffer *out);

/* Frees the published network. No worker may use the slot afterwards. */
void model_slot_close(model_slot *slot);

#endif /* MODEL_SLOT_H */
