/* A program built against an installed Nerve: prints the library's version and one prediction. */
#include <nerve.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const int32_t sizes[] = {2, 3, 1}, activations[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    const float x[] = {0.5f, -0.25f};
    float out[1];
    nerve_net *net = NULL;
    if (strcmp(nerve_version(), NERVE_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, header %s\n", nerve_version(), NERVE_VERSION_STRING);
        return 1;
    }
    if (nerve_create(&net, sizes, 3, activations, NERVE_COST_CROSS_ENTROPY, 1) != NERVE_OK ||
        nerve_predict(net, x, 1, out, 1) != NERVE_OK) {
        fprintf(stderr, "%s\n", nerve_last_error());
        nerve_free(net);
        return 1;
    }
    printf("nerve %s: %.6f\n", nerve_version(), out[0]);
    nerve_free(net);
    return 0;
}
