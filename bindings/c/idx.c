#include "idx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDX_MAGIC_IMAGES 0x00000803u /* unsigned bytes, 3 dimensions */
#define IDX_MAGIC_LABELS 0x00000801u /* unsigned bytes, 1 dimension */
#define IDX_MAX_DIMS 3

static void set_error(char *error, size_t error_size, const char *format, ...)
{
    va_list args;
    if (error == NULL || error_size == 0)
        return;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
}

/* IDX stores integers most significant byte first, whatever the machine's order. */
static int read_u32_be(FILE *file, uint32_t *value)
{
    unsigned char b[4];
    if (fread(b, 1, sizeof b, file) != sizeof b)
        return -1;
    *value = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
    return 0;
}

/* Reads an array of unsigned bytes with the given magic, whose number of dimensions the magic's low byte
 * states. On success dims[] holds the sizes and *data a malloc'ed copy of the payload. */
static int read_array(const char *path, uint32_t magic, int32_t dims[IDX_MAX_DIMS], uint8_t **data,
                      char *error, size_t error_size)
{
    const int n_dims = (int)(magic & 0xffu);
    const long header_size = 4L + 4L * n_dims;
    uint32_t found_magic;
    size_t payload = 1;
    long file_size;
    uint8_t *bytes = NULL;
    int i;
    FILE *file = fopen(path, "rb");

    if (file == NULL) {
        set_error(error, error_size, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (read_u32_be(file, &found_magic) != 0) {
        set_error(error, error_size, "%s: too short for an IDX header", path);
        goto fail;
    }
    if (found_magic != magic) {
        const int gzipped = found_magic >> 16 == 0x1f8bu;
        set_error(error, error_size, "%s: magic 0x%08lx, expected 0x%08lx%s", path, (unsigned long)found_magic,
                  (unsigned long)magic, gzipped ? " (the file is gzipped: gunzip it first)" : "");
        goto fail;
    }
    for (i = 0; i < n_dims; i++) {
        uint32_t size;
        if (read_u32_be(file, &size) != 0) {
            set_error(error, error_size, "%s: header ends before dimension %d", path, i + 1);
            goto fail;
        }
        if (size == 0 || size > INT32_MAX) {
            set_error(error, error_size, "%s: dimension %d has size %lu", path, i + 1, (unsigned long)size);
            goto fail;
        }
        if (payload > SIZE_MAX / size) {
            set_error(error, error_size, "%s: dimensions overflow", path);
            goto fail;
        }
        payload *= size;
        dims[i] = (int32_t)size;
    }

    /* Compare sizes before allocating, so a corrupt header cannot ask for gigabytes. */
    if (fseek(file, 0, SEEK_END) != 0 || (file_size = ftell(file)) < 0) {
        set_error(error, error_size, "%s: cannot determine the file's length", path);
        goto fail;
    }
    if ((unsigned long)(file_size - header_size) != payload) {
        set_error(error, error_size, "%s: %ld bytes of data, the header promises %lu", path,
                  file_size - header_size, (unsigned long)payload);
        goto fail;
    }
    if (fseek(file, header_size, SEEK_SET) != 0) {
        set_error(error, error_size, "%s: cannot seek: %s", path, strerror(errno));
        goto fail;
    }
    bytes = malloc(payload);
    if (bytes == NULL) {
        set_error(error, error_size, "%s: out of memory for %lu bytes", path, (unsigned long)payload);
        goto fail;
    }
    if (fread(bytes, 1, payload, file) != payload) {
        set_error(error, error_size, "%s: read error", path);
        goto fail;
    }
    fclose(file);
    *data = bytes;
    return 0;

fail:
    free(bytes);
    fclose(file);
    return -1;
}

int idx_read_images(const char *path, idx_images *out, char *error, size_t error_size)
{
    int32_t dims[IDX_MAX_DIMS];
    uint8_t *pixels;

    if (path == NULL || out == NULL) {
        set_error(error, error_size, "idx_read_images: NULL argument");
        return -1;
    }
    if (read_array(path, IDX_MAGIC_IMAGES, dims, &pixels, error, error_size) != 0)
        return -1;
    out->count = dims[0];
    out->rows = dims[1];
    out->cols = dims[2];
    out->pixels = pixels;
    return 0;
}

int idx_read_labels(const char *path, idx_labels *out, char *error, size_t error_size)
{
    int32_t dims[IDX_MAX_DIMS];
    uint8_t *labels;

    if (path == NULL || out == NULL) {
        set_error(error, error_size, "idx_read_labels: NULL argument");
        return -1;
    }
    if (read_array(path, IDX_MAGIC_LABELS, dims, &labels, error, error_size) != 0)
        return -1;
    out->count = dims[0];
    out->labels = labels;
    return 0;
}

void idx_free_images(idx_images *images)
{
    if (images == NULL)
        return;
    free(images->pixels);
    memset(images, 0, sizeof *images);
}

void idx_free_labels(idx_labels *labels)
{
    if (labels == NULL)
        return;
    free(labels->labels);
    memset(labels, 0, sizeof *labels);
}

int idx_read_split(const char *dir, const char *prefix, int classes, idx_images *images, idx_labels *labels,
                   char *error, size_t error_size)
{
    char path[4096];
    idx_images read_images = {0};
    idx_labels read_labels = {0};
    int32_t i;

    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, prefix);
    if (idx_read_images(path, &read_images, error, error_size) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, prefix);
    if (idx_read_labels(path, &read_labels, error, error_size) != 0)
        goto fail;
    if (read_labels.count != read_images.count) {
        set_error(error, error_size, "%s: %ld images but %ld labels", prefix, (long)read_images.count,
                  (long)read_labels.count);
        goto fail;
    }
    for (i = 0; i < read_labels.count; i++) {
        if (read_labels.labels[i] >= classes) {
            set_error(error, error_size, "%s: label %d of sample %ld is not a class", prefix,
                      read_labels.labels[i], (long)i);
            goto fail;
        }
    }
    *images = read_images;
    *labels = read_labels;
    return 0;

fail:
    idx_free_images(&read_images);
    idx_free_labels(&read_labels);
    return -1;
}
