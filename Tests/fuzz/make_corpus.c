/* Writes the checked-in corpus: hand-built model files, encoded here from the format description (not by the
 * library), so that the loader is tested against an independent writer.
 *
 *   corpus/accept/   valid models; corpus/accepted.list gives an input and the outputs computed here in double
 *   corpus/reject/   damaged models, each of which the loader must refuse with NERVE_E_FORMAT
 *
 * Version 1 (little-endian): "NERVEnet", u32 version (1), u32 cost, u32 layer count L, u32 input size,
 * L × (u32 kind (0 = dense), u32 outputs, u32 activation), 4 × u64 generator state, u64 parameter count P,
 * P × f32 (per layer: weights row-major, then biases), u32 CRC-32 (zlib's) of every byte before it.
 *
 * Version 2 (little-endian): "NERVEnet", u32 version (2), u32 cost, u32 layer count L, then L self-sized
 * layer records: u32 record size in bytes (this one included), u32 kind (0 = dense, 1 = convolution, 2 = max
 * pooling, 3 = mean pooling), u32 activation, 3 × u32 input shape (channels, height, width), 3 × u32 output
 * shape; a dense record ends there (36 bytes), a convolution or pooling record goes on with u32 window height,
 * window width, vertical stride, horizontal stride and padding (0 valid, 1 same): 56 bytes. Then the generator
 * state, P and the parameters and the CRC as in version 1: a dense layer's weights outputs × inputs, a
 * convolution's filters × channels × window height × window width, each followed by the biases (one per
 * output, one per filter); pooling has none. Each layer reads the shape the previous one writes; every shape
 * value is at least 1 and a shape holds at most 2^24 values; a dense layer writes a vector {n, 1, 1}; a
 * windowed layer's output extents follow from its window as nerve.h gives them (valid: ⌊(n − k) / s⌋ + 1,
 * same: ⌈n / s⌉), a convolution's channels are its filters, a pooling layer keeps the channels, takes valid
 * padding only and has the linear activation. The v1 files stay in the corpus unchanged: they show that
 * version 1 still loads.
 *
 * Run `make corpus` after changing this file, and commit the result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../c/reference.h"
#include "../c/sample_data.h"
#include "nerve.h"
#include "crc32.h"

enum { MAX_LAYERS = 8, MAX_BYTES = 1 << 16 };

typedef struct {
    uint32_t version, cost, layer_count, inputs;
    uint32_t kind[MAX_LAYERS], outputs[MAX_LAYERS], activation[MAX_LAYERS];
    uint64_t state[4];
    uint64_t declared_params;
    float params[4096];
    size_t stored_params;
} model;


static size_t put32(unsigned char *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[at + i] = (unsigned char)(v >> (8 * i));
    return at + 4;
}

static size_t put64(unsigned char *b, size_t at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[at + i] = (unsigned char)(v >> (8 * i));
    return at + 8;
}

/* Encodes m and appends the CRC; returns the length. */
static size_t encode(const model *m, unsigned char *b)
{
    memcpy(b, "NERVEnet", 8);
    size_t at = 8;
    at = put32(b, at, m->version);
    at = put32(b, at, m->cost);
    at = put32(b, at, m->layer_count);
    at = put32(b, at, m->inputs);
    for (uint32_t l = 0; l < m->layer_count && l < MAX_LAYERS; l++) {
        at = put32(b, at, m->kind[l]);
        at = put32(b, at, m->outputs[l]);
        at = put32(b, at, m->activation[l]);
    }
    for (int i = 0; i < 4; i++)
        at = put64(b, at, m->state[i]);
    at = put64(b, at, m->declared_params);
    for (size_t k = 0; k < m->stored_params; k++) {
        uint32_t bits;
        memcpy(&bits, &m->params[k], 4);
        at = put32(b, at, bits);
    }
    return put32(b, at, crc32(b, at));
}

/* Replaces the CRC of a buffer of length n after an edit, so that only the edited field is wrong. */
static void reseal(unsigned char *b, size_t n) { put32(b, n - 4, crc32(b, n - 4)); }

static size_t params_needed(const model *m)
{
    size_t total = 0, in = m->inputs;
    for (uint32_t l = 0; l < m->layer_count; l++) {
        total += in * m->outputs[l] + m->outputs[l];
        in = m->outputs[l];
    }
    return total;
}

/* A valid model: the given architecture, parameters from a fixed stream. */
static model make(uint32_t cost, uint32_t inputs, int layers, const uint32_t *outputs, const uint32_t *acts,
                  uint64_t seed)
{
    model m = {.version = 1, .cost = cost, .layer_count = (uint32_t)layers, .inputs = inputs};
    for (int l = 0; l < layers; l++) {
        m.kind[l] = 0;
        m.outputs[l] = outputs[l];
        m.activation[l] = acts[l];
    }
    m.state[0] = 0x0123456789ABCDEFull ^ seed;
    m.state[1] = 0xF00DF00DF00DF00Dull;
    m.state[2] = seed * 0x9E3779B97F4A7C15ull;
    m.state[3] = 42;
    m.stored_params = m.declared_params = params_needed(&m);
    fill_uniform(m.params, m.stored_params, seed, -1.5f, 1.5f);
    return m;
}

static const char *corpus = "corpus";

static void write_file(const char *sub, const char *name, const unsigned char *b, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", corpus, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(b, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void reject(const char *name, const unsigned char *b, size_t n) { write_file("reject", name, b, n); }

/* Appends the line of accepted.list for a chain of dense layers: widths[0] inputs, then widths[l + 1] outputs
 * of layer l, parameters layer by layer; the prediction for x is computed here in double. */
static void expect(FILE *list, const char *name, const float *params, int layers, const uint32_t *widths,
                   const uint32_t *acts, const float *x)
{
    double in[64], out[64];
    for (uint32_t k = 0; k < widths[0]; k++)
        in[k] = x[k];
    size_t at = 0, width = widths[0];
    for (int l = 0; l < layers; l++) {
        double w[1024], bias[64];
        size_t nw = width * widths[l + 1];
        for (size_t i = 0; i < nw; i++)
            w[i] = params[at + i];
        for (size_t j = 0; j < widths[l + 1]; j++)
            bias[j] = params[at + nw + j];
        ref_dense(in, (int)width, w, bias, (int)widths[l + 1], (int)acts[l], out);
        at += nw + widths[l + 1];
        width = widths[l + 1];
        memcpy(in, out, sizeof(double) * width);
    }
    fprintf(list, "accept/%s %u", name, widths[0]);
    for (uint32_t k = 0; k < widths[0]; k++)
        fprintf(list, " %.9g", x[k]);
    fprintf(list, " %zu", width);
    for (size_t j = 0; j < width; j++)
        fprintf(list, " %.9g", out[j]);
    fprintf(list, "\n");
}

/* Writes a valid model and its expected prediction for one input, computed in double. */
static void accept(FILE *list, const char *name, const model *m, const float *x)
{
    unsigned char b[MAX_BYTES];
    write_file("accept", name, b, encode(m, b));
    uint32_t widths[MAX_LAYERS + 1] = {m->inputs};
    for (uint32_t l = 0; l < m->layer_count; l++)
        widths[l + 1] = m->outputs[l];
    expect(list, name, m->params, (int)m->layer_count, widths, m->activation, x);
}

/* Offsets of the fields, for targeted damage. */
enum { AT_VERSION = 8, AT_COST = 12, AT_LAYERS = 16, AT_INPUTS = 20, AT_SPECS = 24 };
static size_t at_state(const model *m) { return AT_SPECS + 12 * (size_t)m->layer_count; }
static size_t at_count(const model *m) { return at_state(m) + 32; }
static size_t at_params(const model *m) { return at_count(m) + 8; }

static void edit32(const char *name, const model *m, size_t at, uint32_t value)
{
    unsigned char b[MAX_BYTES];
    size_t n = encode(m, b);
    put32(b, at, value);
    reseal(b, n);
    reject(name, b, n);
}

static void edit_param(const char *name, const model *m, size_t index, uint32_t bits)
{
    unsigned char b[MAX_BYTES];
    size_t n = encode(m, b);
    put32(b, at_params(m) + 4 * index, bits);
    reseal(b, n);
    reject(name, b, n);
}

static void damaged(const model *base)
{
    unsigned char b[MAX_BYTES], c[2 * MAX_BYTES];
    size_t n = encode(base, b);

    reject("empty.nerve", b, 0);
    reject("magic-only.nerve", b, 8);
    reject("truncated-in-header.nerve", b, 20);
    reject("truncated-in-layer-specs.nerve", b, AT_SPECS + 14);
    reject("truncated-in-generator-state.nerve", b, at_state(base) + 13);
    reject("truncated-in-parameters.nerve", b, at_params(base) + 4 * (base->stored_params / 2) + 2);
    reject("truncated-before-crc.nerve", b, n - 4);
    reject("truncated-by-one-byte.nerve", b, n - 1);

    memcpy(c, b, n);
    c[n] = 0;
    reject("trailing-byte.nerve", c, n + 1);
    memcpy(c + n, b, n);
    reject("two-models-back-to-back.nerve", c, 2 * n);

    memcpy(c, b, n);
    memcpy(c, "NERVEnes", 8);
    reject("magic-wrong.nerve", c, n);
    memcpy(c, "nervenet", 8);
    reject("magic-lowercase.nerve", c, n);
    memcpy(c, b, n);
    c[n - 1] ^= 0x01;
    reject("crc-wrong.nerve", c, n);
    memcpy(c, b, n);
    put32(c, n - 4, 0);
    reject("crc-zero.nerve", c, n);
    memcpy(c, b, n);
    c[at_params(base) + 5] ^= 0x10;
    reject("parameter-changed-crc-stale.nerve", c, n);

    edit32("version-0.nerve", base, AT_VERSION, 0);
    edit32("version-2.nerve", base, AT_VERSION, 2);
    edit32("version-max.nerve", base, AT_VERSION, 0xFFFFFFFFu);
    edit32("cost-4.nerve", base, AT_COST, 4);
    edit32("cost-max.nerve", base, AT_COST, 0xFFFFFFFFu);
    edit32("layer-count-4097.nerve", base, AT_LAYERS, 4097);
    edit32("layer-count-max.nerve", base, AT_LAYERS, 0xFFFFFFFFu);
    edit32("layer-count-one-too-many.nerve", base, AT_LAYERS, base->layer_count + 1);
    edit32("input-size-0.nerve", base, AT_INPUTS, 0);
    edit32("input-size-2p24-plus-1.nerve", base, AT_INPUTS, (1u << 24) + 1);
    edit32("input-size-max.nerve", base, AT_INPUTS, 0xFFFFFFFFu);
    edit32("layer-kind-1.nerve", base, AT_SPECS, 1);
    edit32("layer-outputs-0.nerve", base, AT_SPECS + 4, 0);
    edit32("layer-outputs-2p24-plus-1.nerve", base, AT_SPECS + 4, (1u << 24) + 1);
    edit32("layer-outputs-max.nerve", base, AT_SPECS + 4, 0xFFFFFFFFu);
    edit32("activation-8.nerve", base, AT_SPECS + 8, 8);
    edit32("activation-max.nerve", base, AT_SPECS + 8, 0xFFFFFFFFu);

    /* Parameter counts that disagree with the layers, and counts far beyond the file. */
    model m = *base;
    m.declared_params = m.stored_params = base->stored_params + 1;
    n = encode(&m, c);
    reject("parameter-count-one-more-than-layers.nerve", c, n);
    m.declared_params = m.stored_params = base->stored_params - 1;
    n = encode(&m, c);
    reject("parameter-count-one-less-than-layers.nerve", c, n);
    m = *base;
    m.declared_params = (uint64_t)1 << 62;
    n = encode(&m, c);
    reject("parameter-count-2p62.nerve", c, n);
    m.declared_params = UINT64_MAX;
    n = encode(&m, c);
    reject("parameter-count-max.nerve", c, n);

    /* Layers whose product of sizes passes 2^31 parameters or wraps 32-bit arithmetic, in a short file. */
    m = *base;
    m.inputs = 65536;
    m.outputs[0] = 65536;
    n = encode(&m, c);
    reject("layer-65536x65536.nerve", c, n);
    m.inputs = 1u << 24;
    m.outputs[0] = 1u << 24;
    n = encode(&m, c);
    reject("layer-2p24x2p24.nerve", c, n);
    m.inputs = 46341;
    m.outputs[0] = 46341;
    m.declared_params = (uint64_t)46341 * 46341 + 46341;
    n = encode(&m, c);
    reject("layer-just-over-2p31-parameters.nerve", c, n);

    /* Non-finite parameters under a valid CRC. */
    edit_param("weight-nan.nerve", base, 0, 0x7FC00000u);
    edit_param("weight-signalling-nan.nerve", base, 3, 0x7F800001u);
    edit_param("weight-minus-infinity.nerve", base, 1, 0xFF800000u);
    edit_param("last-bias-infinity.nerve", base, base->stored_params - 1, 0x7F800000u);
}

/* Version 2: self-sized layer records with input and output shapes. */

enum { V2_MAX_LAYERS = 16, RECORD = 36, WINDOW_FIELDS = 20 };
/* Offsets inside a record. */
enum { R_SIZE = 0, R_KIND = 4, R_ACTIVATION = 8, R_INPUT = 12, R_OUTPUT = 24 };
enum { R_WINDOW_HEIGHT = 36, R_WINDOW_WIDTH = 40, R_STRIDE_HEIGHT = 44, R_STRIDE_WIDTH = 48, R_PADDING = 52 };
enum { KIND_DENSE = 0, KIND_CONV = 1, KIND_MAX = 2, KIND_MEAN = 3 };

typedef struct {
    uint32_t c, h, w;
} shape;

typedef struct {
    uint32_t size, kind, activation;
    shape in, out;
    int windowed;       /* the window fields follow the 36 bytes */
    uint32_t window[5]; /* height, width, vertical stride, horizontal stride, padding */
    uint32_t pad;       /* zero bytes written after the record: a record that really is longer */
} record;

typedef struct {
    uint32_t version, cost, layer_count;
    record layer[V2_MAX_LAYERS];
    uint64_t state[4];
    uint64_t declared_params;
    float params[4096];
    size_t stored_params;
} model2;

/* The product of a shape, as a reader computing in 64 bits without checks would get it. */
static uint64_t values(shape s) { return (uint64_t)s.c * s.h * s.w; }

static size_t put_shape(unsigned char *b, size_t at, shape s)
{
    at = put32(b, at, s.c);
    at = put32(b, at, s.h);
    return put32(b, at, s.w);
}

static size_t encode2(const model2 *m, unsigned char *b)
{
    memcpy(b, "NERVEnet", 8);
    size_t at = 8;
    at = put32(b, at, m->version);
    at = put32(b, at, m->cost);
    at = put32(b, at, m->layer_count);
    for (uint32_t l = 0; l < m->layer_count && l < V2_MAX_LAYERS; l++) {
        const record *r = &m->layer[l];
        at = put32(b, at, r->size);
        at = put32(b, at, r->kind);
        at = put32(b, at, r->activation);
        at = put_shape(b, at, r->in);
        at = put_shape(b, at, r->out);
        for (int i = 0; r->windowed && i < 5; i++)
            at = put32(b, at, r->window[i]);
        memset(b + at, 0, r->pad);
        at += r->pad;
    }
    for (int i = 0; i < 4; i++)
        at = put64(b, at, m->state[i]);
    at = put64(b, at, m->declared_params);
    for (size_t k = 0; k < m->stored_params; k++) {
        uint32_t bits;
        memcpy(&bits, &m->params[k], 4);
        at = put32(b, at, bits);
    }
    return put32(b, at, crc32(b, at));
}

static size_t at_record(const model2 *m, uint32_t layer)
{
    size_t at = 20;
    for (uint32_t l = 0; l < layer && l < V2_MAX_LAYERS; l++)
        at += RECORD + (m->layer[l].windowed ? WINDOW_FIELDS : 0) + m->layer[l].pad;
    return at;
}
static size_t at_state2(const model2 *m) { return at_record(m, m->layer_count); }
static size_t at_count2(const model2 *m) { return at_state2(m) + 32; }
static size_t at_params2(const model2 *m) { return at_count2(m) + 8; }

/* The parameters of every layer, in wrapping arithmetic of the given width (32 or 64 bits): in·out + out for a
 * dense layer, F·C·kh·kw + F for a convolution of F filters over C channels, none for pooling. */
static uint64_t wrapped_params(const model2 *m, int bits)
{
    uint64_t total = 0, mask = bits == 32 ? 0xFFFFFFFFu : UINT64_MAX;
    for (uint32_t l = 0; l < m->layer_count; l++) {
        const record *r = &m->layer[l];
        if (r->kind == KIND_MAX || r->kind == KIND_MEAN)
            continue;
        if (r->kind == KIND_CONV) {
            uint64_t filters = r->out.c, k = ((uint64_t)r->in.c * r->window[0] & mask) * r->window[1] & mask;
            total = (total + ((filters * k) & mask) + filters) & mask;
            continue;
        }
        uint64_t in = values(r->in) & mask, out = values(r->out) & mask;
        total = (total + ((in * out) & mask) + out) & mask;
    }
    return total;
}

static uint64_t params_needed2(const model2 *m) { return wrapped_params(m, 64); }

/* Declares `count` parameters and stores that many (16 when they would not fit), from a fixed stream. */
static void set_params(model2 *m, uint64_t count, uint64_t seed)
{
    m->declared_params = count;
    m->stored_params = count <= 4096 ? (size_t)count : 16;
    fill_uniform(m->params, m->stored_params, seed, -1.5f, 1.5f);
}

/* A valid model: layer l reads shapes[l] and writes shapes[l + 1]; parameters from a fixed stream. */
static model2 make2(uint32_t cost, int layers, const shape *shapes, const uint32_t *acts, uint64_t seed)
{
    model2 m = {.version = 2, .cost = cost, .layer_count = (uint32_t)layers};
    for (int l = 0; l < layers; l++)
        m.layer[l] = (record){.size = RECORD, .kind = 0, .activation = acts[l], .in = shapes[l], .out = shapes[l + 1]};
    m.state[0] = 0x0123456789ABCDEFull ^ seed;
    m.state[1] = 0x5EED5EED5EED5EEDull;
    m.state[2] = seed * 0x9E3779B97F4A7C15ull;
    m.state[3] = 7;
    set_params(&m, params_needed2(&m), seed);
    return m;
}

/* Output extent along one axis of n values for window k and stride s, by nerve.h's formulas; 0 if the window
 * does not fit. */
static uint32_t extent(uint32_t n, uint32_t k, uint32_t s, uint32_t padding)
{
    if (padding == 1)
        return (n + s - 1) / s;
    return k <= n ? (n - k) / s + 1 : 0;
}

static record dense_record(shape in, uint32_t units, uint32_t activation)
{
    return (record){.size = RECORD, .kind = KIND_DENSE, .activation = activation, .in = in, .out = {units, 1, 1}};
}

static record conv_record(shape in, uint32_t filters, uint32_t kh, uint32_t kw, uint32_t sh, uint32_t sw,
                          uint32_t padding, uint32_t activation)
{
    shape out = {filters, extent(in.h, kh, sh, padding), extent(in.w, kw, sw, padding)};
    return (record){.size = RECORD + WINDOW_FIELDS, .kind = KIND_CONV, .activation = activation, .in = in,
                    .out = out, .windowed = 1, .window = {kh, kw, sh, sw, padding}};
}

static record pool_record(uint32_t kind, shape in, uint32_t kh, uint32_t kw, uint32_t sh, uint32_t sw)
{
    shape out = {in.c, extent(in.h, kh, sh, 0), extent(in.w, kw, sw, 0)};
    return (record){.size = RECORD + WINDOW_FIELDS, .kind = kind, .activation = NERVE_ACT_LINEAR, .in = in,
                    .out = out, .windowed = 1, .window = {kh, kw, sh, sw, 0}};
}

/* A valid model of the given records (each reading what the one before writes); parameters from a fixed
 * stream. */
static model2 make_records(uint32_t cost, int layers, const record *records, uint64_t seed)
{
    model2 m = {.version = 2, .cost = cost, .layer_count = (uint32_t)layers};
    for (int l = 0; l < layers; l++)
        m.layer[l] = records[l];
    m.state[0] = 0x0123456789ABCDEFull ^ seed;
    m.state[1] = 0xC0DEC0DEC0DEC0DEull;
    m.state[2] = seed * 0x9E3779B97F4A7C15ull;
    m.state[3] = 11;
    set_params(&m, params_needed2(&m), seed);
    return m;
}

/* The model's prediction for x, in double, from the definitions (../c/reference.c); returns the output count. */
static int forward2(const model2 *m, const float *x, double *out)
{
    static double a[2][4096], p[4096];
    for (size_t k = 0; k < m->stored_params; k++)
        p[k] = m->params[k];
    int cur = 0;
    size_t at = 0;
    for (uint64_t i = 0; i < values(m->layer[0].in); i++)
        a[0][i] = x[i];
    for (uint32_t l = 0; l < m->layer_count; l++) {
        const record *r = &m->layer[l];
        double *in = a[cur], *next = a[1 - cur];
        const uint32_t *w = r->window;
        if (r->kind == KIND_DENSE) {
            size_t n_in = values(r->in), n_out = values(r->out);
            ref_dense(in, (int)n_in, p + at, p + at + n_in * n_out, (int)n_out, (int)r->activation, next);
            at += n_in * n_out + n_out;
        } else if (r->kind == KIND_CONV) {
            size_t nw = (size_t)r->out.c * r->in.c * w[0] * w[1];
            ref_conv2d(in, (int)r->in.c, (int)r->in.h, (int)r->in.w, p + at, p + at + nw, (int)r->out.c, (int)w[0],
                       (int)w[1], (int)w[2], (int)w[3], (int)w[4], (int)r->activation, next);
            at += nw + r->out.c;
        } else {
            ref_pool2d(in, (int)r->in.c, (int)r->in.h, (int)r->in.w, (int)w[0], (int)w[1], (int)w[2], (int)w[3],
                       r->kind == KIND_MAX, next);
        }
        cur = 1 - cur;
    }
    int n = (int)values(m->layer[m->layer_count - 1].out);
    memcpy(out, a[cur], sizeof(double) * (size_t)n);
    return n;
}

/* Writes a valid model and its line of accepted.list: an input drawn from input_seed and the outputs computed
 * here in double. */
static void accept2(FILE *list, const char *name, const model2 *m, uint64_t input_seed)
{
    unsigned char b[MAX_BYTES];
    write_file("accept", name, b, encode2(m, b));
    float x[64];
    double out[64];
    uint32_t n_in = (uint32_t)values(m->layer[0].in);
    fill_uniform(x, n_in, input_seed, -2, 2);
    int n_out = forward2(m, x, out);
    fprintf(list, "accept/%s %u", name, n_in);
    for (uint32_t k = 0; k < n_in; k++)
        fprintf(list, " %.9g", x[k]);
    fprintf(list, " %d", n_out);
    for (int j = 0; j < n_out; j++)
        fprintf(list, " %.9g", out[j]);
    fprintf(list, "\n");
}

static void reject2(const char *name, const model2 *m)
{
    unsigned char b[MAX_BYTES];
    reject(name, b, encode2(m, b));
}

static void edit2(const char *name, const model2 *m, size_t at, uint32_t value)
{
    unsigned char b[MAX_BYTES];
    size_t n = encode2(m, b);
    put32(b, at, value);
    reseal(b, n);
    reject(name, b, n);
}

/* Damage to a valid multi-layer version-2 model, each under a valid CRC unless the CRC is the point. */
static void damaged2(const model2 *base)
{
    unsigned char b[MAX_BYTES], c[2 * MAX_BYTES];
    size_t n = encode2(base, b);
    const size_t r0 = at_record(base, 0), r1 = at_record(base, 1), last = at_record(base, base->layer_count - 1);
    model2 m;
    shape s;

    reject("v2-truncated-after-layer-count.nerve", b, r0);
    reject("v2-truncated-in-record-size.nerve", b, r0 + 2);
    reject("v2-truncated-after-record-size.nerve", b, r0 + 4);
    reject("v2-truncated-in-activation.nerve", b, r0 + R_ACTIVATION + 1);
    reject("v2-truncated-in-input-shape.nerve", b, r0 + R_INPUT + 6);
    reject("v2-truncated-in-output-shape.nerve", b, r0 + R_OUTPUT + 9);
    reject("v2-truncated-one-byte-short-of-first-record.nerve", b, r0 + RECORD - 1);
    reject("v2-truncated-after-first-record.nerve", b, r1);
    reject("v2-truncated-in-second-record-size.nerve", b, r1 + 2);
    reject("v2-truncated-in-second-record-kind.nerve", b, r1 + R_KIND + 1);
    reject("v2-truncated-in-second-record-input-shape.nerve", b, r1 + R_INPUT + 6);
    reject("v2-truncated-in-second-record-output-shape.nerve", b, r1 + R_OUTPUT + 7);
    reject("v2-truncated-one-byte-short-of-last-record.nerve", b, last + RECORD - 1);
    reject("v2-truncated-after-last-record.nerve", b, at_state2(base));
    reject("v2-truncated-in-generator-state.nerve", b, at_state2(base) + 13);
    reject("v2-truncated-in-parameter-count.nerve", b, at_count2(base) + 3);
    reject("v2-truncated-in-parameters.nerve", b, at_params2(base) + 4 * (base->stored_params / 2) + 2);
    reject("v2-truncated-before-crc.nerve", b, n - 4);
    reject("v2-truncated-by-one-byte.nerve", b, n - 1);

    memcpy(c, b, n);
    c[n] = 0;
    reject("v2-trailing-byte.nerve", c, n + 1);
    memcpy(c + n, b + r0, RECORD);
    reject("v2-trailing-layer-record.nerve", c, n + RECORD);
    memcpy(c + n, b, n);
    reject("v2-two-models-back-to-back.nerve", c, 2 * n);
    /* Trailing bytes under a CRC that covers them: the CRC at the end is right, the length is not. */
    memcpy(c, b, n);
    memset(c + n, 0, 4);
    put32(c, n, crc32(c, n));
    reject("v2-trailing-crc-of-whole-file.nerve", c, n + 4);

    memcpy(c, b, n);
    c[n - 1] ^= 0x80;
    reject("v2-crc-wrong.nerve", c, n);
    memcpy(c, b, n);
    put32(c, n - 4, 0);
    reject("v2-crc-zero.nerve", c, n);
    /* A hidden shape rearranged on both of its sides: the counts and the chain still agree, only the CRC
     * is wrong. */
    m = *base;
    s = m.layer[0].out;
    m.layer[0].out = m.layer[1].in = (shape){s.w, s.c, s.h};
    n = encode2(&m, c);
    memcpy(c + n - 4, b + n - 4, 4);
    reject("v2-hidden-shape-rearranged-crc-stale.nerve", c, n);
    memcpy(c, b, n);
    c[r0 + R_ACTIVATION] ^= 0x01;
    reject("v2-activation-changed-crc-stale.nerve", c, n);
    memcpy(c, b, n);
    c[at_params2(base) + 5] ^= 0x10;
    reject("v2-parameter-changed-crc-stale.nerve", c, n);

    edit2("v2-version-0.nerve", base, AT_VERSION, 0);
    edit2("v2-version-1.nerve", base, AT_VERSION, 1);
    edit2("v2-version-3.nerve", base, AT_VERSION, 3);
    edit2("v2-version-max.nerve", base, AT_VERSION, 0xFFFFFFFFu);
    edit2("v2-cost-4.nerve", base, AT_COST, 4);
    edit2("v2-cost-max.nerve", base, AT_COST, 0xFFFFFFFFu);
    edit2("v2-layer-count-0.nerve", base, AT_LAYERS, 0);
    edit2("v2-layer-count-4097.nerve", base, AT_LAYERS, 4097);
    edit2("v2-layer-count-max.nerve", base, AT_LAYERS, 0xFFFFFFFFu);
    edit2("v2-layer-count-one-too-many.nerve", base, AT_LAYERS, base->layer_count + 1);
    edit2("v2-layer-count-one-too-few.nerve", base, AT_LAYERS, base->layer_count - 1);

    /* Record sizes other than a dense layer's 36 (base is a chain of dense layers). */
    edit2("v2-record-size-0.nerve", base, r0 + R_SIZE, 0);
    edit2("v2-record-size-4.nerve", base, r0 + R_SIZE, 4);
    edit2("v2-record-size-35.nerve", base, r0 + R_SIZE, 35);
    edit2("v2-record-size-37.nerve", base, r0 + R_SIZE, 37);
    edit2("v2-record-size-72.nerve", base, r0 + R_SIZE, 72);
    edit2("v2-record-size-2p31.nerve", base, r0 + R_SIZE, 0x80000000u);
    edit2("v2-record-size-max.nerve", base, r0 + R_SIZE, 0xFFFFFFFFu);
    edit2("v2-record-size-size-of-rest-of-file.nerve", base, r0 + R_SIZE, (uint32_t)(n - r0));
    edit2("v2-second-record-size-35.nerve", base, r1 + R_SIZE, 35);
    edit2("v2-last-record-size-37.nerve", base, last + R_SIZE, 37);
    m = *base;
    m.layer[0].size = 37;
    m.layer[0].pad = 1;
    reject2("v2-record-size-37-with-37-bytes.nerve", &m);
    m.layer[0].size = 40;
    m.layer[0].pad = 4;
    reject2("v2-record-size-40-with-40-bytes.nerve", &m);
    m.layer[0].size = RECORD;
    reject2("v2-record-size-36-followed-by-4-bytes.nerve", &m);
    m = *base;
    m.layer[m.layer_count - 1].size = 48;
    m.layer[m.layer_count - 1].pad = 12;
    reject2("v2-last-record-size-48-with-48-bytes.nerve", &m);

    /* A dense layer's 56-byte record (its size is 36, whatever follows). */
    m = *base;
    m.layer[0].size = 56;
    m.layer[0].pad = 20;
    reject2("v2-dense-record-size-56-with-56-bytes.nerve", &m);

    /* Kinds the format does not define, and windowed kinds on dense records. */
    edit2("v2-layer-kind-4.nerve", base, r0 + R_KIND, 4);
    edit2("v2-layer-kind-max.nerve", base, r0 + R_KIND, 0xFFFFFFFFu);
    edit2("v2-dense-record-with-conv-kind.nerve", base, r0 + R_KIND, KIND_CONV);
    edit2("v2-dense-record-with-max-pool-kind.nerve", base, r0 + R_KIND, KIND_MAX);
    edit2("v2-second-dense-record-with-mean-pool-kind.nerve", base, r1 + R_KIND, KIND_MEAN);
    m = *base;
    m.layer[0].kind = KIND_CONV;
    m.layer[0].size = 48;
    m.layer[0].pad = 12;
    reject2("v2-conv-kind-with-48-byte-record.nerve", &m);

    /* A dense layer writes a vector: the same values as an image are refused. */
    m = *base;
    m.layer[0].out = m.layer[1].in = (shape){1, 2, 2};
    reject2("v2-dense-output-1x2x2.nerve", &m);
    m = *base;
    m.layer[0].out = m.layer[1].in = (shape){1, 1, 4};
    reject2("v2-dense-output-1x1x4.nerve", &m);
    edit2("v2-activation-8.nerve", base, r0 + R_ACTIVATION, 8);
    edit2("v2-activation-max.nerve", base, r0 + R_ACTIVATION, 0xFFFFFFFFu);
    edit2("v2-last-activation-8.nerve", base, last + R_ACTIVATION, 8);

    /* Shapes: zeros, breaks in the chain, too many values. */
    static const char *field[] = {"channels", "height", "width"};
    for (int side = 0; side < 2; side++)
        for (int f = 0; f < 3; f++) {
            char name[128];
            snprintf(name, sizeof name, "v2-%s-%s-0.nerve", side ? "output" : "input", field[f]);
            edit2(name, base, r0 + (side ? R_OUTPUT : R_INPUT) + 4 * (size_t)f, 0);
        }
    m = *base;
    m.layer[0].out.h = 0;
    m.layer[1].in.h = 0;
    reject2("v2-hidden-shape-height-0-on-both-sides.nerve", &m);
    m = *base;
    m.layer[1].in.c += 1;
    set_params(&m, params_needed2(&m), 6);
    reject2("v2-input-shape-not-previous-output-parameters-to-match.nerve", &m);
    m = *base;
    s = m.layer[1].in;
    m.layer[1].in = (shape){s.w, s.c, s.h};
    reject2("v2-input-shape-same-count-other-arrangement.nerve", &m);
    m = *base;
    m.layer[m.layer_count - 1].in.w += 1;
    set_params(&m, params_needed2(&m), 5);
    reject2("v2-last-input-shape-wider-parameters-to-match.nerve", &m);

    /* Parameter counts that disagree with the layers. */
    m = *base;
    m.declared_params = m.stored_params = base->stored_params + 1;
    reject2("v2-parameter-count-one-more-than-layers.nerve", &m);
    m.declared_params = m.stored_params = base->stored_params - 1;
    reject2("v2-parameter-count-one-less-than-layers.nerve", &m);
    m.declared_params = m.stored_params = 0;
    reject2("v2-parameter-count-0.nerve", &m);
    m = *base;
    m.declared_params = base->stored_params + 1;
    reject2("v2-parameter-count-one-more-than-stored.nerve", &m);
    m.declared_params = (uint64_t)1 << 62;
    reject2("v2-parameter-count-2p62.nerve", &m);
    m.declared_params = UINT64_MAX;
    reject2("v2-parameter-count-max.nerve", &m);

    /* Non-finite parameters. */
    m = *base;
    memcpy(&m.params[0], &(uint32_t){0x7FC00000u}, 4);
    reject2("v2-weight-nan.nerve", &m);
    m = *base;
    memcpy(&m.params[m.stored_params - 1], &(uint32_t){0xFF800000u}, 4);
    reject2("v2-last-bias-minus-infinity.nerve", &m);
}

/* One-layer models whose shape products pass 2^24, or overflow 32 or 64 bits. Each declares (and holds, when
 * small) the parameter count a reader computing in wrapping arithmetic of that width would expect, so only
 * the shape checks stand in the way. */
static void oversized2(void)
{
    static const struct {
        const char *name;
        shape in, out;
        int bits;
    } cases[] = {
        {"v2-input-2p24-plus-1-values.nerve", {1, 1, (1u << 24) + 1}, {1, 1, 1}, 64},
        {"v2-input-4097x4096x1-values.nerve", {4097, 4096, 1}, {1, 1, 1}, 64},
        {"v2-input-256x256x257-values.nerve", {256, 256, 257}, {1, 1, 1}, 64},
        {"v2-output-2p24-plus-1-values.nerve", {1, 1, 1}, {(1u << 24) + 1, 1, 1}, 64},
        {"v2-output-2049x2049x4-values.nerve", {1, 1, 1}, {2049, 2049, 4}, 64},
        {"v2-input-2p32-values-wraps-32-bits-to-0.nerve", {65536, 65536, 1}, {1, 1, 1}, 32},
        {"v2-input-wraps-32-bits-to-2.nerve", {3, 0x55555556u, 1}, {1, 1, 1}, 32},
        {"v2-output-wraps-32-bits-to-2.nerve", {2, 1, 1}, {1, 0x55555556u, 3}, 32},
        {"v2-input-height-width-wrap-32-bits-to-1.nerve", {1, 0xFFFFFFFFu, 0xFFFFFFFFu}, {1, 1, 1}, 32},
        {"v2-input-2p63-values.nerve", {2, 0x80000000u, 0x80000000u}, {1, 1, 1}, 64},
        {"v2-input-wraps-64-bits-to-4.nerve", {27905, 197908, 3340214413u}, {1, 1, 1}, 64},
        {"v2-output-wraps-64-bits-to-4.nerve", {1, 1, 1}, {3340214413u, 197908, 27905}, 64},
        {"v2-input-2p64-values-wraps-64-bits-to-0.nerve", {0x400000u, 0x200000u, 0x200000u}, {1, 1, 1}, 64},
        {"v2-input-max-cubed.nerve", {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {1, 1, 1}, 64},
        /* Shapes within 2^24 values, but more parameters than 2^31 − 1. */
        {"v2-layer-2p24-to-2p24.nerve", {1, 4096, 4096}, {1u << 24, 1, 1}, 64},
        {"v2-layer-just-over-2p31-parameters.nerve", {46341, 1, 1}, {46341, 1, 1}, 64},
    };
    const uint32_t act[] = {NERVE_ACT_LINEAR};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shape shapes[] = {cases[i].in, cases[i].out};
        model2 m = make2(NERVE_COST_QUADRATIC, 1, shapes, act, 300 + i);
        set_params(&m, wrapped_params(&m, cases[i].bits), 300 + i);
        reject2(cases[i].name, &m);
    }

    /* The 32-bit wrap in a hidden shape, consistent on both sides of it. */
    const shape hidden[] = {{2, 1, 1}, {3, 0x55555556u, 1}, {1, 1, 1}};
    const uint32_t acts[] = {NERVE_ACT_RELU, NERVE_ACT_LINEAR};
    model2 m = make2(NERVE_COST_QUADRATIC, 2, hidden, acts, 320);
    set_params(&m, wrapped_params(&m, 32), 320);
    reject2("v2-hidden-shape-wraps-32-bits-to-2.nerve", &m);

    /* Two layers within bounds whose parameters together pass 2^31 − 1. */
    const shape two[] = {{1, 1, 1}, {1u << 24, 1, 1}, {127, 1, 1}};
    m = make2(NERVE_COST_QUADRATIC, 2, two, acts, 321);
    reject2("v2-parameters-over-2p31-across-layers.nerve", &m);
}

/* Version 2 with convolution and pooling records. */
static void cnn2(FILE *list)
{
    const uint32_t RELU = NERVE_ACT_RELU, TANH = NERVE_ACT_TANH, SIGMOID = NERVE_ACT_SIGMOID,
                   LINEAR = NERVE_ACT_LINEAR, SOFTMAX = NERVE_ACT_SOFTMAX;
    record r[8];

    /* 1×6×6 → conv 2 × 3×3 ReLU → 2×4×4 → max 2×2 → 2×2×2 → dense 3 softmax: the base of the damage below. */
    r[0] = conv_record((shape){1, 6, 6}, 2, 3, 3, 1, 1, 0, RELU);
    r[1] = pool_record(KIND_MAX, r[0].out, 2, 2, 2, 2);
    r[2] = dense_record(r[1].out, 3, SOFTMAX);
    model2 base = make_records(NERVE_COST_LOG_LIKELIHOOD, 3, r, 401);
    accept2(list, "v2-cnn-conv-relu-max-pool-dense-softmax.nerve", &base, 501);

    /* 2×5×5 → conv 3 × 3×3 stride 2 SAME tanh → 3×3×3 → mean 2×2 stride 1 → 3×2×2 → conv 2 × 2×2 sigmoid
     * → 2×1×1, the output, with cross-entropy. */
    r[0] = conv_record((shape){2, 5, 5}, 3, 3, 3, 2, 2, 1, TANH);
    r[1] = pool_record(KIND_MEAN, r[0].out, 2, 2, 1, 1);
    r[2] = conv_record(r[1].out, 2, 2, 2, 1, 1, 0, SIGMOID);
    model2 m = make_records(NERVE_COST_CROSS_ENTROPY, 3, r, 402);
    accept2(list, "v2-cnn-same-stride-2-mean-pool-conv-sigmoid-output.nerve", &m, 502);

    /* A kernel larger than its input, with SAME padding (two zeros on every side). */
    r[0] = conv_record((shape){1, 3, 3}, 1, 5, 5, 1, 1, 1, LINEAR);
    m = make_records(NERVE_COST_QUADRATIC, 1, r, 403);
    accept2(list, "v2-cnn-kernel-5x5-on-3x3-same.nerve", &m, 503);

    /* Pooling first, on three channels, a window that leaves the last column out. */
    r[0] = pool_record(KIND_MAX, (shape){3, 4, 5}, 2, 2, 2, 2);
    r[1] = dense_record(r[0].out, 2, LINEAR);
    m = make_records(NERVE_COST_QUADRATIC, 2, r, 404);
    accept2(list, "v2-cnn-max-pool-first-on-3x4x5.nerve", &m, 504);

    /* Nothing to train: a mean pool alone, 5×5 by 2×2 windows (the last row and column left out). */
    r[0] = pool_record(KIND_MEAN, (shape){1, 5, 5}, 2, 2, 2, 2);
    m = make_records(NERVE_COST_QUADRATIC, 1, r, 405);
    accept2(list, "v2-cnn-mean-pool-only-no-parameters.nerve", &m, 505);

    /* Windows and strides that differ between the axes. */
    r[0] = conv_record((shape){1, 7, 6}, 2, 3, 2, 2, 3, 0, NERVE_ACT_LEAKY_RELU);
    r[1] = pool_record(KIND_MAX, r[0].out, 3, 1, 1, 1);
    r[2] = dense_record(r[1].out, 2, SIGMOID);
    m = make_records(NERVE_COST_CROSS_ENTROPY, 3, r, 406);
    accept2(list, "v2-cnn-asymmetric-windows-and-strides.nerve", &m, 506);

    /* A step convolution (loads and predicts; it cannot train). */
    r[0] = conv_record((shape){1, 4, 4}, 1, 2, 2, 1, 1, 0, NERVE_ACT_STEP);
    m = make_records(NERVE_COST_QUADRATIC, 1, r, 407);
    accept2(list, "v2-cnn-step-convolution.nerve", &m, 507);

    /* Strides longer than the windows: values no window reads (8 = 3 + 3 + 2: SAME adds no zeros here). */
    r[0] = conv_record((shape){1, 8, 8}, 2, 2, 2, 3, 3, 1, TANH);
    r[1] = pool_record(KIND_MEAN, r[0].out, 1, 1, 2, 2);
    r[2] = dense_record(r[1].out, 1, LINEAR);
    m = make_records(NERVE_COST_QUADRATIC, 3, r, 408);
    accept2(list, "v2-cnn-strides-beyond-windows.nerve", &m, 508);

    /* Two convolutions over three channels, then two dense layers. */
    r[0] = conv_record((shape){3, 4, 4}, 4, 2, 2, 1, 1, 1, RELU);
    r[1] = conv_record(r[0].out, 2, 3, 3, 1, 1, 0, TANH);
    r[2] = pool_record(KIND_MAX, r[1].out, 2, 2, 2, 2);
    r[3] = dense_record(r[2].out, 4, LINEAR);
    r[4] = dense_record(r[3].out, 2, SOFTMAX);
    m = make_records(NERVE_COST_LOG_LIKELIHOOD, 5, r, 409);
    accept2(list, "v2-cnn-two-convolutions-two-dense.nerve", &m, 509);

    /* Damage to the base, under a valid CRC unless the point is the length. Records: the convolution at r0,
     * the pooling at r1, the dense layer at r2. */
    unsigned char b[MAX_BYTES];
    const size_t r0 = at_record(&base, 0), r1 = at_record(&base, 1), r2 = at_record(&base, 2);
    size_t n = encode2(&base, b);
    reject("v2-cnn-truncated-in-conv-window-fields.nerve", b, r0 + R_WINDOW_WIDTH + 2);
    reject("v2-cnn-truncated-before-conv-padding.nerve", b, r0 + R_PADDING);
    reject("v2-cnn-truncated-in-pool-padding.nerve", b, r1 + R_PADDING + 3);
    reject("v2-cnn-truncated-after-pool-record.nerve", b, r2);
    (void)n;

    /* Record sizes. */
    edit2("v2-cnn-conv-record-size-36.nerve", &base, r0 + R_SIZE, 36);
    edit2("v2-cnn-conv-record-size-52.nerve", &base, r0 + R_SIZE, 52);
    edit2("v2-cnn-conv-record-size-60.nerve", &base, r0 + R_SIZE, 60);
    edit2("v2-cnn-conv-record-size-0.nerve", &base, r0 + R_SIZE, 0);
    edit2("v2-cnn-conv-record-size-max.nerve", &base, r0 + R_SIZE, 0xFFFFFFFFu);
    edit2("v2-cnn-pool-record-size-36.nerve", &base, r1 + R_SIZE, 36);
    m = base;
    m.layer[0].windowed = 0;
    m.layer[0].size = RECORD;
    reject2("v2-cnn-conv-record-without-window-fields.nerve", &m);
    m = base;
    m.layer[1].windowed = 0;
    m.layer[1].size = RECORD;
    reject2("v2-cnn-pool-record-without-window-fields.nerve", &m);
    m = base;
    m.layer[0].pad = 4;
    reject2("v2-cnn-conv-record-size-56-followed-by-4-bytes.nerve", &m);
    m.layer[0].size = 60;
    reject2("v2-cnn-conv-record-size-60-with-60-bytes.nerve", &m);

    /* Kinds. */
    edit2("v2-cnn-conv-record-with-dense-kind.nerve", &base, r0 + R_KIND, KIND_DENSE);
    edit2("v2-cnn-conv-record-with-max-pool-kind.nerve", &base, r0 + R_KIND, KIND_MAX);
    edit2("v2-cnn-pool-record-with-conv-kind.nerve", &base, r1 + R_KIND, KIND_CONV);
    edit2("v2-cnn-kind-4-with-56-bytes.nerve", &base, r1 + R_KIND, 4);

    /* Windows that do not fit, zero, too long or with zero strides. */
    edit2("v2-cnn-conv-kernel-7x3-on-6x6-valid.nerve", &base, r0 + R_WINDOW_HEIGHT, 7);
    edit2("v2-cnn-max-pool-window-5-on-4.nerve", &base, r1 + R_WINDOW_WIDTH, 5);
    edit2("v2-cnn-conv-window-height-0.nerve", &base, r0 + R_WINDOW_HEIGHT, 0);
    edit2("v2-cnn-conv-window-width-0.nerve", &base, r0 + R_WINDOW_WIDTH, 0);
    edit2("v2-cnn-max-pool-window-height-0.nerve", &base, r1 + R_WINDOW_HEIGHT, 0);
    edit2("v2-cnn-conv-vertical-stride-0.nerve", &base, r0 + R_STRIDE_HEIGHT, 0);
    edit2("v2-cnn-conv-horizontal-stride-0.nerve", &base, r0 + R_STRIDE_WIDTH, 0);
    edit2("v2-cnn-max-pool-horizontal-stride-0.nerve", &base, r1 + R_STRIDE_WIDTH, 0);
    edit2("v2-cnn-conv-stride-2p24-plus-1.nerve", &base, r0 + R_STRIDE_HEIGHT, (1u << 24) + 1);
    edit2("v2-cnn-conv-stride-max.nerve", &base, r0 + R_STRIDE_WIDTH, 0xFFFFFFFFu);
    edit2("v2-cnn-conv-window-max.nerve", &base, r0 + R_WINDOW_WIDTH, 0xFFFFFFFFu);
    edit2("v2-cnn-max-pool-window-2p31.nerve", &base, r1 + R_WINDOW_HEIGHT, 0x80000000u);

    /* Paddings. */
    edit2("v2-cnn-conv-padding-2.nerve", &base, r0 + R_PADDING, 2);
    edit2("v2-cnn-conv-padding-max.nerve", &base, r0 + R_PADDING, 0xFFFFFFFFu);
    edit2("v2-cnn-max-pool-padding-same.nerve", &base, r1 + R_PADDING, 1);

    /* Shapes that disagree with the windows or with each other. */
    m = base;
    m.layer[0].out.h = m.layer[1].in.h = 5;
    reject2("v2-cnn-conv-output-height-5-for-3x3-on-6x6.nerve", &m);
    edit2("v2-cnn-conv-same-padding-with-valid-output.nerve", &base, r0 + R_PADDING, 1);
    edit2("v2-cnn-conv-stride-2-with-stride-1-output.nerve", &base, r0 + R_STRIDE_HEIGHT, 2);
    m = base;
    m.layer[1].window[2] = m.layer[1].window[3] = 1;
    reject2("v2-cnn-max-pool-stride-1-with-stride-2-output.nerve", &m);
    m = base;
    m.layer[1].out.c = m.layer[2].in.c = 3;
    set_params(&m, params_needed2(&m), 411);
    reject2("v2-cnn-max-pool-output-3-channels-from-2-parameters-to-match.nerve", &m);
    m = base;
    m.layer[0].out.c = m.layer[1].in.c = m.layer[1].out.c = m.layer[2].in.c = 3;
    reject2("v2-cnn-conv-3-output-channels-parameters-for-2-filters.nerve", &m);
    m = base;
    m.layer[2].in = (shape){8, 1, 1};
    reject2("v2-cnn-dense-input-flattened-pool-output.nerve", &m);
    m = base;
    m.layer[1].in = (shape){4, 2, 4};
    reject2("v2-cnn-pool-input-same-count-other-arrangement.nerve", &m);

    /* One-layer models whose products pass the limits or wrap: each declares (and holds, when small) the
     * parameters a reader computing in wrapping arithmetic of that width would expect. */
    static const struct {
        const char *name;
        uint32_t kind;
        shape in;
        uint32_t filters, kh, kw, padding;
        int bits;
    } big[] = {
        {"v2-cnn-conv-input-1x65536x65536-wraps-32-bits-to-0.nerve", KIND_CONV, {1, 65536, 65536}, 1, 1, 1, 0, 32},
        {"v2-cnn-conv-input-2p64-values-wraps-64-bits-to-0.nerve", KIND_CONV, {1u << 21, 1u << 21, 1u << 22}, 1, 1, 1,
         0, 64},
        {"v2-cnn-max-pool-input-wraps-32-bits-to-2.nerve", KIND_MAX, {3, 0x55555556u, 1}, 0, 1, 1, 0, 32},
        {"v2-cnn-conv-kernel-weights-2p32-wrap-32-bits-to-0.nerve", KIND_CONV, {65536, 1, 1}, 1, 256, 256, 1, 32},
        {"v2-cnn-conv-window-2p24x2p24-same.nerve", KIND_CONV, {1, 1, 1}, 1, 1u << 24, 1u << 24, 1, 64},
        {"v2-cnn-conv-window-max-squared-same.nerve", KIND_CONV, {1, 1, 1}, 1, 0xFFFFFFFFu, 0xFFFFFFFFu, 1, 64},
        {"v2-cnn-conv-patch-matrix-over-2p26-values.nerve", KIND_CONV, {1, 1024, 1024}, 1, 64, 64, 0, 64},
        {"v2-cnn-conv-2p31-weights-2p24-filters-over-128-channels.nerve", KIND_CONV, {128, 1, 1}, 1u << 24, 1, 1, 0,
         64},
        {"v2-cnn-conv-output-2p25-values.nerve", KIND_CONV, {1, 2, 1}, 1u << 24, 1, 1, 1, 64},
        {"v2-cnn-conv-2p24-plus-1-filters.nerve", KIND_CONV, {1, 1, 1}, (1u << 24) + 1, 1, 1, 0, 64},
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        record one = big[i].kind == KIND_CONV
                         ? conv_record(big[i].in, big[i].filters, big[i].kh, big[i].kw, 1, 1, big[i].padding, LINEAR)
                         : pool_record(big[i].kind, big[i].in, big[i].kh, big[i].kw, 1, 1);
        m = make_records(NERVE_COST_QUADRATIC, 1, &one, 420 + i);
        set_params(&m, wrapped_params(&m, big[i].bits), 420 + i);
        reject2(big[i].name, &m);
    }

    /* Costs and output layers that do not go together. */
    r[0] = conv_record((shape){1, 4, 4}, 2, 3, 3, 1, 1, 0, RELU);
    m = make_records(NERVE_COST_CROSS_ENTROPY, 1, r, 430);
    reject2("v2-cnn-relu-conv-output-with-cross-entropy.nerve", &m);
    r[1] = pool_record(KIND_MAX, r[0].out, 2, 2, 2, 2);
    m = make_records(NERVE_COST_LOG_LIKELIHOOD, 2, r, 431);
    reject2("v2-cnn-max-pool-output-with-log-likelihood.nerve", &m);
}

static void version2(FILE *list)
{
    const shape s2 = {2, 1, 1}, s1 = {1, 1, 1};

    const shape sig_shapes[] = {s2, s2, s1};
    const uint32_t sig_acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};
    model2 sigmoid = make2(NERVE_COST_CROSS_ENTROPY, 2, sig_shapes, sig_acts, 101);
    accept2(list, "v2-sigmoid-2-2-1-cross-entropy.nerve", &sigmoid, 201);

    /* A dense layer reads any shape as its vector and writes a vector {n, 1, 1}. */
    const shape soft_shapes[] = {{3, 2, 2}, {4, 1, 1}};
    const uint32_t soft_acts[] = {NERVE_ACT_SOFTMAX};
    model2 softmax = make2(NERVE_COST_LOG_LIKELIHOOD, 1, soft_shapes, soft_acts, 102);
    accept2(list, "v2-softmax-3x2x2-to-4-log-likelihood.nerve", &softmax, 202);

    const shape chain_shapes[] = {{1, 2, 2}, {4, 1, 1}, {3, 1, 1}, {5, 1, 1}, {4, 1, 1}, {3, 1, 1}, {2, 1, 1}};
    const uint32_t chain_acts[] = {NERVE_ACT_RELU,   NERVE_ACT_LEAKY_RELU, NERVE_ACT_TANH,
                                   NERVE_ACT_LINEAR, NERVE_ACT_SOFTMAX,    NERVE_ACT_SIGMOID};
    model2 chain = make2(NERVE_COST_CROSS_ENTROPY, 6, chain_shapes, chain_acts, 103);
    accept2(list, "v2-every-activation-chain-from-1x2x2.nerve", &chain, 203);

    const shape step_shapes[] = {s2, {3, 1, 1}, s1};
    const uint32_t step_acts[] = {NERVE_ACT_STEP, NERVE_ACT_LINEAR};
    model2 step = make2(NERVE_COST_QUADRATIC, 2, step_shapes, step_acts, 104);
    accept2(list, "v2-step-hidden-layer-quadratic.nerve", &step, 204);

    const shape image_shapes[] = {{2, 3, 4}, {8, 1, 1}, {2, 1, 1}};
    const uint32_t image_acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_TANH};
    model2 image = make2(NERVE_COST_QUADRATIC, 2, image_shapes, image_acts, 105);
    accept2(list, "v2-2x3x4-input-tanh-output-quadratic.nerve", &image, 205);

    const shape sq_shapes[] = {{4, 1, 1}, {5, 1, 1}};
    const uint32_t sq_acts[] = {NERVE_ACT_SOFTMAX};
    model2 soft_quadratic = make2(NERVE_COST_QUADRATIC, 1, sq_shapes, sq_acts, 106);
    accept2(list, "v2-softmax-output-quadratic.nerve", &soft_quadratic, 206);

    const shape one_shapes[] = {s1, s1};
    const uint32_t one_acts[] = {NERVE_ACT_RELU};
    model2 one = make2(NERVE_COST_QUADRATIC, 1, one_shapes, one_acts, 109);
    accept2(list, "v2-one-input-one-output-relu.nerve", &one, 207);

    shape deep_shapes[V2_MAX_LAYERS + 1];
    uint32_t deep_acts[V2_MAX_LAYERS];
    static const shape cycle[] = {{3, 1, 1}, {2, 1, 1}, {4, 1, 1}, {3, 1, 1}, {1, 1, 1}, {2, 1, 1}};
    static const uint32_t act_cycle[] = {NERVE_ACT_TANH, NERVE_ACT_LEAKY_RELU, NERVE_ACT_SIGMOID, NERVE_ACT_LINEAR,
                                         NERVE_ACT_RELU};
    for (int l = 0; l <= V2_MAX_LAYERS; l++)
        deep_shapes[l] = cycle[l % 6];
    for (int l = 0; l < V2_MAX_LAYERS; l++)
        deep_acts[l] = act_cycle[l % 5];
    deep_acts[V2_MAX_LAYERS - 1] = NERVE_ACT_SIGMOID;
    model2 deep = make2(NERVE_COST_CROSS_ENTROPY, V2_MAX_LAYERS, deep_shapes, deep_acts, 108);
    accept2(list, "v2-sixteen-layers.nerve", &deep, 208);

    model2 max_state = sigmoid;
    memset(max_state.state, 0xFF, sizeof max_state.state);
    accept2(list, "v2-generator-state-all-ones.nerve", &max_state, 201);

    damaged2(&chain);
    oversized2();
    cnn2(list);

    /* Cost/activation pairs the costs do not admit. */
    model2 m = softmax;
    m.cost = NERVE_COST_CROSS_ENTROPY;
    reject2("v2-softmax-with-cross-entropy.nerve", &m);
    m = sigmoid;
    m.cost = NERVE_COST_LOG_LIKELIHOOD;
    reject2("v2-sigmoid-with-log-likelihood.nerve", &m);
    m = image;
    m.cost = NERVE_COST_CROSS_ENTROPY;
    reject2("v2-tanh-with-cross-entropy.nerve", &m);
    m = step;
    m.cost = NERVE_COST_LOG_LIKELIHOOD;
    reject2("v2-linear-with-log-likelihood.nerve", &m);
    m = sigmoid;
    m.layer_count = 0;
    m.declared_params = m.stored_params = 0;
    reject2("v2-zero-layers.nerve", &m);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        corpus = argv[1];
    char dir[512];
    mkdir(corpus, 0755);
    snprintf(dir, sizeof dir, "%s/accept", corpus);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/reject", corpus);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/accepted.list", corpus);
    FILE *list = fopen(dir, "w");
    if (!list) {
        perror(dir);
        return 1;
    }
    fprintf(list, "# model, input size, input, output size, outputs computed in double by make_corpus.c\n");

    const float x3[] = {0.5f, -1.25f, 2.0f}, x2[] = {0.75f, -0.5f};
    const uint32_t out_221[] = {2, 1}, acts_221[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SIGMOID};
    model sigmoid = make(NERVE_COST_CROSS_ENTROPY, 2, 2, out_221, acts_221, 1);
    accept(list, "sigmoid-2-2-1-cross-entropy.nerve", &sigmoid, x2);

    const uint32_t out_34[] = {4}, acts_34[] = {NERVE_ACT_SOFTMAX};
    model softmax = make(NERVE_COST_LOG_LIKELIHOOD, 3, 1, out_34, acts_34, 2);
    accept(list, "softmax-3-4-log-likelihood.nerve", &softmax, x3);

    const uint32_t out_chain[] = {4, 4, 4, 4, 3, 2};
    const uint32_t acts_chain[] = {NERVE_ACT_RELU,    NERVE_ACT_LEAKY_RELU, NERVE_ACT_TANH,
                                   NERVE_ACT_LINEAR,  NERVE_ACT_SOFTMAX,    NERVE_ACT_SIGMOID};
    model chain = make(NERVE_COST_CROSS_ENTROPY, 3, 6, out_chain, acts_chain, 3);
    accept(list, "every-activation-chain.nerve", &chain, x3);

    const uint32_t out_step[] = {3, 1}, acts_step[] = {NERVE_ACT_STEP, NERVE_ACT_LINEAR};
    model step = make(NERVE_COST_QUADRATIC, 2, 2, out_step, acts_step, 4);
    accept(list, "step-hidden-layer-quadratic.nerve", &step, x2);

    model zero_state = sigmoid;
    memset(zero_state.state, 0, sizeof zero_state.state);
    accept(list, "generator-state-all-zero.nerve", &zero_state, x2);

    version2(list);
    fclose(list);
    damaged(&chain);

    /* Cost/activation pairs the costs do not admit, under a valid CRC. */
    unsigned char b[MAX_BYTES];
    model m = softmax;
    m.cost = NERVE_COST_CROSS_ENTROPY;
    reject("softmax-with-cross-entropy.nerve", b, encode(&m, b));
    m = sigmoid;
    m.cost = NERVE_COST_LOG_LIKELIHOOD;
    reject("sigmoid-with-log-likelihood.nerve", b, encode(&m, b));
    m = sigmoid;
    m.layer_count = 0;
    m.declared_params = m.stored_params = 0;
    reject("zero-layers.nerve", b, encode(&m, b));
    return 0;
}
