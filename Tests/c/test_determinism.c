/* The same seed gives bit-identical weights, before and after training (shuffling and dropout included);
 * different seeds give different weights; reinit reseeds the whole generator. */
#include <stdio.h>

#include "check.h"
#include "sample_data.h"
#include "snapshot.h"
#include "suite.h"

enum { IN = 6, OUT = 3, SAMPLES = 120 };

static float train_x[SAMPLES * IN], train_y[SAMPLES * OUT];

static nerve_net *make_net(uint64_t seed)
{
    const int32_t sizes[] = {IN, 16, 8, OUT};
    const int32_t acts[] = {NERVE_ACT_RELU, NERVE_ACT_SIGMOID, NERVE_ACT_SOFTMAX};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 4, acts, NERVE_COST_LOG_LIKELIHOOD, seed));
    return net;
}

/* Options that use the generator after initialisation: shuffling every epoch and dropout. */
static void train(nerve_net *net)
{
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    opts.epochs = 4;
    opts.batch_size = 7;
    opts.learning_rate = 0.2f;
    opts.momentum = 0.5f;
    opts.dropout = 0.3f;
    opts.shuffle = 1;
    CHECK_OK(nerve_train(net, train_x, train_y, SAMPLES, NULL, NULL, 0, &opts));
}

static int same_weights(const nerve_net *a, const nerve_net *b)
{
    net_snapshot sa, sb;
    if (snapshot_take(a, &sa) != 0)
        return -1;
    if (snapshot_take(b, &sb) != 0) {
        snapshot_free(&sa);
        return -1;
    }
    int same = snapshot_equal(&sa, &sb);
    snapshot_free(&sa);
    snapshot_free(&sb);
    return same;
}

void test_determinism(void)
{
    fill_uniform(train_x, SAMPLES * IN, 5, -1, 1);
    fill_one_hot(train_y, SAMPLES, OUT, 6);

    nerve_net *a = make_net(42), *b = make_net(42), *c = make_net(43);
    if (!a || !b || !c)
        goto done;
    CHECK(same_weights(a, b) == 1, "two networks created with seed 42 differ");
    CHECK(same_weights(a, c) == 0, "seeds 42 and 43 gave the same initial weights");

    train(a);
    train(b);
    train(c);
    CHECK(same_weights(a, b) == 1, "seed 42 trained twice gave different weights");
    CHECK(same_weights(a, c) == 0, "seeds 42 and 43 gave the same trained weights");

    /* Reinit reseeds the generator that also drives shuffling and dropout, so reinit + train repeats exactly. */
    CHECK_OK(nerve_reinit(a, NERVE_INIT_AUTO, 7));
    train(a);
    CHECK_OK(nerve_reinit(b, NERVE_INIT_AUTO, 7));
    train(b);
    CHECK(same_weights(a, b) == 1, "reinit with seed 7 then training gave different weights twice");
    CHECK_OK(nerve_reinit(c, NERVE_INIT_AUTO, 8));
    train(c);
    CHECK(same_weights(a, c) == 0, "reinit seeds 7 and 8 gave the same trained weights");

    /* A network created with a seed starts from the draw reinit(AUTO, seed) makes. */
    nerve_net *fresh = make_net(42);
    if (fresh) {
        CHECK_OK(nerve_reinit(c, NERVE_INIT_AUTO, 42));
        CHECK(same_weights(fresh, c) == 1, "create(seed 42) and reinit(AUTO, 42) drew different weights");
        nerve_free(fresh);
    }

    /* A clone is a twin: the same weights and generator, so both train to the same bits; and independent:
     * training one leaves the other as it was. */
    nerve_net *twin = NULL;
    if (CHECK_OK(nerve_clone(a, &twin))) {
        CHECK(same_weights(a, twin) == 1, "a clone has other weights than its original");
        CHECK(nerve_threads(twin) == nerve_threads(a), "a clone has another thread count");
        train(twin);
        CHECK(same_weights(a, twin) == 0, "training a clone changed its original (or did nothing)");
        train(a);
        CHECK(same_weights(a, twin) == 1, "a network and its clone trained alike gave different weights");
        nerve_free(twin);
    }
    nerve_net *untouched_out = (nerve_net *)&untouched_out;
    CHECK_FAILS(nerve_clone(NULL, &untouched_out), NERVE_E_INVALID);
    CHECK_FAILS(nerve_clone(a, NULL), NERVE_E_INVALID);
    CHECK(untouched_out == (nerve_net *)&untouched_out, "a failed nerve_clone wrote *out");
done:
    nerve_free(a);
    nerve_free(b);
    nerve_free(c);
}
