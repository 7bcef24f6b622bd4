/* Each thread's innermost entry point call, so that the networks a call uses can be released when it returns
 * without every entry point passing a context along. Thread-local storage of this library, as for the message
 * (messages.c): no pthread key, no destructor. */
#include "nerve_calls.h"

static _Thread_local void *frame;

void *nerve_call_frame(void) { return frame; }

void nerve_set_call_frame(void *value) { frame = value; }
