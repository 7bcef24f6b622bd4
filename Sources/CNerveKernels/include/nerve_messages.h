/* The message of the last failed call, one per thread. */
#ifndef NERVE_MESSAGES_H
#define NERVE_MESSAGES_H

#include <stddef.h>

#include "nerve_kernels.h" /* NERVE_KERNEL_API: internal to libnerve.so */

/* Copies `text` as this thread's message (truncated at a character boundary, with "…", if very long). */
NERVE_KERNEL_API void nerve_message_set(const char *text);

/* This thread's message: "" until a call fails. Valid until the thread's next nerve_message_set. */
NERVE_KERNEL_API const char *nerve_message_get(void);

/* How many messages this thread has set: a call set one if the count changed across it. */
NERVE_KERNEL_API unsigned long nerve_message_failures(void);

/* Copies this thread's message into buffer (capacity bytes, NUL included; cut at a character boundary, with "…",
 * if longer) and returns its length. */
NERVE_KERNEL_API size_t nerve_message_copy(char *buffer, size_t capacity);

#endif
