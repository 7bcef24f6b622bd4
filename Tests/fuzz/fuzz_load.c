/* libFuzzer target: model bytes → nerve_load_from_memory. Anything but a clean NERVE_E_FORMAT refusal or a
 * network that passes every invariant of fuzz_common.c is a finding. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1];
    nerve_net *net = NULL;
    nerve_status s = nerve_load_from_memory(size ? data : empty, size, &net);
    if (s != NERVE_OK) {
        fuzz_expect_refusal(s, NERVE_E_FORMAT, "nerve_load_from_memory");
        return 0;
    }
    fuzz_exercise(net);
    nerve_free(net);
    return 0;
}
