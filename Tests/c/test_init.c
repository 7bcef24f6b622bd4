/* Initial weights follow the distributions nerve.h documents: mean 0 and standard deviation 1/√n_in
 * (NORMALIZED), 1 (LARGE), √(2/n_in) (HE); AUTO picks He for ReLU layers; biases start at 0 (since 0.5) after
 * nerve_create and nerve_reinit. The other schemes and bias rules: test_initialize.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "suite.h"

enum { N0 = 1000, N1 = 400, N2 = 300 };

static void expect_layer(const nerve_net *net, int layer, double weight_sd, const char *what)
{
    int32_t in = 0, out = 0;
    if (!CHECK_OK(nerve_layer_info(net, layer, &in, &out, NULL)))
        return;
    size_t nw = (size_t)in * (size_t)out;
    float *w = malloc(nw * sizeof(float)), *b = malloc((size_t)out * sizeof(float));
    if (CHECK_OK(nerve_get_layer(net, layer, w, (int64_t)nw, b, out))) {
        double mean, sd;
        moments(w, nw, &mean, &sd);
        /* With n draws the sample sd is within ~3/√(2n) relative of the truth almost surely; allow more. */
        CHECK(fabs(sd / weight_sd - 1) < 0.02, "%s layer %d: weight sd %.5f, expected %.5f", what, layer, sd,
              weight_sd);
        CHECK(fabs(mean) < 5 * weight_sd / sqrt((double)nw), "%s layer %d: weight mean %.6f", what, layer, mean);
        int nonzero = 0;
        for (int32_t i = 0; i < out; i++)
            nonzero += b[i] != 0;
        CHECK(nonzero == 0, "%s layer %d: %d of %d biases are not 0", what, layer, nonzero, (int)out);
    }
    free(w);
    free(b);
}

void test_init(void)
{
    const int32_t sizes[] = {N0, N1, N2}, acts[] = {NERVE_ACT_RELU, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_QUADRATIC, 2024)))
        return;
    expect_layer(net, 0, sqrt(2.0 / N0), "created (AUTO: He for ReLU)");
    expect_layer(net, 1, 1 / sqrt((double)N1), "created (AUTO: normalized for sigmoid)");

    CHECK_OK(nerve_reinit(net, NERVE_INIT_NORMALIZED, 1));
    expect_layer(net, 0, 1 / sqrt((double)N0), "NORMALIZED");
    expect_layer(net, 1, 1 / sqrt((double)N1), "NORMALIZED");
    CHECK_OK(nerve_reinit(net, NERVE_INIT_LARGE, 2));
    expect_layer(net, 0, 1, "LARGE");
    expect_layer(net, 1, 1, "LARGE");
    CHECK_OK(nerve_reinit(net, NERVE_INIT_HE, 3));
    expect_layer(net, 0, sqrt(2.0 / N0), "HE");
    expect_layer(net, 1, sqrt(2.0 / N1), "HE");
    CHECK_OK(nerve_reinit(net, NERVE_INIT_AUTO, 4));
    expect_layer(net, 0, sqrt(2.0 / N0), "AUTO");
    expect_layer(net, 1, 1 / sqrt((double)N1), "AUTO");
    nerve_free(net);
}
