/* Little-endian fields of model files, for tests that write or patch them by the format description
 * (Sources/Nerve/ModelFormat.swift's header comment) rather than through the library. */
#ifndef NERVE_TEST_MODEL_BYTES_H
#define NERVE_TEST_MODEL_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../fuzz/crc32.h"

/* Version 2 layout: "NERVEnet", u32 version, u32 cost, u32 layer count, then self-sized layer records. */
enum { MODEL_RECORDS_AT = 20, DENSE_RECORD = 36, WINDOW_RECORD = 56 };

/* Offsets inside a layer record. */
enum {
    REC_SIZE = 0, REC_KIND = 4, REC_ACTIVATION = 8, REC_INPUT = 12, REC_OUTPUT = 24,
    REC_WINDOW_HEIGHT = 36, REC_WINDOW_WIDTH = 40, REC_STRIDE_HEIGHT = 44, REC_STRIDE_WIDTH = 48, REC_PADDING = 52
};

static inline uint32_t get_u32(const unsigned char *b, size_t at)
{
    return (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 | (uint32_t)b[at + 3] << 24;
}

static inline size_t put_u32(unsigned char *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[at + i] = (unsigned char)(v >> (8 * i));
    return at + 4;
}

static inline size_t put_u64(unsigned char *b, size_t at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[at + i] = (unsigned char)(v >> (8 * i));
    return at + 8;
}

static inline size_t put_f32(unsigned char *b, size_t at, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    return put_u32(b, at, bits);
}

/* Appends the CRC-32 of the n bytes before it; returns the length with it. */
static inline size_t seal(unsigned char *b, size_t n) { return put_u32(b, n, crc32(b, n)); }

/* Rewrites the last four bytes of an n-byte model with the CRC of the rest, after an edit. */
static inline void reseal(unsigned char *b, size_t n) { put_u32(b, n - 4, crc32(b, n - 4)); }

#endif
