/*
 * serve_fixture — what the service's test and benchmark need from the library directly, so that the answers the
 * service gives can be checked against the library's own.
 *
 *   serve_fixture model PATH SIZES SEED   a new network (e.g. SIZES 6,12,3: sigmoid hidden layers, softmax
 *                                         output) with weights drawn from SEED, saved to PATH
 *   serve_fixture expect MODEL INPUTS     nerve_predict on the floats of the text file INPUTS, printed as the
 *                                         service answers: argmax, a tab, outputs with %.9g, one line per sample
 *   serve_fixture binary INPUTS OUT       the floats of the text file INPUTS as little-endian float32 to OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nerve.h>

#include "../arguments.h"

enum { MAX_LAYERS = 16 };

static int failed(const char *what)
{
    fprintf(stderr, "serve_fixture: %s: %s\n", what, nerve_last_error());
    return 1;
}

/* Every whitespace- or comma-separated number in the file, read with fscanf (independent of the service's
 * parser). */
static float *read_floats(const char *path, size_t *count)
{
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        perror(path);
        return NULL;
    }
    size_t n = 0, capacity = 64;
    float *values = malloc(capacity * sizeof *values);
    for (;;) {
        int c;
        while ((c = fgetc(file)) == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        if (c == EOF)
            break;
        ungetc(c, file);
        if (n == capacity)
            values = realloc(values, (capacity *= 2) * sizeof *values);
        if (fscanf(file, "%f", &values[n]) != 1) {
            fprintf(stderr, "serve_fixture: %s: value %zu is not a number\n", path, n + 1);
            free(values);
            fclose(file);
            return NULL;
        }
        n++;
    }
    fclose(file);
    *count = n;
    return values;
}

static int make_model(const char *path, const char *sizes_text, const char *seed_text)
{
    int32_t sizes[MAX_LAYERS + 1], activations[MAX_LAYERS], n_sizes = 0;
    long seed;
    if (argument_sizes(sizes_text, sizes, MAX_LAYERS + 1, &n_sizes) != 0 || n_sizes < 2 ||
        argument_long(seed_text, 0, 1L << 40, &seed) != 0) {
        fprintf(stderr, "serve_fixture: bad sizes or seed\n");
        return 2;
    }
    for (int32_t i = 0; i + 1 < n_sizes; i++)
        activations[i] = i + 2 < n_sizes ? NERVE_ACT_SIGMOID : NERVE_ACT_SOFTMAX;
    nerve_net *net = NULL;
    if (nerve_create(&net, sizes, n_sizes, activations, NERVE_COST_LOG_LIKELIHOOD, (uint64_t)seed) != NERVE_OK)
        return failed("create");
    int result = nerve_save(net, path) == NERVE_OK ? 0 : failed("save");
    nerve_free(net);
    return result;
}

static int expect(const char *model_path, const char *inputs_path)
{
    nerve_net *net = NULL;
    size_t count = 0;
    float *x = read_floats(inputs_path, &count);
    if (x == NULL)
        return 1;
    if (nerve_load(model_path, &net) != NERVE_OK) {
        free(x);
        return failed("load");
    }
    int32_t in = nerve_input_size(net), out = nerve_output_size(net);
    int64_t n = (int64_t)count / in;
    float *y = malloc(sizeof *y * (size_t)(n * out + 1));
    int result = 0;
    if (count % (size_t)in != 0 || n == 0) {
        fprintf(stderr, "serve_fixture: %zu values are not whole samples of %d\n", count, (int)in);
        result = 1;
    } else if (nerve_predict(net, x, n, y, n * out) != NERVE_OK) {
        result = failed("predict");
    } else {
        for (int64_t s = 0; s < n; s++) {
            const float *row = y + s * out;
            int best = 0;
            for (int j = 1; j < out; j++)
                if (row[j] > row[best])
                    best = j;
            printf("%d\t", best);
            for (int j = 0; j < out; j++)
                printf(j + 1 < out ? "%.9g " : "%.9g\n", (double)row[j]);
        }
    }
    nerve_free(net);
    free(x);
    free(y);
    return result;
}

static int to_binary(const char *inputs_path, const char *out_path)
{
    size_t count = 0;
    float *x = read_floats(inputs_path, &count);
    if (x == NULL)
        return 1;
    FILE *file = fopen(out_path, "wb");
    int result = 1;
    if (file != NULL) {
        result = 0;
        for (size_t i = 0; i < count; i++) {
            uint32_t bits;
            unsigned char bytes[4];
            memcpy(&bits, &x[i], 4);
            for (int b = 0; b < 4; b++)
                bytes[b] = (unsigned char)(bits >> (8 * b)); /* little-endian whatever the host */
            result |= fwrite(bytes, 1, 4, file) != 4;
        }
        result |= fclose(file) != 0;
    }
    if (result)
        perror(out_path);
    free(x);
    return result;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "model") == 0)
        return make_model(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "expect") == 0)
        return expect(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "binary") == 0)
        return to_binary(argv[2], argv[3]);
    fprintf(stderr, "usage: serve_fixture model PATH SIZES SEED | expect MODEL INPUTS | binary INPUTS OUT\n");
    return 2;
}
