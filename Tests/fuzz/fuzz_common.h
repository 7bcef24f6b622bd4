/* What the fuzz harnesses check on every input that loads: the network is coherent (its layers' shapes,
 * specifications, windows and parameter counts agree with each other and with nerve.h's formulas), predicts,
 * evaluates, trains or refuses to cleanly, and survives a save/load round trip unchanged. A violation aborts, which
 * libFuzzer (or the replay driver) reports with the input. */
#ifndef NERVE_FUZZ_COMMON_H
#define NERVE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "nerve.h"

void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* Checks a failed load: the status must be `expected` and the message non-empty. */
void fuzz_expect_refusal(nerve_status status, nerve_status expected, const char *what);

/* Runs the invariants on a loaded network (does not free it). */
void fuzz_exercise(nerve_net *net);

/* Fills `out` (n_in × rows floats) and returns the rows' predictions in a malloc'd array, or NULL if the
 * network is too large to try cheaply. */
float *fuzz_predict(const nerve_net *net, int rows);

#endif
