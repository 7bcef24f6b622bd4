#include "fashion_mnist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *path) {
    fprintf(stderr, "fashion_mnist: %s: %s\n", what, path);
    exit(2);
}

static uint32_t read_be32(FILE *f, const char *path) {
    unsigned char b[4];
    if (fread(b, 1, 4, f) != 4) die("truncated header", path);
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint8_t *read_idx(const char *path, uint32_t magic, int64_t *count, int64_t *item_size) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open", path);
    if (read_be32(f, path) != magic) die("bad magic", path);
    *count = read_be32(f, path);
    *item_size = 1;
    if (magic == 0x803) {
        uint32_t rows = read_be32(f, path), cols = read_be32(f, path);
        *item_size = (int64_t)rows * cols;
    }
    size_t bytes = (size_t)(*count * *item_size);
    uint8_t *data = malloc(bytes);
    if (!data) die("out of memory", path);
    if (fread(data, 1, bytes, f) != bytes) die("truncated data", path);
    fclose(f);
    return data;
}

fashion_mnist_set fashion_mnist_load(const char *dir, const char *prefix, int64_t limit) {
    char images_path[4096], labels_path[4096];
    snprintf(images_path, sizeof images_path, "%s/%s-images-idx3-ubyte", dir, prefix);
    snprintf(labels_path, sizeof labels_path, "%s/%s-labels-idx1-ubyte", dir, prefix);

    int64_t n_images, pixels, n_labels, one;
    uint8_t *images = read_idx(images_path, 0x803, &n_images, &pixels);
    uint8_t *labels = read_idx(labels_path, 0x801, &n_labels, &one);
    if (n_images != n_labels) die("image and label counts differ", images_path);

    fashion_mnist_set set = {.n = n_images, .features = (int32_t)pixels, .classes = 10};
    if (limit > 0 && limit < set.n) set.n = limit;
    set.x = malloc((size_t)set.n * pixels * sizeof(float));
    set.y = calloc((size_t)set.n * set.classes, sizeof(float));
    set.labels = malloc((size_t)set.n);
    if (!set.x || !set.y || !set.labels) die("out of memory", images_path);
    for (int64_t i = 0; i < set.n * pixels; i++) set.x[i] = images[i] / 255.0f;
    for (int64_t i = 0; i < set.n; i++) {
        if (labels[i] >= set.classes) die("label out of range", labels_path);
        set.labels[i] = labels[i];
        set.y[i * set.classes + labels[i]] = 1.0f;
    }
    free(images);
    free(labels);
    return set;
}

void fashion_mnist_free(fashion_mnist_set *set) {
    free(set->x);
    free(set->y);
    free(set->labels);
    memset(set, 0, sizeof *set);
}
