/*
 * nerve.h — the C interface of Nerve, a library of feedforward neural networks.
 *
 * Nerve trains and runs the network of the classic backpropagation notes: dense layers of any sizes,
 * convolution and max / mean pooling layers, sigmoid / tanh / ReLU / leaky ReLU / linear / softmax / step
 * activations, quadratic, cross-entropy and log-likelihood costs, mini-batch gradient descent with momentum or
 * Adam, L1/L2 regularisation and dropout.
 *
 * CONVENTIONS (they hold for every function below unless its comment says otherwise)
 *
 *  Status.   Every fallible call returns a nerve_status: NERVE_OK (0) on success, NERVE_STOPPED (1) when the caller
 *            stopped training (a callback, or the cancel flag), a negative NERVE_E_* code on failure. After a
 *            failure, nerve_last_error() describes it in words, on the thread that made the call; each fallible
 *            function also has a twin with the suffix _r that writes the message into a nerve_error the caller
 *            passes, for runtimes that move a task between threads between two calls (Go, Java virtual threads, async
 *            Rust; see Errors without threads). A failed call changes nothing the caller can observe (out-parameters
 *            are left alone unless documented, networks keep their weights, files keep their previous content).
 *
 *  Arrays.   Matrices are row-major `float`, one sample per row; an image sample is channel-major within its row
 *            (value (c, y, x) at c*height*width + y*width + x, as in PyTorch and the IDX files). A call that takes
 *            `n` samples reads exactly n * (columns) floats from each array; sizes are checked against the network
 *            before any work. NaN or infinite values in inputs are refused with NERVE_E_INVALID.
 *
 *  Memory.   The caller owns every buffer it passes in; Nerve never keeps a pointer to one after the call
 *            returns. Nerve owns the networks it creates (free them with nerve_free) and the strings it returns
 *            (never free those).
 *
 *  Threads.  Handles have no thread affinity. Any number of threads may call the read-only functions (predict,
 *            evaluate, save, getters) on one network at once. nerve_train holds the network for itself during each
 *            epoch: readers wait for the epoch to end and run between epochs (and while a training hook or
 *            batch_progress runs, between mini-batches), so they always see the weights of a whole step. While a
 *            network is being trained, a second nerve_train, nerve_set_layer, nerve_set_parameters, nerve_reinit and
 *            nerve_initialize return NERVE_E_BUSY at once; otherwise the last four wait for running readers to
 *            finish. Handles are opaque values, not addresses, and are never reused: a handle that was freed is
 *            refused with NERVE_E_INVALID by every call (freeing it again is a no-op), and never names another
 *            network. nerve_free while other threads are inside calls on the same network is safe: those calls
 *            finish with it, and it is released when the last of them returns (Since 0.4).
 *            fork(): a child process inherits every network that no other thread was using at the fork, and can use
 *            it as the parent could. A network that another thread was training or predicting with at that moment is
 *            refused in the child with NERVE_E_INVALID (its locks and weights are as that thread left them);
 *            nerve_free still releases it (Since 0.4).
 *
 *  Cores.    The caller decides how many threads a call may use (nerve_set_threads, and the `threads` training
 *            option); the default is 1: the calling thread alone, and no other thread is ever started. With t > 1
 *            a call starts up to t - 1 helper threads for its own duration and joins them before it returns.
 *            Work is cut into chunks whose boundaries depend only on the shapes involved, never on t, and the
 *            calling thread takes any chunk that no helper has started, so a descheduled helper delays a call by
 *            at most one chunk; after such a delay the call goes on alone for a while (another process wants the
 *            machine). Waiting threads yield their core or sleep after a few microseconds; none spins longer.
 *
 *  Results.  Every output value is computed by the same kernel in the same order whatever the number of samples
 *            in the call, the thread count or what other threads do: a sample's prediction is bit-identical alone
 *            or in a batch, and training with the same seed, data and options gives bit-identical weights with
 *            any thread count. The kernel is chosen once per process from the CPU's instruction sets
 *            (nerve_kernel), so results may differ in the last bits between machines.
 *
 *  Safety.   No function prints, aborts, exits, reads environment variables or the locale, or touches any
 *            process-wide state other than the thread-local error message. (The Swift runtime linked into the
 *            library reads its SWIFT_* debugging variables, e.g. SWIFT_DEBUG_HELP, once when the library is
 *            loaded, and prints what they ask for; Nerve's own code reads none.) In particular it changes no
 *            other library's settings (a host's BLAS thread count stays as the host set it). Invalid input yields
 *            an error status, never a crash. The error message is kept in the library's own thread-local storage (no
 *            pthread key is created, none is left with a destructor), so the library may be dlopen()ed and
 *            dlclose()d any number of times, and threads may outlive it. The first network created registers
 *            pthread_atfork handlers (see Threads: fork), which glibc drops when the library is dlclose()d.
 *            Files: see nerve_save and nerve_load.
 *
 *  Types.    Status codes and every enumeration are named C enums (since 0.5; before, plain int32_t values): a
 *            function parameter of enum type takes its constants without casts in C, Rust (bindgen) or Swift.
 *            Struct fields keep int32_t, whose size every compiler agrees on. No public struct has implicit
 *            padding. The header is C99 and C++-safe, and after preprocessing (cc -E -P) it is plain
 *            declarations, which cffi's cdef and bindgen read as they are.
 *
 *  Versions. Each declaration says the library version it first appeared in ("Since 0.1").
 */
#ifndef NERVE_H
#define NERVE_H

/* size_t alone: the rest of <stddef.h> (max_align_t's alignment attributes) is more than FFI parsers read. */
#define __need_size_t
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header: compare with nerve_version() at run time. NERVE_VERSION_NUMBER is
 * major * 10000 + minor * 100 + patch, for #if tests.                                             Since 0.1 */
#define NERVE_VERSION_MAJOR 0
#define NERVE_VERSION_MINOR 5
#define NERVE_VERSION_PATCH 0
#define NERVE_VERSION_NUMBER (NERVE_VERSION_MAJOR * 10000 + NERVE_VERSION_MINOR * 100 + NERVE_VERSION_PATCH)
#define NERVE_VERSION_STRING "0.5.0"

/* ---------------------------------------------------------------------------------------------------------------
 * Status codes                                                                                       Since 0.1
 * ------------------------------------------------------------------------------------------------------------- */
/* A signed enum (negative members), so every code has one type in every language; the values are those of 0.4's
 * int32_t constants, and the type has int32_t's size and passing convention on every supported platform. */
typedef enum nerve_status {
    NERVE_OK             =   0, /* success */
    NERVE_STOPPED        =   1, /* training ended early at the caller's request: the progress callback returned
                                   non-zero (the network holds the last completed epoch's weights), or, since
                                   0.5, batch_progress did or the cancel flag was set (it holds the weights of
                                   the last completed mini-batch); see nerve_train */
    NERVE_E_INVALID      =  -1, /* a NULL pointer, unknown enum value, NaN/Inf, or an option out of range */
    NERVE_E_SIZE         =  -2, /* a size is zero, negative, absurd, does not match the network, or overflows */
    NERVE_E_UNSUPPORTED  =  -3, /* a valid request Nerve refuses: e.g. softmax with cross-entropy, training
                                   a network with a step layer */
    NERVE_E_NOMEM        =  -4, /* memory could not be allocated */
    NERVE_E_IO           =  -5, /* a file could not be opened, read, written or renamed */
    NERVE_E_FORMAT       =  -6, /* a model file or buffer is truncated, corrupted or of an unknown version */
    NERVE_E_BUSY         =  -7, /* the network is already being trained by another call */
    NERVE_E_DIVERGED     =  -8, /* training produced NaN or infinite values; the network keeps the weights it
                                   had after the last good epoch (or before training, if none) */
    NERVE_E_CAPACITY     =  -9, /* an output buffer is too small; the needed size is in the message */
    NERVE_E_ABORTED      = -10  /* a training hook returned non-zero (Since 0.4); the network holds the weights
                                   of the last completed epoch (or those before training, if none) */
} nerve_status;

/* The message for the last failed call on this thread: never NULL, "" if no call has failed. The string is
 * owned by Nerve and stays valid until the next Nerve call on the same thread.                      Since 0.1 */
const char *nerve_last_error(void);

/* A static English name for a status code, e.g. "invalid argument"; unknown codes give "unknown status".
 * Never NULL, never to be freed.                                                                    Since 0.1 */
const char *nerve_status_string(nerve_status status);

/* The library's version, e.g. "0.5.0" (static, never NULL). Compare with NERVE_VERSION_STRING to detect a
 * header/library mismatch.                                                                           Since 0.1 */
const char *nerve_version(void);

/* The matrix kernels this process runs, chosen once from the CPU's instruction sets: "avx2-fma" (x86-64 with
 * AVX2 and FMA) or "generic" (portable code with fused multiply-adds). Static, never NULL.         Since 0.2 */
const char *nerve_kernel(void);

/* The enumerations whose names the library can report, so bindings need not spell them out. */
typedef enum nerve_enumeration {
    NERVE_ENUM_ACTIVATION = 0, /* NERVE_ACT_*: "sigmoid", "tanh", "relu", "leaky_relu", "linear", ... */
    NERVE_ENUM_COST,           /* NERVE_COST_*: "quadratic", "cross_entropy", "log_likelihood", ... */
    NERVE_ENUM_INIT,           /* NERVE_INIT_*: "auto", "normalized", "large", "he", "glorot_uniform",
                                  "glorot_normal", "lecun_normal" */
    NERVE_ENUM_OPTIMIZER,      /* NERVE_OPTIMIZER_*: "sgd", "adam", "rprop" */
    NERVE_ENUM_MONITOR,        /* NERVE_MONITOR_*: "none", "running", "full" */
    NERVE_ENUM_LAYER,          /* NERVE_LAYER_*: "dense", "conv2d", "max_pool2d", "mean_pool2d" */
    NERVE_ENUM_PADDING,        /* NERVE_PADDING_*: "valid", "same"                               Since 0.3 */
    NERVE_ENUM_METRIC,         /* NERVE_METRIC_*: "cost", "accuracy"                             Since 0.5 */
    NERVE_ENUM_BIAS_INIT,      /* NERVE_BIAS_*: "zero", "normal", "constant"                     Since 0.5 */
    NERVE_ENUM_OPTIMIZER_STATE, /* NERVE_OPTIMIZER_STATE_*: "fresh", "keep", "resume"            Since 0.5 */
    NERVE_ENUM_ACCURACY_RULE   /* NERVE_ACCURACY_*: "auto", "argmax", "per_label", "none"       Since 0.5 */
} nerve_enumeration;

/* The lower-case name of `value` in enumeration `enumeration` (a NERVE_ENUM_* value), or NULL if either is
 * unknown. Values of an enumeration are 0, 1, 2, ... without gaps, so a binding lists them all by asking for
 * 0, 1, ... until NULL. Static, never to be freed; thread-safe.                                      Since 0.2 */
const char *nerve_enum_name(nerve_enumeration enumeration, int32_t value);

/* The value whose name (as nerve_enum_name reports it) is `name`, written to *value.
 * NERVE_E_INVALID if a pointer is NULL, the enumeration is unknown or no value has that name.        Since 0.2 */
nerve_status nerve_enum_value(nerve_enumeration enumeration, const char *name, int32_t *value);

/* ---------------------------------------------------------------------------------------------------------------
 * Networks                                                                                           Since 0.1
 * ------------------------------------------------------------------------------------------------------------- */
typedef struct nerve_net nerve_net; /* opaque */

/* Activation of a layer. Leaky ReLU multiplies negative inputs by its layer's slope: NERVE_DEFAULT_NEGATIVE_SLOPE
 * unless nerve_layer_spec's negative_slope sets another (since 0.5). Step (0 below zero, 1 at zero and above)
 * has no useful derivative: networks containing it can predict but not train. Softmax is allowed on any layer
 * but is meant for the output layer with NERVE_COST_LOG_LIKELIHOOD; on a convolution it normalises over the
 * layer's whole output (every channel and position of a sample together). Exp (eᶻ, positive; since 0.5) is the
 * log link's output for NERVE_COST_POISSON; it overflows to infinity above z ≈ 88.7, which training reports as
 * NERVE_E_DIVERGED.                                                                                  Since 0.1 */
typedef enum nerve_activation {
    NERVE_ACT_SIGMOID = 0,
    NERVE_ACT_TANH,
    NERVE_ACT_RELU,
    NERVE_ACT_LEAKY_RELU,
    NERVE_ACT_LINEAR,
    NERVE_ACT_SOFTMAX,
    NERVE_ACT_STEP,
    NERVE_ACT_EXP /* Since 0.5 */
} nerve_activation;

/* Cost of the output layer, averaged over samples.
 *   QUADRATIC      C = ½‖a − y‖²; any output activation (regression with LINEAR).
 *   CROSS_ENTROPY  C = −Σ [y ln a + (1−y) ln(1−a)]; SIGMOID output only (binary and multi-label tasks).
 *   LOG_LIKELIHOOD C = −Σ y ln a; SOFTMAX output only (multi-class tasks, y one-hot).
 *   POISSON        C = Σ [y ln(y/a) − y + a] (half the Poisson deviance; y ln y is 0 at y = 0); EXP output only
 *                  (counts and rates: y >= 0, NERVE_E_INVALID otherwise); since 0.5.
 * Sigmoid + cross-entropy, softmax + log-likelihood and exp + Poisson give the output error δ = a − y.
 *                                                                                                    Since 0.1 */
typedef enum nerve_cost_function {  /* not nerve_cost: that name is the function reading a network's cost */
    NERVE_COST_QUADRATIC = 0,
    NERVE_COST_CROSS_ENTROPY,
    NERVE_COST_LOG_LIKELIHOOD,
    NERVE_COST_POISSON /* Since 0.5 */
} nerve_cost_function;

/* Leaky ReLU's slope below zero when a layer does not set its own.                                 Since 0.5 */
#define NERVE_DEFAULT_NEGATIVE_SLOPE 0.01f

/* Weight initialisation, drawn layer by layer from the layer's n_in (inputs feeding one unit) and n_out (units
 * one input feeds): a dense layer's are its inputs and outputs, a convolution's channels × window area and
 * filters × window area (as PyTorch and Keras count them). Biases have their own rule, nerve_bias_init.
 *   AUTO            He for ReLU and leaky-ReLU layers, NORMALIZED for every other layer (the default).
 *   NORMALIZED      weights ~ N(0, 1/√n_in)  (standard deviation 1/√n_in).
 *   LARGE           weights ~ N(0, 1).
 *   HE              weights ~ N(0, √(2/n_in)).
 *   GLOROT_UNIFORM  weights ~ U(−√(6/(n_in + n_out)), √(6/(n_in + n_out))) (Xavier; Keras's default). Since 0.5
 *   GLOROT_NORMAL   weights ~ N(0, √(2/(n_in + n_out))).                                             Since 0.5
 *   LECUN_NORMAL    weights ~ N(0, √(1/n_in)).                                                       Since 0.5
 *                                                                                                    Since 0.1 */
typedef enum nerve_init {
    NERVE_INIT_AUTO = 0,
    NERVE_INIT_NORMALIZED,
    NERVE_INIT_LARGE,
    NERVE_INIT_HE,
    NERVE_INIT_GLOROT_UNIFORM,
    NERVE_INIT_GLOROT_NORMAL,
    NERVE_INIT_LECUN_NORMAL
} nerve_init;

/* Bias initialisation.
 *   ZERO      every bias 0 (the default since 0.5: with N(0, 1) biases small ReLU layers started with whole
 *             units switched off, different ones for each seed).
 *   NORMAL    biases ~ N(0, 1), the notes' network2 (and every network before 0.5).
 *   CONSTANT  every bias the given value (e.g. 0.01 to start ReLU units on).                        Since 0.5 */
typedef enum nerve_bias_init {
    NERVE_BIAS_ZERO = 0,
    NERVE_BIAS_NORMAL,
    NERVE_BIAS_CONSTANT
} nerve_bias_init;

/* Creates a network with layer sizes sizes[0] (inputs) .. sizes[n_sizes-1] (outputs), n_sizes >= 2, and
 * activations[i] for the layer from sizes[i] to sizes[i+1] (n_sizes-1 entries; leaky-ReLU layers take
 * NERVE_DEFAULT_NEGATIVE_SLOPE). Weights are initialised with NERVE_INIT_AUTO and biases with NERVE_BIAS_ZERO
 * (since 0.5; N(0, 1) before; see nerve_initialize for others) from a generator seeded with `seed`; the same
 * generator then drives shuffling and dropout, so the same seed, data and options give bit-identical weights on
 * the same machine, whatever the thread count.
 * n_sizes must be 2 .. 4097, each size 1 .. 16777216, and the network at most 2^31 - 1 parameters.
 * On success *out receives a new network the caller frees with nerve_free; on failure *out is untouched.
 * Errors: NERVE_E_INVALID (NULL pointer, unknown enum), NERVE_E_SIZE, NERVE_E_UNSUPPORTED (an activation/cost
 * pair the cost does not admit, see the cost enum), NERVE_E_NOMEM.                                   Since 0.1 */
nerve_status nerve_create(nerve_net **out, const int32_t *sizes, int32_t n_sizes,
                          const int32_t *activations, nerve_cost_function cost, uint64_t seed);

/* Releases a network and everything it owns. NULL, a handle already freed and any value that is not a live
 * handle are no-ops. Calls already running on the network (on other threads) finish normally and the network
 * goes when the last returns (since 0.4); calls made after nerve_free get NERVE_E_INVALID.          Since 0.1 */
void nerve_free(nerve_net *net);

/* A new network, independent of `net`, with its layers, cost, parameters, generator state and thread count:
 * the two train alike to the same bits, and training one leaves the other alone. Read-only on `net` (it runs
 * beside predictions, and between the epochs of a training run, so the copy holds a whole epoch's weights).
 * The hot-reload pattern of a service: make the new network (nerve_load, or nerve_clone and train), publish it
 * where workers pick up their handle (an atomic pointer), then nerve_free the old one at once; calls still
 * running on it finish first. Errors: NERVE_E_INVALID (bad handle, NULL out), NERVE_E_NOMEM.       Since 0.4 */
nerve_status nerve_clone(const nerve_net *net, nerve_net **out);

/* Re-draws every weight with `init` (a NERVE_INIT_* value) from a generator reseeded with `seed`, and sets every
 * bias to 0: nerve_initialize(net, init, NERVE_BIAS_ZERO, 0, seed). Since 0.5 biases start at zero; the
 * notes' network2 initialisation (and 0.4's nerve_reinit) is
 * nerve_initialize(net, NERVE_INIT_NORMALIZED, NERVE_BIAS_NORMAL, 0, seed).
 * NERVE_E_BUSY during training (see Threads).                                                        Since 0.1 */
nerve_status nerve_reinit(nerve_net *net, nerve_init init, uint64_t seed);

/* Sets every parameter again from a generator reseeded with `seed`, layer by layer: the weights drawn by
 * `weights` (a NERVE_INIT_* value), then the biases by `biases` (a NERVE_BIAS_* value). bias_value is every
 * bias's value with NERVE_BIAS_CONSTANT and ignored otherwise; it must be finite. The generator then drives
 * shuffling and dropout, as after nerve_create with the same seed: a network created with `seed` and this call
 * with (NERVE_INIT_AUTO, NERVE_BIAS_ZERO, 0, seed) are bit-identical. Any optimizer state that nerve_train kept
 * (see nerve_optimizer_state) is dropped with the weights it belonged to.
 * Errors: NERVE_E_INVALID (bad handle, unknown weights or biases value, bias_value NaN or infinite),
 * NERVE_E_BUSY during training (see Threads); a failed call changes nothing.                       Since 0.5 */
nerve_status nerve_initialize(nerve_net *net, nerve_init weights, nerve_bias_init biases, float bias_value,
                              uint64_t seed);


/* ---------------------------------------------------------------------------------------------------------------
 * Layers                                                                                             Since 0.2
 * ------------------------------------------------------------------------------------------------------------- */

/* Kinds of layer.
 *   DENSE       fully connected: every output joins every input value (an image input is read as its
 *               channel-major vector, so no flatten layer is needed).                                 Since 0.2
 *   CONV2D      2-D convolution (cross-correlation, as in PyTorch): `units` filters, each
 *               channels × window_height × window_width shared weights and one shared bias; output
 *               {units, out_h, out_w}.                                                                Since 0.3
 *   MAX_POOL2D  each window of each channel replaced by its largest value (its gradient goes to that value;
 *               on ties the first in row-major order takes it).                                       Since 0.3
 *   MEAN_POOL2D each window replaced by its mean (its gradient spread evenly over the window).         Since 0.3
 * Output extents along each axis, for an input of n values, window k and stride s:
 *   VALID padding: ⌊(n − k) / s⌋ + 1 (k must not exceed n; a remainder that no window covers is left out);
 *   SAME padding:  ⌈n / s⌉, with ⌊p / 2⌋ zeros before and the rest after, p = max((out − 1)·s + k − n, 0)
 *                  (TensorFlow's rule). Pooling takes VALID padding only.                            */
typedef enum nerve_layer_kind {
    NERVE_LAYER_DENSE = 0,
    NERVE_LAYER_CONV2D,
    NERVE_LAYER_MAX_POOL2D,
    NERVE_LAYER_MEAN_POOL2D
} nerve_layer_kind;

/* How a convolution treats the border (see the layer kinds above).                                  Since 0.3 */
typedef enum nerve_padding { NERVE_PADDING_VALID = 0, NERVE_PADDING_SAME } nerve_padding;

/* One layer of a network to create; each layer reads what the one before it writes, the first the input
 * shape. Zero-initialise it and set the fields its kind uses: a field a kind does not use must stay 0, except
 * `activation`, which pooling layers ignore (they have none). A caller compiled against 0.3 or 0.4 passes the
 * struct without negative_slope (spec_size 32), which reads as 0.                                   Since 0.3 */
typedef struct nerve_layer_spec {
    int32_t kind;           /* NERVE_LAYER_* */
    int32_t units;          /* dense: outputs; convolution: filters; pooling: 0 */
    int32_t window_height;  /* convolution kernel or pooling window, 1 .. 16777216; dense: 0 */
    int32_t window_width;
    int32_t stride_height;  /* convolution and pooling: 1 .. 16777216, or 0 for the default (1 for a */
    int32_t stride_width;   /* convolution, the window's extent for pooling); dense: 0 */
    int32_t padding;        /* NERVE_PADDING_*: convolution and pooling (VALID only); dense: 0 */
    int32_t activation;     /* NERVE_ACT_*: dense and convolution; ignored for pooling */
    float   negative_slope; /* leaky ReLU's slope below zero, finite and in [0, 1): 0 = the default
                               NERVE_DEFAULT_NEGATIVE_SLOPE (so a true slope of 0 is NERVE_ACT_RELU); any
                               other activation and pooling: 0.                                   Since 0.5 */
} nerve_layer_spec;

/* Creates a network of n_layers layers (1 .. 4096) over samples of input_shape {channels, height, width}
 * (a vector of n values is {n, 1, 1}). `spec_size` is sizeof(nerve_layer_spec) as the caller compiled it (the
 * array's stride): 36, or 32 for 0.3's and 0.4's struct (since 0.5; every slope is then the default). Each
 * layer's input and output must hold at most 16777216 values, a convolution's filters at most 16777216 weights
 * each and its patch matrix (weights per filter × output positions) at most 2^26 values, and the network at
 * most 2^31 - 1 parameters.
 * Initialisation, seed and ownership as nerve_create (a convolution's n_in is channels × window area).
 * Errors: NERVE_E_INVALID (NULL pointer, unknown kind, activation or padding, a field its kind does not use
 * set, a negative_slope out of range or on a layer that is not leaky ReLU, wrong spec_size), NERVE_E_SIZE (a
 * window that does not fit, a zero or absurd size, an overflowing shape; the message names the layer),
 * NERVE_E_UNSUPPORTED (cost and output activation, SAME pooling), NERVE_E_NOMEM.                    Since 0.3 */
nerve_status nerve_create_layers(nerve_net **out, const int32_t input_shape[3], const nerve_layer_spec *layers,
                                 int32_t n_layers, size_t spec_size, nerve_cost_function cost, uint64_t seed);

/* Writes layer `layer`'s specification to *spec, as nerve_create_layers would take it, defaults resolved
 * (actual strides; a leaky-ReLU layer's actual slope, NERVE_DEFAULT_NEGATIVE_SLOPE unless it set its own, and
 * 0 for other layers; a pooling layer's activation reads NERVE_ACT_LINEAR; a network from nerve_create or a
 * 0.1 model file has dense layers only). spec_size as for nerve_create_layers: with 32, the bytes of 0.3's
 * struct alone are written.
 * Errors: NERVE_E_INVALID (bad handle, layer index, NULL spec, wrong spec_size).                    Since 0.3 */
nerve_status nerve_get_layer_spec(const nerve_net *net, int32_t layer, nerve_layer_spec *spec, size_t spec_size);

/* Trainable parameters of the whole network (weights and biases); 0 if net is NULL.               Since 0.3 */
int64_t nerve_parameter_count(const nerve_net *net);

/* Weights and biases of layer `layer`, the counts nerve_get_layer copies: a dense layer's are
 * inputs × outputs and outputs, a convolution's filters × channels × window area and filters, a pooling
 * layer's 0 and 0. Either out-pointer may be NULL. Errors: NERVE_E_INVALID (bad handle or layer).  Since 0.3 */
nerve_status nerve_layer_parameter_count(const nerve_net *net, int32_t layer, int64_t *weights, int64_t *biases);

/* The most threads a call may be given.                                                             Since 0.2 */
#define NERVE_MAX_THREADS 256

/* Sets how many threads nerve_predict, nerve_evaluate and nerve_train may use on this network (see Cores):
 * 1 .. NERVE_MAX_THREADS; a network starts with 1. Results do not depend on it. May be called at any time from
 * any thread; calls already running keep the count they started with.
 * Errors: NERVE_E_INVALID (bad handle, count out of range).                                          Since 0.2 */
nerve_status nerve_set_threads(nerve_net *net, int32_t threads);

/* The thread count set by nerve_set_threads (1 by default); 0 if net is NULL.                       Since 0.2 */
int32_t nerve_threads(const nerve_net *net);

/* Inputs per sample and outputs per sample; 0 if net is NULL.                                        Since 0.1 */
int32_t nerve_input_size(const nerve_net *net);
int32_t nerve_output_size(const nerve_net *net);

/* Number of layers, pooling layers included (n_sizes - 1 for a network from nerve_create); 0 if net is NULL.
 *                                                                                                    Since 0.1 */
int32_t nerve_layer_count(const nerve_net *net);

/* The cost (a NERVE_COST_* value) the network was created with; -1 if net is NULL.                   Since 0.1 */
int32_t nerve_cost(const nerve_net *net);

/* Describes layer `layer` (0-based): values per sample in, values per sample out, and activation. Any
 * out-pointer may be NULL to skip it.                                                                Since 0.1 */
nerve_status nerve_layer_info(const nerve_net *net, int32_t layer,
                              int32_t *inputs, int32_t *outputs, int32_t *activation);

/* Describes layer `layer` (0-based) by its specification: its kind (a NERVE_LAYER_* value) and the shape of one
 * sample it reads and writes, as {channels, height, width} (a dense layer's n values are {n, 1, 1}). Any
 * out-pointer may be NULL to skip it. Errors: NERVE_E_INVALID (bad handle or layer index).          Since 0.2 */
nerve_status nerve_layer_shape(const nerve_net *net, int32_t layer, int32_t *kind, int32_t input[3],
                               int32_t output[3]);

/* Copies layer `layer`'s weights and biases into caller buffers whose capacities are given in floats (the
 * counts are given by nerve_layer_parameter_count). A dense layer's weights are outputs × inputs, row-major:
 * weights[j*inputs + k] connects input k to output j, as w_jk in the notes; its biases are one per output.
 * A convolution's weights are filters × channels × window_height × window_width (PyTorch's Conv2d layout):
 * weights[((f*channels + c)*window_height + i)*window_width + j]; its biases are one per filter. Pooling
 * layers have neither. Either buffer may be NULL to skip it. NERVE_E_CAPACITY if a buffer is too small.
 *                                                                                                    Since 0.1 */
nerve_status nerve_get_layer(const nerve_net *net, int32_t layer,
                             float *weights, int64_t weights_capacity, float *biases, int64_t biases_capacity);

/* Replaces layer `layer`'s weights and biases (layout and counts as nerve_get_layer; weights_count and
 * biases_count must equal the layer's counts). Either may be NULL to keep the current values. Values must be finite. NERVE_E_BUSY during
 * training.
 *                                                                                                    Since 0.1 */
nerve_status nerve_set_layer(nerve_net *net, int32_t layer, const float *weights, int64_t weights_count,
                             const float *biases, int64_t biases_count);

/* ---------------------------------------------------------------------------------------------------------------
 * Parameters and gradients                                                                           Since 0.4
 *
 * Every trainable parameter of a network as one flat array of nerve_parameter_count floats: layer after layer,
 * each layer's weights then its biases, each laid out as nerve_get_layer copies them (pooling layers have none).
 * Gradients use the same layout. These are what external optimizers (L-BFGS), gradient checks and
 * data-parallel training work on.
 * ------------------------------------------------------------------------------------------------------------- */

/* Copies every parameter into out, which holds `capacity` floats (NERVE_E_CAPACITY if fewer than
 * nerve_parameter_count). Read-only: runs beside predictions, and between mini-batches of a training run.
 *                                                                                                    Since 0.4 */
nerve_status nerve_get_parameters(const nerve_net *net, float *out, int64_t capacity);

/* Replaces every parameter: count must equal nerve_parameter_count (NERVE_E_SIZE) and every value be finite
 * (NERVE_E_INVALID; nothing changes then). Waits for running readers; NERVE_E_BUSY during training.
 *                                                                                                    Since 0.4 */
nerve_status nerve_set_parameters(nerve_net *net, const float *values, int64_t count);

/* The mean cost over n samples and its gradient with respect to every parameter, by backpropagation with
 * dropout off, in the network's thread count. With l2 = l1 = 0 the cost is the data term alone (as
 * nerve_evaluate's) and the gradient its gradient. With l2 or l1 > 0 both include the regularisation term
 * ½(l2/n)Σw² + (l1/n)Σ|w| over weights (biases excluded, n = this call's n), as nerve_train's reported cost
 * does: the objective scikit-learn's L-BFGS minimises with alpha = l2. *cost is summed in double. Either output
 * may be NULL (cost alone takes a forward pass only); gradient holds gradient_capacity floats
 * (NERVE_E_CAPACITY if fewer than nerve_parameter_count) and must not overlap x or y (NERVE_E_INVALID). x, y
 * and n as for nerve_train; samples are taken in
 * chunks of fixed size, so memory stays bounded for any n. Read-only, like nerve_predict.
 * Errors: NERVE_E_INVALID, NERVE_E_SIZE, NERVE_E_CAPACITY, NERVE_E_UNSUPPORTED (a step layer has no
 * gradient), NERVE_E_NOMEM.                                                                          Since 0.4 */
nerve_status nerve_cost_gradient(const nerve_net *net, const float *x, const float *y, int64_t n,
                                 float l2, float l1, double *cost, float *gradient, int64_t gradient_capacity);

/* Euclidean norms, layer by layer, of the gradient nerve_cost_gradient computes without regularisation:
 * weight_norms[l] of layer l's weight gradient and bias_norms[l] of its bias gradient, which is the layer's
 * mean error δ (the notes measure a layer's speed of learning by it: in a deep sigmoid network it shrinks
 * layer by layer towards the input, the vanishing gradient). Each array holds `count` values (count must be
 * at least nerve_layer_count; NERVE_E_CAPACITY otherwise); either may be NULL. Pooling layers get 0.
 *                                                                                                    Since 0.4 */
nerve_status nerve_gradient_norms(const nerve_net *net, const float *x, const float *y, int64_t n,
                                  double *weight_norms, double *bias_norms, int32_t count);

/* The notes' gradient check. For each parameter p checked, compares backpropagation's ∂C/∂p (float32, as
 * nerve_cost_gradient computes it) with the central difference (C(p + epsilon) − C(p − epsilon)) / (2 epsilon) of
 * the mean cost over n samples (regularisation excluded, dropout off), the cost evaluated in double precision by a
 * separate plain-loop forward pass, so float32 rounding does not swamp the difference. Writes to *max_difference
 * the largest |backprop − numeric| / max(|backprop|, |numeric|, floor) over the parameters checked, where floor =
 * 1e-3 × the largest |backprop| of the network (components at float32's rounding level would otherwise dominate). A
 * correct gradient gives about 1e-6 with epsilon 1e-3 or 1e-4 (the truncation error of the difference adds 1e-5 to
 * 1e-3 at 1e-2); a wrong one 1e-2 to 1. A ReLU unit or max-pooling window that changes side between p ± epsilon
 * spoils its parameters' numeric derivative. indices lists the parameters to check (index_count of them, each in 0
 * .. nerve_parameter_count − 1); NULL checks every parameter. Each parameter checked costs two scalar
 * double-precision passes over the n samples: on large networks check a few hundred sampled indices on a few
 * samples. The network is not changed. epsilon must be in (0, 1]. Errors: as nerve_cost_gradient; NERVE_E_INVALID
 * (epsilon, an index out of range, NULL max_difference).                                               Since 0.4 */
nerve_status nerve_check_gradient(const nerve_net *net, const float *x, const float *y, int64_t n,
                                  double epsilon, const int64_t *indices, int64_t index_count,
                                  double *max_difference);

/* ---------------------------------------------------------------------------------------------------------------
 * Training                                                                                           Since 0.1
 * ------------------------------------------------------------------------------------------------------------- */

/* What one epoch measured. Costs include the regularisation term, as in the notes. Fields not measured
 * (evaluation figures without evaluation data, training figures with monitor_training = 0) are NaN.
 * Accuracy follows the targets, whatever the output activation, by a rule chosen once per data set (the training
 * data, the evaluation data) from all its rows, never per mini-batch (unless accuracy_rule fixes it):
 *   - every row of y one-hot (exactly one 1, zeros elsewhere) and 2 or more outputs: ARGMAX, the fraction of
 *     samples whose largest output (the first one on ties, as numpy's argmax) is at y's largest value (its 1);
 *   - otherwise, every target 0 or 1 (one binary output, multi-label): PER_LABEL, the fraction of all labels,
 *     n × outputs, whose output rounded at 0.5 (0.5 rounds to 1) equals the target rounded alike;
 *   - otherwise (any other target value: regression): NONE, NaN, as there is no accuracy.
 * Before 0.5, outputs other than softmax were always scored label by label, and regression got a number.
 * The pointer passed to the callback is valid only during the callback.                              Since 0.1 */
typedef struct nerve_epoch_report {
    int32_t epoch;            /* 1-based */
    float   train_cost, train_accuracy;
    float   eval_cost, eval_accuracy;
    int32_t reserved1;        /* 0; named since 0.4, where a compiler put padding, so FFI tools see the layout */
    double  seconds;          /* wall time of this epoch, measurements included */
    float   learning_rate;    /* the rate used during this epoch */
    int32_t reserved2;        /* 0; as reserved1 */
} nerve_epoch_report;

/* Called once after each epoch, on the training thread. Return 0 to go on, non-zero to stop: training ends
 * with NERVE_STOPPED and the network holds this epoch's weights (or, with early stopping, the best ones).
 * The callback must not call nerve_train, nerve_set_layer, nerve_reinit or nerve_free on the same network.
 * It (and the hooks below) must return: leaving it by longjmp or a C++ exception skips the library's frames,
 * which then never release the network (it stays busy, and its memory is lost).                    Since 0.1 */
typedef int32_t (*nerve_progress_fn)(const nerve_epoch_report *report, void *user_data);

/* Where a training step stands, as the gradient hook and the batch callback see it.                Since 0.4 */
typedef struct nerve_step {
    int32_t epoch;  /* 1-based */
    int32_t step;   /* 1-based, within the epoch */
    int64_t rows;   /* samples in this step; 0 in a step past the last batch (see steps_per_epoch) */
    /* Since 0.5 */
    int32_t steps;        /* steps in this epoch (steps_per_epoch, or ceil(n / batch_size)) */
    int32_t epochs;       /* the options' epochs */
    int64_t samples_done; /* samples of this epoch trained so far, this step's included */
} nerve_step;

/* Called during training after each mini-batch's gradient is computed and before the optimizer uses it, on the
 * thread that called nerve_train (also with threads > 1, so MPI_THREAD_FUNNELED suffices): the seam for
 * data-parallel training (an allreduce goes here) and for gradient surgery. gradient holds `count` floats
 * (nerve_parameter_count, laid out as nerve_get_parameters) that the hook may rewrite in place: the gradient of the
 * mean cost over this step's step->rows samples (the weighted mean with sample_weights), regularisation excluded (the library adds the l2/l1 term after the
 * hook, scaled by regularization_n). step->rows is 0 in a step that has no samples left (see steps_per_epoch); the
 * gradient is then all zeros. hook_data is the options' hook_data. Return 0 to go on; non-zero ends training with
 * NERVE_E_ABORTED and the weights of the last completed epoch. The pointers are valid only during the call. While a
 * hook or the progress callback runs, other threads (and the hook itself) may call the read-only functions on the
 * network (nerve_predict, nerve_evaluate, nerve_get_parameters, nerve_cost_gradient, ...), which see the weights
 * before this step; nerve_train, nerve_set_layer, nerve_set_parameters, nerve_reinit and nerve_initialize on it
 * return NERVE_E_BUSY, and nerve_free is forbidden.                                                   Since 0.4 */
typedef int32_t (*nerve_gradient_fn)(float *gradient, int64_t count, const nerve_step *step, void *hook_data);

/* Called after each epoch's measurements and before the library acts on them, on the thread that called
 * nerve_train, with the options' hook_data: it may rewrite train_cost, train_accuracy, eval_cost and eval_accuracy
 * (data-parallel ranks replace their own figures by the means over all ranks), and every decision of the epoch then
 * uses what it leaves: divergence, the best weights of early stopping, the learning-rate schedule, and the report
 * the progress callback sees. Other fields are read-only. Return 0 to go on; non-zero ends training with
 * NERVE_E_ABORTED and the weights of the epoch before this one (the last whose report was accepted). Same rules as
 * the gradient hook.                                                                                   Since 0.4 */
typedef int32_t (*nerve_report_fn)(nerve_epoch_report *report, void *hook_data);

/* Called after a mini-batch's update, on the thread that called nerve_train, with the options' user_data: the
 * per-batch progress of a progress bar, and a place where an interpreter handles its pending signals. Throttled:
 * it is called after a step only when batch_interval seconds or more have passed since its previous call returned
 * (for the first call, since nerve_train began), after every step if batch_interval is 0; so a slow callback
 * cannot take over training, and a run shorter than the interval never calls it. Return 0 to go on; non-zero stops training before the next
 * mini-batch with NERVE_STOPPED (see nerve_train for what the network then holds). The same rules as the gradient
 * hook apply to what it may call; readers see the weights after this step.                          Since 0.5 */
typedef int32_t (*nerve_batch_fn)(const nerve_step *step, void *user_data);

/* The update rule training applies to each mini-batch's gradient: plain gradient descent (with momentum, or
 * Nesterov momentum, if set), Adam, or iRPROP− (Since 0.5; Igel & Hüsken 2000, with FANN's defaults): every
 * parameter has its own step size Δ (starting at rprop_delta_zero) and moves by Δ against the sign of its
 * gradient, the learning rate unused. While the sign holds Δ grows (× rprop_increase, at most rprop_delta_max);
 * when it flips Δ shrinks (× rprop_decrease, at least rprop_delta_min), the parameter stays and its gradient
 * counts as 0 at the next step; no step is taken back. The l2/l1 terms join the gradient before the sign test.
 * RPROP is a full-batch method: it needs batch_size >= n and steps_per_epoch 0 or 1 (NERVE_E_UNSUPPORTED
 * otherwise), and refuses momentum and lr_decay (NERVE_E_INVALID).                                  Since 0.1 */
typedef enum nerve_optimizer {
    NERVE_OPTIMIZER_SGD = 0,
    NERVE_OPTIMIZER_ADAM,
    NERVE_OPTIMIZER_RPROP /* Since 0.5 */
} nerve_optimizer;

/* What early stopping and the learning-rate schedule watch on the evaluation data (as the report hook leaves
 * it): its cost (lower is better) or its accuracy (higher is better; the evaluation targets must be classes,
 * or accuracy_rule must fix a rule other than NONE; NERVE_E_INVALID otherwise, unless a report_hook supplies the
 * figure).                                                                                           Since 0.5 */
typedef enum nerve_metric { NERVE_METRIC_COST = 0, NERVE_METRIC_ACCURACY } nerve_metric;

/* What becomes of the optimizer's state across nerve_train calls: momentum's velocity, Adam's moments and step
 * count, RPROP's step sizes and last gradient signs (plain SGD has none).
 *   FRESH   a new state, dropped when the call returns, with any state the network kept (the default: each call
 *           trains as the notes' SGD does).
 *   KEEP    a new state, kept in the network when the call returns (NERVE_OK or NERVE_STOPPED).
 *   RESUME  the state the network kept, if the call that kept it used the same optimizer with the same
 *           coefficients (momentum and nesterov; the Adam betas and epsilon; the RPROP factors and bounds),
 *           else a new one; kept again on return. The learning rate may differ between calls. So k calls of one
 *           epoch each, with the same options, take exactly the steps of one call of k epochs (PyTorch's
 *           optimizer object, scikit-learn's partial_fit).
 * A call that fails after its arguments and options were accepted (NERVE_E_DIVERGED, NERVE_E_ABORTED,
 * NERVE_E_NOMEM) leaves no state kept; one refused for its arguments leaves the network's as it was.
 * nerve_initialize drops the kept state; nerve_clone, nerve_save and the model file do not carry it;
 * nerve_set_parameters leaves it (Keras's and PyTorch's choice when weights are loaded into a model).   Since 0.5 */
typedef enum nerve_optimizer_state {
    NERVE_OPTIMIZER_STATE_FRESH = 0,
    NERVE_OPTIMIZER_STATE_KEEP,
    NERVE_OPTIMIZER_STATE_RESUME
} nerve_optimizer_state;

/* How nerve_train scores accuracy (see nerve_epoch_report). AUTO (the default) picks the rule from each data set's
 * targets. The others fix it for the training and evaluation figures alike: ARGMAX for soft or label-smoothed
 * class targets (rows such as 0.9/0.05/0.05), which AUTO reads as regression (2 or more outputs; NERVE_E_INVALID
 * otherwise); PER_LABEL likewise for labels; NONE for no accuracy at all. Processes that each train on a part of
 * the data (data-parallel training) fix one rule, so no part scores by another. nerve_evaluate always picks the
 * rule from its targets.                                                                           Since 0.5 */
typedef enum nerve_accuracy_rule {
    NERVE_ACCURACY_AUTO = 0,
    NERVE_ACCURACY_ARGMAX,
    NERVE_ACCURACY_PER_LABEL,
    NERVE_ACCURACY_NONE
} nerve_accuracy_rule;

/* How training cost and accuracy are measured:
 *   NONE      not at all (the report holds NaN): fastest.
 *   RUNNING   averaged over the epoch's mini-batches as they are trained (free; weights change meanwhile and
 *             dropout is on, so it differs slightly from a separate pass).
 *   FULL      a separate pass over all training data after the epoch, as the notes' network2 does.  Since 0.1 */
typedef enum nerve_monitor { NERVE_MONITOR_NONE = 0, NERVE_MONITOR_RUNNING, NERVE_MONITOR_FULL } nerve_monitor;

/* Options of nerve_train. Always fill with nerve_train_options_init first, then change fields: new fields are
 * appended in later versions and struct_size tells the library which ones the caller knows. This version accepts
 * its own layout, that of 0.4 (which ends at regularization_n), that of 0.2 and 0.3 (which ends at threads) and
 * that of 0.1 (which ends at user_data); fields a layout lacks take their defaults. Any other struct_size is
 * refused with NERVE_E_INVALID. The struct has no implicit padding.                                   Since 0.1 */
typedef struct nerve_train_options {
    uint32_t struct_size;       /* sizeof(nerve_train_options), set by nerve_train_options_init */
    int32_t  epochs;            /* >= 1; default 10 */
    int32_t  batch_size;        /* >= 1; 1 = stochastic, >= n = full-batch gradient descent; default 10 */
    float    learning_rate;     /* > 0; default 0.1 (use ~0.001 with Adam) */
    float    momentum;          /* SGD momentum coefficient in [0, 1); default 0 */
    float    l2;                /* λ >= 0 of L2 weight decay, scaled by λ/n as in the notes; biases excluded */
    float    l1;                /* λ >= 0 of L1 regularisation, scaled by λ/n; biases excluded */
    float    dropout;           /* probability in [0, 1) of dropping each hidden unit (inverted dropout) */
    int32_t  optimizer;         /* NERVE_OPTIMIZER_SGD (default) or NERVE_OPTIMIZER_ADAM */
    float    adam_beta1;        /* default 0.9 */
    float    adam_beta2;        /* default 0.999 */
    float    adam_epsilon;      /* default 1e-8 */
    int32_t  early_stopping;    /* patience in epochs without a better evaluation cost (evaluation data
                                   required, or a report_hook that supplies eval_cost), after which training
                                   ends and the best weights are restored; 0 = off (default) */
    float    lr_decay;          /* when evaluation cost has not improved for lr_patience epochs, divide the
                                   learning rate by this factor (> 1); 0 = off (default). Needs evaluation data
                                   (or a report_hook, as above) */
    int32_t  lr_patience;       /* default 5 */
    float    lr_min;            /* stop training when the learning rate falls below this; default 0 (never) */
    int32_t  shuffle;           /* non-zero: reshuffle the samples every epoch (default 1): each epoch trains a
                                   permutation of the samples as given, drawn from the network's generator
                                   (since 0.5; before, a permutation of the previous epoch's order) */
    int32_t  monitor_training;  /* NERVE_MONITOR_*; default NERVE_MONITOR_RUNNING */
    nerve_progress_fn progress; /* may be NULL */
    void    *user_data;         /* passed to progress untouched */
    /* Since 0.2 */
    int32_t  threads;           /* threads this call may use (see Cores), 1 .. NERVE_MAX_THREADS; 0 = the
                                   network's count from nerve_set_threads (default) */
    /* Since 0.4 */
    int32_t  steps_per_epoch;   /* optimizer steps per epoch; 0 = ceil(n / batch_size) (default). Step k trains
                                   the k-th batch of the epoch's order; steps beyond the last batch have no
                                   samples (rows = 0 in the gradient hook, zero gradient) but still apply
                                   the hook's gradient, regularisation and momentum: ranks of data-parallel
                                   training whose shards differ in size all take the largest rank's step
                                   count. Fewer steps than batches leave the rest of each epoch's order out */
    nerve_gradient_fn gradient_hook; /* may be NULL */
    nerve_report_fn   report_hook;   /* may be NULL */
    void    *hook_data;         /* passed to both hooks untouched; apart from user_data, so a layer that installs
                                   hooks (data-parallel training) leaves the caller's progress callback alone */
    int64_t  regularization_n;  /* the n in l2's and l1's λ/n (gradient and reported costs); 0 = the n given
                                   to nerve_train (default). Data-parallel ranks pass the total over all
                                   ranks, so each takes the step a single process would */
    /* Since 0.5 */
    const int32_t *cancel;      /* may be NULL; a flag the caller owns and keeps valid during nerve_train.
                                   Read by a relaxed atomic load before every mini-batch (and before an
                                   epoch's measurements); non-zero stops training with NERVE_STOPPED before
                                   the next mini-batch. Any thread, or a signal handler, may set it (a C11
                                   atomic_int or a volatile sig_atomic_t of 32 bits). Not reset by Nerve */
    nerve_batch_fn batch_progress; /* may be NULL; called after mini-batches, see nerve_batch_fn */
    double   batch_interval;    /* least seconds between two batch_progress calls, finite and >= 0; 0 = after
                                   every mini-batch; default 0.1 */
    const float *sample_weights; /* may be NULL (every weight 1, the default); else n finite weights >= 0, not
                                   all 0, owned by the caller and read during nerve_train. A sample of weight w
                                   counts as w copies of itself (scikit-learn's meaning): a mini-batch's cost is
                                   Σ wᵢCᵢ / Σ wᵢ over its samples (all weights 0: a zero gradient), so full-batch
                                   training with integer weights takes the steps of the data set with each sample
                                   repeated wᵢ times, and weight 0 removes a sample. The n of l2's and l1's λ/n
                                   becomes Σ wᵢ unless regularization_n is set; the reported training cost and
                                   accuracy are weighted alike (the evaluation figures are not) */
    int32_t  nesterov;          /* non-zero: Nesterov momentum, v ← μv − ηg; w ← w + μv − ηg (PyTorch's and
                                   scikit-learn's form). Needs momentum > 0 and NERVE_OPTIMIZER_SGD
                                   (NERVE_E_INVALID otherwise); default 0 */
    /* NERVE_OPTIMIZER_RPROP's factors and step sizes (see nerve_optimizer; FANN's defaults): finite, and checked
       whatever the optimizer (NERVE_E_INVALID otherwise) */
    float    rprop_increase;    /* > 1; default 1.2 */
    float    rprop_decrease;    /* in (0, 1); default 0.5 */
    float    rprop_delta_min;   /* >= 0, <= rprop_delta_zero; default 0 */
    float    rprop_delta_max;   /* >= rprop_delta_zero; default 50 */
    float    rprop_delta_zero;  /* the first step size; default 0.1 */
    int32_t  early_stopping_metric; /* NERVE_METRIC_*: what early stopping and lr_decay watch; default COST */
    float    min_improvement;   /* an epoch's evaluation figure counts as better only if it beats the best so far
                                   by more than this (scikit-learn's tol); finite, >= 0; default 0 (any
                                   improvement). Only a better epoch's weights are kept as the best */
    float    target_cost;       /* FANN's desired error: end training with NERVE_OK after the first epoch whose
                                   training cost, as reported (regularisation included, as the report hook leaves
                                   it), is <= this; with early stopping the best epoch's weights are restored as
                                   at any end. 0 = off (default); finite, >= 0; needs monitor_training other
                                   than NERVE_MONITOR_NONE (NERVE_E_INVALID otherwise) */
    int32_t  optimizer_state;   /* NERVE_OPTIMIZER_STATE_*: whether this call resumes and keeps the optimizer's
                                   state (see nerve_optimizer_state); default FRESH */
    int32_t  accuracy_rule;     /* NERVE_ACCURACY_*: how accuracy is scored (see nerve_accuracy_rule); default
                                   AUTO. Early stopping and lr_decay on accuracy need a rule other than NONE */
    int32_t  reserved;          /* 0; keeps the struct free of implicit padding */
} nerve_train_options;

/* Fills *opts with the defaults listed above. NULL is a no-op.                                       Since 0.1 */
void nerve_train_options_init(nerve_train_options *opts);

/* Trains `net` on n samples: x is n × input_size, y is n × output_size (one-hot rows for classification). eval_x /
 * eval_y (eval_n samples) are optional (NULL, NULL, 0) and are used for the report, early stopping and the
 * learning-rate schedule. opts may be NULL for the defaults. The network keeps the trained weights. Returns
 * NERVE_OK (also when early stopping, lr_min or target_cost ended training), NERVE_STOPPED (the progress or batch
 * callback asked to stop, or the cancel flag was set), or an error: NERVE_E_INVALID, NERVE_E_SIZE,
 * NERVE_E_UNSUPPORTED (step layer; RPROP with mini-batches), NERVE_E_BUSY, NERVE_E_NOMEM, NERVE_E_DIVERGED,
 * NERVE_E_ABORTED (a hook returned non-zero). Targets must lie in [0, 1] for the cross-entropy
 * and log-likelihood costs, and be >= 0 for Poisson (NERVE_E_INVALID otherwise). See Threads for concurrent use.
 *   Stopping between mini-batches (cancel, batch_progress; since 0.5): training ends before the next
 * mini-batch, within one mini-batch of the request. The network then holds the weights after the last completed
 * mini-batch, as a stop from the progress callback holds its epoch's; with early stopping on and an epoch measured,
 * the best epoch's instead. The epoch in progress is neither measured nor reported (no progress callback, no
 * report_hook, even if all its mini-batches ran): an epoch is complete once its report was delivered. The weights
 * are exactly those the uninterrupted run had after that mini-batch (stopped after step k of epoch 1, those of a
 * one-epoch run with steps_per_epoch = k and the same seed and options). If those steps left a non-finite
 * weight, the result is NERVE_E_DIVERGED with the last good epoch's weights. The network's random generator has
 * advanced by the shuffles and dropout masks of the steps taken (it is checked before an epoch's shuffle), so a
 * following nerve_train goes on from there; the learning-rate schedule belongs to one call and ends with it, and
 * the optimizer's state is kept (or not) as optimizer_state says, as after any return. A set flag at the start
 * trains nothing.       Since 0.1 */
nerve_status nerve_train(nerve_net *net, const float *x, const float *y, int64_t n,
                         const float *eval_x, const float *eval_y, int64_t eval_n,
                         const nerve_train_options *opts);

/* ---------------------------------------------------------------------------------------------------------------
 * Inference                                                                                          Since 0.1
 * ------------------------------------------------------------------------------------------------------------- */

/* Runs the network on n samples (x is n × input_size) and writes n × output_size floats to out, whose capacity
 * in floats is out_capacity (NERVE_E_CAPACITY if smaller). out must not overlap x (NERVE_E_INVALID since 0.4:
 * predicting in place would overwrite inputs still to be read). Dropout is off at prediction time. Safe to call
 * from many threads on one network. A sample's outputs are bit-identical whatever n and the thread count
 * (see Results).                                                                                     Since 0.1 */
nerve_status nerve_predict(const nerve_net *net, const float *x, int64_t n, float *out, int64_t out_capacity);

/* Cost (regularisation term excluded) and accuracy of the network on n samples, as defined for
 * nerve_epoch_report, with the rule chosen from these n rows of y: argmax agreement when every row is one-hot
 * (2 or more outputs), else per-label agreement after rounding at 0.5 when every target is 0 or 1, else
 * (regression targets) NaN. Either out-pointer may be NULL.                                          Since 0.1 */
nerve_status nerve_evaluate(const nerve_net *net, const float *x, const float *y, int64_t n,
                            float *cost, float *accuracy);

/* ---------------------------------------------------------------------------------------------------------------
 * Persistence                                                                                        Since 0.1
 * ------------------------------------------------------------------------------------------------------------- */

/* Saves the network to `path`, a NUL-terminated file name of at most 4095 bytes, used as given: its bytes are
 * not decoded, so names that are not UTF-8 work and stay distinct. The model is written to a temporary file
 * (".nerve-<pid>-<n>.tmp") in the target's directory, flushed to disk, then renamed over the target: a failure or
 * crash never destroys the previous model, and names up to the file system's limit work. Where the file system
 * supports O_TMPFILE the temporary file gets its name only once it is complete, so a killed process leaves no
 * partial file (at worst a complete temporary one).
 *   Symbolic links: a save writes through them to their final target (the links stay, as editors keep them);
 *   relative link targets are read from the link's directory; a loop fails with NERVE_E_IO.
 *   What is replaced: only a regular file. A directory, FIFO, socket or device at the target is refused with
 *   NERVE_E_IO and left as it was.
 *   Permissions: a replaced file keeps its mode and, where the process may set it, its owner and group; a new
 *   file gets 0666 less the umask.
 *   errno: unchanged by a successful save; messages name `path` (bytes that are not UTF-8 shown as \xNN).
 * Format: little-endian, magic "NERVEnet", format version (2 since 0.2), cost, self-sized layer records (kind,
 * activation, input and output shapes, window; since 0.5 a leaky-ReLU layer's slope when it is not the default:
 * 0.3 and 0.4 load every other file this version writes), generator state, parameters, CRC-32.
 * Errors: NERVE_E_INVALID (NULL, empty or too long path), NERVE_E_IO, NERVE_E_NOMEM.               Since 0.1 */
nerve_status nerve_save(const nerve_net *net, const char *path);

/* Loads a network saved by nerve_save, by this version or by 0.1 (format version 1). `path` as for nerve_save.
 * Anything but a regular file (FIFO, device, directory, socket) is refused with NERVE_E_IO without blocking.
 * The header is read first and its counts checked against the file's length, so a file of the wrong size is
 * refused with NERVE_E_FORMAT before the rest is read or memory is allocated for it; then the CRC and every
 * value are checked. Leaky-ReLU layers of files without a slope (all before 0.5) get
 * NERVE_DEFAULT_NEGATIVE_SLOPE. On success *out receives a new network
 * (free with nerve_free) with a thread count of 1.                                                  Since 0.1 */
nerve_status nerve_load(const char *path, nerve_net **out);

/* Number of bytes nerve_save_to_memory needs for this network.                                       Since 0.1 */
nerve_status nerve_serialized_size(const nerve_net *net, size_t *out_size);

/* Writes the model file's bytes to buffer (capacity bytes) and its length to *written. NERVE_E_CAPACITY if the
 * buffer is too small (query nerve_serialized_size first).                                           Since 0.1 */
nerve_status nerve_save_to_memory(const nerve_net *net, void *buffer, size_t capacity, size_t *written);

/* Loads a network from `size` bytes produced by nerve_save_to_memory or read from a model file. A size above
 * INT64_MAX is refused with NERVE_E_SIZE.                                                            Since 0.1 */
nerve_status nerve_load_from_memory(const void *buffer, size_t size, nerve_net **out);

/* ---------------------------------------------------------------------------------------------------------------
 * Errors without threads                                                                             Since 0.5
 *
 * nerve_last_error() is per OS thread. Runtimes that run many tasks on a few threads (Go's goroutines, Java's
 * virtual threads, async Rust, Kotlin and Swift concurrency) may move a task to another thread between the call
 * and the read, and read another task's message. Each function below behaves exactly as its namesake without _r
 * and then, if `error` is not NULL, fills *error with the call's outcome: the message is captured on the thread
 * that ran the call, before the call returns, so it is always the call's own. `error` may be NULL (the twin then
 * equals its namesake). The thread-local message is set as well, as by the namesake.
 * ------------------------------------------------------------------------------------------------------------- */

/* A failed call's status and message, filled by the _r functions. Caller-owned (on the stack is fine); needs no
 * initialisation and holds no pointers, so it never needs freeing.                                   Since 0.5 */
typedef struct nerve_error {
    nerve_status status;        /* what the call returned */
    uint32_t     length;        /* strlen(message) */
    char         message[1016]; /* NUL-terminated UTF-8: the message nerve_last_error() would give for this call
                                   when status < 0 (cut at a character boundary, ending in "…", if longer), and ""
                                   when status >= 0 */
} nerve_error;

/* The twins, in the order of their namesakes' sections.                                             Since 0.5 */
nerve_status nerve_enum_value_r(nerve_enumeration enumeration, const char *name, int32_t *value, nerve_error *error);
nerve_status nerve_create_r(nerve_net **out, const int32_t *sizes, int32_t n_sizes, const int32_t *activations,
                            nerve_cost_function cost, uint64_t seed, nerve_error *error);
nerve_status nerve_clone_r(const nerve_net *net, nerve_net **out, nerve_error *error);
nerve_status nerve_reinit_r(nerve_net *net, nerve_init init, uint64_t seed, nerve_error *error);
nerve_status nerve_initialize_r(nerve_net *net, nerve_init weights, nerve_bias_init biases, float bias_value,
                                uint64_t seed, nerve_error *error);
nerve_status nerve_create_layers_r(nerve_net **out, const int32_t input_shape[3], const nerve_layer_spec *layers,
                                   int32_t n_layers, size_t spec_size, nerve_cost_function cost, uint64_t seed,
                                   nerve_error *error);
nerve_status nerve_get_layer_spec_r(const nerve_net *net, int32_t layer, nerve_layer_spec *spec, size_t spec_size,
                                    nerve_error *error);
nerve_status nerve_layer_parameter_count_r(const nerve_net *net, int32_t layer, int64_t *weights, int64_t *biases,
                                           nerve_error *error);
nerve_status nerve_set_threads_r(nerve_net *net, int32_t threads, nerve_error *error);
nerve_status nerve_layer_info_r(const nerve_net *net, int32_t layer, int32_t *inputs, int32_t *outputs,
                                int32_t *activation, nerve_error *error);
nerve_status nerve_layer_shape_r(const nerve_net *net, int32_t layer, int32_t *kind, int32_t input[3],
                                 int32_t output[3], nerve_error *error);
nerve_status nerve_get_layer_r(const nerve_net *net, int32_t layer, float *weights, int64_t weights_capacity,
                               float *biases, int64_t biases_capacity, nerve_error *error);
nerve_status nerve_set_layer_r(nerve_net *net, int32_t layer, const float *weights, int64_t weights_count,
                               const float *biases, int64_t biases_count, nerve_error *error);
nerve_status nerve_get_parameters_r(const nerve_net *net, float *out, int64_t capacity, nerve_error *error);
nerve_status nerve_set_parameters_r(nerve_net *net, const float *values, int64_t count, nerve_error *error);
nerve_status nerve_cost_gradient_r(const nerve_net *net, const float *x, const float *y, int64_t n, float l2,
                                   float l1, double *cost, float *gradient, int64_t gradient_capacity,
                                   nerve_error *error);
nerve_status nerve_gradient_norms_r(const nerve_net *net, const float *x, const float *y, int64_t n,
                                    double *weight_norms, double *bias_norms, int32_t count, nerve_error *error);
nerve_status nerve_check_gradient_r(const nerve_net *net, const float *x, const float *y, int64_t n, double epsilon,
                                    const int64_t *indices, int64_t index_count, double *max_difference,
                                    nerve_error *error);
nerve_status nerve_train_r(nerve_net *net, const float *x, const float *y, int64_t n, const float *eval_x,
                           const float *eval_y, int64_t eval_n, const nerve_train_options *opts, nerve_error *error);
nerve_status nerve_predict_r(const nerve_net *net, const float *x, int64_t n, float *out, int64_t out_capacity,
                             nerve_error *error);
nerve_status nerve_evaluate_r(const nerve_net *net, const float *x, const float *y, int64_t n, float *cost,
                              float *accuracy, nerve_error *error);
nerve_status nerve_save_r(const nerve_net *net, const char *path, nerve_error *error);
nerve_status nerve_load_r(const char *path, nerve_net **out, nerve_error *error);
nerve_status nerve_serialized_size_r(const nerve_net *net, size_t *out_size, nerve_error *error);
nerve_status nerve_save_to_memory_r(const nerve_net *net, void *buffer, size_t capacity, size_t *written,
                                    nerve_error *error);
nerve_status nerve_load_from_memory_r(const void *buffer, size_t size, nerve_net **out, nerve_error *error);

#ifdef __cplusplus
}
#endif

#endif /* NERVE_H */
