#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

int snapshot_take(const nerve_net *net, net_snapshot *snap)
{
    memset(snap, 0, sizeof *snap);
    snap->layers = nerve_layer_count(net);
    if (snap->layers <= 0 || snap->layers > 64)
        return -1;
    size_t total = 0;
    int64_t counts[64][2];
    for (int32_t l = 0; l < snap->layers; l++) {
        int32_t *s = snap->shape[l];
        if (nerve_layer_info(net, l, &s[0], &s[1], &s[2]) != NERVE_OK ||
            nerve_layer_parameter_count(net, l, &counts[l][0], &counts[l][1]) != NERVE_OK || counts[l][0] < 0 ||
            counts[l][1] < 0)
            return -1;
        total += (size_t)(counts[l][0] + counts[l][1]);
    }
    snap->params = malloc(total ? total * sizeof(float) : 1);
    if (!snap->params)
        return -1;
    size_t at = 0;
    for (int32_t l = 0; l < snap->layers; l++) {
        int64_t nw = counts[l][0], nb = counts[l][1];
        if (nerve_get_layer(net, l, snap->params + at, nw, snap->params + at + nw, nb) != NERVE_OK) {
            snapshot_free(snap);
            return -1;
        }
        at += (size_t)(nw + nb);
    }
    snap->count = total;
    return 0;
}

int snapshot_equal(const net_snapshot *a, const net_snapshot *b)
{
    return a->layers == b->layers && a->count == b->count &&
           memcmp(a->shape, b->shape, sizeof a->shape) == 0 &&
           memcmp(a->params, b->params, a->count * sizeof(float)) == 0;
}

void snapshot_free(net_snapshot *snap)
{
    free(snap->params);
    snap->params = NULL;
    snap->count = 0;
}
