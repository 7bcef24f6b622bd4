/* A mutator that keeps the CRC-32 valid in most mutants. Model files end with a checksum of everything before
 * it, so plain byte mutations are almost always refused at the CRC and never reach the parameter checks or
 * the loaded network; resealing lets mutated layer specs and parameters through to them. One mutant in four
 * keeps its (probably wrong) checksum so the CRC check itself stays exercised.
 *
 * The checksum is the last four bytes in both versions of the format, so resealing needs no layout. In
 * version 2 a mutated shape almost always breaks the chain of shapes or the parameter count, so one mutant
 * in eight of a version-2 file is also repaired: each dense record then reads the shape the previous one
 * writes, and the parameter block gets the length the shapes need. Linked into libFuzzer builds only. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "crc32.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

enum { RECORD = 36, MAX_REPAIRED_PARAMETERS = 1 << 16 };

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The values of the shape at p (channels, height, width), or 0 if it is not a valid shape. */
static uint64_t shape_values(const uint8_t *p)
{
    uint64_t c = get32(p), h = get32(p + 4), w = get32(p + 8);
    if (c == 0 || h == 0 || w == 0 || c > (1u << 24) || h > (1u << 24) || w > (1u << 24))
        return 0;
    uint64_t n = c * h;
    return n > (1u << 24) || n * w > (1u << 24) ? 0 : n * w;
}

/* Makes a version-2 file of dense records consistent apart from its checksum and returns its new size. Gives
 * up, returning `size` (with the records before the one it stopped at already chained), at another version,
 * record size or kind, an invalid shape, or a file that would not fit. */
static size_t repair_version2(uint8_t *data, size_t size, size_t max_size)
{
    if (size < 20 || memcmp(data, "NERVEnet", 8) != 0 || get32(data + 8) != 2)
        return size;
    uint32_t layers = get32(data + 16);
    if (layers == 0 || layers > 256)
        return size;
    size_t at = 20;
    uint64_t needed = 0;
    for (uint32_t l = 0; l < layers; l++, at += RECORD) {
        if (at + RECORD > size || get32(data + at) != RECORD || get32(data + at + 4) != 0)
            return size;
        if (l > 0)
            memmove(data + at + 12, data + at - RECORD + 24, 12);
        uint64_t in = shape_values(data + at + 12), out = shape_values(data + at + 24);
        if (in == 0 || out == 0)
            return size;
        needed += in * out + out;
        if (needed > MAX_REPAIRED_PARAMETERS)
            return size;
    }
    size_t count_at = at + 32, total = count_at + 8 + 4 * (size_t)needed + 4;
    if (total > max_size)
        return size;
    if (total > size)
        memset(data + size, 0, total - size);
    set32(data + count_at, (uint32_t)needed);
    set32(data + count_at + 4, 0);
    return total;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    size = LLVMFuzzerMutate(data, size, max_size);
    if (seed % 8 == 1)
        size = repair_version2(data, size, max_size);
    if (size >= 12 && seed % 4 != 0) {
        uint32_t crc = crc32(data, size - 4);
        for (int i = 0; i < 4; i++)
            data[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    return size;
}
