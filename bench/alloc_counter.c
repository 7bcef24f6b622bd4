#include "alloc_counter.h"

#include <errno.h>
#include <link.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

/* glibc's allocator under its internal names. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void __libc_free(void *pointer);

typedef struct {
    const char *name;
    uintptr_t start, end;  /* address range of the library's loaded segments; 0, 0 until found */
    atomic_uint_fast64_t count;
} tracked_library;

static atomic_uint_fast64_t total;
static tracked_library libraries[] = {{"libopenblas", 0, 0, 0}};
enum { BLAS, TRACKED };

static inline void count_one(void *caller) {
    atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
    uintptr_t address = (uintptr_t)caller;
    for (int i = 0; i < TRACKED; i++)
        if (address >= libraries[i].start && address < libraries[i].end)
            atomic_fetch_add_explicit(&libraries[i].count, 1, memory_order_relaxed);
}

static int find_library(struct dl_phdr_info *info, size_t size, void *unused) {
    (void)size, (void)unused;
    for (int i = 0; i < TRACKED; i++) {
        if (!info->dlpi_name || !strstr(info->dlpi_name, libraries[i].name)) continue;
        uintptr_t low = UINTPTR_MAX, high = 0;
        for (int s = 0; s < info->dlpi_phnum; s++) {
            const ElfW(Phdr) *segment = &info->dlpi_phdr[s];
            if (segment->p_type != PT_LOAD) continue;
            uintptr_t start = info->dlpi_addr + segment->p_vaddr;
            if (start < low) low = start;
            if (start + segment->p_memsz > high) high = start + segment->p_memsz;
        }
        libraries[i].start = low;
        libraries[i].end = high;
    }
    return 0;
}

void allocation_counter_attribute(void) { dl_iterate_phdr(find_library, NULL); }

allocation_counts allocation_counts_now(void) {
    allocation_counts counts = {
        .total = atomic_load_explicit(&total, memory_order_relaxed),
        .blas = atomic_load_explicit(&libraries[BLAS].count, memory_order_relaxed),
    };
    return counts;
}

void *malloc(size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one(__builtin_return_address(0));
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer && size != 0) return ENOMEM;
    *out = pointer;
    return 0;
}

void *valloc(size_t size) {
    count_one(__builtin_return_address(0));
    return __libc_valloc(size);
}
