/* Writes the checked-in corpus: hand-built model files, encoded here from the format description (not by the
 * library), so that the loader is tested against an independent writer.
 *
 *   corpus/accept/   valid models; corpus/accepted.list gives an input and the outputs computed here in double
 *   corpus/reject/   damaged models, each of which the loader must refuse with NERVE_E_FORMAT
 *
 * Format (little-endian): "NERVEnet", u32 version (1), u32 cost, u32 layer count L, u32 input size,
 * L × (u32 kind (0 = dense), u32 outputs, u32 activation), 4 × u64 generator state, u64 parameter count P,
 * P × f32 (per layer: weights row-major, then biases), u32 CRC-32 (zlib's) of every byte before it.
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

/* Writes a valid model and its expected prediction for one input, computed in double. */
static void accept(FILE *list, const char *name, const model *m, const float *x)
{
    unsigned char b[MAX_BYTES];
    write_file("accept", name, b, encode(m, b));
    double in[64], out[64];
    for (uint32_t k = 0; k < m->inputs; k++)
        in[k] = x[k];
    size_t at = 0, width = m->inputs;
    for (uint32_t l = 0; l < m->layer_count; l++) {
        double w[1024], bias[64];
        size_t nw = width * m->outputs[l];
        for (size_t i = 0; i < nw; i++)
            w[i] = m->params[at + i];
        for (size_t j = 0; j < m->outputs[l]; j++)
            bias[j] = m->params[at + nw + j];
        ref_dense(in, (int)width, w, bias, (int)m->outputs[l], (int)m->activation[l], out);
        at += nw + m->outputs[l];
        width = m->outputs[l];
        memcpy(in, out, sizeof(double) * width);
    }
    fprintf(list, "accept/%s %u", name, m->inputs);
    for (uint32_t k = 0; k < m->inputs; k++)
        fprintf(list, " %.9g", x[k]);
    fprintf(list, " %zu", width);
    for (size_t j = 0; j < width; j++)
        fprintf(list, " %.9g", out[j]);
    fprintf(list, "\n");
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
    edit32("cost-3.nerve", base, AT_COST, 3);
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
    edit32("activation-7.nerve", base, AT_SPECS + 8, 7);
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
