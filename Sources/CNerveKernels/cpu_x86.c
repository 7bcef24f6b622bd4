/* AVX2 + FMA detection from cpuid and xgetbv. __builtin_cpu_supports is avoided because it needs
 * libgcc's CPU model data, which a static link cannot be relied on to provide. */
#include "kernels_internal.h"

#if defined(NERVE_HAVE_AVX2_VARIANT)
#include <cpuid.h>

int nerve_cpu_has_avx2_fma(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    /* The OS must save the XMM (bit 1) and YMM (bit 2) register state, or ymm use would be unsafe. */
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    (void)xcr0_hi;
    if ((xcr0_lo & 6u) != 6u) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & (1u << 5)) != 0; /* AVX2 */
}
#else
typedef int nerve_cpu_x86_unused; /* keeps the translation unit non-empty on other architectures */
#endif
