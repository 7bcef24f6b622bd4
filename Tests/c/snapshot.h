/* A copy of every weight and bias of a network (through nerve_layer_parameter_count and nerve_get_layer), to
 * compare networks bit for bit; pooling layers contribute their shapes only. */
#ifndef NERVE_TEST_SNAPSHOT_H
#define NERVE_TEST_SNAPSHOT_H

#include <stddef.h>

#include "nerve.h"

typedef struct {
    int32_t layers;
    int32_t shape[64][3]; /* values in, values out, activation of each layer (at most 64 layers) */
    float *params;        /* layer by layer: weights then biases */
    size_t count;
} net_snapshot;

/* Returns 0 on success (the snapshot then owns memory: snapshot_free). */
int snapshot_take(const nerve_net *net, net_snapshot *snap);
int snapshot_equal(const net_snapshot *a, const net_snapshot *b);
void snapshot_free(net_snapshot *snap);

#endif
