/* Each thread's message lives in this library's own thread-local storage, not under a pthread key: keys are a
 * process-wide resource that can run out (and an unchecked pthread_key_create then leaves the host's key 0 in
 * our hands), and a key's destructor is code in this library, which a thread exiting after dlclose would call
 * into the unmapped library. Storage of fixed size needs neither a destructor nor malloc. */
#include "nerve_messages.h"

#include <string.h>

enum { CAPACITY = 8192 };
static _Thread_local char message[CAPACITY];
static _Thread_local unsigned long failures;

/* Copies text into buffer (capacity > 0), cut at a character boundary and ended with "…" if it does not fit;
 * returns the length written. */
static size_t copy_cut(char *buffer, size_t capacity, const char *text)
{
    static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
    size_t length = strlen(text);
    if (length < capacity) {
        memcpy(buffer, text, length + 1);
        return length;
    }
    if (capacity < sizeof ellipsis) {
        buffer[0] = '\0';
        return 0;
    }
    size_t keep = capacity - sizeof ellipsis;
    while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
        keep--;
    memcpy(buffer, text, keep);
    memcpy(buffer + keep, ellipsis, sizeof ellipsis);
    return keep + sizeof ellipsis - 1;
}

void nerve_message_set(const char *text)
{
    copy_cut(message, CAPACITY, text);
    failures++;
}

const char *nerve_message_get(void) { return message; }

unsigned long nerve_message_failures(void) { return failures; }

size_t nerve_message_copy(char *buffer, size_t capacity)
{
    return capacity == 0 ? 0 : copy_cut(buffer, capacity, message);
}
