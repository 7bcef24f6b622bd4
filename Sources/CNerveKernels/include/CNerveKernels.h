/* The module's umbrella: everything the Swift code imports from C (kernels, window loops, messages). */
#include "nerve_kernels.h"
#include "nerve_windows.h"
#include "nerve_messages.h"
#include "nerve_calls.h"
#include "nerve_cancel_flag.h"
