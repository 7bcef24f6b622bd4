#include "dataset.h"

#include <stdlib.h>
#include <string.h>

int dataset_from_idx(const idx_images *images, const idx_labels *labels, int64_t first, int64_t end, int64_t step,
                     int32_t classes, dataset *out)
{
    const int32_t features = images->rows * images->cols;
    const int64_t n = first < end ? (end - first + step - 1) / step : 0;
    int64_t i, k;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->rows = images->rows;
    out->cols = images->cols;
    out->features = features;
    out->classes = classes;
    out->x = malloc((size_t)(n * features + 1) * sizeof(float));
    out->y = calloc((size_t)(n * classes + 1), sizeof(float));
    out->labels = malloc((size_t)n + 1);
    if (out->x == NULL || out->y == NULL || out->labels == NULL) {
        dataset_free(out);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const int64_t source = first + i * step;
        const uint8_t *pixels = images->pixels + source * features;
        for (k = 0; k < features; k++)
            out->x[i * features + k] = pixels[k] / 255.0f;
        out->labels[i] = labels->labels[source];
        out->y[i * classes + out->labels[i]] = 1.0f;
    }
    return 0;
}

void dataset_free(dataset *data)
{
    free(data->x);
    free(data->y);
    free(data->labels);
    memset(data, 0, sizeof *data);
}
