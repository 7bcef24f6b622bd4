/* Save → load gives the same network bit for bit, through a file and through memory, for every allowed
 * activation/cost pair; the file and the memory image are the same bytes; saving over a file replaces it
 * and leaves no temporary file behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { SAMPLES = 16 };

static int allowed_pair(int output_activation, int cost)
{
    return cost == NERVE_COST_QUADRATIC || (cost == NERVE_COST_CROSS_ENTROPY && output_activation == NERVE_ACT_SIGMOID) ||
           (cost == NERVE_COST_LOG_LIKELIHOOD && output_activation == NERVE_ACT_SOFTMAX);
}

/* The loaded copy must equal the original in structure, parameters and predictions. */
static void expect_same_network(const nerve_net *original, const nerve_net *copy, const char *what)
{
    net_snapshot a, b;
    if (!CHECK(snapshot_take(original, &a) == 0, "%s: snapshot of the original", what))
        return;
    if (CHECK(snapshot_take(copy, &b) == 0, "%s: snapshot of the copy", what)) {
        CHECK(snapshot_equal(&a, &b), "%s: parameters or layer specs differ after the round trip", what);
        snapshot_free(&b);
    }
    snapshot_free(&a);
    CHECK(nerve_cost(original) == nerve_cost(copy), "%s: cost %d became %d", what, nerve_cost(original),
          nerve_cost(copy));

    int32_t in = nerve_input_size(original), out = nerve_output_size(original);
    float *x = malloc(sizeof(float) * SAMPLES * in);
    float *pa = malloc(sizeof(float) * SAMPLES * out), *pb = malloc(sizeof(float) * SAMPLES * out);
    fill_uniform(x, (size_t)SAMPLES * in, 99, -2, 2);
    if (CHECK_OK(nerve_predict(original, x, SAMPLES, pa, SAMPLES * out)) &&
        CHECK_OK(nerve_predict(copy, x, SAMPLES, pb, SAMPLES * out)))
        CHECK(floats_equal_bits(pa, pb, (size_t)SAMPLES * out), "%s: predictions differ after the round trip", what);
    free(x), free(pa), free(pb);
}

static void round_trip_trained_network(void)
{
    const int32_t sizes[] = {5, 7, 6, 3};
    const int32_t acts[] = {NERVE_ACT_RELU, NERVE_ACT_TANH, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, 11)))
        return;
    float x[64 * 5], y[64 * 3];
    fill_uniform(x, 64 * 5, 1, -1, 1);
    fill_one_hot(y, 64, 3, 2);
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 3;
    opts.optimizer = NERVE_OPTIMIZER_ADAM;
    opts.learning_rate = 0.01f;
    CHECK_OK(nerve_train(net, x, y, 64, NULL, NULL, 0, &opts));

    /* Through a file. */
    char *dir = scratch_subdir("persistence");
    char path[4200];
    snprintf(path, sizeof path, "%s/model.nerve", dir);
    nerve_net *from_file = NULL;
    if (CHECK_OK(nerve_save(net, path)) && CHECK_OK(nerve_load(path, &from_file)))
        expect_same_network(net, from_file, "file");
    CHECK(dir_holds_only(dir, "model.nerve"), "saving left files other than the model in the directory");

    /* Through memory, into a buffer of exactly the announced size and into a larger one. */
    size_t size = 0, written = 0;
    CHECK_OK(nerve_serialized_size(net, &size));
    unsigned char *buffer = malloc(size + 100);
    nerve_net *from_memory = NULL;
    if (CHECK_OK(nerve_save_to_memory(net, buffer, size, &written))) {
        CHECK(written == size, "wrote %zu bytes, serialized_size said %zu", written, size);
        if (CHECK_OK(nerve_load_from_memory(buffer, written, &from_memory)))
            expect_same_network(net, from_memory, "memory");
        CHECK(memcmp(buffer, "NERVEnet", 8) == 0, "the model does not start with the magic \"NERVEnet\"");

        size_t file_size = 0;
        unsigned char *file = read_whole_file(path, &file_size);
        CHECK(file && file_size == written && memcmp(file, buffer, written) == 0,
              "the file (%zu bytes) and the memory image (%zu bytes) differ", file_size, written);
        free(file);
    }
    size_t written_large = 0;
    if (CHECK_OK(nerve_save_to_memory(net, buffer, size + 100, &written_large)))
        CHECK(written_large == size, "wrote %zu bytes into a larger buffer, expected %zu", written_large, size);

    /* A loaded network is a full network: it trains further. */
    if (from_memory) {
        opts.epochs = 1;
        CHECK_OK(nerve_train(from_memory, x, y, 64, NULL, NULL, 0, &opts));
    }

    /* Saving another network over the file replaces it. */
    const int32_t other_sizes[] = {5, 2}, other_acts[] = {NERVE_ACT_SIGMOID};
    nerve_net *other = NULL, *reloaded = NULL;
    if (CHECK_OK(nerve_create(&other, other_sizes, 2, other_acts, NERVE_COST_CROSS_ENTROPY, 12)) &&
        CHECK_OK(nerve_save(other, path)) && CHECK_OK(nerve_load(path, &reloaded)))
        expect_same_network(other, reloaded, "overwritten file");
    CHECK(dir_holds_only(dir, "model.nerve"), "saving over a file left other files in the directory");
    remove_tree(dir);
    free(dir);

    nerve_free(reloaded);
    nerve_free(other);
    nerve_free(from_memory);
    nerve_free(from_file);
    nerve_free(net);
    free(buffer);
}

static void round_trip_every_pair(void)
{
    int pairs = 0;
    for (int hidden = NERVE_ACT_SIGMOID; hidden <= NERVE_ACT_STEP; hidden++)
        for (int output = NERVE_ACT_SIGMOID; output <= NERVE_ACT_STEP; output++)
            for (int cost = NERVE_COST_QUADRATIC; cost <= NERVE_COST_LOG_LIKELIHOOD; cost++) {
                if (!allowed_pair(output, cost))
                    continue;
                const int32_t sizes[] = {3, 4, 2}, acts[] = {hidden, output};
                nerve_net *net = NULL, *copy = NULL;
                char what[64];
                snprintf(what, sizeof what, "hidden %d output %d cost %d", hidden, output, cost);
                if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, cost, (uint64_t)(hidden * 100 + output * 10 + cost))))
                    continue;
                size_t size = 0, written = 0;
                CHECK_OK(nerve_serialized_size(net, &size));
                unsigned char *buffer = malloc(size);
                if (CHECK_OK(nerve_save_to_memory(net, buffer, size, &written)) &&
                    CHECK_OK(nerve_load_from_memory(buffer, written, &copy)))
                    expect_same_network(net, copy, what);
                free(buffer);
                nerve_free(copy);
                nerve_free(net);
                pairs++;
            }
    CHECK(pairs == 7 * 9, "round-tripped %d activation/cost combinations, expected 63", pairs);
}

void test_persistence(void)
{
    round_trip_trained_network();
    round_trip_every_pair();
}
