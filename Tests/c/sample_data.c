#include "sample_data.h"

#include <string.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void fill_uniform(float *a, size_t n, uint64_t seed, float lo, float hi)
{
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++)
        a[i] = lo + (hi - lo) * (float)((splitmix64(&state) >> 40) * (1.0 / 16777216.0));
}

void fill_one_hot(float *a, size_t n, int classes, uint64_t seed)
{
    uint64_t state = seed;
    memset(a, 0, n * (size_t)classes * sizeof(float));
    for (size_t i = 0; i < n; i++)
        a[i * (size_t)classes + splitmix64(&state) % (uint64_t)classes] = 1.0f;
}
