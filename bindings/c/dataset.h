/*
 * dataset.h — images and labels of an IDX split as the examples hand them to Nerve: pixels scaled to [0, 1],
 * one row per image, and one-hot target rows.
 */
#ifndef DATASET_H
#define DATASET_H

#include <stdint.h>

#include "idx.h"

typedef struct dataset {
    int64_t n;
    int32_t rows, cols;  /* pixels of one image */
    int32_t features;    /* rows × cols */
    int32_t classes;
    float *x;            /* n × features */
    float *y;            /* n × classes, one-hot */
    uint8_t *labels;     /* n class numbers */
} dataset;

/* Takes images first, first + step, first + 2·step, ... below end (labels already checked to lie below
 * `classes`, as idx_read_split does). Returns 0, or -1 when memory runs out (*out is then empty). */
int dataset_from_idx(const idx_images *images, const idx_labels *labels, int64_t first, int64_t end, int64_t step,
                     int32_t classes, dataset *out);

/* Releases what dataset_from_idx allocated and empties the struct; safe on a zeroed struct. */
void dataset_free(dataset *data);

#endif /* DATASET_H */
