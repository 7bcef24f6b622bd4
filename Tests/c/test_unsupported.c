/* Requests the header calls valid but unsupported: step layers predict but do not train; each cost admits only
 * the output activations the cost enum lists. */
#include <stdio.h>

#include "check.h"
#include "snapshot.h"
#include "suite.h"

static void step_network(const int32_t *acts, const char *what)
{
    const int32_t sizes[] = {2, 3, 1};
    nerve_net *net = NULL;
    if (!CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_QUADRATIC, 5)))
        return;
    const float x[] = {0, 0, 0, 1, 1, 0, 1, 1}, y[] = {0, 1, 1, 0};
    float out[4];
    if (CHECK_OK(nerve_predict(net, x, 4, out, 4)) && acts[1] == NERVE_ACT_STEP)
        for (int i = 0; i < 4; i++)
            CHECK(out[i] == 0.0f || out[i] == 1.0f, "%s: step output %g is neither 0 nor 1", what, out[i]);
    float cost;
    CHECK_OK(nerve_evaluate(net, x, y, 4, &cost, NULL));

    net_snapshot before, after;
    int have = snapshot_take(net, &before) == 0;
    CHECK_FAILS(nerve_train(net, x, y, 4, NULL, NULL, 0, NULL), NERVE_E_UNSUPPORTED);
    if (have && snapshot_take(net, &after) == 0) {
        CHECK(snapshot_equal(&before, &after), "%s: refused training changed the weights", what);
        snapshot_free(&after);
    }
    if (have)
        snapshot_free(&before);
    nerve_free(net);
}

static void refused_pair(int output_activation, int cost, const char *what)
{
    const int32_t sizes[] = {4, 3, 2}, acts[] = {NERVE_ACT_SIGMOID, output_activation};
    nerve_net *untouched = (nerve_net *)&untouched; /* any recognisable value */
    nerve_net *net = untouched;
    if (!CHECK_FAILS(nerve_create(&net, sizes, 3, acts, cost, 1), NERVE_E_UNSUPPORTED))
        fprintf(stderr, "     (%s)\n", what);
    CHECK(net == untouched, "%s: failed create wrote *out", what);
    if (net != untouched)
        nerve_free(net);
}

void test_unsupported(void)
{
    step_network((const int32_t[]){NERVE_ACT_STEP, NERVE_ACT_SIGMOID}, "hidden step");
    step_network((const int32_t[]){NERVE_ACT_SIGMOID, NERVE_ACT_STEP}, "output step");

    refused_pair(NERVE_ACT_SOFTMAX, NERVE_COST_CROSS_ENTROPY, "softmax + cross-entropy");
    for (int a = NERVE_ACT_SIGMOID; a <= NERVE_ACT_EXP; a++) {
        char what[64];
        if (a != NERVE_ACT_SIGMOID) {
            snprintf(what, sizeof what, "activation %d + cross-entropy", a);
            refused_pair(a, NERVE_COST_CROSS_ENTROPY, what);
        }
        if (a != NERVE_ACT_SOFTMAX) {
            snprintf(what, sizeof what, "activation %d + log-likelihood", a);
            refused_pair(a, NERVE_COST_LOG_LIKELIHOOD, what);
        }
        if (a != NERVE_ACT_EXP) {
            snprintf(what, sizeof what, "activation %d + Poisson", a);
            refused_pair(a, NERVE_COST_POISSON, what);
        }
    }
}
