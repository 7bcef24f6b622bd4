/* Relaxed suffices: the flag orders nothing else, and a set flag is seen at the next check. */
#include "nerve_cancel_flag.h"

int32_t nerve_cancel_flag_load(const int32_t *flag) { return __atomic_load_n(flag, __ATOMIC_RELAXED); }
