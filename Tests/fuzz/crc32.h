/* CRC-32 (IEEE, reflected), written independently of the library, for building and resealing model files. */
#ifndef NERVE_FUZZ_CRC32_H
#define NERVE_FUZZ_CRC32_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

#endif
