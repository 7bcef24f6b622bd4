/* A mutator that keeps the CRC-32 valid in most mutants. Model files end with a checksum of everything before
 * it, so plain byte mutations are almost always refused at the CRC and never reach the parameter checks or
 * the loaded network; resealing lets mutated layer specs and parameters through to them. One mutant in four
 * keeps its (probably wrong) checksum so the CRC check itself stays exercised. Linked into libFuzzer builds
 * only. */
#include <stddef.h>
#include <stdint.h>
#include "crc32.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);


size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    size = LLVMFuzzerMutate(data, size, max_size);
    if (size >= 12 && seed % 4 != 0) {
        uint32_t crc = crc32(data, size - 4);
        for (int i = 0; i < 4; i++)
            data[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    return size;
}
