/* Convolution and pooling layers through the C API, against numbers worked out by hand (in the comments):
 *  - parameter counts of the notes' networks: 20 feature maps of 5×5 on a 28×28 image have 520 parameters,
 *    a dense layer of 30 neurons on the same image 23,550;
 *  - a 4×4 image through one 2×2 filter: predictions, cost, and one SGD step whose gradients are written out
 *    (∂C/∂w is the correlation of the input with δ, ∂C/∂b the sum of δ);
 *  - max pooling (a tie, where the first maximum in row-major order takes the gradient, and overlapping windows
 *    that share a maximum) and mean pooling, below a 1×1 convolution whose weights show where the gradient went;
 *  - stride 2 and SAME padding: output extents by the header's formulas, values where the orientation of the
 *    kernel and the split of the padding show, and one SGD step through a padded border;
 *  - multi-channel networks against the double-precision reference of reference.c, forward and (by central
 *    differences) backward;
 *  - softmax over a convolution's whole output, with log-likelihood; L2 decay of a convolution's weights (not
 *    its bias); pooling as the first layer; the spread of initial weights, with a convolution's n_in =
 *    channels × window area;
 *  - nerve_create_layers / nerve_get_layer_spec / nerve_layer_shape round trips with the defaults resolved;
 *  - save / load through files and memory, the layer records' bytes as the format describes them, a model
 *    encoded here from the format description, and dense models in the 0.1 and 0.2 layouts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "layer_specs.h"
#include "model_bytes.h"
#include "reference.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { VALID = NERVE_PADDING_VALID, SAME = NERVE_PADDING_SAME, LINEAR = NERVE_ACT_LINEAR };
enum { MAXP = NERVE_LAYER_MAX_POOL2D, MEANP = NERVE_LAYER_MEAN_POOL2D };

static nerve_net *make(const int32_t shape[3], const nerve_layer_spec *specs, int32_t n, int32_t cost,
                       uint64_t seed)
{
    nerve_net *net = NULL;
    if (!CHECK_OK(CREATE_LAYERS(&net, shape, specs, n, cost, seed)))
        return NULL;
    return net;
}

/* Counts values further than tol from the expected ones and reports the first. */
static int expect_values(const float *got, const double *want, int n, double tol, const char *what)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (!(fabs((double)got[i] - want[i]) <= tol * (1 + fabs(want[i]))) && bad++ == 0)
            fprintf(stderr, "     %s: value %d is %.9g, expected %.9g\n", what, i, got[i], want[i]);
    return CHECK(bad == 0, "%s: %d of %d values differ from the hand computation", what, bad, n);
}

/* One epoch of plain SGD over all n samples as one mini-batch, in order. */
static int sgd_step(nerve_net *net, const float *x, const float *y, int64_t n, float learning_rate)
{
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = (int32_t)n;
    o.learning_rate = learning_rate;
    o.shuffle = 0;
    o.monitor_training = NERVE_MONITOR_NONE;
    return CHECK_OK(nerve_train(net, x, y, n, NULL, NULL, 0, &o));
}

static void expect_counts(const nerve_net *net, int32_t layer, int64_t weights, int64_t biases, const char *what)
{
    int64_t w = -1, b = -1;
    if (CHECK_OK(nerve_layer_parameter_count(net, layer, &w, &b)))
        CHECK(w == weights && b == biases, "%s: layer %d has %lld weights and %lld biases, expected %lld and %lld",
              what, (int)layer, (long long)w, (long long)b, (long long)weights, (long long)biases);
}

static void expect_output_shape(const nerve_net *net, int32_t layer, int32_t c, int32_t h, int32_t w,
                                const char *what)
{
    int32_t kind = -1, in[3] = {0}, out[3] = {0};
    if (CHECK_OK(nerve_layer_shape(net, layer, &kind, in, out)))
        CHECK(out[0] == c && out[1] == h && out[2] == w, "%s: layer %d writes %d×%d×%d, expected %d×%d×%d", what,
              (int)layer, out[0], out[1], out[2], c, h, w);
}

/* ---- parameter counts ---------------------------------------------------------------------------------- */

static void parameter_counts(void)
{
    const int32_t mnist[3] = {1, 28, 28};

    /* 20 feature maps, each one shared 5×5 filter and one shared bias: 20 × 25 = 500 weights and 20 biases,
     * 520 parameters; each map is 28 − 5 + 1 = 24 wide and high. */
    const nerve_layer_spec conv20[] = {conv_layer(20, 5, 5, 0, VALID, NERVE_ACT_SIGMOID)};
    nerve_net *net = make(mnist, conv20, 1, NERVE_COST_QUADRATIC, 1);
    if (net) {
        CHECK(nerve_parameter_count(net) == 520, "20 maps of 5×5: %lld parameters, expected 520",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 0, 500, 20, "20 maps of 5×5");
        expect_output_shape(net, 0, 20, 24, 24, "20 maps of 5×5");
        int32_t in = 0, out = 0;
        CHECK_OK(nerve_layer_info(net, 0, &in, &out, NULL));
        CHECK(in == 784 && out == 20 * 24 * 24 && nerve_output_size(net) == 11520,
              "20 maps of 5×5: %d values in, %d out (expected 784 and 11,520)", in, out);
        /* nerve_get_layer copies exactly those counts: one float short is refused. */
        float w[500], b[20];
        CHECK_OK(nerve_get_layer(net, 0, w, 500, b, 20));
        CHECK_FAILS(nerve_get_layer(net, 0, w, 499, b, 20), NERVE_E_CAPACITY);
        CHECK_FAILS(nerve_get_layer(net, 0, w, 500, b, 19), NERVE_E_CAPACITY);
        nerve_free(net);
    }

    /* A fully connected layer of 30 neurons on the same image: 784 × 30 + 30 = 23,520 + 30 = 23,550, as a
     * layer spec on the 1×28×28 shape and as nerve_create's 784 → 30. */
    const nerve_layer_spec dense30[] = {dense_layer(30, NERVE_ACT_SIGMOID)};
    net = make(mnist, dense30, 1, NERVE_COST_QUADRATIC, 1);
    if (net) {
        CHECK(nerve_parameter_count(net) == 23550, "784 → 30 dense: %lld parameters, expected 23,550",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 0, 23520, 30, "784 → 30 dense");
        nerve_free(net);
    }
    const int32_t sizes[] = {784, 30}, acts[] = {NERVE_ACT_SIGMOID};
    if (CHECK_OK(nerve_create(&net, sizes, 2, acts, NERVE_COST_QUADRATIC, 1))) {
        CHECK(nerve_parameter_count(net) == 23550, "nerve_create 784 → 30: %lld parameters, expected 23,550",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 0, 23520, 30, "nerve_create 784 → 30");
        nerve_free(net);
    }

    /* The notes' network: conv 20 × 5×5 → 20×24×24; max-pool 2×2 → 20×12×12 = 2,880 values; dense 100:
     * 2,880 × 100 + 100 = 288,100; softmax 10: 100 × 10 + 10 = 1,010. Total 520 + 0 + 288,100 + 1,010 = 289,630. */
    const nerve_layer_spec notes[] = {conv_layer(20, 5, 5, 0, VALID, NERVE_ACT_SIGMOID), pool_layer(MAXP, 2, 2, 0),
                                      dense_layer(100, NERVE_ACT_SIGMOID), dense_layer(10, NERVE_ACT_SOFTMAX)};
    net = make(mnist, notes, 4, NERVE_COST_LOG_LIKELIHOOD, 2);
    if (net) {
        CHECK(nerve_parameter_count(net) == 289630, "conv-pool-100-10: %lld parameters, expected 289,630",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 0, 500, 20, "conv-pool-100-10");
        expect_counts(net, 1, 0, 0, "conv-pool-100-10");
        expect_counts(net, 2, 288000, 100, "conv-pool-100-10");
        expect_counts(net, 3, 1000, 10, "conv-pool-100-10");
        expect_output_shape(net, 1, 20, 12, 12, "conv-pool-100-10");
        CHECK(nerve_layer_count(net) == 4, "conv-pool-100-10: %d layers, expected 4", nerve_layer_count(net));
        nerve_free(net);
    }

    /* A second convolution, 40 filters of 5×5 over the 20 pooled maps: each filter spans 20 × 5 × 5 = 500
     * weights, so 40 × 500 = 20,000 weights and 40 biases; maps of 12 − 5 + 1 = 8; max-pool 2×2 → 40×4×4 = 640
     * values; dense 100: 64,000 + 100; softmax 10: 1,010. Total 520 + 20,040 + 64,100 + 1,010 = 85,670. */
    const nerve_layer_spec two_conv[] = {conv_layer(20, 5, 5, 0, VALID, NERVE_ACT_RELU), pool_layer(MAXP, 2, 2, 0),
                                         conv_layer(40, 5, 5, 0, VALID, NERVE_ACT_RELU), pool_layer(MAXP, 2, 2, 0),
                                         dense_layer(100, NERVE_ACT_RELU), dense_layer(10, NERVE_ACT_SOFTMAX)};
    net = make(mnist, two_conv, 6, NERVE_COST_LOG_LIKELIHOOD, 3);
    if (net) {
        CHECK(nerve_parameter_count(net) == 85670, "two convolutions: %lld parameters, expected 85,670",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 2, 20000, 40, "two convolutions");
        expect_counts(net, 4, 64000, 100, "two convolutions");
        expect_output_shape(net, 2, 40, 8, 8, "two convolutions");
        expect_output_shape(net, 3, 40, 4, 4, "two convolutions");
        nerve_free(net);
    }

    /* Three input channels: 16 filters of 3 × 3×3 = 27 weights each: 432 weights, 16 biases, 448 in all; SAME
     * keeps 32×32. */
    const int32_t rgb[3] = {3, 32, 32};
    const nerve_layer_spec conv16[] = {conv_layer(16, 3, 3, 1, SAME, NERVE_ACT_RELU)};
    net = make(rgb, conv16, 1, NERVE_COST_QUADRATIC, 4);
    if (net) {
        CHECK(nerve_parameter_count(net) == 448, "16 filters of 3×3 on 3 channels: %lld parameters, expected 448",
              (long long)nerve_parameter_count(net));
        expect_counts(net, 0, 432, 16, "16 filters of 3×3 on 3 channels");
        expect_output_shape(net, 0, 16, 32, 32, "16 filters of 3×3 on 3 channels");
        nerve_free(net);
    }
}

/* ---- one convolution by hand --------------------------------------------------------------------------- */

/* A 4×4 image, one 2×2 filter w = [w00 w01; w10 w11] = [1 −1; 2 0.5], bias 0.5, linear, quadratic cost. The
 * valid correlation gives 3×3 maps: z(r, c) = 0.5 + x(r,c) − x(r,c+1) + 2 x(r+1,c) + 0.5 x(r+1,c+1). */
static void convolution_by_hand(void)
{
    const int32_t shape[3] = {1, 4, 4};
    const nerve_layer_spec layers[] = {conv_layer(1, 2, 2, 0, VALID, LINEAR)};
    nerve_net *net = make(shape, layers, 1, NERVE_COST_QUADRATIC, 5);
    if (!net)
        return;
    const float w[4] = {1.0f, -1.0f, 2.0f, 0.5f}, b[1] = {0.5f};
    CHECK_OK(nerve_set_layer(net, 0, w, 4, b, 1));
    /* Sample 1:            Sample 2: all ones.
     *   1 2 0 1
     *   0 1 3 1
     *   2 0 1 2
     *   1 1 0 2 */
    const float x[32] = {1, 2, 0, 1, 0, 1, 3, 1, 2, 0, 1, 2, 1, 1, 0, 2,
                         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    /* Sample 1, row 0: 0.5 + 1 − 2 + 0 + 0.5 = 0;  0.5 + 2 − 0 + 2 + 1.5 = 6;  0.5 + 0 − 1 + 6 + 0.5 = 6
     *           row 1: 0.5 + 0 − 1 + 4 + 0 = 3.5;  0.5 + 1 − 3 + 0 + 0.5 = −1;  0.5 + 3 − 1 + 2 + 1 = 5.5
     *           row 2: 0.5 + 2 − 0 + 2 + 0.5 = 5;  0.5 + 0 − 1 + 2 + 0 = 1.5;  0.5 + 1 − 2 + 0 + 1 = 0.5
     * Sample 2: 0.5 + 1 − 1 + 2 + 0.5 = 3 everywhere. */
    const double expected[18] = {0, 6, 6, 3.5, -1, 5.5, 5, 1.5, 0.5, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    float out[18];
    if (CHECK_OK(nerve_predict(net, x, 2, out, 18)))
        expect_values(out, expected, 18, 1e-6, "2×2 filter on 4×4");

    /* Targets chosen so that δ = a − y is, for sample 1,
     *   1 0 −1
     *   0 2  0
     *  −1 0  1
     * (y1 = a1 − δ1) and 1 everywhere for sample 2 (y2 = 2). */
    const float y[18] = {-1, 6, 7, 3.5f, -3, 5.5f, 6, 1.5f, -0.5f, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    /* C = (1/2) Σ_x ½‖δ_x‖² = ½ (½ (1 + 1 + 4 + 1 + 1) + ½ · 9) = ½ (4 + 4.5) = 4.25 */
    float cost = -1;
    if (CHECK_OK(nerve_evaluate(net, x, y, 2, &cost, NULL)))
        CHECK(fabsf(cost - 4.25f) < 1e-6f, "2×2 filter: cost %.9g, expected 4.25", cost);

    /* ∂C_x/∂w_ij = Σ_rc δ(r,c) x(r+i, c+j); for sample 1 only the five non-zero δ count:
     *   w00: 1·x00 − x02 + 2·x11 − x20 + x22 = 1 − 0 + 2 − 2 + 1 = 2
     *   w01: 1·x01 − x03 + 2·x12 − x21 + x23 = 2 − 1 + 6 − 0 + 2 = 9
     *   w10: 1·x10 − x12 + 2·x21 − x30 + x32 = 0 − 3 + 0 − 1 + 0 = −4
     *   w11: 1·x11 − x13 + 2·x22 − x31 + x33 = 1 − 1 + 2 − 1 + 2 = 3
     *   b:   1 − 1 + 2 − 1 + 1 = 2
     * Sample 2 (ones, δ = 1): 9 for every weight and for the bias.
     * Averaged over the batch of 2: w [5.5, 9, 2.5, 6], b 5.5. With η = 0.25:
     *   w00 = 1 − 1.375 = −0.375, w01 = −1 − 2.25 = −3.25, w10 = 2 − 0.625 = 1.375, w11 = 0.5 − 1.5 = −1,
     *   b = 0.5 − 1.375 = −0.875. */
    if (sgd_step(net, x, y, 2, 0.25f)) {
        float w_after[4], b_after[1];
        CHECK_OK(nerve_get_layer(net, 0, w_after, 4, b_after, 1));
        const double w_expected[4] = {-0.375, -3.25, 1.375, -1.0}, b_expected[1] = {-0.875};
        expect_values(w_after, w_expected, 4, 1e-6, "2×2 filter after one SGD step: weights");
        expect_values(b_after, b_expected, 1, 1e-6, "2×2 filter after one SGD step: bias");
        /* The ones image now gives b + Σw = −0.875 − 0.375 − 3.25 + 1.375 − 1 = −4.125 everywhere. */
        const double ones[9] = {-4.125, -4.125, -4.125, -4.125, -4.125, -4.125, -4.125, -4.125, -4.125};
        if (CHECK_OK(nerve_predict(net, x + 16, 1, out, 9)))
            expect_values(out, ones, 9, 1e-6, "2×2 filter after one SGD step: prediction");
    }
    nerve_free(net);
}

/* The same filter and samples with L2 weight decay λ = 1 (scaled by λ/n, biases excluded, as in the notes):
 * w ← (1 − ηλ/n) w − η ∂C/∂w = (1 − 0.25/2) w − 0.25 g = 0.875 w − 0.25 g, with g = [5.5, 9, 2.5, 6]:
 *   0.875 − 1.375 = −0.5,  −0.875 − 2.25 = −3.125,  1.75 − 0.625 = 1.125,  0.4375 − 1.5 = −1.0625;
 * the bias moves as without decay: −0.875. */
static void convolution_with_l2(void)
{
    const int32_t shape[3] = {1, 4, 4};
    const nerve_layer_spec layers[] = {conv_layer(1, 2, 2, 0, VALID, LINEAR)};
    nerve_net *net = make(shape, layers, 1, NERVE_COST_QUADRATIC, 5);
    if (!net)
        return;
    const float w[4] = {1.0f, -1.0f, 2.0f, 0.5f}, b[1] = {0.5f};
    const float x[32] = {1, 2, 0, 1, 0, 1, 3, 1, 2, 0, 1, 2, 1, 1, 0, 2,
                         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const float y[18] = {-1, 6, 7, 3.5f, -3, 5.5f, 6, 1.5f, -0.5f, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 2;
    o.learning_rate = 0.25f;
    o.l2 = 1.0f;
    o.shuffle = 0;
    if (CHECK_OK(nerve_set_layer(net, 0, w, 4, b, 1)) && CHECK_OK(nerve_train(net, x, y, 2, NULL, NULL, 0, &o))) {
        float w_after[4], b_after[1];
        CHECK_OK(nerve_get_layer(net, 0, w_after, 4, b_after, 1));
        const double w_expected[4] = {-0.5, -3.125, 1.125, -1.0625}, b_expected[1] = {-0.875};
        expect_values(w_after, w_expected, 4, 1e-6, "2×2 filter, one SGD step with L2: weights");
        expect_values(b_after, b_expected, 1, 1e-6, "2×2 filter, one SGD step with L2: bias");
    }
    nerve_free(net);
}

/* Softmax on a convolution normalises over the layer's whole output. A 1×1×2 image x = [0, ln 2] and two 1×1
 * filters w = [1, 2], b = 0 give maps [0, ln 2] and [0, 2 ln 2]: e^z = [1, 2, 1, 4], sum 8, a = [0.125, 0.25,
 * 0.125, 0.5] (per position over the channels it would be [0.5, 1/3, 0.5, 2/3]). With log-likelihood and
 * y = [0, 0, 0, 1]: C = −ln 0.5 = ln 2, δ = a − y = [0.125, 0.25, 0.125, −0.5];
 *   ∂w0 = 0.125·0 + 0.25·ln 2,  ∂w1 = 0.125·0 − 0.5·ln 2,  ∂b0 = 0.375,  ∂b1 = −0.375.
 * η = 1: w0 = 1 − 0.25 ln 2, w1 = 2 + 0.5 ln 2, b0 = −0.375, b1 = 0.375. */
static void softmax_convolution(void)
{
    const int32_t shape[3] = {1, 1, 2};
    const nerve_layer_spec layers[] = {conv_layer(2, 1, 1, 0, VALID, NERVE_ACT_SOFTMAX)};
    nerve_net *net = make(shape, layers, 1, NERVE_COST_LOG_LIKELIHOOD, 13);
    if (!net)
        return;
    const double ln2 = log(2.0);
    const float w[2] = {1, 2}, b[2] = {0, 0}, x[2] = {0, (float)ln2}, y[4] = {0, 0, 0, 1};
    const double a[4] = {0.125, 0.25, 0.125, 0.5};
    float out[4], cost = -1;
    if (CHECK_OK(nerve_set_layer(net, 0, w, 2, b, 2)) && CHECK_OK(nerve_predict(net, x, 1, out, 4)))
        expect_values(out, a, 4, 1e-6, "softmax convolution forward");
    if (CHECK_OK(nerve_evaluate(net, x, y, 1, &cost, NULL)))
        CHECK(fabs(cost - ln2) < 1e-6, "softmax convolution: cost %.9g, expected ln 2", cost);
    if (sgd_step(net, x, y, 1, 1.0f)) {
        float w_after[2], b_after[2];
        CHECK_OK(nerve_get_layer(net, 0, w_after, 2, b_after, 2));
        const double w_expected[2] = {1 - 0.25 * ln2, 2 + 0.5 * ln2}, b_expected[2] = {-0.375, 0.375};
        expect_values(w_after, w_expected, 2, 1e-6, "softmax convolution after one SGD step: weights");
        expect_values(b_after, b_expected, 2, 1e-6, "softmax convolution after one SGD step: biases");
    }
    nerve_free(net);
}

/* ---- pooling by hand ----------------------------------------------------------------------------------- */

/* Two 2×4 channels:            and a 1×1 convolution with w = [1, 1] (channel 0, channel 1), b = 0, linear:
 *   x0 = 0 1 0.5 0               z = x0 + x1 = 1 1   0.5 0.25
 *        1 0 0.5 1                             1 0.5 2   1.5
 *   x1 = 1 0 0   0.25
 *        0 0.5 1.5 0.5
 * A 2×2 pool (stride 2 by default) sees window A = columns 0–1 and window B = columns 2–3. */
static const float pool_x[16] = {0, 1, 0.5f, 0, 1, 0, 0.5f, 1, 1, 0, 0, 0.25f, 0, 0.5f, 1.5f, 0.5f};

static nerve_net *conv_then_pool(int32_t pool_kind, int32_t window_h, int32_t window_w, int32_t stride,
                                 const int32_t shape[3])
{
    const nerve_layer_spec layers[] = {conv_layer(1, 1, 1, 0, VALID, LINEAR),
                                       pool_layer(pool_kind, window_h, window_w, stride)};
    nerve_net *net = make(shape, layers, 2, NERVE_COST_QUADRATIC, 6);
    const float w[2] = {1, 1}, b[1] = {0};
    if (net && !CHECK_OK(nerve_set_layer(net, 0, w, 2, b, 1))) {
        nerve_free(net);
        return NULL;
    }
    if (net) /* a pooling layer has nothing to set */
        CHECK_OK(nerve_set_layer(net, 1, NULL, 0, NULL, 0));
    return net;
}

static void expect_conv_1x1(const nerve_net *net, double w0, double w1, double bias, const char *what)
{
    float w[2], b[1];
    if (!CHECK_OK(nerve_get_layer(net, 0, w, 2, b, 1)))
        return;
    const double expected[3] = {w0, w1, bias};
    const float got[3] = {w[0], w[1], b[0]};
    expect_values(got, expected, 3, 1e-6, what);
}

static void max_pool_by_hand(void)
{
    const int32_t shape[3] = {2, 2, 4};
    nerve_net *net = conv_then_pool(MAXP, 2, 2, 0, shape);
    if (!net)
        return;
    expect_output_shape(net, 1, 1, 1, 2, "max pool");
    /* Window A: max(1, 1, 1, 0.5) = 1, reached first at (0,0), where (x0, x1) = (0, 1); (0,1) and (1,0), where
     * (x0, x1) = (1, 0), tie with it. Window B: max(0.5, 0.25, 2, 1.5) = 2 at (1,2), (x0, x1) = (0.5, 1.5). */
    const double a[2] = {1, 2};
    float out[2];
    if (CHECK_OK(nerve_predict(net, pool_x, 1, out, 2)))
        expect_values(out, a, 2, 1e-6, "max pool forward");
    /* y = [0, 0]: δ = [1, 2], C = ½ (1 + 4) = 2.5. Only the maximum that takes each window's gradient passes it
     * on to z; with the first maximum of A at (0,0):
     *   ∂w0 = 1 · 0 + 2 · 0.5 = 1,  ∂w1 = 1 · 1 + 2 · 1.5 = 4,  ∂b = 1 + 2 = 3.
     * (Were A's gradient given to (0,1) or (1,0): ∂w0 = 2, ∂w1 = 3; to every tied maximum: 3, 4 and ∂b = 5.)
     * η = 0.5: w0 = 1 − 0.5 = 0.5, w1 = 1 − 2 = −1, b = 0 − 1.5 = −1.5. */
    const float y[2] = {0, 0};
    float cost = -1;
    if (CHECK_OK(nerve_evaluate(net, pool_x, y, 1, &cost, NULL)))
        CHECK(fabsf(cost - 2.5f) < 1e-6f, "max pool: cost %.9g, expected 2.5", cost);
    if (sgd_step(net, pool_x, y, 1, 0.5f))
        expect_conv_1x1(net, 0.5, -1.0, -1.5, "max pool, tie in window A: weights below after one SGD step");
    nerve_free(net);

    /* A tie where row-major and column-major order disagree: x1(0,0) = 0.5 and x0(1,0), x1(1,0) = 0, 1, so
     *   z = 0.5 1   0.5 0.25      window A: 1 at (0,1), (x0, x1) = (1, 0), and at (1,0), (x0, x1) = (0, 1);
     *       1   0.5 2   1.5       row-major order reaches (0,1) first. Window B as before.
     * y = [0, 0]: δ = [1, 2]; ∂w0 = 1 · 1 + 2 · 0.5 = 2, ∂w1 = 1 · 0 + 2 · 1.5 = 3, ∂b = 3;
     * η = 0.5: w0 = 0, w1 = −0.5, b = −1.5. ((1,0) first would give w0 = 0.5, w1 = −1.) */
    const float tie_x[16] = {0, 1, 0.5f, 0, 0, 0, 0.5f, 1, 0.5f, 0, 0, 0.25f, 1, 0.5f, 1.5f, 0.5f};
    net = conv_then_pool(MAXP, 2, 2, 0, shape);
    if (!net)
        return;
    if (CHECK_OK(nerve_predict(net, tie_x, 1, out, 2)))
        expect_values(out, a, 2, 1e-6, "max pool forward, second tie");
    if (sgd_step(net, tie_x, y, 1, 0.5f))
        expect_conv_1x1(net, 0.0, -0.5, -1.5, "max pool, tie across rows: weights below after one SGD step");
    nerve_free(net);

    /* The same rule for a window other than 2×2: one 2×3 window over a 2×3 image per channel,
     *   x0 = 0 1 3    x1 = 0 0 0    z = 0 1 3
     *        0 2 1         3 0 0        3 2 1
     * The maximum 3 is at (0,2), (x0, x1) = (3, 0), first in row-major order, and at (1,0), (0, 3), first in
     * column-major order. y = 2: δ = 1; ∂w0 = 3, ∂w1 = 0, ∂b = 1; η = 0.25: w0 = 0.25, w1 = 1, b = −0.25. */
    const int32_t two_by_three[3] = {2, 2, 3};
    const float wide_x[12] = {0, 1, 3, 0, 2, 1, 0, 0, 0, 3, 0, 0}, wide_y[1] = {2};
    net = conv_then_pool(MAXP, 2, 3, 0, two_by_three);
    if (!net)
        return;
    const double three[1] = {3};
    if (CHECK_OK(nerve_predict(net, wide_x, 1, out, 1)))
        expect_values(out, three, 1, 1e-6, "2×3 max pool forward");
    if (sgd_step(net, wide_x, wide_y, 1, 0.25f))
        expect_conv_1x1(net, 0.25, 1.0, -0.25, "2×3 max pool, tie: weights below after one SGD step");
    nerve_free(net);

    /* Overlapping windows that share their maximum: a 1×3 image per channel, x0 = [1 2 2], x1 = [0 1 0], so
     * z = [1 3 2]; a 1×2 max pool with stride 1 has windows [1 3] and [3 2], both with their maximum at the
     * middle, which receives both gradients. y = [2, 1]: δ = [3 − 2, 3 − 1] = [1, 2];
     *   ∂w0 = (1 + 2) · 2 = 6,  ∂w1 = (1 + 2) · 1 = 3,  ∂b = 3.
     * η = 0.25: w0 = 1 − 1.5 = −0.5, w1 = 1 − 0.75 = 0.25, b = −0.75. */
    const int32_t row[3] = {2, 1, 3};
    net = conv_then_pool(MAXP, 1, 2, 1, row);
    if (!net)
        return;
    expect_output_shape(net, 1, 1, 1, 2, "overlapping max pool");
    const float x[6] = {1, 2, 2, 0, 1, 0}, y2[2] = {2, 1};
    const double a2[2] = {3, 3};
    if (CHECK_OK(nerve_predict(net, x, 1, out, 2)))
        expect_values(out, a2, 2, 1e-6, "overlapping max pool forward");
    if (sgd_step(net, x, y2, 1, 0.25f))
        expect_conv_1x1(net, -0.5, 0.25, -0.75, "overlapping max pool: weights below after one SGD step");
    nerve_free(net);
}

static void mean_pool_by_hand(void)
{
    const int32_t shape[3] = {2, 2, 4};
    nerve_net *net = conv_then_pool(MEANP, 2, 2, 0, shape);
    if (!net)
        return;
    /* Window A: (1 + 1 + 1 + 0.5) / 4 = 0.875; window B: (0.5 + 0.25 + 2 + 1.5) / 4 = 1.0625. */
    const double a[2] = {0.875, 1.0625};
    float out[2];
    if (CHECK_OK(nerve_predict(net, pool_x, 1, out, 2)))
        expect_values(out, a, 2, 1e-6, "mean pool forward");
    /* y = [−1.125, 0.0625]: δ = [2, 1], C = ½ (4 + 1) = 2.5. Each z of window A gets 2/4 = 0.5, each of B 1/4:
     *   ∂w0 = 0.5 (0 + 1 + 1 + 0) + 0.25 (0.5 + 0 + 0.5 + 1) = 1 + 0.5 = 1.5
     *   ∂w1 = 0.5 (1 + 0 + 0 + 0.5) + 0.25 (0 + 0.25 + 1.5 + 0.5) = 0.75 + 0.5625 = 1.3125
     *   ∂b  = 4 · 0.5 + 4 · 0.25 = 3
     * η = 0.5: w0 = 1 − 0.75 = 0.25, w1 = 1 − 0.65625 = 0.34375, b = −1.5. */
    const float y[2] = {-1.125f, 0.0625f};
    float cost = -1;
    if (CHECK_OK(nerve_evaluate(net, pool_x, y, 1, &cost, NULL)))
        CHECK(fabsf(cost - 2.5f) < 1e-6f, "mean pool: cost %.9g, expected 2.5", cost);
    if (sgd_step(net, pool_x, y, 1, 0.5f))
        expect_conv_1x1(net, 0.25, 0.34375, -1.5, "mean pool: weights below after one SGD step");
    nerve_free(net);
}

/* Pooling as the first layer (nothing below it to train): the 1×2×4 image x1 of pool_x,
 *   1 0   0    0.25
 *   0 0.5 1.5  0.5
 * max-pooled 2×2 to [1, 1.5], then a dense unit with w = [1, 2], b = 0: a = 1 + 3 = 4. y = 3: δ = 1,
 * ∂w = δ · [1, 1.5], ∂b = 1; η = 0.5: w = [0.5, 1.25], b = −0.5. */
static void pooling_first_layer(void)
{
    const int32_t shape[3] = {1, 2, 4};
    const nerve_layer_spec layers[] = {pool_layer(MAXP, 2, 2, 0), dense_layer(1, LINEAR)};
    nerve_net *net = make(shape, layers, 2, NERVE_COST_QUADRATIC, 11);
    if (!net)
        return;
    const float w[2] = {1, 2}, b[1] = {0}, y[1] = {3};
    const float *x1 = pool_x + 8;
    float out[1];
    const double a[1] = {4};
    if (CHECK_OK(nerve_set_layer(net, 1, w, 2, b, 1)) && CHECK_OK(nerve_predict(net, x1, 1, out, 1)))
        expect_values(out, a, 1, 1e-6, "max pool first, dense after");
    if (sgd_step(net, x1, y, 1, 0.5f)) {
        float w_after[2], b_after[1];
        CHECK_OK(nerve_get_layer(net, 1, w_after, 2, b_after, 1));
        const double w_expected[2] = {0.5, 1.25}, b_expected[1] = {-0.5};
        expect_values(w_after, w_expected, 2, 1e-6, "max pool first: dense weights after one SGD step");
        expect_values(b_after, b_expected, 1, 1e-6, "max pool first: dense bias after one SGD step");
    }
    nerve_free(net);
}

/* A pooling window that does not tile its input leaves the remainder out (as PyTorch does): 5×5 with 2×2
 * windows is 2×2, the last row and column unread. Input 0 .. 24 row by row (and 100 in the unread row and
 * column would change nothing): max = the window's bottom-right value, 6, 8, 16, 18; mean = its centre,
 * (0 + 1 + 5 + 6) / 4 = 3, then 5, 13, 15. */
static void pooling_remainder(void)
{
    const int32_t shape[3] = {1, 5, 5};
    float x[25];
    for (int i = 0; i < 25; i++)
        x[i] = (float)i;
    const double max_expected[4] = {6, 8, 16, 18}, mean_expected[4] = {3, 5, 13, 15};
    for (int k = 0; k < 2; k++) {
        const nerve_layer_spec layers[] = {pool_layer(k ? MEANP : MAXP, 2, 2, 0)};
        nerve_net *net = make(shape, layers, 1, NERVE_COST_QUADRATIC, 7);
        if (!net)
            continue;
        const char *what = k ? "5×5 mean pool 2×2" : "5×5 max pool 2×2";
        expect_output_shape(net, 0, 1, 2, 2, what);
        CHECK(nerve_output_size(net) == 4 && nerve_parameter_count(net) == 0, "%s: %d outputs, %lld parameters",
              what, nerve_output_size(net), (long long)nerve_parameter_count(net));
        float out[8];
        if (CHECK_OK(nerve_predict(net, x, 1, out, 4)))
            expect_values(out, k ? mean_expected : max_expected, 4, 1e-6, what);
        for (int i = 20; i < 25; i++)
            x[i] = 100; /* the unread last row */
        for (int i = 4; i < 25; i += 5)
            x[i] = 100; /* and column */
        if (CHECK_OK(nerve_predict(net, x, 1, out + 4, 4)))
            expect_values(out + 4, k ? mean_expected : max_expected, 4, 1e-6, what);
        for (int i = 0; i < 25; i++)
            x[i] = (float)i;
        nerve_free(net);
    }
}

/* ---- strides and padding ------------------------------------------------------------------------------- */

static void extents(void)
{
    /* VALID: ⌊(n − k) / s⌋ + 1; SAME: ⌈n / s⌉ (a kernel may then be larger than the input). */
    static const struct {
        int32_t kind, in_h, in_w, kh, kw, sh, sw, padding, out_h, out_w;
        const char *why;
    } cases[] = {
        {NERVE_LAYER_CONV2D, 7, 7, 3, 3, 2, 2, VALID, 3, 3, "(7 − 3) / 2 + 1 = 3"},
        {NERVE_LAYER_CONV2D, 7, 7, 3, 3, 2, 2, SAME, 4, 4, "⌈7 / 2⌉ = 4"},
        {NERVE_LAYER_CONV2D, 8, 8, 3, 3, 2, 2, VALID, 3, 3, "⌊5 / 2⌋ + 1 = 3"},
        {NERVE_LAYER_CONV2D, 8, 8, 3, 3, 2, 2, SAME, 4, 4, "⌈8 / 2⌉ = 4"},
        {NERVE_LAYER_CONV2D, 5, 6, 2, 3, 1, 2, VALID, 4, 2, "(5 − 2) / 1 + 1 = 4, ⌊3 / 2⌋ + 1 = 2"},
        {NERVE_LAYER_CONV2D, 5, 6, 2, 3, 3, 2, SAME, 2, 3, "⌈5 / 3⌉ = 2, ⌈6 / 2⌉ = 3"},
        {NERVE_LAYER_CONV2D, 3, 3, 5, 5, 1, 1, SAME, 3, 3, "⌈3 / 1⌉ = 3 with a kernel larger than the input"},
        {NERVE_LAYER_CONV2D, 1, 10, 1, 3, 1, 4, VALID, 1, 2, "⌊7 / 4⌋ + 1 = 2"},
        {NERVE_LAYER_CONV2D, 28, 28, 5, 5, 1, 1, VALID, 24, 24, "28 − 5 + 1 = 24"},
        {NERVE_LAYER_CONV2D, 9, 9, 9, 9, 1, 1, VALID, 1, 1, "a kernel as large as the input: 1"},
        {NERVE_LAYER_CONV2D, 4, 4, 1, 1, 5, 5, VALID, 1, 1, "a stride beyond the input: ⌊3 / 5⌋ + 1 = 1"},
        {MAXP, 5, 5, 2, 2, 0, 0, VALID, 2, 2, "stride = window 2: ⌊3 / 2⌋ + 1 = 2"},
        {MAXP, 6, 6, 3, 3, 2, 2, VALID, 2, 2, "⌊3 / 2⌋ + 1 = 2"},
        {MEANP, 4, 6, 2, 3, 0, 0, VALID, 2, 2, "strides 2 and 3: 1 + 1 = 2, 1 + 1 = 2"},
        {MEANP, 7, 7, 3, 3, 1, 1, VALID, 5, 5, "(7 − 3) + 1 = 5"},
        {MAXP, 24, 24, 2, 2, 0, 0, VALID, 12, 12, "the notes' pooling: 12"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nerve_layer_spec s = cases[i].kind == NERVE_LAYER_CONV2D
                                 ? conv_layer(3, cases[i].kh, cases[i].kw, 0, cases[i].padding, NERVE_ACT_TANH)
                                 : pool_layer(cases[i].kind, cases[i].kh, cases[i].kw, 0);
        s.stride_height = cases[i].sh;
        s.stride_width = cases[i].sw;
        const int32_t shape[3] = {2, cases[i].in_h, cases[i].in_w};
        nerve_net *net = NULL;
        char what[160];
        snprintf(what, sizeof what, "%s %d×%d window %d×%d stride %d,%d %s (%s)",
                 cases[i].kind == NERVE_LAYER_CONV2D ? "conv" : "pool", cases[i].in_h, cases[i].in_w, cases[i].kh,
                 cases[i].kw, cases[i].sh, cases[i].sw, cases[i].padding ? "same" : "valid", cases[i].why);
        if (!CHECK(CREATE_LAYERS(&net, shape, &s, 1, NERVE_COST_QUADRATIC, 1) == NERVE_OK, "%s: refused: %s", what,
                   nerve_last_error()))
            continue;
        expect_output_shape(net, 0, cases[i].kind == NERVE_LAYER_CONV2D ? 3 : 2, cases[i].out_h, cases[i].out_w,
                            what);
        nerve_free(net);
    }
}

static void padding_by_hand(void)
{
    /* Orientation: a 3×3 image 1 .. 9 and a 3×3 kernel with 1 at the centre and 2 at the bottom right, SAME
     * (one zero on every side): z(r, c) = x(r, c) + 2 x(r+1, c+1), a cross-correlation (a flipped kernel
     * would read x(r−1, c−1)):
     *   1 + 2·5 = 11   2 + 2·6 = 14   3
     *   4 + 2·8 = 20   5 + 2·9 = 23   6
     *   7              8              9 */
    const int32_t s3[3] = {1, 3, 3};
    const nerve_layer_spec same3[] = {conv_layer(1, 3, 3, 1, SAME, LINEAR)};
    nerve_net *net = make(s3, same3, 1, NERVE_COST_QUADRATIC, 8);
    if (net) {
        const float w[9] = {0, 0, 0, 0, 1, 0, 0, 0, 2}, b[1] = {0};
        const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const double expected[9] = {11, 14, 3, 20, 23, 6, 7, 8, 9};
        float out[9];
        if (CHECK_OK(nerve_set_layer(net, 0, w, 9, b, 1)) && CHECK_OK(nerve_predict(net, x, 1, out, 9)))
            expect_values(out, expected, 9, 1e-6, "3×3 SAME orientation");
        nerve_free(net);
    }

    /* The split of the padding: a 4×4 image 1 .. 16, a 3×3 kernel of ones, stride 2, SAME: out = ⌈4 / 2⌉ = 2,
     * p = (2 − 1)·2 + 3 − 4 = 1, so ⌊1/2⌋ = 0 zeros before and 1 after. The windows start at rows/columns 0
     * and 2 and read rows/columns 0–2 and 2–4 (4 being the padding):
     *   (0,0): (1+2+3) + (5+6+7) + (9+10+11) = 54      (0,1): (3+4) + (7+8) + (11+12) = 45
     *   (1,0): (9+10+11) + (13+14+15) = 72             (1,1): 11 + 12 + 15 + 16 = 54
     * (A zero before instead would give 1 + 2 + 5 + 6 = 14 at (0,0).) */
    const int32_t s4[3] = {1, 4, 4};
    const nerve_layer_spec stride2[] = {conv_layer(1, 3, 3, 2, SAME, LINEAR)};
    net = make(s4, stride2, 1, NERVE_COST_QUADRATIC, 9);
    if (!net)
        return;
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, zero[1] = {0};
    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)(i + 1);
    const double expected[4] = {54, 45, 72, 54};
    float out[4];
    if (CHECK_OK(nerve_set_layer(net, 0, ones, 9, zero, 1)) && CHECK_OK(nerve_predict(net, x, 1, out, 4)))
        expect_values(out, expected, 4, 1e-6, "3×3 stride 2 SAME on 4×4");

    /* One SGD step through the padded border. y = [53, 45, 72, 53]: δ = [1, 0, 0, 1].
     * ∂w_ij = x(i, j) (window (0,0)) + x(2+i, 2+j) (window (1,1), 0 where it reads the padding):
     *   12 = 1+11   14 = 2+12   3
     *   20 = 5+15   22 = 6+16   7
     *    9          10          11
     * ∂b = 2. With η = 1/64: w = 1 − g/64:
     *   0.8125    0.78125  0.953125
     *   0.6875    0.65625  0.890625
     *   0.859375  0.84375  0.828125      b = −2/64 = −0.03125 */
    const float y[4] = {53, 45, 72, 53};
    if (sgd_step(net, x, y, 1, 1.0f / 64)) {
        float w[9], b[1];
        CHECK_OK(nerve_get_layer(net, 0, w, 9, b, 1));
        const double w_expected[9] = {0.8125, 0.78125, 0.953125, 0.6875, 0.65625, 0.890625, 0.859375, 0.84375,
                                      0.828125};
        const double b_expected[1] = {-0.03125};
        expect_values(w, w_expected, 9, 1e-6, "3×3 stride 2 SAME after one SGD step: weights");
        expect_values(b, b_expected, 1, 1e-6, "3×3 stride 2 SAME after one SGD step: bias");
    }
    nerve_free(net);

    /* A kernel larger than its input with SAME padding: 3×3 image, 5×5 kernel of ones: p = 2 + 5 − 3 = 4, two
     * zeros on each side, so every window covers the whole image: 45 (= 1 + … + 9) everywhere. */
    const nerve_layer_spec big[] = {conv_layer(1, 5, 5, 1, SAME, LINEAR)};
    net = make(s3, big, 1, NERVE_COST_QUADRATIC, 10);
    if (net) {
        float w[25];
        for (int i = 0; i < 25; i++)
            w[i] = 1;
        const float x3[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const double all[9] = {45, 45, 45, 45, 45, 45, 45, 45, 45};
        float out9[9];
        if (CHECK_OK(nerve_set_layer(net, 0, w, 25, zero, 1)) && CHECK_OK(nerve_predict(net, x3, 1, out9, 9)))
            expect_values(out9, all, 9, 1e-6, "5×5 SAME kernel on a 3×3 image");
        nerve_free(net);
    }
}

/* ---- against the double-precision reference ------------------------------------------------------------ */

typedef struct {
    const char *name;
    int32_t shape[3];
    int32_t n_layers;
    nerve_layer_spec layer[8];
    int32_t cost;
} cnn_desc;

enum { MAX_PARAMS = 4096, MAX_VALUES = 4096 };

/* The network's parameters, layer by layer (weights then biases), in double. */
static int params_of(const nerve_net *net, double *params, int *count)
{
    float buffer[MAX_PARAMS];
    int at = 0;
    for (int32_t l = 0; l < nerve_layer_count(net); l++) {
        int64_t nw = 0, nb = 0;
        if (nerve_layer_parameter_count(net, l, &nw, &nb) != NERVE_OK || at + nw + nb > MAX_PARAMS ||
            nerve_get_layer(net, l, buffer + at, nw, buffer + at + nw, nb) != NERVE_OK)
            return 0;
        at += (int)(nw + nb);
    }
    for (int i = 0; i < at; i++)
        params[i] = buffer[i];
    *count = at;
    return 1;
}

/* One sample through the description with the given parameters; returns the output count. */
static int ref_forward(const cnn_desc *d, const double *params, const float *x, double *out)
{
    static double a[2][MAX_VALUES];
    int c = d->shape[0], h = d->shape[1], w = d->shape[2], cur = 0, at = 0;
    for (int i = 0; i < c * h * w; i++)
        a[0][i] = x[i];
    for (int l = 0; l < d->n_layers; l++) {
        const nerve_layer_spec *s = &d->layer[l];
        double *in = a[cur], *next = a[1 - cur];
        if (s->kind == NERVE_LAYER_DENSE) {
            int n_in = c * h * w;
            ref_dense(in, n_in, params + at, params + at + n_in * s->units, s->units, s->activation, next);
            at += n_in * s->units + s->units;
            c = s->units, h = 1, w = 1;
        } else {
            int pool = s->kind != NERVE_LAYER_CONV2D;
            int sh = s->stride_height ? s->stride_height : pool ? s->window_height : 1;
            int sw = s->stride_width ? s->stride_width : pool ? s->window_width : 1;
            int oh = ref_extent(h, s->window_height, sh, s->padding), ow = ref_extent(w, s->window_width, sw, s->padding);
            if (pool) {
                ref_pool2d(in, c, h, w, s->window_height, s->window_width, sh, sw, s->kind == MAXP, next);
            } else {
                int nw = s->units * c * s->window_height * s->window_width;
                ref_conv2d(in, c, h, w, params + at, params + at + nw, s->units, s->window_height, s->window_width, sh,
                           sw, s->padding, s->activation, next);
                at += nw + s->units;
                c = s->units;
            }
            h = oh, w = ow;
        }
        cur = 1 - cur;
    }
    memcpy(out, a[cur], sizeof(double) * (size_t)(c * h * w));
    return c * h * w;
}

/* The mean quadratic cost over n samples. */
static double ref_mean_cost(const cnn_desc *d, const double *params, const float *x, const float *y, int n,
                            int in_size)
{
    double total = 0, out[MAX_VALUES], target[MAX_VALUES];
    for (int s = 0; s < n; s++) {
        int m = ref_forward(d, params, x + s * in_size, out);
        for (int j = 0; j < m; j++)
            target[j] = y[s * m + j];
        total += ref_cost(d->cost, out, target, m);
    }
    return total / n;
}

static const cnn_desc reference_nets[] = {
    {"3×9×8: conv 3×2 stride (2,1) tanh, max 2×2 stride 1, conv 3×3 stride 2 SAME sigmoid, mean 2×2, dense 3",
     {3, 9, 8},
     5,
     {{NERVE_LAYER_CONV2D, 4, 3, 2, 2, 1, VALID, NERVE_ACT_TANH, 0},
      {MAXP, 0, 2, 2, 1, 1, 0, 0, 0},
      {NERVE_LAYER_CONV2D, 2, 3, 3, 2, 2, SAME, NERVE_ACT_SIGMOID, 0},
      {MEANP, 0, 2, 2, 0, 0, 0, 0, 0},
      {NERVE_LAYER_DENSE, 3, 0, 0, 0, 0, 0, LINEAR, 0}},
     NERVE_COST_QUADRATIC},
    {"2×7×6: conv 3×3 stride 3 SAME leaky ReLU, mean 2×1, conv 1×2 tanh, dense 2",
     {2, 7, 6},
     4,
     {{NERVE_LAYER_CONV2D, 3, 3, 3, 3, 3, SAME, NERVE_ACT_LEAKY_RELU, 0},
      {MEANP, 0, 2, 1, 0, 0, 0, 0, 0},
      {NERVE_LAYER_CONV2D, 2, 1, 2, 0, 0, VALID, NERVE_ACT_TANH, 0},
      {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, NERVE_ACT_SIGMOID, 0}},
     NERVE_COST_QUADRATIC},
    {"1×6×6: conv 4×4 stride 2 SAME linear, max 3×2 stride (1,2), dense 4 tanh, dense 2",
     {1, 6, 6},
     4,
     {{NERVE_LAYER_CONV2D, 2, 4, 4, 2, 2, SAME, LINEAR, 0},
      {MAXP, 0, 3, 2, 1, 2, 0, 0, 0},
      {NERVE_LAYER_DENSE, 4, 0, 0, 0, 0, 0, NERVE_ACT_TANH, 0},
      {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, LINEAR, 0}},
     NERVE_COST_QUADRATIC},
    /* Strides longer than the windows leave values no window reads, on the way down and back. */
    {"1×13×13: conv 2×2 tanh, mean 2×2 stride 3, conv 2×2 stride 3 SAME sigmoid, max 2×1 stride 1, dense 2",
     {1, 13, 13},
     5,
     {{NERVE_LAYER_CONV2D, 2, 2, 2, 0, 0, VALID, NERVE_ACT_TANH, 0},
      {MEANP, 0, 2, 2, 3, 3, 0, 0, 0},
      {NERVE_LAYER_CONV2D, 3, 2, 2, 3, 3, SAME, NERVE_ACT_SIGMOID, 0},
      {MAXP, 0, 2, 1, 1, 1, 0, 0, 0},
      {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, LINEAR, 0}},
     NERVE_COST_QUADRATIC},
    /* 2×2 max pooling with stride 2 on maps of odd size (the last row and column read by no window). */
    {"2×7×7: conv 3×3 tanh, max 2×2 on 5×5, conv 2×2 sigmoid, dense 2",
     {2, 7, 7},
     4,
     {{NERVE_LAYER_CONV2D, 3, 3, 3, 0, 0, VALID, NERVE_ACT_TANH, 0},
      {MAXP, 0, 2, 2, 0, 0, 0, 0, 0},
      {NERVE_LAYER_CONV2D, 2, 2, 2, 0, 0, VALID, NERVE_ACT_SIGMOID, 0},
      {NERVE_LAYER_DENSE, 2, 0, 0, 0, 0, 0, LINEAR, 0}},
     NERVE_COST_QUADRATIC},
};

static void against_reference(const cnn_desc *d, uint64_t seed)
{
    enum { N = 5 };
    nerve_net *net = make(d->shape, d->layer, d->n_layers, d->cost, seed);
    if (!net)
        return;
    int in_size = nerve_input_size(net), out_size = nerve_output_size(net), count = 0;
    static double params[MAX_PARAMS], after[MAX_PARAMS];
    float *x = malloc(sizeof(float) * N * (size_t)in_size), *y = malloc(sizeof(float) * N * (size_t)out_size);
    float *out = malloc(sizeof(float) * N * (size_t)out_size);
    fill_uniform(x, (size_t)N * in_size, seed + 1, -1, 1);
    fill_uniform(y, (size_t)N * out_size, seed + 2, 0, 1);
    if (!CHECK(params_of(net, params, &count), "%s: reading the parameters", d->name))
        goto done;

    /* Forward, every sample, against the definitions. */
    if (CHECK_OK(nerve_predict(net, x, N, out, (int64_t)N * out_size))) {
        int bad = 0;
        for (int s = 0; s < N; s++) {
            double want[MAX_VALUES];
            int m = ref_forward(d, params, x + s * in_size, want);
            CHECK(m == out_size, "%s: the reference gives %d outputs, the library %d", d->name, m, out_size);
            for (int j = 0; j < m && j < out_size; j++)
                if (fabs(out[s * out_size + j] - want[j]) > 1e-5 * (1 + fabs(want[j])) && bad++ == 0)
                    fprintf(stderr, "     %s: sample %d output %d is %.9g, the reference %.9g\n", d->name, s, j,
                            out[s * out_size + j], want[j]);
        }
        CHECK(bad == 0, "%s: %d outputs differ from the double-precision reference", d->name, bad);
    }

    /* Backward: one SGD step over the 5 samples moves each parameter by η ∂C/∂θ; the reference gradient is the
     * central difference of the mean cost in double. */
    const float eta = 0.5f;
    if (!sgd_step(net, x, y, N, eta) || !CHECK(params_of(net, after, &count), "%s: parameters after", d->name))
        goto done;
    int bad = 0;
    double worst = 0;
    for (int k = 0; k < count; k++) {
        const double h = 1e-5, saved = params[k];
        params[k] = saved + h;
        double up = ref_mean_cost(d, params, x, y, N, in_size);
        params[k] = saved - h;
        double down = ref_mean_cost(d, params, x, y, N, in_size);
        params[k] = saved;
        double numeric = (up - down) / (2 * h), library = (params[k] - after[k]) / eta;
        double error = fabs(numeric - library) / (1e-3 + fabs(numeric));
        worst = error > worst ? error : worst;
        if (fabs(numeric - library) > 2e-4 + 2e-3 * fabs(numeric) && bad++ == 0)
            fprintf(stderr, "     %s: parameter %d moved by η × %.9g, the central difference gives %.9g\n", d->name,
                    k, library, numeric);
    }
    CHECK(bad == 0, "%s: %d of %d parameters moved against the numerical gradient (worst relative error %.3g)",
          d->name, bad, count, worst);
done:
    free(x), free(y), free(out);
    nerve_free(net);
}

/* The central difference of the mean cost over samples [first, first + n) at params, into gradient. */
static void ref_gradient(const cnn_desc *d, double *params, int count, const float *x, const float *y, int first,
                         int n, int in_size, int out_size, double *gradient)
{
    for (int k = 0; k < count; k++) {
        const double h = 1e-5, saved = params[k];
        params[k] = saved + h;
        double up = ref_mean_cost(d, params, x + first * in_size, y + first * out_size, n, in_size);
        params[k] = saved - h;
        double down = ref_mean_cost(d, params, x + first * in_size, y + first * out_size, n, in_size);
        params[k] = saved;
        gradient[k] = (up - down) / (2 * h);
    }
}

/* One epoch over 5 samples in mini-batches of 2, 2 and 1, in order: each step's gradient must come from its own
 * mini-batch at the weights the step before left (the reference takes the three steps in double). */
static void minibatches_against_reference(const cnn_desc *d, uint64_t seed)
{
    enum { N = 5 };
    nerve_net *net = make(d->shape, d->layer, d->n_layers, d->cost, seed);
    if (!net)
        return;
    int in_size = nerve_input_size(net), out_size = nerve_output_size(net), count = 0;
    static double params[MAX_PARAMS], after[MAX_PARAMS], gradient[MAX_PARAMS];
    float *x = malloc(sizeof(float) * N * (size_t)in_size), *y = malloc(sizeof(float) * N * (size_t)out_size);
    fill_uniform(x, (size_t)N * in_size, seed + 3, -1, 1);
    fill_uniform(y, (size_t)N * out_size, seed + 4, 0, 1);
    const float eta = 0.5f;
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 1;
    o.batch_size = 2;
    o.learning_rate = eta;
    o.shuffle = 0;
    o.monitor_training = NERVE_MONITOR_FULL;
    if (!CHECK(params_of(net, params, &count), "%s: reading the parameters", d->name) ||
        !CHECK_OK(nerve_train(net, x, y, N, x, y, N, &o)) ||
        !CHECK(params_of(net, after, &count), "%s: parameters after", d->name))
        goto done;
    static const int first[3] = {0, 2, 4}, size[3] = {2, 2, 1};
    for (int step = 0; step < 3; step++) {
        ref_gradient(d, params, count, x, y, first[step], size[step], in_size, out_size, gradient);
        for (int k = 0; k < count; k++)
            params[k] -= (double)eta * gradient[k];
    }
    int bad = 0;
    for (int k = 0; k < count; k++)
        if (fabs(after[k] - params[k]) > 5e-5 * (1 + fabs(params[k])) && bad++ == 0)
            fprintf(stderr, "     %s: after three mini-batches parameter %d is %.9g, the reference %.9g\n", d->name,
                    k, after[k], params[k]);
    CHECK(bad == 0, "%s: %d of %d parameters differ from three reference SGD steps over mini-batches of 2, 2, 1",
          d->name, bad, count);
done:
    free(x), free(y);
    nerve_free(net);
}

/* ---- initialisation ------------------------------------------------------------------------------------ */

static void weight_moments(const nerve_net *net, int32_t layer, double *sd, double *bias_sd, double *bias_mean)
{
    int64_t nw = 0, nb = 0;
    *sd = *bias_sd = *bias_mean = NAN;
    if (!CHECK_OK(nerve_layer_parameter_count(net, layer, &nw, &nb)))
        return;
    float *w = malloc(sizeof(float) * (size_t)nw), *b = malloc(sizeof(float) * (size_t)nb);
    if (CHECK_OK(nerve_get_layer(net, layer, w, nw, b, nb))) {
        double s2 = 0, m = 0;
        for (int64_t i = 0; i < nw; i++)
            s2 += (double)w[i] * w[i];
        *sd = sqrt(s2 / (double)nw);
        for (int64_t i = 0; i < nb; i++)
            m += b[i];
        m /= (double)nb;
        s2 = 0;
        for (int64_t i = 0; i < nb; i++)
            s2 += (b[i] - m) * (b[i] - m);
        *bias_mean = m;
        *bias_sd = sqrt(s2 / (double)(nb - 1));
    }
    free(w);
    free(b);
}

/* A convolution's n_in is channels × window area: 256 filters of 4 × 5×5 on a 4×9×9 image have n_in = 100, so
 * NORMALIZED draws with standard deviation 1/√100 = 0.1, HE √(2/100) ≈ 0.1414, LARGE 1, and AUTO picks He for
 * ReLU (the image's 324 values or the window's 25 would give 0.0556 or 0.2). 25,600 draws put the sample
 * deviation within about 0.44% of the truth per standard error; 2.5% is over five of them. Biases: 0 (since
 * 0.5; test_initialize.c checks the other bias rules). */
static void initialisation(void)
{
    const int32_t shape[3] = {4, 9, 9};
    const nerve_layer_spec relu[] = {conv_layer(256, 5, 5, 0, VALID, NERVE_ACT_RELU)};
    const nerve_layer_spec tanh_layer[] = {conv_layer(256, 5, 5, 0, VALID, NERVE_ACT_TANH)};
    static const struct {
        int32_t init;
        int relu;
        double sd;
        const char *what;
    } cases[] = {
        {-1, 1, 0.14142136, "AUTO at creation, ReLU"},  {-1, 0, 0.1, "AUTO at creation, tanh"},
        {NERVE_INIT_NORMALIZED, 1, 0.1, "NORMALIZED"}, {NERVE_INIT_HE, 0, 0.14142136, "HE"},
        {NERVE_INIT_LARGE, 0, 1.0, "LARGE"},           {NERVE_INIT_AUTO, 1, 0.14142136, "AUTO, ReLU"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nerve_net *net = make(shape, cases[i].relu ? relu : tanh_layer, 1, NERVE_COST_QUADRATIC, 900 + i);
        if (!net)
            continue;
        if (cases[i].init >= 0)
            CHECK_OK(nerve_reinit(net, cases[i].init, 950 + i));
        double sd, bias_sd, bias_mean;
        weight_moments(net, 0, &sd, &bias_sd, &bias_mean);
        CHECK(fabs(sd / cases[i].sd - 1) < 0.025, "conv init %s: weight sd %.5f, expected %.5f", cases[i].what, sd,
              cases[i].sd);
        CHECK(bias_sd == 0 && bias_mean == 0, "conv init %s: biases mean %.3f sd %.3f, expected all 0",
              cases[i].what, bias_mean, bias_sd);
        nerve_free(net);
    }
}

/* ---- specifications ------------------------------------------------------------------------------------ */

static int same_spec(const nerve_layer_spec *a, const nerve_layer_spec *b)
{
    return a->kind == b->kind && a->units == b->units && a->window_height == b->window_height &&
           a->window_width == b->window_width && a->stride_height == b->stride_height &&
           a->stride_width == b->stride_width && a->padding == b->padding && a->activation == b->activation;
}

static void print_spec(const char *label, const nerve_layer_spec *s)
{
    fprintf(stderr, "     %s: kind %d units %d window %d×%d stride %d,%d padding %d activation %d\n", label, s->kind,
            s->units, s->window_height, s->window_width, s->stride_height, s->stride_width, s->padding,
            s->activation);
}

static void specifications(void)
{
    /* Input 2×10×9.
     *  0 conv 6 × 5×3, strides (0 → 1, 2), SAME, ReLU: ⌈10/1⌉ = 10, ⌈9/2⌉ = 5 → 6×10×5 = 300 values;
     *    6 × 2 × 5 × 3 = 180 weights, 6 biases.
     *  1 max pool 2×2, strides 0 → 2 (the window), activation sigmoid (ignored): ⌊8/2⌋ + 1 = 5, ⌊3/2⌋ + 1 = 2
     *    → 6×5×2 = 60.
     *  2 mean pool 3×1, stride (1, 0 → 1): 5 − 3 + 1 = 3, 2 − 1 + 1 = 2 → 6×3×2 = 36.
     *  3 dense 4 tanh: 36 × 4 = 144 weights, 4 biases.
     * 180 + 6 + 144 + 4 = 334 parameters. */
    const int32_t shape[3] = {2, 10, 9};
    nerve_layer_spec given[4] = {conv_layer(6, 5, 3, 0, SAME, NERVE_ACT_RELU), pool_layer(MAXP, 2, 2, 0),
                                 pool_layer(MEANP, 3, 1, 0), dense_layer(4, NERVE_ACT_TANH)};
    given[0].stride_width = 2;
    given[1].activation = NERVE_ACT_SIGMOID;
    given[2].stride_height = 1;
    const nerve_layer_spec resolved[4] = {
        {NERVE_LAYER_CONV2D, 6, 5, 3, 1, 2, SAME, NERVE_ACT_RELU, 0},
        {MAXP, 0, 2, 2, 2, 2, VALID, LINEAR, 0},
        {MEANP, 0, 3, 1, 1, 1, VALID, LINEAR, 0},
        {NERVE_LAYER_DENSE, 4, 0, 0, 0, 0, 0, NERVE_ACT_TANH, 0},
    };
    const int32_t shapes[5][3] = {{2, 10, 9}, {6, 10, 5}, {6, 5, 2}, {6, 3, 2}, {4, 1, 1}};
    const int32_t values[5] = {180, 300, 60, 36, 4}, acts[4] = {NERVE_ACT_RELU, LINEAR, LINEAR, NERVE_ACT_TANH};
    const int32_t kinds[4] = {NERVE_LAYER_CONV2D, MAXP, MEANP, NERVE_LAYER_DENSE};
    nerve_net *net = make(shape, given, 4, NERVE_COST_QUADRATIC, 77), *again = NULL;
    if (!net)
        return;
    CHECK(nerve_layer_count(net) == 4 && nerve_input_size(net) == 180 && nerve_output_size(net) == 4 &&
              nerve_parameter_count(net) == 334 && nerve_cost(net) == NERVE_COST_QUADRATIC,
          "spec net: %d layers, %d inputs, %d outputs, %lld parameters", nerve_layer_count(net),
          nerve_input_size(net), nerve_output_size(net), (long long)nerve_parameter_count(net));
    nerve_layer_spec got[4];
    int all_ok = 1;
    for (int32_t l = 0; l < 4; l++) {
        memset(&got[l], 0x5A, sizeof got[l]);
        if (!CHECK_OK(nerve_get_layer_spec(net, l, &got[l], sizeof got[l]))) {
            all_ok = 0;
            continue;
        }
        if (!CHECK(same_spec(&got[l], &resolved[l]), "layer %d: nerve_get_layer_spec differs from the resolved spec",
                   (int)l)) {
            print_spec("got", &got[l]);
            print_spec("expected", &resolved[l]);
        }
        int32_t kind = -1, in[3] = {0}, out[3] = {0}, n_in = 0, n_out = 0, act = -1;
        CHECK_OK(nerve_layer_shape(net, l, &kind, in, out));
        CHECK(kind == kinds[l] && memcmp(in, shapes[l], sizeof in) == 0 && memcmp(out, shapes[l + 1], sizeof out) == 0,
              "layer %d: kind %d, %d×%d×%d → %d×%d×%d; expected kind %d, %d×%d×%d → %d×%d×%d", (int)l, kind, in[0],
              in[1], in[2], out[0], out[1], out[2], kinds[l], shapes[l][0], shapes[l][1], shapes[l][2],
              shapes[l + 1][0], shapes[l + 1][1], shapes[l + 1][2]);
        CHECK_OK(nerve_layer_info(net, l, &n_in, &n_out, &act));
        CHECK(n_in == values[l] && n_out == values[l + 1] && act == acts[l],
              "layer %d: nerve_layer_info %d → %d activation %d, expected %d → %d activation %d", (int)l, n_in, n_out,
              act, values[l], values[l + 1], acts[l]);
        /* Out-pointers may be NULL. */
        CHECK_OK(nerve_layer_shape(net, l, NULL, NULL, NULL));
        CHECK_OK(nerve_layer_parameter_count(net, l, NULL, NULL));
    }
    expect_counts(net, 0, 180, 6, "spec net");
    expect_counts(net, 1, 0, 0, "spec net");
    expect_counts(net, 2, 0, 0, "spec net");
    expect_counts(net, 3, 144, 4, "spec net");

    /* The specs read back create the same network: same shapes, and with the same seed the same weights. */
    if (all_ok && CHECK_OK(CREATE_LAYERS(&again, shape, got, 4, NERVE_COST_QUADRATIC, 77))) {
        net_snapshot a, b;
        if (snapshot_take(net, &a) == 0) {
            if (CHECK(snapshot_take(again, &b) == 0, "snapshot of the re-created network")) {
                CHECK(snapshot_equal(&a, &b), "specs read back with nerve_get_layer_spec create another network");
                snapshot_free(&b);
            }
            snapshot_free(&a);
        } else {
            CHECK(0, "snapshot of the spec network");
        }
        for (int32_t l = 0; l < 4; l++) {
            nerve_layer_spec twice;
            if (CHECK_OK(nerve_get_layer_spec(again, l, &twice, sizeof twice)))
                CHECK(same_spec(&twice, &resolved[l]), "layer %d: the re-created network's spec differs", (int)l);
        }
        nerve_free(again);
    }
    nerve_free(net);

    /* A network from nerve_create has dense layers only, described with their units and no window. */
    const int32_t sizes[] = {5, 3, 2}, dense_acts[] = {NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};
    if (CHECK_OK(nerve_create(&net, sizes, 3, dense_acts, NERVE_COST_LOG_LIKELIHOOD, 1))) {
        for (int32_t l = 0; l < 2; l++) {
            nerve_layer_spec s;
            const nerve_layer_spec want = dense_layer(sizes[l + 1], dense_acts[l]);
            if (CHECK_OK(nerve_get_layer_spec(net, l, &s, sizeof s)) &&
                !CHECK(same_spec(&s, &want), "nerve_create layer %d: spec is not dense(%d)", (int)l, sizes[l + 1]))
                print_spec("got", &s);
            int32_t kind = -1, in[3], out[3];
            CHECK_OK(nerve_layer_shape(net, l, &kind, in, out));
            CHECK(kind == NERVE_LAYER_DENSE && in[0] == sizes[l] && in[1] == 1 && in[2] == 1 && out[0] == sizes[l + 1] &&
                      out[1] == 1 && out[2] == 1,
                  "nerve_create layer %d: kind %d %d×%d×%d → %d×%d×%d", (int)l, kind, in[0], in[1], in[2], out[0],
                  out[1], out[2]);
        }
        CHECK(nerve_parameter_count(net) == 5 * 3 + 3 + 3 * 2 + 2, "nerve_create 5-3-2: %lld parameters, expected 26",
              (long long)nerve_parameter_count(net));
        nerve_free(net);
    }

    /* A dense layer reads an image as its channel-major vector: 2×2×2 input, one unit with weight k on value
     * k (k = 0 .. 7), input value (c, y, x) = 4c + 2y + x + 1 at that same position: Σ k (k + 1) = 0 + 2 + 6 +
     * 12 + 20 + 30 + 42 + 56 = 168. */
    const int32_t cube[3] = {2, 2, 2};
    const nerve_layer_spec one_unit[] = {dense_layer(1, LINEAR)};
    net = make(cube, one_unit, 1, NERVE_COST_QUADRATIC, 1);
    if (net) {
        const float w[8] = {0, 1, 2, 3, 4, 5, 6, 7}, b[1] = {0}, x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        const double expected[1] = {168};
        float out[1];
        if (CHECK_OK(nerve_set_layer(net, 0, w, 8, b, 1)) && CHECK_OK(nerve_predict(net, x, 1, out, 1)))
            expect_values(out, expected, 1, 1e-6, "dense layer on a 2×2×2 image");
        nerve_free(net);
    }
}

/* ---- learning ------------------------------------------------------------------------------------------ */

/* 6×6 images holding one horizontal (class 0) or vertical (class 1) bar of ones at a random row or column,
 * on noise in [0, 0.3): a convolution, max pooling and softmax learn to tell them apart. */
static void bars(float *x, float *y, int n, uint64_t seed)
{
    float noise[36], pick[2];
    for (int s = 0; s < n; s++) {
        fill_uniform(noise, 36, seed * 1000 + (uint64_t)s, 0, 0.3f);
        fill_uniform(pick, 2, seed * 7777 + (uint64_t)s, 0, 1);
        int vertical = pick[0] < 0.5f, at = (int)(pick[1] * 6) % 6;
        for (int i = 0; i < 36; i++) {
            int r = i / 6, c = i % 6;
            x[s * 36 + i] = (vertical ? c == at : r == at) ? 1.0f : noise[i];
        }
        y[s * 2] = vertical ? 0.0f : 1.0f;
        y[s * 2 + 1] = vertical ? 1.0f : 0.0f;
    }
}

/* Tried with three seeds, so that one lucky initialisation cannot pass alone. */
static void learns_bars(uint64_t seed)
{
    enum { TRAIN = 60, TEST = 40 };
    static float x[TRAIN * 36], y[TRAIN * 2], tx[TEST * 36], ty[TEST * 2];
    bars(x, y, TRAIN, 1);
    bars(tx, ty, TEST, 2);
    const int32_t shape[3] = {1, 6, 6};
    const nerve_layer_spec layers[] = {conv_layer(8, 3, 3, 0, VALID, NERVE_ACT_RELU), pool_layer(MAXP, 2, 2, 0),
                                       dense_layer(2, NERVE_ACT_SOFTMAX)};
    nerve_net *net = make(shape, layers, 3, NERVE_COST_LOG_LIKELIHOOD, seed);
    if (!net)
        return;
    float cost_before = -1, cost_after = -1, accuracy = -1;
    CHECK_OK(nerve_evaluate(net, tx, ty, TEST, &cost_before, NULL));
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 40;
    o.batch_size = 10;
    o.optimizer = NERVE_OPTIMIZER_ADAM;
    o.learning_rate = 0.02f;
    o.monitor_training = NERVE_MONITOR_NONE;
    if (CHECK_OK(nerve_train(net, x, y, TRAIN, NULL, NULL, 0, &o)) &&
        CHECK_OK(nerve_evaluate(net, tx, ty, TEST, &cost_after, &accuracy)))
        CHECK(accuracy >= 0.95f && cost_after < cost_before,
              "bars, seed %llu: accuracy %.3f on unseen images (expected ≥ 0.95), cost %.4f → %.4f",
              (unsigned long long)seed, accuracy, cost_before, cost_after);
    nerve_free(net);
}

/* ---- persistence --------------------------------------------------------------------------------------- */

static void expect_same_predictions(const nerve_net *a, const nerve_net *b, const char *what)
{
    enum { N = 9 };
    int32_t in = nerve_input_size(a), out = nerve_output_size(a);
    if (!CHECK(in == nerve_input_size(b) && out == nerve_output_size(b), "%s: sizes differ", what))
        return;
    float *x = malloc(sizeof(float) * N * (size_t)in), *pa = malloc(sizeof(float) * N * (size_t)out);
    float *pb = malloc(sizeof(float) * N * (size_t)out);
    fill_uniform(x, (size_t)N * in, 404, -1, 1);
    if (CHECK_OK(nerve_predict(a, x, N, pa, (int64_t)N * out)) && CHECK_OK(nerve_predict(b, x, N, pb, (int64_t)N * out)))
        CHECK(floats_equal_bits(pa, pb, (size_t)N * out), "%s: predictions differ", what);
    for (int32_t l = 0; l < nerve_layer_count(a); l++) {
        nerve_layer_spec sa, sb;
        if (CHECK_OK(nerve_get_layer_spec(a, l, &sa, sizeof sa)) && CHECK_OK(nerve_get_layer_spec(b, l, &sb, sizeof sb)))
            CHECK(same_spec(&sa, &sb), "%s: layer %d's spec differs", what, (int)l);
    }
    net_snapshot s1, s2;
    if (CHECK(snapshot_take(a, &s1) == 0, "%s: snapshot", what)) {
        if (CHECK(snapshot_take(b, &s2) == 0, "%s: snapshot of the copy", what)) {
            CHECK(snapshot_equal(&s1, &s2), "%s: parameters differ", what);
            snapshot_free(&s2);
        }
        snapshot_free(&s1);
    }
    free(x), free(pa), free(pb);
}

static void expect_u32s(const unsigned char *b, size_t at, const uint32_t *want, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (!CHECK(get_u32(b, at + 4 * (size_t)i) == want[i], "%s: field %d at byte %zu is %u, expected %u", what, i,
                   at + 4 * (size_t)i, get_u32(b, at + 4 * (size_t)i), want[i]))
            return;
}

static void persistence(void)
{
    /* 2×6×5 → conv 3 × 3×3 SAME tanh → 3×6×5 → max 2×2 → 3×3×2 → conv 2 × 2×2 ReLU → 2×2×1 → mean 2×1 (stride
     * (2, 1)) → 2×1×1 → dense 2 sigmoid. Parameters: 3·2·9 + 3 = 57; 2·3·4 + 2 = 26; 2·2 + 2 = 6: 89. */
    const int32_t shape[3] = {2, 6, 5};
    const nerve_layer_spec layers[] = {conv_layer(3, 3, 3, 1, SAME, NERVE_ACT_TANH), pool_layer(MAXP, 2, 2, 0),
                                       conv_layer(2, 2, 2, 0, VALID, NERVE_ACT_RELU), pool_layer(MEANP, 2, 1, 0),
                                       dense_layer(2, NERVE_ACT_SIGMOID)};
    nerve_net *net = make(shape, layers, 5, NERVE_COST_CROSS_ENTROPY, 31), *from_file = NULL, *from_memory = NULL;
    if (!net)
        return;
    CHECK(nerve_parameter_count(net) == 89, "persistence net: %lld parameters, expected 89",
          (long long)nerve_parameter_count(net));
    float x[20 * 60], y[20 * 2];
    fill_uniform(x, 20 * 60, 5, -1, 1);
    fill_uniform(y, 20 * 2, 6, 0, 1);
    nerve_train_options o;
    nerve_train_options_init(&o);
    o.epochs = 2;
    o.batch_size = 4;
    o.momentum = 0.5f;
    CHECK_OK(nerve_train(net, x, y, 20, NULL, NULL, 0, &o));

    char *dir = scratch_subdir("cnn");
    char path[4200];
    snprintf(path, sizeof path, "%s/cnn.nerve", dir);
    if (CHECK_OK(nerve_save(net, path)) && CHECK_OK(nerve_load(path, &from_file))) {
        expect_same_predictions(net, from_file, "CNN through a file");
        CHECK(nerve_threads(from_file) == 1, "a loaded CNN has %d threads", nerve_threads(from_file));
    }

    /* The bytes: header 20, four 56-byte records and one of 36 (20 + 4·56 + 36 = 280), generator state 32,
     * count 8, 89 floats, CRC 4: 280 + 32 + 8 + 356 + 4 = 680. */
    size_t size = 0, written = 0;
    CHECK_OK(nerve_serialized_size(net, &size));
    CHECK(size == 680, "the CNN's model is %zu bytes, expected 680", size);
    unsigned char *bytes = malloc(size + 8);
    if (CHECK_OK(nerve_save_to_memory(net, bytes, size + 8, &written)) && CHECK(written == 680, "wrote %zu", written)) {
        const uint32_t head[3] = {2, NERVE_COST_CROSS_ENTROPY, 5};
        expect_u32s(bytes, 8, head, 3, "header");
        const uint32_t r0[14] = {56, NERVE_LAYER_CONV2D, NERVE_ACT_TANH, 2, 6, 5, 3, 6, 5, 3, 3, 1, 1, SAME};
        const uint32_t r1[14] = {56, MAXP, LINEAR, 3, 6, 5, 3, 3, 2, 2, 2, 2, 2, VALID};
        const uint32_t r2[14] = {56, NERVE_LAYER_CONV2D, NERVE_ACT_RELU, 3, 3, 2, 2, 2, 1, 2, 2, 1, 1, VALID};
        const uint32_t r3[14] = {56, MEANP, LINEAR, 2, 2, 1, 2, 1, 1, 2, 1, 2, 1, VALID};
        const uint32_t r4[9] = {36, NERVE_LAYER_DENSE, NERVE_ACT_SIGMOID, 2, 1, 1, 2, 1, 1};
        expect_u32s(bytes, 20, r0, 14, "conv record");
        expect_u32s(bytes, 76, r1, 14, "max pool record");
        expect_u32s(bytes, 132, r2, 14, "second conv record");
        expect_u32s(bytes, 188, r3, 14, "mean pool record");
        expect_u32s(bytes, 244, r4, 9, "dense record");
        CHECK(get_u32(bytes, 312) == 89 && get_u32(bytes, 316) == 0, "parameter count field %u", get_u32(bytes, 312));
        CHECK(get_u32(bytes, 676) == crc32(bytes, 676), "the CRC does not cover the 676 bytes before it");
        size_t file_size = 0;
        unsigned char *file = read_whole_file(path, &file_size);
        CHECK(file && file_size == written && memcmp(file, bytes, written) == 0, "the file and memory image differ");
        free(file);
        if (CHECK_OK(nerve_load_from_memory(bytes, written, &from_memory))) {
            expect_same_predictions(net, from_memory, "CNN through memory");
            /* A loaded CNN trains on, the same as the original. */
            o.epochs = 1;
            o.shuffle = 0;
            if (CHECK_OK(nerve_train(net, x, y, 20, NULL, NULL, 0, &o)) &&
                CHECK_OK(nerve_train(from_memory, x, y, 20, NULL, NULL, 0, &o)))
                expect_same_predictions(net, from_memory, "CNN and its loaded copy after another epoch");
        }
    }
    free(bytes);
    nerve_free(from_file);
    nerve_free(from_memory);
    nerve_free(net);
    remove_tree(dir);
    free(dir);
}

/* Model files written here from the format description. */
static size_t model_head(unsigned char *b, uint32_t version, uint32_t cost, uint32_t layers)
{
    memcpy(b, "NERVEnet", 8);
    put_u32(b, 8, version);
    put_u32(b, 12, cost);
    return put_u32(b, 16, layers);
}

static size_t model_tail(unsigned char *b, size_t at, const float *params, uint32_t count)
{
    for (uint64_t i = 0; i < 4; i++)
        at = put_u64(b, at, 0x9E3779B97F4A7C15ull * (i + 1));
    at = put_u64(b, at, count);
    for (uint32_t i = 0; i < count; i++)
        at = put_f32(b, at, params[i]);
    return seal(b, at);
}

static size_t put_record(unsigned char *b, size_t at, const uint32_t *fields, int n)
{
    for (int i = 0; i < n; i++)
        at = put_u32(b, at, fields[i]);
    return at;
}

/* Loads the model, checks its first layer's spec and its prediction for x. */
static void load_and_predict(const unsigned char *b, size_t n, const nerve_layer_spec *first, const float *x,
                             float expected, const char *what)
{
    nerve_net *net = NULL;
    if (!CHECK(nerve_load_from_memory(b, n, &net) == NERVE_OK, "%s does not load: %s", what, nerve_last_error()))
        return;
    nerve_layer_spec spec;
    if (CHECK_OK(nerve_get_layer_spec(net, 0, &spec, sizeof spec)) &&
        !CHECK(same_spec(&spec, first), "%s: layer 0's spec is not the one encoded", what))
        print_spec("got", &spec);
    float out = NAN;
    if (CHECK_OK(nerve_predict(net, x, 1, &out, 1)))
        CHECK(fabsf(out - expected) < 1e-6f, "%s predicts %.9g, expected %.9g", what, out, expected);
    nerve_free(net);
}

static void encoded_models(void)
{
    unsigned char b[512];
    /* A CNN: 1×3×3 → conv 1 × 2×2 linear (w = [1 2; 3 4], b = −1) → 1×2×2 → max pool 2×2 → 1×1×1.
     * x = 1 0 2    z(0,0) = 1 + 0 + 0 + 4 − 1 = 4      z(0,1) = 0 + 4 + 3 + 0 − 1 = 6
     *     0 1 0    z(1,0) = 0 + 2 + 9 + 0 − 1 = 10     z(1,1) = 1 + 0 + 0 + 4 − 1 = 4
     *     3 0 1    max = 10 */
    size_t at = model_head(b, 2, NERVE_COST_QUADRATIC, 2);
    const uint32_t conv[14] = {56, NERVE_LAYER_CONV2D, LINEAR, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, VALID};
    const uint32_t pool[14] = {56, MAXP, LINEAR, 1, 2, 2, 1, 1, 1, 2, 2, 2, 2, VALID};
    at = put_record(b, at, conv, 14);
    at = put_record(b, at, pool, 14);
    const float cnn_params[5] = {1, 2, 3, 4, -1};
    size_t n = model_tail(b, at, cnn_params, 5);
    const float x9[9] = {1, 0, 2, 0, 1, 0, 3, 0, 1};
    const nerve_layer_spec conv_spec = {NERVE_LAYER_CONV2D, 1, 2, 2, 1, 1, VALID, LINEAR, 0};
    load_and_predict(b, n, &conv_spec, x9, 10.0f, "a CNN model encoded from the format description");

    /* Dense models as 0.2 wrote them (36-byte records) and as 0.1 did (version 1): 2 → 1 linear, w = [2, −1],
     * b = 0.5; x = [1, 3]: 2 − 3 + 0.5 = −0.5. */
    const float dense_params[3] = {2, -1, 0.5f}, x2[2] = {1, 3};
    at = model_head(b, 2, NERVE_COST_QUADRATIC, 1);
    const uint32_t dense[9] = {36, NERVE_LAYER_DENSE, LINEAR, 2, 1, 1, 1, 1, 1};
    at = put_record(b, at, dense, 9);
    n = model_tail(b, at, dense_params, 3);
    const nerve_layer_spec dense_spec = dense_layer(1, LINEAR);
    load_and_predict(b, n, &dense_spec, x2, -0.5f, "a dense model in the 0.2 layout");
    at = model_head(b, 1, NERVE_COST_QUADRATIC, 1);
    const uint32_t v1[4] = {2, NERVE_LAYER_DENSE, 1, LINEAR}; /* input size, then kind, outputs, activation */
    at = put_record(b, at, v1, 4);
    n = model_tail(b, at, dense_params, 3);
    load_and_predict(b, n, &dense_spec, x2, -0.5f, "a dense model in the 0.1 layout");
}

void test_cnn(void)
{
    double t0 = now_seconds();
    parameter_counts();
    convolution_by_hand();
    convolution_with_l2();
    softmax_convolution();
    max_pool_by_hand();
    mean_pool_by_hand();
    pooling_first_layer();
    pooling_remainder();
    extents();
    padding_by_hand();
    for (size_t i = 0; i < sizeof reference_nets / sizeof reference_nets[0]; i++) {
        against_reference(&reference_nets[i], 50 + i);
        minibatches_against_reference(&reference_nets[i], 70 + i);
    }
    initialisation();
    specifications();
    for (uint64_t seed = 12; seed <= 14; seed++)
        learns_bars(seed);
    persistence();
    encoded_models();
    printf("   cnn: %.2f s\n", now_seconds() - t0);
}
