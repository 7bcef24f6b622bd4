/* Counts heap allocations made anywhere in the process. Linking alloc_counter.c into an executable replaces
 * malloc and friends with thin wrappers around glibc's own allocator that add one to a counter; the executable
 * must be linked with -rdynamic so shared libraries resolve to the wrappers. */
#ifndef BENCH_ALLOC_COUNTER_H
#define BENCH_ALLOC_COUNTER_H

#include <stdint.h>

/* Allocations so far, from every thread. */
uint64_t allocation_count(void);

#endif
