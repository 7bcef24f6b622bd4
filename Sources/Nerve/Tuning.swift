/// Every threshold that trades overhead against parallelism, in one place. None of them changes a result:
/// chunks only decide which thread computes which outputs, never the order of any sum.
enum Tuning {
    /// A chunk of a matrix product is up to chunkRowsOf… × chunkColumns outputs. Measured with two threads on
    /// workload B's largest forward product (128 × 784 → 256): 24 × 128 blocks took 383 µs per product, 48 × 64
    /// 425, 48 × 128 460, 128 × 64 535 and 48 × 16 536 (one thread alone: about 740). Skinny blocks lose the
    /// kernels' panel reuse; big ones leave a thread idle at the end. 24 rows hold whole register tiles of 3,
    /// 4, 6 and 8 rows.
    static let chunkRowsOfX = 24
    /// The backward products (nerve_gemm_nn) copy a panel of B per block, so they want taller blocks: B's
    /// weight gradient (256 × 784, summed over 128 rows) cut into blocks of 128 columns took 677 µs on one
    /// thread with 24 rows, 605 with 64, 601 with 128 and 580 uncut.
    static let chunkRowsOfA = 64
    static let chunkColumns = 128

    /// Products are cut into at least this many chunks (columns cut finer) so both threads of a small
    /// mini-batch (workload A: 10 rows) get work.
    static let minimumChunks = 4

    /// At most this many chunks per product (row blocks grow), so bookkeeping stays small for huge products.
    static let maxProductChunks = 256

    /// Products smaller than this run on the calling thread alone: waking a sleeping helper takes 5–50 µs,
    /// longer than such a product.
    static let minimumParallelWork = 1 << 17

    /// Elements per chunk of element-wise work (activations, optimizer steps).
    static let elementChunk = 1 << 14

    /// Element-wise passes shorter than this are not shared.
    static let minimumParallelElements = 1 << 15

    /// Prediction calls with fewer multiply-adds in total (about 50 µs of work) start no helper thread:
    /// starting and joining one costs tens of microseconds.
    static let minimumThreadedPrediction = 1 << 22

    /// How often a helper waiting for work yields its core and looks again before it sleeps on a condition
    /// variable. Each look is one sched_yield (under a microsecond when nothing else wants the core, and the
    /// core goes to whoever does), so 1000 looks outlast the serial steps between the products of a
    /// mini-batch and the next product finds the helper awake, without it ever holding a core someone wants.
    static let yieldsBeforeSleeping = 1000

    /// The caller waits for its helpers' last chunks awake for up to two of its own chunk times, at most
    /// this long, then sleeps. Waking from a sleep costs 10–50 µs, more than a chunk, so sleeping at once
    /// would cost a wake-up per product; the bound keeps a caller whose helper lost its core from spinning.
    static let longestAwakeWait = 200e-6

    /// A wait for helpers longer than this plus two of the caller's own chunk times means one was off its
    /// core; the caller then works alone for minimumSoloSeconds, doubling up to maximumSoloSeconds while it
    /// recurs. At 100 µs, hiccups of the virtual machine on an otherwise quiet host sent the caller of
    /// workload B alone for a fifth of its time (213 of 942 jobs); at 1 ms none did, and beside a busy
    /// process (whose time slices are milliseconds) two threads still took 1.11× one thread's time.
    static let stallSeconds = 1e-3
    static let minimumSoloSeconds = 0.01
    static let maximumSoloSeconds = 1.0

    /// Convolution and pooling cut a mini-batch into at most this many groups of samples (SampleGroups):
    /// enough chunks to keep 2 to 4 threads busy, few enough that summing a convolution's per-group partial
    /// weight gradients stays cheap (16 groups made that sum 3 % of a batch of 64 on the benchmark's CNN).
    static let sampleGroups = 8

    /// Training keeps a layer's forward results for its backward pass only up to this many floats (256 MiB);
    /// beyond that (full-batch training on big images) they are recomputed.
    static let maxKeptFloats = 1 << 26

    /// Rows of samples a cost-and-gradient call backpropagates at once, whatever its n: the chunks' gradients
    /// are summed in order, so memory stays bounded and the result depends on the data alone.
    static let gradientRows = 256

    /// Rows of samples a prediction pushes through the network at once (capped by ~4 MiB per buffer).
    static let inferenceRows = 1024
    static let inferenceBufferFloats = 1 << 20
}
