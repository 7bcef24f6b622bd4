/* Fashion-MNIST (or MNIST) IDX files as float matrices: pixels scaled to [0, 1], labels one-hot. */
#ifndef BENCH_FASHION_MNIST_H
#define BENCH_FASHION_MNIST_H

#include <stdint.h>

typedef struct {
    int64_t n;          /* samples */
    int32_t features;   /* 784 */
    int32_t classes;    /* 10 */
    float *x;           /* n × features, row-major */
    float *y;           /* n × classes, one-hot */
    uint8_t *labels;    /* n class indices */
} fashion_mnist_set;

/* Loads "<dir>/<prefix>-images-idx3-ubyte" and "<dir>/<prefix>-labels-idx1-ubyte" (prefix "train" or "t10k"),
 * keeping at most `limit` samples (0 = all). Exits the program with a message on any error: a benchmark
 * without its data has nothing to say. */
fashion_mnist_set fashion_mnist_load(const char *dir, const char *prefix, int64_t limit);

void fashion_mnist_free(fashion_mnist_set *set);

#endif
