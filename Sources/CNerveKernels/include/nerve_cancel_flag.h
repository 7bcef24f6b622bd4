/* A caller's cancellation flag, read while training runs. */
#ifndef NERVE_CANCEL_FLAG_H
#define NERVE_CANCEL_FLAG_H

#include "nerve_kernels.h" /* NERVE_KERNEL_API: internal to libnerve.so */

/* The flag's value by a relaxed atomic load: another thread or a signal handler may store to it at any time, and
 * Swift has no portable atomic load through a pointer it does not own. */
NERVE_KERNEL_API int32_t nerve_cancel_flag_load(const int32_t *flag);

#endif
