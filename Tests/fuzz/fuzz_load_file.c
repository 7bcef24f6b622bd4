/* libFuzzer target: model bytes written to a file → nerve_load. The file path must agree with the memory
 * path: the same verdict, and for a model, the same predictions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256];

static void remove_scratch(void)
{
    if (path[0])
        unlink(path);
}

static void write_input(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/nerve-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0)
            fuzz_fail("cannot create a scratch file in %s", path);
        close(fd);
        atexit(remove_scratch);
    }
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        fuzz_fail("cannot write the scratch file %s", path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1];
    write_input(data, size);
    nerve_net *from_file = NULL, *from_memory = NULL;
    nerve_status file_status = nerve_load(path, &from_file);
    if (file_status != NERVE_OK)
        fuzz_expect_refusal(file_status, NERVE_E_FORMAT, "nerve_load");
    nerve_status memory_status = nerve_load_from_memory(size ? data : empty, size, &from_memory);
    if ((file_status == NERVE_OK) != (memory_status == NERVE_OK))
        fuzz_fail("nerve_load gave %d but nerve_load_from_memory %d for the same %zu bytes", file_status,
                  memory_status, size);
    if (file_status != NERVE_OK)
        return 0;
    float *a = fuzz_predict(from_file, 3), *b = fuzz_predict(from_memory, 3);
    if (a && b && memcmp(a, b, sizeof(float) * 3 * (size_t)nerve_output_size(from_file)) != 0)
        fuzz_fail("the file and the memory image predict differently");
    free(a);
    free(b);
    fuzz_exercise(from_file);
    nerve_free(from_file);
    nerve_free(from_memory);
    return 0;
}
