/* The groups of ABI tests; main.c runs the ones named on the command line, or all of them. */
#ifndef NERVE_TEST_SUITE_H
#define NERVE_TEST_SUITE_H

void test_forward(void);
void test_cost(void);
void test_xor(void);
void test_persistence(void);
void test_determinism(void);
void test_init(void);
void test_unsupported(void);
void test_stop(void);
void test_hostile(void);
void test_divergence(void);
void test_failed_save(void);
void test_threads(void);
void test_model_v1(void);
void test_invariance(void);
void test_execution(void);
void test_cnn(void);
void test_cnn_hostile(void);
void test_cnn_threads(void);
void test_gradients(void);
void test_files_hostile(void);
void test_limits(void);
void test_batch_stop(void);
void test_errors(void);
void test_initialize(void);
void test_optimizer_state(void);
void test_training_rules(void);
void test_accuracy(void);

#endif
