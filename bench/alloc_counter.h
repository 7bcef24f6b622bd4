/* Counts heap allocations made anywhere in the process, and which shared library asked for each.
 * Linking alloc_counter.c into an executable replaces malloc and friends with thin wrappers around glibc's
 * own allocator that add one to a counter; the executable must be linked with -rdynamic so shared libraries
 * resolve to the wrappers. */
#ifndef BENCH_ALLOC_COUNTER_H
#define BENCH_ALLOC_COUNTER_H

#include <stdint.h>

typedef struct {
    uint64_t total;
    uint64_t blas;  /* called directly from code in libopenblas (its threaded GEMM allocates per call) */
} allocation_counts;

/* Finds libopenblas in memory so later allocations can be attributed to it; until this is called every
 * allocation counts only in the total. Call once, after the libraries are loaded. */
void allocation_counter_attribute(void);

allocation_counts allocation_counts_now(void);

#endif
