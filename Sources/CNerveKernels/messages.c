/* Each thread's message lives in this library's own thread-local storage, not under a pthread key: keys are a
 * process-wide resource that can run out (and an unchecked pthread_key_create then leaves the host's key 0 in
 * our hands), and a key's destructor is code in this library, which a thread exiting after dlclose would call
 * into the unmapped library. Storage of fixed size needs neither a destructor nor malloc. */
#include "nerve_messages.h"

#include <string.h>

enum { CAPACITY = 8192 };
static _Thread_local char message[CAPACITY];

void nerve_message_set(const char *text)
{
    static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
    size_t length = strlen(text);
    if (length < CAPACITY) {
        memcpy(message, text, length + 1);
        return;
    }
    size_t keep = CAPACITY - sizeof ellipsis;
    while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
        keep--;
    memcpy(message, text, keep);
    memcpy(message + keep, ellipsis, sizeof ellipsis);
}

const char *nerve_message_get(void) { return message; }
