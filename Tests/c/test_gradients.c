/* The 0.4 parameter and gradient entry points and the training hooks, against nerve.h and a double-precision
 * reference (reference.c) of the same networks:
 *  - nerve_get_parameters / nerve_set_parameters: the flat layout is nerve_get_layer's, layer by layer (weights
 *    then biases, pooling layers none); round trips; refusals that change nothing; NERVE_E_BUSY during training;
 *  - nerve_cost_gradient: the mean cost and its gradient against the reference's cost and central differences,
 *    for sigmoid, tanh, softmax and linear outputs and the three costs, over 600 samples (several chunks), with
 *    and without the L2/L1 term; the cost alone; any thread count gives the same bits; refusals;
 *  - nerve_gradient_norms: the norms of the gradient's slices, 0 for pooling layers;
 *  - nerve_check_gradient: small for correct networks and equal to its definition computed from the reference;
 *    the maximum over any subset; the network untouched;
 *  - the gradient hook: what it receives, how what it leaves drives the step (zero, doubled, steps past the last
 *    batch with regularisation and momentum, fewer steps than batches), NERVE_E_ABORTED, calls allowed inside;
 *  - the report hook: its figures, and rewritten ones driving early stopping, the schedule, divergence and the
 *    progress callback; NERVE_E_ABORTED;
 *  - the new options' ranges. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "layer_specs.h"
#include "reference.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

#define INVALID NERVE_E_INVALID
#define SIZE NERVE_E_SIZE
#define CAPACITY NERVE_E_CAPACITY
#define BUSY NERVE_E_BUSY
#define ABORTED NERVE_E_ABORTED

static const int64_t TWO_62 = (int64_t)1 << 62;
static const double SENTINEL_D = -6789.25;

static double max_abs(const float *a, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++)
        m = fabs(a[i]) > m ? fabs(a[i]) : m;
    return m;
}

/* ---- networks described for both the library and the reference ---------------------------------------- */

enum { TARGETS_UNIFORM = 0, TARGETS_ONE_HOT, TARGETS_WIDE, TARGETS_COUNTS };

typedef struct {
    const char *name;
    int32_t shape[3];
    int n_layers;
    nerve_layer_spec layers[6];
    int32_t cost;
    int targets; /* how y is drawn: uniform in [0, 1], one-hot, uniform in [-2, 2] (regression) or in [0, 4]
                    (Poisson rates) */
} net_desc;

#define DENSE(units, act) {NERVE_LAYER_DENSE, (units), 0, 0, 0, 0, 0, (act), 0}

static const net_desc dense_nets[] = {
    {"5-7-3 tanh, sigmoid output, quadratic", {5, 1, 1}, 2,
     {DENSE(7, NERVE_ACT_TANH), DENSE(3, NERVE_ACT_SIGMOID)}, NERVE_COST_QUADRATIC, TARGETS_UNIFORM},
    {"5-6-4-3 sigmoid, tanh, sigmoid output, cross-entropy", {5, 1, 1}, 3,
     {DENSE(6, NERVE_ACT_SIGMOID), DENSE(4, NERVE_ACT_TANH), DENSE(3, NERVE_ACT_SIGMOID)},
     NERVE_COST_CROSS_ENTROPY, TARGETS_UNIFORM},
    {"5-8-2 leaky ReLU, tanh output, quadratic", {5, 1, 1}, 2,
     {DENSE(8, NERVE_ACT_LEAKY_RELU), DENSE(2, NERVE_ACT_TANH)}, NERVE_COST_QUADRATIC, TARGETS_UNIFORM},
    {"5-7-4 ReLU, softmax output, log-likelihood", {5, 1, 1}, 2,
     {DENSE(7, NERVE_ACT_RELU), DENSE(4, NERVE_ACT_SOFTMAX)}, NERVE_COST_LOG_LIKELIHOOD, TARGETS_ONE_HOT},
    {"5-6-3 sigmoid, softmax output, quadratic", {5, 1, 1}, 2,
     {DENSE(6, NERVE_ACT_SIGMOID), DENSE(3, NERVE_ACT_SOFTMAX)}, NERVE_COST_QUADRATIC, TARGETS_ONE_HOT},
    {"5-6-2 tanh, linear output, quadratic", {5, 1, 1}, 2,
     {DENSE(6, NERVE_ACT_TANH), DENSE(2, NERVE_ACT_LINEAR)}, NERVE_COST_QUADRATIC, TARGETS_WIDE},
    {"5-6-2 tanh, exp output, Poisson", {5, 1, 1}, 2,
     {DENSE(6, NERVE_ACT_TANH), DENSE(2, NERVE_ACT_EXP)}, NERVE_COST_POISSON, TARGETS_COUNTS},
};
enum { DENSE_NETS = sizeof dense_nets / sizeof dense_nets[0] };

/* Convolution, max pooling (no parameters) and two dense layers. */
static const net_desc cnn_net = {
    "2×6×5: conv 3 of 3×2 tanh, max 2×2, dense 4 sigmoid, softmax 3, log-likelihood", {2, 6, 5}, 4,
    {{NERVE_LAYER_CONV2D, 3, 3, 2, 0, 0, NERVE_PADDING_VALID, NERVE_ACT_TANH, 0},
     {NERVE_LAYER_MAX_POOL2D, 0, 2, 2, 0, 0, 0, 0, 0},
     DENSE(4, NERVE_ACT_SIGMOID), DENSE(3, NERVE_ACT_SOFTMAX)},
    NERVE_COST_LOG_LIKELIHOOD, TARGETS_ONE_HOT};

static ref_net reference_of(const net_desc *d)
{
    ref_net r = {{d->shape[0], d->shape[1], d->shape[2]}, d->n_layers, d->layers, d->cost};
    return r;
}

/* A network from nerve_create for a dense description, from nerve_create_layers otherwise. */
static nerve_net *make_net(const net_desc *d, uint64_t seed)
{
    nerve_net *net = NULL;
    int dense = d->shape[1] == 1 && d->shape[2] == 1;
    for (int l = 0; l < d->n_layers; l++)
        dense &= d->layers[l].kind == NERVE_LAYER_DENSE;
    if (dense) {
        int32_t sizes[8] = {d->shape[0]}, acts[8];
        for (int l = 0; l < d->n_layers; l++) {
            sizes[l + 1] = d->layers[l].units;
            acts[l] = d->layers[l].activation;
        }
        if (!CHECK_OK(nerve_create(&net, sizes, d->n_layers + 1, acts, d->cost, seed)))
            return NULL;
    } else if (!CHECK_OK(CREATE_LAYERS(&net, d->shape, d->layers, d->n_layers, d->cost, seed))) {
        return NULL;
    }
    /* The parameters the figures below were measured with: AUTO weights and N(0, 1) biases, what every network
     * started with before 0.5. Zero biases would put more ReLU units near their kinks, where the numeric
     * derivative of the gradient check is spoiled. */
    CHECK_OK(nerve_initialize(net, NERVE_INIT_AUTO, NERVE_BIAS_NORMAL, 0, seed));
    return net;
}

typedef struct {
    float *x, *y;
    int64_t n;
    int in, out;
} data_set;

static data_set make_data(const net_desc *d, const nerve_net *net, int64_t n, uint64_t seed)
{
    data_set s = {NULL, NULL, n, nerve_input_size(net), nerve_output_size(net)};
    s.x = malloc(sizeof(float) * (size_t)(n * s.in));
    s.y = malloc(sizeof(float) * (size_t)(n * s.out));
    fill_uniform(s.x, (size_t)(n * s.in), seed, -1, 1);
    if (d->targets == TARGETS_ONE_HOT)
        fill_one_hot(s.y, (size_t)n, s.out, seed + 1);
    else if (d->targets == TARGETS_WIDE)
        fill_uniform(s.y, (size_t)(n * s.out), seed + 1, -2, 2);
    else if (d->targets == TARGETS_COUNTS)
        fill_uniform(s.y, (size_t)(n * s.out), seed + 1, 0, 4);
    else
        fill_uniform(s.y, (size_t)(n * s.out), seed + 1, 0, 1);
    return s;
}

static void free_data(data_set *s)
{
    free(s->x);
    free(s->y);
    s->x = s->y = NULL;
}

/* ---- nerve_get_parameters / nerve_set_parameters ------------------------------------------------------- */

/* The flat array is the concatenation of nerve_get_layer's copies (the snapshot takes those). */
static void layout_is_get_layer(const net_desc *d)
{
    nerve_net *net = make_net(d, 101);
    if (!net)
        return;
    ref_net r = reference_of(d);
    int64_t count = 0;
    float *p = parameters_of(net, &count);
    net_snapshot snap;
    if (p && CHECK(snapshot_take(net, &snap) == 0, "%s: snapshot", d->name)) {
        CHECK(count == ref_net_parameter_count(&r, NULL) && (size_t)count == snap.count,
              "%s: nerve_parameter_count %lld, the layers' counts sum to %zu, the description gives %ld", d->name,
              (long long)count, snap.count, ref_net_parameter_count(&r, NULL));
        CHECK((size_t)count == snap.count && floats_equal_bits(p, snap.params, snap.count),
              "%s: nerve_get_parameters is not nerve_get_layer's weights then biases, layer after layer", d->name);
        snapshot_free(&snap);
    }
    free(p);
    nerve_free(net);
}

static void parameters_round_trip(void)
{
    for (int i = 0; i < DENSE_NETS; i++)
        layout_is_get_layer(&dense_nets[i]);
    layout_is_get_layer(&cnn_net);

    const net_desc *d = &cnn_net;
    nerve_net *net = make_net(d, 102), *twin = make_net(d, 202);
    if (!net || !twin)
        goto done;
    data_set s = make_data(d, net, 20, 103);
    int64_t count = nerve_parameter_count(net);
    float *values = malloc(sizeof(float) * (size_t)count), *back = malloc(sizeof(float) * (size_t)(count + 8));
    fill_uniform(values, (size_t)count, 104, -0.5f, 0.5f);

    /* Set, then read back the same bits, through both interfaces; the buffer's tail beyond the count stays. */
    CHECK_OK(nerve_set_parameters(net, values, count));
    fill_sentinel(back, (size_t)count + 8);
    if (CHECK_OK(nerve_get_parameters(net, back, count + 8))) {
        CHECK(floats_equal_bits(back, values, (size_t)count), "nerve_get_parameters after nerve_set_parameters "
                                                              "does not give the values set");
        CHECK(untouched(back + count, 8), "nerve_get_parameters wrote beyond the parameter count");
    }
    net_snapshot snap;
    if (snapshot_take(net, &snap) == 0) {
        CHECK(snap.count == (size_t)count && floats_equal_bits(snap.params, values, (size_t)count),
              "after nerve_set_parameters, nerve_get_layer does not give the values set");
        snapshot_free(&snap);
    }
    /* The twin, given the same values layer by layer, predicts the same bits. */
    int64_t at = 0;
    for (int32_t l = 0; l < nerve_layer_count(twin); l++) {
        int64_t nw = 0, nb = 0;
        CHECK_OK(nerve_layer_parameter_count(twin, l, &nw, &nb));
        if (nw + nb > 0)
            CHECK_OK(nerve_set_layer(twin, l, values + at, nw, values + at + nw, nb));
        at += nw + nb;
    }
    float *a = malloc(sizeof(float) * (size_t)(s.n * s.out)), *b = malloc(sizeof(float) * (size_t)(s.n * s.out));
    if (CHECK_OK(nerve_predict(net, s.x, s.n, a, s.n * s.out)) && CHECK_OK(nerve_predict(twin, s.x, s.n, b, s.n * s.out)))
        CHECK(floats_equal_bits(a, b, (size_t)(s.n * s.out)),
              "a network set with nerve_set_parameters predicts otherwise than one set layer by layer");
    /* A get, then a set of what it gave, changes nothing. */
    float *got = parameters_of(net, &count);
    if (got) {
        CHECK_OK(nerve_set_parameters(net, got, count));
        CHECK(parameters_are(net, got, count), "setting the parameters just read changed them");
        free(got);
    }
    free(a), free(b), free(values), free(back);
    free_data(&s);
done:
    nerve_free(net);
    nerve_free(twin);
}

static void parameters_refused(void)
{
    const net_desc *d = &dense_nets[1];
    nerve_net *net = make_net(d, 105);
    if (!net)
        return;
    int64_t count = nerve_parameter_count(net);
    CHECK(nerve_parameter_count(NULL) == 0, "nerve_parameter_count(NULL) is not 0");
    float *before = parameters_of(net, &count);
    float *buffer = malloc(sizeof(float) * (size_t)(count + 8));
    if (!before)
        goto done;

    fill_sentinel(buffer, (size_t)count + 8);
    CHECK_FAILS(nerve_get_parameters(NULL, buffer, count), INVALID);
    CHECK_FAILS(nerve_get_parameters(net, NULL, count), INVALID);
    CHECK_FAILS(nerve_get_parameters(net, buffer, count - 1), CAPACITY);
    message_names((long)count, "nerve_get_parameters");
    CHECK_FAILS(nerve_get_parameters(net, buffer, 0), CAPACITY);
    CHECK_FAILS(nerve_get_parameters(net, buffer, -1), CAPACITY, SIZE);
    CHECK_FAILS(nerve_get_parameters(net, buffer, INT64_MIN), CAPACITY, SIZE);
    CHECK_FAILS(nerve_get_parameters(net, NULL, 0), INVALID, CAPACITY);
    CHECK(untouched(buffer, (size_t)count + 8), "a refused nerve_get_parameters wrote its buffer");

    float *values = malloc(sizeof(float) * (size_t)count);
    fill_uniform(values, (size_t)count, 106, -1, 1);
    CHECK_FAILS(nerve_set_parameters(NULL, values, count), INVALID);
    CHECK_FAILS(nerve_set_parameters(net, NULL, count), INVALID);
    const int64_t wrong[] = {count - 1, count + 1, 0, -1, INT64_MIN, INT64_MAX, TWO_62};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
        if (!CHECK_FAILS(nerve_set_parameters(net, values, wrong[i]), SIZE))
            fprintf(stderr, "     (count %lld, the network has %lld)\n", (long long)wrong[i], (long long)count);
    /* A non-finite value anywhere, including the first and the last: nothing changes, not even the values
     * before it. */
    const float bad[] = {NAN, INFINITY, -INFINITY};
    const int64_t where[] = {0, count / 2, count - 1};
    for (int v = 0; v < 3; v++)
        for (int w = 0; w < 3; w++) {
            float saved = values[where[w]];
            values[where[w]] = bad[v];
            if (!CHECK_FAILS(nerve_set_parameters(net, values, count), INVALID))
                fprintf(stderr, "     (%g at %lld)\n", bad[v], (long long)where[w]);
            values[where[w]] = saved;
        }
    CHECK(parameters_are(net, before, count), "a refused nerve_set_parameters changed the network");
    free(values);
done:
    free(before);
    free(buffer);
    nerve_free(net);
}

/* ---- nerve_cost_gradient against the reference --------------------------------------------------------- */

enum { GRAD_N = 600 }; /* more than two chunks of 256 rows */

typedef struct {
    double cost_error, gradient_error, norm_error;
} figures;

static figures worst_seen;

static void keep_worst(double *slot, double value)
{
    if (value > *slot)
        *slot = value;
}

/* Compares the library's gradient with the reference's central differences; counts components off by more
 * than 1e-4 of the largest component (plus 1e-4 of their own size). Returns the largest error relative to the
 * largest component. */
static double compare_gradient(const char *name, const char *what, const float *library, const double *reference,
                               const double *params, const unsigned char *is_weight, int64_t count, int skip_kinks)
{
    double largest = 0, worst = 0;
    for (int64_t k = 0; k < count; k++)
        largest = fabs(reference[k]) > largest ? fabs(reference[k]) : largest;
    int bad = 0;
    for (int64_t k = 0; k < count; k++) {
        if (skip_kinks && is_weight[k] && fabs(params[k]) < 1e-5)
            continue; /* |w| is not differentiable at 0 */
        double error = fabs(library[k] - reference[k]);
        worst = error / largest > worst ? error / largest : worst;
        if (error > 1e-4 * largest + 1e-4 * fabs(reference[k]) && bad++ == 0)
            fprintf(stderr, "     %s, %s: ∂C/∂p[%lld] is %.9g, the reference's central difference %.9g\n", name,
                    what, (long long)k, library[k], reference[k]);
    }
    CHECK(largest > 0, "%s, %s: the reference gradient is zero", name, what);
    CHECK(bad == 0, "%s, %s: %d of %lld gradient components differ from the reference (worst %.3g of the largest)",
          name, what, bad, (long long)count, worst);
    return worst;
}

static void gradient_against_reference(const net_desc *d, uint64_t seed)
{
    nerve_net *net = make_net(d, seed);
    if (!net)
        return;
    ref_net r = reference_of(d);
    data_set s = make_data(d, net, GRAD_N, seed + 1);
    int64_t count = 0;
    float *p = parameters_of(net, &count);
    long ref_count = ref_net_parameter_count(&r, NULL);
    if (!p || !CHECK(ref_count == count, "%s: %lld parameters, the description %ld", d->name, (long long)count,
                     ref_count)) {
        free(p);
        goto done;
    }
    double *params = malloc(sizeof(double) * (size_t)count), *ref_gradient = malloc(sizeof(double) * (size_t)count);
    unsigned char *is_weight = malloc((size_t)count);
    float *gradient = malloc(sizeof(float) * (size_t)count), *again = malloc(sizeof(float) * (size_t)count);
    for (int64_t k = 0; k < count; k++)
        params[k] = p[k];
    ref_net_parameter_count(&r, is_weight);

    /* Without regularisation: the data term, which nerve_evaluate also reports. */
    double cost = NAN, ref = ref_net_cost(&r, params, s.x, s.y, s.n, 0, 0);
    if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, gradient, count))) {
        double error = fabs(cost - ref) / fabs(ref);
        keep_worst(&worst_seen.cost_error, error);
        CHECK(error < 1e-5, "%s: cost %.12g, the reference %.12g", d->name, cost, ref);
        float evaluated = NAN;
        if (CHECK_OK(nerve_evaluate(net, s.x, s.y, s.n, &evaluated, NULL)))
            CHECK(fabs(evaluated - cost) <= 1e-5 * fabs(cost), "%s: cost %.9g, nerve_evaluate's %.9g", d->name, cost,
                  evaluated);
        ref_net_gradient(&r, params, s.x, s.y, s.n, 0, 0, 1e-6, ref_gradient);
        keep_worst(&worst_seen.gradient_error,
                   compare_gradient(d->name, "no regularisation", gradient, ref_gradient, params, is_weight, count, 0));

        /* The cost alone: the same value. */
        double alone = NAN;
        if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &alone, NULL, 0)))
            CHECK(alone == cost, "%s: the cost alone is %.17g, with the gradient %.17g", d->name, alone, cost);
        /* The gradient alone: the same bits. */
        if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, NULL, again, count)))
            CHECK(floats_equal_bits(again, gradient, (size_t)count), "%s: the gradient without the cost differs",
                  d->name);
        CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, NULL, NULL, 0));

        /* Any thread count: the same bits (see Results). */
        CHECK_OK(nerve_set_threads(net, 2));
        double cost2 = NAN;
        if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost2, again, count)))
            CHECK(cost2 == cost && floats_equal_bits(again, gradient, (size_t)count),
                  "%s: with 2 threads the cost or gradient differs from 1 thread's", d->name);
        CHECK_OK(nerve_set_threads(net, 1));

        /* Norms of the layers' slices of the same gradient. */
        int32_t layers = nerve_layer_count(net);
        double wn[8], bn[8];
        for (int l = 0; l < 8; l++)
            wn[l] = bn[l] = SENTINEL_D;
        if (CHECK_OK(nerve_gradient_norms(net, s.x, s.y, s.n, wn, bn, layers))) {
            int64_t at = 0;
            for (int32_t l = 0; l < layers; l++) {
                int64_t nw = 0, nb = 0;
                CHECK_OK(nerve_layer_parameter_count(net, l, &nw, &nb));
                double sw = 0, sb = 0, rw = 0, rb = 0;
                for (int64_t k = 0; k < nw; k++) {
                    sw += (double)gradient[at + k] * gradient[at + k];
                    rw += ref_gradient[at + k] * ref_gradient[at + k];
                }
                for (int64_t k = nw; k < nw + nb; k++) {
                    sb += (double)gradient[at + k] * gradient[at + k];
                    rb += ref_gradient[at + k] * ref_gradient[at + k];
                }
                sw = sqrt(sw), sb = sqrt(sb), rw = sqrt(rw), rb = sqrt(rb);
                CHECK(fabs(wn[l] - sw) <= 1e-12 * sw && fabs(bn[l] - sb) <= 1e-12 * sb,
                      "%s, layer %d: norms %.15g and %.15g, the gradient's slices have %.15g and %.15g", d->name,
                      (int)l, wn[l], bn[l], sw, sb);
                if (nw + nb == 0) {
                    CHECK(wn[l] == 0 && bn[l] == 0, "%s: pooling layer %d has norms %g and %g, expected 0", d->name,
                          (int)l, wn[l], bn[l]);
                } else {
                    double ew = fabs(wn[l] - rw) / rw, eb = fabs(bn[l] - rb) / rb;
                    keep_worst(&worst_seen.norm_error, ew > eb ? ew : eb);
                    CHECK(ew < 1e-4 && eb < 1e-4, "%s, layer %d: norms %.9g and %.9g, the reference's %.9g and %.9g",
                          d->name, (int)l, wn[l], bn[l], rw, rb);
                }
                at += nw + nb;
            }
            CHECK(wn[layers] == SENTINEL_D && bn[layers] == SENTINEL_D,
                  "%s: nerve_gradient_norms wrote beyond the layer count", d->name);
        }
        /* Either array may be NULL. */
        double only[8] = {0};
        if (CHECK_OK(nerve_gradient_norms(net, s.x, s.y, s.n, only, NULL, layers)))
            CHECK(memcmp(only, wn, sizeof(double) * (size_t)layers) == 0, "%s: weight norms alone differ", d->name);
        if (CHECK_OK(nerve_gradient_norms(net, s.x, s.y, s.n, NULL, only, layers)))
            CHECK(memcmp(only, bn, sizeof(double) * (size_t)layers) == 0, "%s: bias norms alone differ", d->name);
        CHECK_OK(nerve_gradient_norms(net, s.x, s.y, s.n, NULL, NULL, layers));
        CHECK_OK(nerve_gradient_norms(net, s.x, s.y, s.n, wn, bn, layers + 3));
    }

    /* With L2 and L1: ½(l2/n)Σw² + (l1/n)Σ|w| over the weights, n = 600 here; large enough to matter. */
    const float l2 = 90.0f, l1 = 30.0f;
    double reg_cost = NAN, reg_ref = ref_net_cost(&r, params, s.x, s.y, s.n, l2, l1);
    CHECK(reg_ref - ref > 0.01 * ref, "%s: the regularisation term is too small to test", d->name);
    if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, l2, l1, &reg_cost, gradient, count))) {
        double error = fabs(reg_cost - reg_ref) / fabs(reg_ref);
        keep_worst(&worst_seen.cost_error, error);
        CHECK(error < 1e-5, "%s, l2 %g l1 %g: cost %.12g, the reference %.12g (without the term %.12g)", d->name,
              l2, l1, reg_cost, reg_ref, ref);
        ref_net_gradient(&r, params, s.x, s.y, s.n, l2, l1, 1e-6, ref_gradient);
        keep_worst(&worst_seen.gradient_error,
                   compare_gradient(d->name, "l2 and l1", gradient, ref_gradient, params, is_weight, count, 1));
        double alone = NAN;
        if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, l2, l1, &alone, NULL, 0)))
            CHECK(alone == reg_cost, "%s: with l2 and l1 the cost alone is %.17g, with the gradient %.17g", d->name,
                  alone, reg_cost);
    }
    /* L2 alone, on a subset: the term uses this call's n. */
    const int64_t sub = 100;
    reg_ref = ref_net_cost(&r, params, s.x, s.y, sub, l2, 0);
    if (CHECK_OK(nerve_cost_gradient(net, s.x, s.y, sub, l2, 0, &reg_cost, NULL, 0)))
        CHECK(fabs(reg_cost - reg_ref) < 1e-5 * fabs(reg_ref), "%s, l2 %g over %lld samples: cost %.12g, the "
              "reference %.12g", d->name, l2, (long long)sub, reg_cost, reg_ref);

    /* The network was only read. */
    CHECK(parameters_are(net, p, count), "%s: nerve_cost_gradient changed the parameters", d->name);
    free(params), free(ref_gradient), free(is_weight), free(gradient), free(again), free(p);
done:
    free_data(&s);
    nerve_free(net);
}

static void cost_gradient_refused(void)
{
    const net_desc *d = &dense_nets[1]; /* cross-entropy: targets must lie in [0, 1] */
    nerve_net *net = make_net(d, 107), *step = NULL, *wide = NULL;
    if (!net)
        return;
    data_set s = make_data(d, net, 10, 108);
    int64_t count = nerve_parameter_count(net);
    float *before = parameters_of(net, &count);
    float *g = malloc(sizeof(float) * (size_t)(count + 8));
    fill_sentinel(g, (size_t)count + 8);
    double cost = SENTINEL_D;

    CHECK_FAILS(nerve_cost_gradient(NULL, s.x, s.y, s.n, 0, 0, &cost, g, count), INVALID);
    CHECK_FAILS(nerve_cost_gradient(net, NULL, s.y, s.n, 0, 0, &cost, g, count), INVALID);
    CHECK_FAILS(nerve_cost_gradient(net, s.x, NULL, s.n, 0, 0, &cost, g, count), INVALID);
    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62, INT64_MAX, INT64_MAX / 2 + 1};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++) {
        if (!CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, bad_n[i], 0, 0, &cost, g, count), SIZE))
            fprintf(stderr, "     (n = %lld)\n", (long long)bad_n[i]);
        CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, bad_n[i], 0, 0, &cost, NULL, 0), SIZE);
    }
    /* Non-finite inputs or targets, first and last value. */
    const float bad[] = {NAN, INFINITY, -INFINITY};
    float *arrays[] = {s.x, s.y};
    const int64_t lengths[] = {s.n * s.in, s.n * s.out};
    for (int a = 0; a < 2; a++)
        for (int v = 0; v < 3; v++)
            for (int64_t at = 0; at < lengths[a]; at += lengths[a] - 1) {
                float saved = arrays[a][at];
                arrays[a][at] = bad[v];
                CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, count), INVALID);
                CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, NULL, 0), INVALID);
                arrays[a][at] = saved;
            }
    /* Cross-entropy targets outside [0, 1]. */
    const float outside[] = {1.5f, -0.25f, 1.0000001f};
    for (int v = 0; v < 3; v++) {
        float saved = s.y[3];
        s.y[3] = outside[v];
        if (!CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, count), INVALID))
            fprintf(stderr, "     (cross-entropy target %.9g)\n", outside[v]);
        s.y[3] = saved;
    }
    /* Regularisation coefficients. */
    const float bad_lambda[] = {-1.0f, -1e-30f, NAN, INFINITY, -INFINITY};
    for (int v = 0; v < 5; v++) {
        if (!CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, bad_lambda[v], 0, &cost, g, count), INVALID))
            fprintf(stderr, "     (l2 = %g)\n", bad_lambda[v]);
        if (!CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, bad_lambda[v], &cost, g, count), INVALID))
            fprintf(stderr, "     (l1 = %g)\n", bad_lambda[v]);
        CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, bad_lambda[v], 0, &cost, NULL, 0), INVALID);
    }
    /* Too small a gradient buffer. */
    CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, count - 1), CAPACITY);
    message_names((long)count, "nerve_cost_gradient");
    CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, 0), CAPACITY);
    CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, -1), CAPACITY, SIZE);
    CHECK_FAILS(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, &cost, g, INT64_MIN), CAPACITY, SIZE);
    CHECK(untouched(g, (size_t)count + 8), "a refused nerve_cost_gradient wrote the gradient buffer");
    CHECK(cost == SENTINEL_D, "a refused nerve_cost_gradient wrote *cost (%g)", cost);

    /* n × inputs overflows. */
    const int32_t wide_sizes[] = {784, 2}, wide_acts[] = {NERVE_ACT_SOFTMAX};
    float wide_x[784] = {0}, wide_y[2] = {0, 1}, wide_g[784 * 2 + 2];
    if (CHECK_OK(nerve_create(&wide, wide_sizes, 2, wide_acts, NERVE_COST_LOG_LIKELIHOOD, 1))) {
        CHECK_FAILS(nerve_cost_gradient(wide, wide_x, wide_y, INT64_MAX / 784, 0, 0, &cost, wide_g, 784 * 2 + 2),
                    SIZE);
        CHECK_FAILS(nerve_cost_gradient(wide, wide_x, wide_y, INT64_MAX / 784 / 4 + 1, 0, 0, &cost, wide_g,
                                        784 * 2 + 2), SIZE);
    }

    /* A step layer has no gradient: the gradient, its norms and its check are refused. */
    const int32_t step_sizes[] = {5, 4, 3}, step_acts[] = {NERVE_ACT_STEP, NERVE_ACT_SIGMOID};
    if (CHECK_OK(nerve_create(&step, step_sizes, 3, step_acts, NERVE_COST_QUADRATIC, 1))) {
        int64_t step_count = nerve_parameter_count(step);
        float *sg = malloc(sizeof(float) * (size_t)step_count);
        double wn[2], bn[2], diff = SENTINEL_D;
        fill_sentinel(sg, (size_t)step_count);
        CHECK_FAILS(nerve_cost_gradient(step, s.x, s.y, s.n, 0, 0, &cost, sg, step_count), NERVE_E_UNSUPPORTED);
        CHECK(untouched(sg, (size_t)step_count) && cost == SENTINEL_D,
              "a refused gradient of a step network wrote its outputs");
        CHECK_FAILS(nerve_gradient_norms(step, s.x, s.y, s.n, wn, bn, 2), NERVE_E_UNSUPPORTED);
        CHECK_FAILS(nerve_check_gradient(step, s.x, s.y, s.n, 1e-3, NULL, 0, &diff), NERVE_E_UNSUPPORTED);
        CHECK(diff == SENTINEL_D, "a refused gradient check wrote *max_difference");
        /* The cost alone needs no derivative: it is the cost, or the same refusal. */
        float evaluated = NAN;
        double only = NAN;
        nerve_status alone = nerve_cost_gradient(step, s.x, s.y, s.n, 0, 0, &only, NULL, 0);
        if (alone == NERVE_OK && CHECK_OK(nerve_evaluate(step, s.x, s.y, s.n, &evaluated, NULL)))
            CHECK(fabs(only - evaluated) <= 1e-5 * fabs(evaluated), "the cost alone of a step network is %.9g, "
                  "nerve_evaluate's %.9g", only, evaluated);
        else if (alone != NERVE_OK)
            CHECK_FAILS(alone, NERVE_E_UNSUPPORTED);
        free(sg);
    }
    CHECK(before && parameters_are(net, before, count), "refused gradient calls changed the network");
    free(before);
    free(g);
    free_data(&s);
    nerve_free(net);
    nerve_free(step);
    nerve_free(wide);
}

static void norms_refused(void)
{
    const net_desc *d = &dense_nets[1]; /* 3 layers */
    nerve_net *net = make_net(d, 109);
    if (!net)
        return;
    data_set s = make_data(d, net, 10, 110);
    double wn[4], bn[4];
    for (int l = 0; l < 4; l++)
        wn[l] = bn[l] = SENTINEL_D;
    CHECK_FAILS(nerve_gradient_norms(NULL, s.x, s.y, s.n, wn, bn, 3), INVALID);
    CHECK_FAILS(nerve_gradient_norms(net, NULL, s.y, s.n, wn, bn, 3), INVALID);
    CHECK_FAILS(nerve_gradient_norms(net, s.x, NULL, s.n, wn, bn, 3), INVALID);
    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62, INT64_MAX};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++)
        CHECK_FAILS(nerve_gradient_norms(net, s.x, s.y, bad_n[i], wn, bn, 3), SIZE);
    const int32_t small[] = {2, 1, 0, -1, INT32_MIN};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        if (!CHECK_FAILS(nerve_gradient_norms(net, s.x, s.y, s.n, wn, bn, small[i]), CAPACITY))
            fprintf(stderr, "     (count %d for 3 layers)\n", (int)small[i]);
    s.x[0] = NAN;
    CHECK_FAILS(nerve_gradient_norms(net, s.x, s.y, s.n, wn, bn, 3), INVALID);
    s.x[0] = 0;
    s.y[0] = 2;
    CHECK_FAILS(nerve_gradient_norms(net, s.x, s.y, s.n, wn, bn, 3), INVALID);
    int intact = 1;
    for (int l = 0; l < 4; l++)
        intact &= wn[l] == SENTINEL_D && bn[l] == SENTINEL_D;
    CHECK(intact, "a refused nerve_gradient_norms wrote its arrays");
    free_data(&s);
    nerve_free(net);
}

/* ---- nerve_check_gradient ------------------------------------------------------------------------------ */

/* The check's figure as nerve.h defines it, computed here: the largest |backprop − numeric| / max(|backprop|,
 * |numeric|, 1e-3 × the largest |backprop|), backprop being nerve_cost_gradient's float gradient and numeric
 * the reference's central difference in double. */
static double expected_check(const ref_net *r, double *params, const float *backprop, int64_t count,
                             const data_set *s, double epsilon)
{
    double largest = max_abs(backprop, count), worst = 0;
    double *numeric = malloc(sizeof(double) * (size_t)count);
    ref_net_gradient(r, params, s->x, s->y, s->n, 0, 0, epsilon, numeric);
    for (int64_t k = 0; k < count; k++) {
        double scale = fmax(fmax(fabs(backprop[k]), fabs(numeric[k])), 1e-3 * largest);
        if (scale > 0)
            worst = fmax(worst, fabs(backprop[k] - numeric[k]) / scale);
    }
    free(numeric);
    return worst;
}

static int has_kinks(const net_desc *d)
{
    for (int l = 0; l < d->n_layers; l++)
        if (d->layers[l].activation == NERVE_ACT_RELU || d->layers[l].activation == NERVE_ACT_LEAKY_RELU ||
            d->layers[l].kind == NERVE_LAYER_MAX_POOL2D)
            return 1;
    return 0;
}

/* nerve.h: "A correct gradient gives about 1e-6 with epsilon 1e-3 or 1e-4 (truncation adds ~1e-5 at 1e-2); a
 * wrong one 1e-2 to 1", and a ReLU or max-pooling kink crossed by p ± epsilon spoils the numeric derivative.
 * The gradients checked here agree with the reference to within 1e-6 of their largest component
 * (gradient_against_reference): they are correct. Asserted: below 1e-2 with epsilon 1e-3 and 1e-4 on every
 * dense network, below 1e-4 on those without kinks, and below 1e-2 with epsilon 1e-2 on those; and the figure
 * equals the one computed here from the definition. Measured (100 samples; epsilon 1e-2 / 1e-3 / 1e-4):
 *   5-7-3 tanh, sigmoid, quadratic                        2.2e-4 / 2.0e-6 / 1.7e-6
 *   5-6-4-3 sigmoid, tanh, sigmoid, cross-entropy         6.3e-5 / 8.5e-7 / 6.8e-7
 *   5-8-2 leaky ReLU, tanh, quadratic                     0.53   / 3.8e-5 / 1.1e-6  (kinks)
 *   5-7-4 ReLU, softmax, log-likelihood                   1.6    / 2.9e-6 / 2.6e-6  (kinks)
 *   5-6-3 sigmoid, softmax, quadratic                     5.0e-4 / 7.3e-6 / 7.2e-6
 *   5-6-2 tanh, linear, quadratic                         1.3e-4 / 1.6e-6 / 1.6e-6
 *   the convolutional network (max pooling)               0.13   / 1.8e-6 / 1.8e-6  (printed only)
 * With epsilon 1e-2 the truncation error of these networks is 6e-5 to 5e-4 (the reference's own central
 * differences give the same), more than the header's ~1e-5. */
static void check_gradient(void)
{
    enum { CHECK_N = 100 };
    const double epsilons[3] = {1e-2, 1e-3, 1e-4};
    double worst[3] = {0, 0, 0}, disagreement = 0;
    printf("   gradient check (max difference, epsilon 1e-2 / 1e-3 / 1e-4):\n");
    for (int i = 0; i <= DENSE_NETS; i++) {
        const net_desc *d = i < DENSE_NETS ? &dense_nets[i] : &cnn_net;
        nerve_net *net = make_net(d, 111 + (uint64_t)i), *twin = make_net(d, 111 + (uint64_t)i);
        if (!net || !twin) {
            nerve_free(net);
            nerve_free(twin);
            continue;
        }
        data_set s = make_data(d, net, CHECK_N, 112 + (uint64_t)i);
        int64_t count = 0;
        float *before = parameters_of(net, &count);
        float *backprop = malloc(sizeof(float) * (size_t)count);
        double *params = malloc(sizeof(double) * (size_t)count);
        ref_net r = reference_of(d);
        int kinks = has_kinks(d), reference_ok = before != NULL &&
            CHECK_OK(nerve_cost_gradient(net, s.x, s.y, s.n, 0, 0, NULL, backprop, count));
        for (int64_t k = 0; reference_ok && k < count; k++)
            params[k] = before[k];
        double e[3] = {NAN, NAN, NAN};
        for (int j = 0; j < 3; j++) {
            CHECK_OK(nerve_check_gradient(net, s.x, s.y, s.n, epsilons[j], NULL, 0, &e[j]));
            if (i < DENSE_NETS && (j > 0 || !kinks)) {
                double bound = j > 0 && !kinks ? 1e-4 : 1e-2;
                CHECK(e[j] >= 0 && e[j] < bound, "%s: gradient check with epsilon %g gives %g for a correct "
                      "gradient (asserted below %g)", d->name, epsilons[j], e[j], bound);
                keep_worst(&worst[j], e[j]);
            }
            /* The figure is the definition's (kinks make the numeric side depend on how p ± epsilon round). */
            if (reference_ok && !kinks) {
                double want = expected_check(&r, params, backprop, count, &s, epsilons[j]);
                double off = fabs(e[j] - want);
                disagreement = fmax(disagreement, off / want);
                CHECK(off <= 0.02 * want + 1e-8, "%s: gradient check with epsilon %g gives %.6g, the definition "
                      "computed from the reference %.6g", d->name, epsilons[j], e[j], want);
            }
        }
        printf("     %-58s %.2g / %.2g / %.2g\n", d->name, e[0], e[1], e[2]);
        free(backprop);
        free(params);
        double e3 = e[1];

        /* A subset gives the largest difference over its own parameters: the maximum over single indices is
         * the whole network's, and a subset never exceeds it. */
        double single_max = 0;
        int single_ok = 1;
        for (int64_t k = 0; k < count; k++) {
            double one = NAN;
            single_ok &= nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, &k, 1, &one) == NERVE_OK;
            single_max = one > single_max ? one : single_max;
        }
        CHECK(single_ok && single_max == e3, "%s: the largest of the %lld single-index checks is %.17g, the whole "
              "network's check %.17g", d->name, (long long)count, single_max, e3);
        int64_t some[] = {count - 1, 0, count / 2, 0};
        double subset = NAN;
        if (CHECK_OK(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, some, 4, &subset)))
            CHECK(subset >= 0 && subset <= e3, "%s: a subset's check gives %g, more than the whole network's %g",
                  d->name, subset, e3);
        /* epsilon 1 is the largest allowed. */
        double one = NAN;
        CHECK_OK(nerve_check_gradient(net, s.x, s.y, s.n, 1.0, some, 2, &one));

        /* The network was not changed: parameters, and the generator (a twin trains to the same bits). */
        CHECK(before && parameters_are(net, before, count), "%s: nerve_check_gradient changed the parameters",
              d->name);
        nerve_train_options o;
        nerve_train_options_init(&o);
        o.epochs = 1;
        o.batch_size = 7;
        o.dropout = d->n_layers > 2 ? 0.2f : 0; /* the generator drives dropout too */
        if (CHECK_OK(nerve_train(net, s.x, s.y, s.n, NULL, NULL, 0, &o)) &&
            CHECK_OK(nerve_train(twin, s.x, s.y, s.n, NULL, NULL, 0, &o))) {
            int64_t tc = 0;
            float *t = parameters_of(twin, &tc);
            CHECK(t && parameters_are(net, t, tc), "%s: after the gradient calls, training gives other weights than "
                  "a twin's that made none", d->name);
            free(t);
        }
        free(before);
        free_data(&s);
        nerve_free(net);
        nerve_free(twin);
    }
    printf("   gradient check, dense networks: largest %.2g (without kinks) / %.2g / %.2g; against the definition "
           "within %.2g\n", worst[0], worst[1], worst[2], disagreement);
}

static void check_gradient_refused(void)
{
    const net_desc *d = &dense_nets[0];
    nerve_net *net = make_net(d, 113);
    if (!net)
        return;
    data_set s = make_data(d, net, 10, 114);
    int64_t count = 0;
    float *before = parameters_of(net, &count);
    double diff = SENTINEL_D;
    const double bad_epsilon[] = {0, -0.0, -1e-3, 1.0000001, 2, 1e300, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad_epsilon / sizeof bad_epsilon[0]; i++)
        if (!CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, bad_epsilon[i], NULL, 0, &diff), INVALID))
            fprintf(stderr, "     (epsilon %g)\n", bad_epsilon[i]);
    const int64_t bad_index[] = {-1, count, count + 1, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_index / sizeof bad_index[0]; i++) {
        int64_t indices[3] = {0, bad_index[i], 1};
        if (!CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, indices, 3, &diff), INVALID))
            fprintf(stderr, "     (index %lld of %lld parameters)\n", (long long)bad_index[i], (long long)count);
    }
    int64_t fine[2] = {0, 1};
    CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, fine, -1, &diff), INVALID, SIZE);
    CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, fine, INT64_MIN, &diff), INVALID, SIZE);
    CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, NULL, 0, NULL), INVALID);
    CHECK_FAILS(nerve_check_gradient(NULL, s.x, s.y, s.n, 1e-3, NULL, 0, &diff), INVALID);
    CHECK_FAILS(nerve_check_gradient(net, NULL, s.y, s.n, 1e-3, NULL, 0, &diff), INVALID);
    CHECK_FAILS(nerve_check_gradient(net, s.x, NULL, s.n, 1e-3, NULL, 0, &diff), INVALID);
    const int64_t bad_n[] = {0, -1, INT64_MIN, TWO_62};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++)
        CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, bad_n[i], 1e-3, NULL, 0, &diff), SIZE);
    s.x[s.n * s.in - 1] = INFINITY;
    CHECK_FAILS(nerve_check_gradient(net, s.x, s.y, s.n, 1e-3, NULL, 0, &diff), INVALID);
    CHECK(diff == SENTINEL_D, "a refused nerve_check_gradient wrote *max_difference (%g)", diff);
    CHECK(before && parameters_are(net, before, count), "refused gradient checks changed the network");
    free(before);
    free_data(&s);
    nerve_free(net);
}

/* ---- the gradient hook ---------------------------------------------------------------------------------- */

enum { HOOK_N = 50, HOOK_BATCH = 20, MAX_CALLS = 64 };
static const net_desc hook_desc = {"4-6-3 tanh, sigmoid, cross-entropy", {4, 1, 1}, 2,
                                   {DENSE(6, NERVE_ACT_TANH), DENSE(3, NERVE_ACT_SIGMOID)},
                                   NERVE_COST_CROSS_ENTROPY, TARGETS_UNIFORM};

enum { KEEP, ZERO, DOUBLE, ONCE }; /* what the hook does to the gradient */

typedef struct {
    nerve_net *net;
    const data_set *data;
    int mode;
    int calls, abort_at;      /* return non-zero on call abort_at (1-based; 0 = never) */
    int64_t count[MAX_CALLS], rows[MAX_CALLS];
    int empty_nonzero;        /* steps with rows = 0 whose gradient was not all zeros */
    float *first;             /* the gradient of call 1, as received */
    float once_value;         /* ONCE: every component of call 1 set to this, later calls zeroed */
    void *user_data_seen;
    int last_epoch, last_step, out_of_order; /* steps not numbered 1, 2, ... within epochs 1, 2, ... */
    /* calls made from inside the hook on call 1 */
    int inside;
    nerve_status get, predict, cost_gradient, set, train, set_layer, reinit, reader_thread;
    int get_matches, predict_matches, cost_gradient_matches, reader_matches, reader_timed_out;
    const float *initial, *initial_predictions;
    struct reader_job *reader; /* a reader that was still blocked 10 s after it started, joined after training */
} hook_log;

typedef struct reader_job {
    const nerve_net *net;
    int64_t count;
    float *out;
    nerve_status status;
    pthread_t thread;
} reader_job;

static void reader_free(reader_job *job)
{
    if (!job)
        return;
    pthread_join(job->thread, NULL);
    free(job->out);
    free(job);
}

static void *read_parameters(void *arg)
{
    reader_job *job = arg;
    job->status = nerve_get_parameters(job->net, job->out, job->count);
    return NULL;
}

/* Calls from inside the hook: readers go in (and see the weights before this step), writers are refused. */
static void calls_inside(hook_log *h, const float *gradient, int64_t count)
{
    const data_set *s = h->data;
    float *p = malloc(sizeof(float) * (size_t)count), *g = malloc(sizeof(float) * (size_t)count);
    float out[5 * 3];
    h->get = nerve_get_parameters(h->net, p, count);
    h->get_matches = h->get == NERVE_OK && floats_equal_bits(p, h->initial, (size_t)count);
    h->predict = nerve_predict(h->net, s->x, 5, out, 5 * 3);
    h->predict_matches = h->predict == NERVE_OK && floats_equal_bits(out, h->initial_predictions, 5 * 3);
    h->cost_gradient = nerve_cost_gradient(h->net, s->x, s->y, HOOK_BATCH, 0, 0, NULL, g, count);
    h->cost_gradient_matches = h->cost_gradient == NERVE_OK && floats_equal_bits(g, gradient, (size_t)count);

    /* Another thread reads too, while this one is inside the hook. */
    reader_job *job = calloc(1, sizeof *job);
    job->net = h->net;
    job->count = count;
    job->out = malloc(sizeof(float) * (size_t)count);
    job->status = NERVE_E_NOMEM;
    h->reader_thread = NERVE_E_NOMEM;
    if (pthread_create(&job->thread, NULL, read_parameters, job) == 0) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 10;
        if (pthread_timedjoin_np(job->thread, NULL, &deadline) == ETIMEDOUT) {
            /* Still blocked: it can only finish once training does, after this hook returns. */
            h->reader_timed_out = 1;
            h->reader = job;
        } else {
            h->reader_thread = job->status;
            h->reader_matches = job->status == NERVE_OK && floats_equal_bits(job->out, h->initial, (size_t)count);
            free(job->out);
            free(job);
        }
    } else {
        free(job->out);
        free(job);
    }

    h->set = nerve_set_parameters(h->net, h->initial, count);
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    h->train = nerve_train(h->net, s->x, s->y, s->n, NULL, NULL, 0, &o);
    int64_t nw = 0, nb = 0;
    nerve_layer_parameter_count(h->net, 0, &nw, &nb);
    h->set_layer = nerve_set_layer(h->net, 0, h->initial, nw, NULL, 0);
    h->reinit = nerve_reinit(h->net, NERVE_INIT_AUTO, 5);
    free(p);
    free(g);
}

static int32_t on_gradient(float *gradient, int64_t count, const nerve_step *step, void *hook_data)
{
    hook_log *h = hook_data;
    int64_t rows = step->rows;
    int call = h->calls++;
    h->user_data_seen = hook_data;
    /* Steps count 1, 2, ... within an epoch and epochs 1, 2, ... */
    int in_order = call == 0 ? step->epoch == 1 && step->step == 1
                             : (step->epoch == h->last_epoch && step->step == h->last_step + 1) ||
                                   (step->epoch == h->last_epoch + 1 && step->step == 1);
    h->out_of_order += !in_order;
    h->last_epoch = step->epoch;
    h->last_step = step->step;
    if (call < MAX_CALLS) {
        h->count[call] = count;
        h->rows[call] = rows;
    }
    if (rows == 0)
        for (int64_t k = 0; k < count; k++)
            h->empty_nonzero += gradient[k] != 0;
    if (call == 0 && h->first)
        memcpy(h->first, gradient, sizeof(float) * (size_t)count);
    if (call == 0 && h->inside)
        calls_inside(h, gradient, count);
    switch (h->mode) {
    case ZERO: memset(gradient, 0, sizeof(float) * (size_t)count); break;
    case DOUBLE:
        for (int64_t k = 0; k < count; k++)
            gradient[k] *= 2;
        break;
    case ONCE:
        for (int64_t k = 0; k < count; k++)
            gradient[k] = call == 0 ? h->once_value : 0;
        break;
    default: break;
    }
    return h->abort_at > 0 && h->calls == h->abort_at;
}

typedef struct {
    const nerve_net *net;
    int calls;
    float *at_epoch[16]; /* parameters after each epoch, from inside the callback */
    nerve_status set;    /* nerve_set_parameters from inside the callback */
} progress_log;

/* One user_data serves the gradient hook and the progress callback. */
typedef struct {
    hook_log hook;
    progress_log *progress;
} hooked_user_data;

static int32_t on_progress(const nerve_epoch_report *report, void *user_data)
{
    progress_log *p = ((hooked_user_data *)user_data)->progress;
    int64_t count = nerve_parameter_count(p->net);
    if (report->epoch >= 1 && report->epoch <= 16) {
        free(p->at_epoch[report->epoch - 1]);
        p->at_epoch[report->epoch - 1] = malloc(sizeof(float) * (size_t)count);
        if (nerve_get_parameters(p->net, p->at_epoch[report->epoch - 1], count) != NERVE_OK) {
            free(p->at_epoch[report->epoch - 1]);
            p->at_epoch[report->epoch - 1] = NULL;
        }
    }
    if (p->calls++ == 0) {
        float *same = malloc(sizeof(float) * (size_t)count);
        nerve_get_parameters(p->net, same, count);
        p->set = nerve_set_parameters((nerve_net *)(void *)p->net, same, count);
        free(same);
    }
    return 0;
}

static void progress_free(progress_log *p)
{
    for (int e = 0; e < 16; e++)
        free(p->at_epoch[e]);
}

static nerve_status hooked_run(nerve_net *net, const data_set *s, nerve_train_options *o, hooked_user_data *u,
                               progress_log *p)
{
    u->hook.net = net;
    u->hook.data = s;
    u->progress = p;
    memset(p, 0, sizeof *p);
    p->net = net;
    o->gradient_hook = on_gradient;
    o->progress = on_progress;
    o->user_data = u;
    o->hook_data = u;
    return nerve_train(net, s->x, s->y, s->n, NULL, NULL, 0, o);
}

static void hook_options(nerve_train_options *o, int epochs, float eta)
{
    nerve_train_options_init(o);
    o->epochs = epochs;
    o->batch_size = HOOK_BATCH;
    o->learning_rate = eta;
}

/* What the hook receives, and the calls allowed inside it. */
static void hook_receives(void)
{
    nerve_net *net = make_net(&hook_desc, 121);
    if (!net)
        return;
    data_set s = make_data(&hook_desc, net, HOOK_N, 122);
    int64_t count = 0;
    float *initial = parameters_of(net, &count), *expected = malloc(sizeof(float) * (size_t)count);
    float predictions[5 * 3];
    CHECK_OK(nerve_predict(net, s.x, 5, predictions, 5 * 3));
    /* The first step's gradient: the mean over the first batch (shuffle off, no dropout). */
    CHECK_OK(nerve_cost_gradient(net, s.x, s.y, HOOK_BATCH, 0, 0, NULL, expected, count));

    hooked_user_data u = {.hook = {.mode = KEEP, .inside = 1, .initial = initial,
                                   .initial_predictions = predictions}};
    u.hook.first = malloc(sizeof(float) * (size_t)count);
    progress_log p;
    nerve_train_options o;
    hook_options(&o, 2, 0.3f);
    o.shuffle = 0;
    CHECK_OK(hooked_run(net, &s, &o, &u, &p));
    hook_log *h = &u.hook;
    reader_free(h->reader);
    CHECK(h->calls == 6, "2 epochs of 50 samples in batches of 20 called the hook %d times, expected 6", h->calls);
    CHECK(h->user_data_seen == &u, "the gradient hook did not receive hook_data");
    int rows_ok = 1, count_ok = 1;
    const int64_t expected_rows[3] = {20, 20, 10};
    for (int c = 0; c < h->calls && c < MAX_CALLS; c++) {
        rows_ok &= h->rows[c] == expected_rows[c % 3];
        count_ok &= h->count[c] == count;
    }
    CHECK(rows_ok, "the hook's rows per step are not 20, 20, 10 in each epoch (first: %lld, %lld, %lld)",
          (long long)h->rows[0], (long long)h->rows[1], (long long)h->rows[2]);
    CHECK(count_ok, "the hook's count is not nerve_parameter_count (%lld; first call %lld)", (long long)count,
          (long long)h->count[0]);
    double largest = max_abs(expected, count), worst = 0;
    for (int64_t k = 0; k < count; k++)
        worst = fmax(worst, fabs(h->first[k] - expected[k]));
    CHECK(largest > 0 && worst <= 1e-6 * largest, "the first step's gradient differs from nerve_cost_gradient over "
          "the first batch by %.3g (largest component %.3g)", worst, largest);

    /* Inside the hook: readers work on the weights before the step, writers are refused at once. */
    CHECK_OK(h->get);
    CHECK(h->get_matches, "nerve_get_parameters inside the first step's hook does not give the initial weights");
    CHECK_OK(h->predict);
    CHECK(h->predict_matches, "nerve_predict inside the first step's hook predicts otherwise than before training");
    CHECK_OK(h->cost_gradient);
    CHECK(h->cost_gradient_matches, "nerve_cost_gradient inside the hook differs from the gradient the hook got");
    CHECK(!h->reader_timed_out, "nerve_get_parameters from another thread waited more than 10 s while the hook "
          "ran");
    CHECK_OK(h->reader_thread);
    CHECK(h->reader_matches, "nerve_get_parameters from another thread while the hook ran did not give the weights "
          "before the step");
    CHECK_FAILS(h->set, BUSY);
    CHECK_FAILS(h->train, BUSY);
    CHECK_FAILS(h->set_layer, BUSY);
    CHECK_FAILS(h->reinit, BUSY);
    /* And in the progress callback. */
    CHECK_FAILS(p.set, BUSY);
    CHECK(p.calls == 2 && p.at_epoch[0] && p.at_epoch[1], "progress callback: %d calls, parameters read %d, %d",
          p.calls, p.at_epoch[0] != NULL, p.at_epoch[1] != NULL);
    if (p.at_epoch[1])
        CHECK(parameters_are(net, p.at_epoch[1], count), "the progress callback's parameters after the last "
              "epoch are not the trained network's");
    progress_free(&p);
    free(u.hook.first), free(initial), free(expected);
    free_data(&s);
    nerve_free(net);
}

/* A zeroed gradient moves nothing; a doubled gradient is a doubled learning rate. */
static void hook_rewrites(void)
{
    nerve_net *net = make_net(&hook_desc, 123), *a = make_net(&hook_desc, 124), *b = make_net(&hook_desc, 124);
    if (!net || !a || !b)
        goto done;
    data_set s = make_data(&hook_desc, net, HOOK_N, 125);
    int64_t count = 0;
    float *initial = parameters_of(net, &count);
    hooked_user_data u = {.hook = {.mode = ZERO}};
    progress_log p;
    nerve_train_options o;
    hook_options(&o, 3, 0.5f);
    CHECK_OK(hooked_run(net, &s, &o, &u, &p));
    CHECK(u.hook.calls == 9, "3 epochs of 3 batches called the hook %d times", u.hook.calls);
    CHECK(initial && parameters_are(net, initial, count), "plain SGD with a hook that zeroes the gradient changed "
          "the weights");
    progress_free(&p);

    const float eta = 0.05f;
    hooked_user_data ua = {.hook = {.mode = DOUBLE}}, ub = {.hook = {.mode = KEEP}};
    progress_log pa, pb;
    nerve_train_options oa, ob;
    hook_options(&oa, 2, eta);
    hook_options(&ob, 2, 2 * eta);
    CHECK_OK(hooked_run(a, &s, &oa, &ua, &pa));
    CHECK_OK(hooked_run(b, &s, &ob, &ub, &pb));
    int64_t cb = 0;
    float *pb_params = parameters_of(b, &cb), *pa_params = parameters_of(a, &count);
    CHECK(pa_params && pb_params && floats_equal_bits(pa_params, pb_params, (size_t)count),
          "a hook doubling the gradient at learning rate %g gave other weights than a no-op hook at %g", eta,
          2 * eta);
    CHECK(pa_params && initial && !floats_equal_bits(pa_params, initial, (size_t)count), "training did not move");
    progress_free(&pa), progress_free(&pb);
    free(pa_params), free(pb_params), free(initial);
    free_data(&s);
done:
    nerve_free(net), nerve_free(a), nerve_free(b);
}

/* Steps per epoch other than the batch count. */
static void hook_steps(void)
{
    nerve_net *net = make_net(&hook_desc, 126);
    if (!net)
        return;
    data_set s = make_data(&hook_desc, net, HOOK_N, 127);
    int64_t count = 0;
    float *initial = parameters_of(net, &count);
    unsigned char is_weight[256];
    ref_net r = reference_of(&hook_desc);
    if (!initial || !CHECK(ref_net_parameter_count(&r, is_weight) == count, "parameter count"))
        goto done;

    /* More steps than batches: 20, 20, 10, then two steps without samples and a zero gradient. */
    hooked_user_data u = {.hook = {.mode = KEEP}};
    progress_log p;
    nerve_train_options o;
    hook_options(&o, 2, 0.1f);
    o.steps_per_epoch = 5;
    CHECK_OK(hooked_run(net, &s, &o, &u, &p));
    const int64_t rows[5] = {20, 20, 10, 0, 0};
    int rows_ok = u.hook.calls == 10;
    for (int c = 0; c < u.hook.calls && c < MAX_CALLS; c++)
        rows_ok &= u.hook.rows[c] == rows[c % 5] && u.hook.count[c] == count;
    CHECK(rows_ok, "steps_per_epoch 5 over 3 batches: %d hook calls (expected 10), rows %lld %lld %lld %lld %lld",
          u.hook.calls, (long long)u.hook.rows[0], (long long)u.hook.rows[1], (long long)u.hook.rows[2],
          (long long)u.hook.rows[3], (long long)u.hook.rows[4]);
    CHECK(u.hook.empty_nonzero == 0, "steps without samples handed the hook %d non-zero gradient components",
          u.hook.empty_nonzero);
    CHECK(u.hook.out_of_order == 0, "%d of the hook's steps were not numbered 1..5 within epochs 1, 2",
          u.hook.out_of_order);
    progress_free(&p);

    /* Only regularisation moves the weights when the hook zeroes every gradient: L2 with λ/n, n =
     * regularization_n, decays each weight by (1 − η·l2/n) per step, in the empty steps too; biases stay. */
    const float eta = 0.5f, l2 = 2.0f;
    const int64_t reg_n = 400;
    const int epochs = 2, steps = 5;
    CHECK_OK(nerve_set_parameters(net, initial, count));
    hooked_user_data uz = {.hook = {.mode = ZERO}};
    hook_options(&o, epochs, eta);
    o.steps_per_epoch = steps;
    o.l2 = l2;
    o.regularization_n = reg_n;
    if (CHECK_OK(hooked_run(net, &s, &o, &uz, &p))) {
        int64_t n = 0;
        float *after = parameters_of(net, &n);
        double factor = pow(1.0 - (double)eta * (double)l2 / (double)reg_n, epochs * steps);
        int bad = 0;
        for (int64_t k = 0; after && k < count; k++) {
            double want = is_weight[k] ? initial[k] * factor : initial[k];
            int ok = is_weight[k] ? fabs(after[k] - want) <= 1e-5 * fabs(want) + 1e-7 : after[k] == initial[k];
            if (!ok && bad++ == 0)
                fprintf(stderr, "     %s %lld: %.9g → %.9g, expected %.9g (factor %.9g over %d steps)\n",
                        is_weight[k] ? "weight" : "bias", (long long)k, initial[k], after[k], want, factor,
                        epochs * steps);
        }
        CHECK(after && bad == 0, "L2 decay with a zeroed gradient and regularization_n %lld: %d parameters off",
              (long long)reg_n, bad);
        CHECK(uz.hook.calls == epochs * steps, "%d hook calls, expected %d", uz.hook.calls, epochs * steps);
        free(after);
    }
    progress_free(&p);

    /* L1 the same way: each step moves each weight by η·l1/n towards 0 (none reaches it here). */
    float *far = malloc(sizeof(float) * (size_t)count);
    for (int64_t k = 0; k < count; k++)
        far[k] = is_weight[k] ? (initial[k] < 0 ? -0.1f : 0.1f) + initial[k] : initial[k];
    const float l1 = 1.0f;
    const int64_t l1_n = 200;
    CHECK_OK(nerve_set_parameters(net, far, count));
    hooked_user_data ul = {.hook = {.mode = ZERO}};
    hook_options(&o, epochs, eta);
    o.steps_per_epoch = steps;
    o.l1 = l1;
    o.regularization_n = l1_n;
    if (CHECK_OK(hooked_run(net, &s, &o, &ul, &p))) {
        int64_t n = 0;
        float *after = parameters_of(net, &n);
        double shift = (double)eta * l1 / (double)l1_n * epochs * steps;
        int bad = 0;
        for (int64_t k = 0; after && k < count; k++) {
            double want = is_weight[k] ? far[k] - (far[k] > 0 ? shift : -shift) : far[k];
            int ok = is_weight[k] ? fabs(after[k] - want) <= 1e-6 : after[k] == far[k];
            if (!ok && bad++ == 0)
                fprintf(stderr, "     %s %lld: %.9g → %.9g, expected %.9g\n", is_weight[k] ? "weight" : "bias",
                        (long long)k, far[k], after[k], want);
        }
        CHECK(after && bad == 0, "L1 with a zeroed gradient and regularization_n %lld: %d parameters off",
              (long long)l1_n, bad);
        free(after);
    }
    progress_free(&p);

    /* Momentum goes on through steps without samples: one step of gradient c then three empty ones move
     * every parameter by −η·c·(1 + μ + μ² + μ³). */
    const float mu = 0.5f, c = 0.25f, eta_m = 0.1f;
    CHECK_OK(nerve_set_parameters(net, initial, count));
    hooked_user_data um = {.hook = {.mode = ONCE, .once_value = c}};
    hook_options(&o, 1, eta_m);
    o.batch_size = HOOK_N;
    o.steps_per_epoch = 4;
    o.momentum = mu;
    if (CHECK_OK(hooked_run(net, &s, &o, &um, &p))) {
        int64_t n = 0;
        float *after = parameters_of(net, &n);
        double shift = (double)eta_m * c * (1 + mu + mu * mu + mu * mu * mu);
        int bad = 0;
        for (int64_t k = 0; after && k < count; k++)
            if (fabs(after[k] - (initial[k] - shift)) > 1e-6 && bad++ == 0)
                fprintf(stderr, "     parameter %lld: %.9g → %.9g, expected %.9g\n", (long long)k, initial[k],
                        after[k], initial[k] - shift);
        CHECK(after && bad == 0, "momentum %g through 3 steps without samples: %d parameters off", mu, bad);
        CHECK(um.hook.calls == 4 && um.hook.rows[0] == HOOK_N && um.hook.rows[1] == 0 && um.hook.rows[3] == 0,
              "one batch in 4 steps: %d calls, rows %lld then %lld", um.hook.calls, (long long)um.hook.rows[0],
              (long long)um.hook.rows[1]);
        free(after);
    }
    progress_free(&p);
    free(far);

    /* Fewer steps than batches: only the first batches of each epoch's order train. With shuffle off, 2 steps
     * over 50 samples in batches of 20 are training on the first 40 samples. */
    nerve_net *a = make_net(&hook_desc, 128), *b = make_net(&hook_desc, 128);
    if (a && b) {
        nerve_train_options oa;
        hook_options(&oa, 3, 0.3f);
        oa.shuffle = 0;
        nerve_train_options ob = oa;
        oa.steps_per_epoch = 2;
        CHECK_OK(nerve_train(a, s.x, s.y, HOOK_N, NULL, NULL, 0, &oa));
        CHECK_OK(nerve_train(b, s.x, s.y, 40, NULL, NULL, 0, &ob));
        int64_t nb = 0;
        float *pb = parameters_of(b, &nb);
        CHECK(pb && parameters_are(a, pb, nb), "steps_per_epoch 2 over 50 samples (shuffle off) trained otherwise "
              "than the default over the first 40");
        free(pb);
        hooked_user_data uk = {.hook = {.mode = KEEP}};
        hook_options(&o, 3, 0.3f);
        o.steps_per_epoch = 2;
        CHECK_OK(hooked_run(a, &s, &o, &uk, &p));
        CHECK(uk.hook.calls == 6 && uk.hook.rows[0] == 20 && uk.hook.rows[1] == 20 && uk.hook.rows[2] == 20,
              "steps_per_epoch 2 for 3 epochs: %d hook calls with rows %lld, %lld, %lld (expected 6 calls of 20)",
              uk.hook.calls, (long long)uk.hook.rows[0], (long long)uk.hook.rows[1], (long long)uk.hook.rows[2]);
        progress_free(&p);
    }
    nerve_free(a), nerve_free(b);
done:
    free(initial);
    free_data(&s);
    nerve_free(net);
}

/* A hook returning non-zero ends training with NERVE_E_ABORTED and the last completed epoch's weights. */
static void hook_aborts(void)
{
    nerve_net *net = make_net(&hook_desc, 129), *twin = make_net(&hook_desc, 129);
    if (!net || !twin)
        goto done;
    data_set s = make_data(&hook_desc, net, HOOK_N, 130);
    int64_t count = 0;
    float *initial = parameters_of(net, &count);
    /* The twin takes epoch 1 alone (with a no-op hook, so both run the same code). */
    hooked_user_data ut = {.hook = {.mode = KEEP}};
    progress_log pt, p;
    nerve_train_options o;
    hook_options(&o, 1, 0.3f);
    CHECK_OK(hooked_run(twin, &s, &o, &ut, &pt));
    int64_t n = 0;
    float *epoch1 = parameters_of(twin, &n);

    /* Abort at the second step of epoch 2: its first step has already moved the weights. */
    hooked_user_data u = {.hook = {.mode = KEEP, .abort_at = 5}};
    hook_options(&o, 4, 0.3f);
    nerve_status st = hooked_run(net, &s, &o, &u, &p);
    CHECK(st == ABORTED, "a gradient hook returning non-zero gave status %d, expected NERVE_E_ABORTED", (int)st);
    CHECK(nerve_last_error()[0] != '\0', "NERVE_E_ABORTED left no message");
    CHECK(u.hook.calls == 5 && p.calls == 1, "after the abort: %d hook calls (expected 5), %d progress calls "
          "(expected 1)", u.hook.calls, p.calls);
    CHECK(epoch1 && parameters_are(net, epoch1, count), "after NERVE_E_ABORTED in epoch 2 the weights are not "
          "those after epoch 1");
    CHECK(p.at_epoch[0] && epoch1 && floats_equal_bits(p.at_epoch[0], epoch1, (size_t)count),
          "the twin's weights after one epoch differ from the run's after its first");
    progress_free(&p), progress_free(&pt);

    /* In epoch 1: the weights from before training. */
    CHECK_OK(nerve_set_parameters(net, initial, count));
    hooked_user_data u1 = {.hook = {.mode = KEEP, .abort_at = 2}};
    hook_options(&o, 3, 0.3f);
    st = hooked_run(net, &s, &o, &u1, &p);
    CHECK(st == ABORTED, "a gradient hook returning non-zero in epoch 1 gave status %d", (int)st);
    CHECK(initial && parameters_are(net, initial, count), "after NERVE_E_ABORTED in epoch 1 the weights are not "
          "those before training");
    CHECK(p.calls == 0, "the progress callback ran %d times before an abort in epoch 1", p.calls);
    progress_free(&p);
    /* The network trains again afterwards. */
    hook_options(&o, 1, 0.3f);
    CHECK_OK(nerve_train(net, s.x, s.y, s.n, NULL, NULL, 0, &o));
    free(initial), free(epoch1);
    free_data(&s);
done:
    nerve_free(net), nerve_free(twin);
}

/* ---- the report hook ----------------------------------------------------------------------------------- */

enum { REPORT_EVAL = 30, MAX_EPOCHS = 12 };

typedef struct {
    nerve_net *net;
    int hook_calls, progress_calls;
    nerve_epoch_report hooked[MAX_EPOCHS], reported[MAX_EPOCHS]; /* as the hook got them; as progress got them */
    const float *eval_sequence;   /* eval_cost written by the hook in epoch e: eval_sequence[e - 1] */
    int nan_train_at;             /* epoch whose train_cost the hook sets to NaN */
    int abort_at;                 /* epoch in which the hook returns non-zero */
    float *at_epoch[MAX_EPOCHS];  /* parameters after each epoch, from the progress callback */
    void *user_data_seen;
    nerve_status set, train, get;
} report_log;

static int32_t on_report(nerve_epoch_report *report, void *hook_data)
{
    report_log *r = hook_data;
    r->user_data_seen = hook_data;
    int e = r->hook_calls++;
    if (e < MAX_EPOCHS)
        r->hooked[e] = *report;
    if (e == 0) {
        int64_t count = nerve_parameter_count(r->net);
        float *p = malloc(sizeof(float) * (size_t)count);
        r->get = nerve_get_parameters(r->net, p, count);
        r->set = nerve_set_parameters(r->net, p, count);
        nerve_train_options o;
        nerve_train_options_init(&o);
        float x[4] = {0}, y[3] = {0};
        r->train = nerve_train(r->net, x, y, 1, NULL, NULL, 0, &o);
        free(p);
    }
    if (r->eval_sequence)
        report->eval_cost = r->eval_sequence[report->epoch - 1];
    if (report->epoch == r->nan_train_at)
        report->train_cost = NAN;
    return report->epoch == r->abort_at;
}

static int32_t on_report_progress(const nerve_epoch_report *report, void *user_data)
{
    report_log *r = user_data;
    int e = r->progress_calls++;
    if (e < MAX_EPOCHS) {
        r->reported[e] = *report;
        int64_t count = nerve_parameter_count(r->net);
        r->at_epoch[e] = malloc(sizeof(float) * (size_t)count);
        nerve_get_parameters(r->net, r->at_epoch[e], count);
    }
    return 0;
}

static void report_free(report_log *r)
{
    for (int e = 0; e < MAX_EPOCHS; e++)
        free(r->at_epoch[e]);
}

static nerve_status reported_run(report_log *r, const data_set *s, const data_set *eval, nerve_train_options *o,
                                 int with_hook)
{
    o->progress = on_report_progress;
    o->report_hook = with_hook ? on_report : NULL;
    o->user_data = r;
    o->hook_data = r;
    return nerve_train(r->net, s->x, s->y, s->n, eval ? eval->x : NULL, eval ? eval->y : NULL, eval ? eval->n : 0,
                       o);
}

static int same_float(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

static int same_figures(const nerve_epoch_report *a, const nerve_epoch_report *b)
{
    return a->epoch == b->epoch && same_float(a->train_cost, b->train_cost) &&
           same_float(a->train_accuracy, b->train_accuracy) && same_float(a->eval_cost, b->eval_cost) &&
           same_float(a->eval_accuracy, b->eval_accuracy) && same_float(a->learning_rate, b->learning_rate);
}

static void report_hook(void)
{
    nerve_net *a = make_net(&hook_desc, 131), *b = make_net(&hook_desc, 131);
    if (!a || !b)
        goto done;
    data_set s = make_data(&hook_desc, a, HOOK_N, 132), eval = make_data(&hook_desc, a, REPORT_EVAL, 133);
    int64_t count = 0;
    float *initial = parameters_of(a, &count);

    /* Left alone, the hook sees what the progress callback sees, and what it would see without a hook. */
    const int32_t monitors[] = {NERVE_MONITOR_FULL, NERVE_MONITOR_RUNNING, NERVE_MONITOR_NONE};
    for (int m = 0; m < 3; m++) {
        report_log ra = {.net = a}, rb = {.net = b};
        nerve_train_options o;
        hook_options(&o, 3, 0.3f);
        o.monitor_training = monitors[m];
        CHECK_OK(nerve_set_parameters(a, initial, count));
        CHECK_OK(nerve_set_parameters(b, initial, count));
        CHECK_OK(reported_run(&ra, &s, &eval, &o, 1));
        CHECK_OK(reported_run(&rb, &s, &eval, &o, 0));
        CHECK(ra.hook_calls == 3 && ra.progress_calls == 3 && rb.progress_calls == 3,
              "monitor %d: %d hook calls, %d and %d progress calls, expected 3 each", (int)monitors[m],
              ra.hook_calls, ra.progress_calls, rb.progress_calls);
        CHECK(ra.user_data_seen == &ra, "the report hook did not receive hook_data");
        for (int e = 0; e < 3 && e < ra.hook_calls; e++) {
            const nerve_epoch_report *h = &ra.hooked[e], *pa = &ra.reported[e], *pb = &rb.reported[e];
            CHECK(same_figures(h, pa), "monitor %d epoch %d: the hook got epoch %d costs %g/%g accuracies %g/%g, "
                  "the progress callback epoch %d %g/%g %g/%g", (int)monitors[m], e + 1, (int)h->epoch,
                  h->train_cost, h->eval_cost, h->train_accuracy, h->eval_accuracy, (int)pa->epoch, pa->train_cost,
                  pa->eval_cost, pa->train_accuracy, pa->eval_accuracy);
            CHECK(same_figures(pa, pb), "monitor %d epoch %d: with a report hook that changes nothing the progress "
                  "callback got costs %g/%g, without one %g/%g", (int)monitors[m], e + 1, pa->train_cost,
                  pa->eval_cost, pb->train_cost, pb->eval_cost);
            CHECK(h->epoch == e + 1 && isfinite(h->eval_cost) &&
                      (monitors[m] == NERVE_MONITOR_NONE ? isnan(h->train_cost) : isfinite(h->train_cost)),
                  "monitor %d epoch %d: the hook got epoch %d, train cost %g, eval cost %g", (int)monitors[m], e + 1,
                  (int)h->epoch, h->train_cost, h->eval_cost);
        }
        if (m == 0) {
            CHECK_OK(ra.get);
            CHECK_FAILS(ra.set, BUSY);
            CHECK_FAILS(ra.train, BUSY);
        }
        int64_t nb = 0;
        float *pb = parameters_of(b, &nb);
        CHECK(pb && parameters_are(a, pb, nb), "monitor %d: a report hook that changes nothing changed the "
              "training", (int)monitors[m]);
        free(pb);
        report_free(&ra), report_free(&rb);
    }

    /* Rewritten evaluation costs drive early stopping: best in epoch 3, no better in 4 and 5, so patience 2
     * ends training after epoch 5 with epoch 3's weights. The measured costs would not. */
    static const float sequence[MAX_EPOCHS] = {5, 4, 3, 3.5f, 3.25f, 1, 0.5f, 0.25f, 0.125f, 0.1f, 0.05f, 0.01f};
    for (int with_eval = 1; with_eval >= 0; with_eval--) {
        report_log r = {.net = a, .eval_sequence = sequence};
        nerve_train_options o;
        hook_options(&o, 10, 0.3f);
        o.early_stopping = 2;
        CHECK_OK(nerve_set_parameters(a, initial, count));
        nerve_status st = reported_run(&r, &s, with_eval ? &eval : NULL, &o, 1);
        if (!CHECK_OK(st)) {
            fprintf(stderr, "     (early stopping driven by the report hook, %s evaluation data)\n",
                    with_eval ? "with" : "without");
        } else {
            CHECK(r.progress_calls == 5, "early stopping (patience 2) on costs 5, 4, 3, 3.5, 3.25, ... %s evaluation "
                  "data: %d epochs, expected 5", with_eval ? "with" : "without", r.progress_calls);
            int seen_ok = 1;
            for (int e = 0; e < r.progress_calls && e < MAX_EPOCHS; e++)
                seen_ok &= r.reported[e].eval_cost == sequence[e];
            CHECK(seen_ok, "the progress callback did not see the evaluation costs the hook wrote (epoch 1: %g)",
                  r.reported[0].eval_cost);
            CHECK(r.at_epoch[2] && parameters_are(a, r.at_epoch[2], count),
                  "early stopping %s evaluation data did not restore the weights of epoch 3, the best",
                  with_eval ? "with" : "without");
        }
        report_free(&r);
    }
    /* Without a report hook, early stopping and the schedule still need evaluation data, a gradient hook or
     * not. */
    {
        nerve_train_options o;
        hook_options(&o, 2, 0.3f);
        o.early_stopping = 2;
        CHECK_FAILS(nerve_train(a, s.x, s.y, s.n, NULL, NULL, 0, &o), INVALID);
        hooked_user_data u = {.hook = {.mode = KEEP}};
        o.gradient_hook = on_gradient;
        o.user_data = &u;
        o.hook_data = &u;
        CHECK_FAILS(nerve_train(a, s.x, s.y, s.n, NULL, NULL, 0, &o), INVALID);
        CHECK(u.hook.calls == 0, "a refused training called the gradient hook");
        hook_options(&o, 2, 0.3f);
        o.lr_decay = 2;
        CHECK_FAILS(nerve_train(a, s.x, s.y, s.n, NULL, NULL, 0, &o), INVALID);
    }

    /* ... and the learning-rate schedule: costs that never improve halve the rate, improving ones keep it. */
    static const float flat[MAX_EPOCHS] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    static const float falling[MAX_EPOCHS] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5f, 0.25f, 0.125f};
    for (int run = 0; run < 4; run++) {
        int flat_costs = run % 2 == 0, with_eval = run < 2;
        report_log r = {.net = a, .eval_sequence = flat_costs ? flat : falling};
        nerve_train_options o;
        hook_options(&o, 4, 0.4f);
        o.lr_decay = 2;
        o.lr_patience = 1;
        CHECK_OK(nerve_set_parameters(a, initial, count));
        nerve_status st = reported_run(&r, &s, with_eval ? &eval : NULL, &o, 1);
        if (!CHECK_OK(st))
            fprintf(stderr, "     (learning-rate schedule driven by the report hook, %s evaluation data)\n",
                    with_eval ? "with" : "without");
        else if (CHECK(r.progress_calls == 4, "%d epochs, expected 4", r.progress_calls)) {
            float last = r.reported[3].learning_rate;
            if (flat_costs)
                CHECK(last < 0.4f, "evaluation costs the hook held at 3 did not lower the learning rate (epoch 4: %g; "
                      "%s evaluation data)", last, with_eval ? "with" : "without");
            else
                CHECK(last == 0.4f, "evaluation costs the hook kept lowering changed the learning rate to %g (%s "
                      "evaluation data)", last, with_eval ? "with" : "without");
        }
        report_free(&r);
    }

    /* A NaN training cost written by the hook is divergence: NERVE_E_DIVERGED with epoch 1's weights. */
    {
        report_log r = {.net = a, .nan_train_at = 2};
        nerve_train_options o;
        hook_options(&o, 4, 0.3f);
        CHECK_OK(nerve_set_parameters(a, initial, count));
        nerve_status st = reported_run(&r, &s, &eval, &o, 1);
        CHECK(st == NERVE_E_DIVERGED, "a report hook writing a NaN training cost in epoch 2 gave status %d, expected "
              "NERVE_E_DIVERGED", (int)st);
        CHECK(r.progress_calls == 1 && r.at_epoch[0] && parameters_are(a, r.at_epoch[0], count),
              "after the divergence the weights are not those of epoch 1 (%d progress calls)", r.progress_calls);
        report_free(&r);
    }

    /* Non-zero: NERVE_E_ABORTED; the epoch whose figures the hook refused did not complete. */
    {
        report_log r = {.net = a, .abort_at = 2};
        nerve_train_options o;
        hook_options(&o, 4, 0.3f);
        CHECK_OK(nerve_set_parameters(a, initial, count));
        nerve_status st = reported_run(&r, &s, &eval, &o, 1);
        CHECK(st == ABORTED, "a report hook returning non-zero gave status %d, expected NERVE_E_ABORTED", (int)st);
        CHECK(nerve_last_error()[0] != '\0', "NERVE_E_ABORTED left no message");
        CHECK(r.hook_calls == 2 && r.progress_calls == 1, "%d report hook calls, %d progress calls (expected 2, 1)",
              r.hook_calls, r.progress_calls);
        CHECK(r.at_epoch[0] && parameters_are(a, r.at_epoch[0], count),
              "after the report hook's abort in epoch 2 the weights are not those of epoch 1");
        report_free(&r);
    }
    free(initial);
    free_data(&s), free_data(&eval);
done:
    nerve_free(a), nerve_free(b);
}

/* ---- options ------------------------------------------------------------------------------------------- */

static void new_options(void)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    CHECK(o.steps_per_epoch == 0 && o.gradient_hook == NULL && o.report_hook == NULL && o.regularization_n == 0,
          "nerve_train_options_init: steps_per_epoch %d, hooks %s %s, regularization_n %lld; expected 0, NULL, "
          "NULL, 0", (int)o.steps_per_epoch, o.gradient_hook ? "set" : "NULL", o.report_hook ? "set" : "NULL",
          (long long)o.regularization_n);
    const char *name = nerve_status_string(ABORTED);
    CHECK(name && name[0] && strcmp(name, "unknown status") != 0, "NERVE_E_ABORTED has no name");

    nerve_net *net = make_net(&hook_desc, 141);
    if (!net)
        return;
    data_set s = make_data(&hook_desc, net, HOOK_N, 142);
    int64_t count = 0;
    float *initial = parameters_of(net, &count);
    const int32_t bad_steps[] = {-1, -100, INT32_MIN};
    for (int i = 0; i < 3; i++) {
        hooked_user_data u = {.hook = {.mode = KEEP}};
        nerve_train_options_init(&o);
        o.epochs = 1;
        o.steps_per_epoch = bad_steps[i];
        o.gradient_hook = on_gradient;
        o.user_data = &u;
        o.hook_data = &u;
        if (!CHECK_FAILS(nerve_train(net, s.x, s.y, s.n, NULL, NULL, 0, &o), INVALID))
            fprintf(stderr, "     (steps_per_epoch %d)\n", (int)bad_steps[i]);
        CHECK(u.hook.calls == 0, "a refused training called the gradient hook");
    }
    const int64_t bad_n[] = {-1, -600, INT64_MIN};
    for (int i = 0; i < 3; i++) {
        nerve_train_options_init(&o);
        o.epochs = 1;
        o.l2 = 1;
        o.regularization_n = bad_n[i];
        if (!CHECK_FAILS(nerve_train(net, s.x, s.y, s.n, NULL, NULL, 0, &o), INVALID))
            fprintf(stderr, "     (regularization_n %lld)\n", (long long)bad_n[i]);
    }
    CHECK(initial && parameters_are(net, initial, count), "refused trainings changed the network");
    free(initial);
    free_data(&s);
    nerve_free(net);
}

void test_gradients(void)
{
    long cases_before = check_error_cases();
    double t0 = now_seconds();
    parameters_round_trip();
    parameters_refused();
    for (int i = 0; i < DENSE_NETS; i++)
        gradient_against_reference(&dense_nets[i], 150 + (uint64_t)i * 10);
    gradient_against_reference(&cnn_net, 190);
    printf("   against the reference: cost within %.2g, gradient within %.2g of the largest component, norms "
           "within %.2g\n", worst_seen.cost_error, worst_seen.gradient_error, worst_seen.norm_error);
    cost_gradient_refused();
    norms_refused();
    check_gradient();
    check_gradient_refused();
    hook_receives();
    hook_rewrites();
    hook_steps();
    hook_aborts();
    report_hook();
    new_options();
    printf("   hostile cases: %ld, %.1f s\n", check_error_cases() - cases_before, now_seconds() - t0);
}
