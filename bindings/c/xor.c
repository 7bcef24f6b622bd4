/* xor.c — trains a 2-8-1 network on XOR, saves it, loads it back and checks both give the same answers. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <nerve.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every fallible Nerve call returns a status; on failure the library says why in nerve_last_error(). */
static void check(nerve_status status, const char *what)
{
    if (status == NERVE_OK)
        return;
    fprintf(stderr, "xor: %s failed: %s (%s)\n", what, nerve_last_error(), nerve_status_string(status));
    exit(EXIT_FAILURE);
}

int main(void)
{
    const float x[4 * 2] = {0, 0, 0, 1, 1, 0, 1, 1}; /* four samples, one per row */
    const float y[4] = {0, 1, 1, 0};
    const int32_t sizes[] = {2, 8, 1}; /* with 4 hidden units about 1 seed in 100 gets stuck */
    const int32_t activations[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL, *from_file = NULL, *from_memory = NULL;
    nerve_train_options opts;
    float out[4], out_file[4], out_memory[4];
    char path[] = "/tmp/nerve-xor-XXXXXX";
    size_t size, written;
    void *buffer;
    int fd, i, correct = 0, same;

    check(nerve_create(&net, sizes, 3, activations, NERVE_COST_CROSS_ENTROPY, 7), "create");
    nerve_train_options_init(&opts);
    opts.epochs = 500;
    opts.batch_size = 4; /* the whole set: plain gradient descent */
    opts.learning_rate = 0.5f;
    opts.momentum = 0.9f;
    check(nerve_train(net, x, y, 4, NULL, NULL, 0, &opts), "train");
    check(nerve_predict(net, x, 4, out, 4), "predict");

    /* Round trip through a file... */
    fd = mkstemp(path);
    if (fd < 0) {
        perror("xor: mkstemp");
        return EXIT_FAILURE;
    }
    close(fd);
    check(nerve_save(net, path), "save");
    check(nerve_load(path, &from_file), "load");
    remove(path);
    check(nerve_predict(from_file, x, 4, out_file, 4), "predict with the loaded network");

    /* ...and through memory, as a service keeping models in a database would. */
    check(nerve_serialized_size(net, &size), "serialized_size");
    buffer = malloc(size);
    if (buffer == NULL) {
        fputs("xor: out of memory\n", stderr);
        return EXIT_FAILURE;
    }
    check(nerve_save_to_memory(net, buffer, size, &written), "save_to_memory");
    check(nerve_load_from_memory(buffer, written, &from_memory), "load_from_memory");
    free(buffer);
    check(nerve_predict(from_memory, x, 4, out_memory, 4), "predict with the copy from memory");

    for (i = 0; i < 4; i++) {
        printf("%g XOR %g = %.4f\n", x[2 * i], x[2 * i + 1], out[i]);
        correct += (out[i] >= 0.5f) == (y[i] >= 0.5f);
    }
    same = memcmp(out, out_file, sizeof out) == 0 && memcmp(out, out_memory, sizeof out) == 0;
    printf("learned XOR: %d/4 correct (%d%%); reloaded networks predict %s\n", correct, correct * 25,
           same ? "bit for bit the same" : "DIFFERENTLY");

    nerve_free(net);
    nerve_free(from_file);
    nerve_free(from_memory);
    return correct == 4 && same ? EXIT_SUCCESS : EXIT_FAILURE;
}
