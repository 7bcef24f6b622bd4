/*
 * idx.h — a small reader for the IDX files of MNIST and Fashion-MNIST.
 *
 * An IDX file is a big-endian header (magic 0x00000803 for a 3-dimensional array of unsigned bytes, i.e.
 * images; 0x00000801 for a 1-dimensional one, i.e. labels; then one 32-bit size per dimension) followed by
 * the bytes of the array. The readers check the header, the sizes and the file's exact length before they
 * allocate, and report problems through a message instead of stopping the program.
 */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>

typedef struct idx_images {
    int32_t  count;  /* number of images */
    int32_t  rows;   /* pixels per column */
    int32_t  cols;   /* pixels per row */
    uint8_t *pixels; /* count * rows * cols bytes, image after image, row-major; 0 = background */
} idx_images;

typedef struct idx_labels {
    int32_t  count;  /* number of labels */
    uint8_t *labels; /* count bytes */
} idx_labels;

/* Reads an image file. Returns 0 and fills *out on success (release it with idx_free_images); returns -1,
 * leaves *out untouched and writes a message to error (error_size bytes, may be 0) on failure. */
int idx_read_images(const char *path, idx_images *out, char *error, size_t error_size);

/* Reads a label file; same contract as idx_read_images (release with idx_free_labels). */
int idx_read_labels(const char *path, idx_labels *out, char *error, size_t error_size);

/* Reads "<dir>/<prefix>-images-idx3-ubyte" and "<dir>/<prefix>-labels-idx1-ubyte" (prefix "train" or "t10k")
 * and checks that they have as many entries and that every label is below `classes`. Same contract as
 * idx_read_images; on failure neither struct is touched. */
int idx_read_split(const char *dir, const char *prefix, int classes, idx_images *images, idx_labels *labels,
                   char *error, size_t error_size);

/* Release what a successful read allocated and reset the struct; safe on a zeroed struct. */
void idx_free_images(idx_images *images);
void idx_free_labels(idx_labels *labels);

#endif /* IDX_H */
