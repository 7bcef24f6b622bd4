/* The innermost entry point call running on this thread, as the Swift layer's call frame sees it. */
#ifndef NERVE_CALLS_H
#define NERVE_CALLS_H

#include "nerve_kernels.h" /* NERVE_KERNEL_API: internal to libnerve.so */

NERVE_KERNEL_API void *nerve_call_frame(void);
NERVE_KERNEL_API void nerve_set_call_frame(void *frame);

#endif
