/* A mutator that keeps the CRC-32 valid in most mutants. Model files end with a checksum of everything before
 * it, so plain byte mutations are almost always refused at the CRC and never reach the parameter checks or
 * the loaded network; resealing lets mutated layer specs and parameters through to them. One mutant in four
 * keeps its (probably wrong) checksum so the CRC check itself stays exercised.
 *
 * The checksum is the last four bytes in both versions of the format, so resealing needs no layout. In
 * version 2 a mutated shape or window almost always breaks the chain of shapes or the parameter count, so one
 * mutant in eight of a version-2 file is also repaired: each record then reads the shape the previous one
 * writes and writes the shape its kind and window give, and the parameter block gets the length the layers
 * need. Linked into libFuzzer builds only. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "crc32.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

enum { RECORD = 36, WINDOWED_RECORD = 56, MAX_REPAIRED_PARAMETERS = 1 << 16 };

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

/* Output extent along one axis by nerve.h's formulas; 0 if the window does not fit. */
static uint64_t extent(uint64_t n, uint64_t k, uint64_t s, uint32_t padding)
{
    if (padding == 1)
        return (n + s - 1) / s;
    return k <= n ? (n - k) / s + 1 : 0;
}

/* Makes a version-2 file consistent apart from its checksum and returns its new size: each record reads the
 * shape the previous one writes; a dense record (36 bytes, kind 0) writes the vector of its output's values;
 * a convolution or pooling record (56 bytes, kinds 1 to 3) writes the shape its window gives (a convolution
 * keeps its filter count, pooling keeps the channels and gets valid padding and the linear activation); the
 * parameter block gets the length the layers need. Gives up, returning `size` (with the records before the
 * one it stopped at already repaired), at another version, record size or kind, an invalid shape or window,
 * or a file that would not fit. */
static size_t repair_version2(uint8_t *data, size_t size, size_t max_size)
{
    if (size < 20 || memcmp(data, "NERVEnet", 8) != 0 || get32(data + 8) != 2)
        return size;
    uint32_t layers = get32(data + 16);
    if (layers == 0 || layers > 256)
        return size;
    size_t at = 20, previous_out = 0;
    uint64_t needed = 0;
    for (uint32_t l = 0; l < layers; l++) {
        if (at + RECORD > size)
            return size;
        uint32_t record = get32(data + at), kind = get32(data + at + 4);
        int windowed = kind >= 1 && kind <= 3;
        if (kind > 3 || record != (windowed ? WINDOWED_RECORD : RECORD) || at + record > size)
            return size;
        if (l > 0)
            memmove(data + at + 12, data + previous_out, 12);
        uint8_t *in = data + at + 12, *out = data + at + 24;
        uint64_t in_values = shape_values(in);
        if (in_values == 0)
            return size;
        if (!windowed) {
            uint64_t out_values = shape_values(out);
            if (out_values == 0)
                return size;
            set32(out, (uint32_t)out_values);
            set32(out + 4, 1);
            set32(out + 8, 1);
            needed += in_values * out_values + out_values;
        } else {
            uint64_t window[4];
            for (int i = 0; i < 4; i++) {
                window[i] = get32(data + at + 36 + 4 * (size_t)i);
                if (window[i] == 0 || window[i] > (1u << 24))
                    return size;
            }
            if (kind != 1) {
                set32(data + at + 8, 5); /* linear */
                set32(data + at + 52, 0);
            }
            uint32_t padding = get32(data + at + 52);
            if (padding > 1)
                return size;
            uint64_t channels = kind == 1 ? get32(out) : get32(in);
            uint64_t h = extent(get32(in + 4), window[0], window[2], padding);
            uint64_t w = extent(get32(in + 8), window[1], window[3], padding);
            if (channels == 0 || channels > (1u << 24) || h == 0 || w == 0)
                return size;
            set32(out, (uint32_t)channels);
            set32(out + 4, (uint32_t)h);
            set32(out + 8, (uint32_t)w);
            if (shape_values(out) == 0)
                return size;
            if (kind == 1) {
                uint64_t k = get32(in) * window[0] * window[1];
                if (k > (1u << 24))
                    return size;
                needed += channels * k + channels;
            }
        }
        if (needed > MAX_REPAIRED_PARAMETERS)
            return size;
        previous_out = at + 24;
        at += record;
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
