/* The message of the last failed call, one per thread. */
#ifndef NERVE_MESSAGES_H
#define NERVE_MESSAGES_H

#include "nerve_kernels.h" /* NERVE_KERNEL_API: internal to libnerve.so */

/* Copies `text` as this thread's message (truncated at a character boundary, with "…", if very long). */
NERVE_KERNEL_API void nerve_message_set(const char *text);

/* This thread's message: "" until a call fails. Valid until the thread's next nerve_message_set. */
NERVE_KERNEL_API const char *nerve_message_get(void);

#endif
