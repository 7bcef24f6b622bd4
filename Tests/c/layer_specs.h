/* Shorthands for nerve_layer_spec values (fields a kind does not use stay 0, as nerve.h asks). */
#ifndef NERVE_TEST_LAYER_SPECS_H
#define NERVE_TEST_LAYER_SPECS_H

#include "nerve.h"

static inline nerve_layer_spec dense_layer(int32_t units, int32_t activation)
{
    nerve_layer_spec s = {0};
    s.kind = NERVE_LAYER_DENSE;
    s.units = units;
    s.activation = activation;
    return s;
}

/* A convolution with the same stride along both axes (0 = the default). */
static inline nerve_layer_spec conv_layer(int32_t filters, int32_t window_height, int32_t window_width,
                                          int32_t stride, int32_t padding, int32_t activation)
{
    nerve_layer_spec s = {0};
    s.kind = NERVE_LAYER_CONV2D;
    s.units = filters;
    s.window_height = window_height;
    s.window_width = window_width;
    s.stride_height = stride;
    s.stride_width = stride;
    s.padding = padding;
    s.activation = activation;
    return s;
}

/* A max or mean pooling layer (kind NERVE_LAYER_MAX_POOL2D or NERVE_LAYER_MEAN_POOL2D); stride 0 = the window. */
static inline nerve_layer_spec pool_layer(int32_t kind, int32_t window_height, int32_t window_width, int32_t stride)
{
    nerve_layer_spec s = {0};
    s.kind = kind;
    s.window_height = window_height;
    s.window_width = window_width;
    s.stride_height = stride;
    s.stride_width = stride;
    return s;
}

/* nerve_create_layers with this header's spec size; NULL (after a failed check) if it fails. */
#define CREATE_LAYERS(out, shape, specs, n, cost, seed) \
    nerve_create_layers((out), (shape), (specs), (n), sizeof(nerve_layer_spec), (cost), (seed))

#endif
