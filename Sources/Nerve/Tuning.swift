/// Every threshold that trades overhead against parallelism, in one place. None of them changes a result:
/// chunks only decide which thread computes which outputs, never the order of any sum.
enum Tuning {
    /// Multiply-adds per chunk of a matrix product. Claiming a chunk costs one atomic add (~20 ns) and a
    /// chunk this size takes about 3 µs on one Zen 4 core, so a late helper costs the caller at most that,
    /// while a product of workload A's first layer (10 × 784 × 100) still splits into a handful of chunks.
    static let productChunkWork = 1 << 18

    /// Row blocks are multiples of this: 24 holds whole register tiles of 3, 4, 6 and 8 rows.
    static let rowMultiple = 24

    /// At most this many chunks per product, so bookkeeping stays small for huge products.
    static let maxProductChunks = 256

    /// Products smaller than this run on the calling thread alone: waking a sleeping helper takes 5–50 µs,
    /// longer than such a product.
    static let minimumParallelWork = 1 << 17

    /// Elements per chunk of element-wise work (activations, optimizer steps).
    static let elementChunk = 1 << 14

    /// Element-wise passes shorter than this are not shared.
    static let minimumParallelElements = 1 << 15

    /// Prediction calls with fewer multiply-adds in total start no helper thread: starting and joining one
    /// costs about 50 µs.
    static let minimumThreadedPrediction = 1 << 22

    /// How often a helper waiting for work yields its core and looks again before it sleeps on a condition
    /// variable. Each look is one sched_yield (about 1 µs when nothing else wants the core, and the core goes
    /// to whoever does), so products that follow each other within a mini-batch find the helper awake without
    /// it ever spinning on a core.
    static let yieldsBeforeSleeping = 64

    /// How many times the caller looks for its helpers' last chunks before sleeping until they are done: a few
    /// microseconds. It never yields meanwhile: under contention a yield can hand its core to another process
    /// for a whole time slice.
    static let spinsBeforeSleeping = 2_000

    /// A wait for helpers longer than this means one was off its core (a chunk takes a few microseconds);
    /// the caller then works alone for minimumSoloSeconds, doubling up to maximumSoloSeconds while it recurs.
    static let stallSeconds = 100e-6
    static let minimumSoloSeconds = 0.01
    static let maximumSoloSeconds = 1.0

    /// Rows of samples a prediction pushes through the network at once (capped by ~4 MiB per buffer).
    static let inferenceRows = 1024
    static let inferenceBufferFloats = 1 << 20
}
