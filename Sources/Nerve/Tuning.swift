/// Every threshold that trades overhead against parallelism, in one place. None of them changes a result:
/// chunks only decide which thread computes which outputs, never the order of any sum.
enum Tuning {
    /// Multiply-adds per chunk of a matrix product. Claiming a chunk costs one atomic add (~20 ns) and a
    /// chunk this size takes about 3 µs on one Zen 4 core, so a late helper costs the caller at most that,
    /// while a product of workload A's first layer (10 × 784 × 100) still splits into a handful of chunks.
    static let productChunkWork = 1 << 16

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

    /// How often a thread that waits for work or for a product to finish yields its core and looks again
    /// before it sleeps on a condition variable. Each look is one sched_yield (about 1 µs when nothing else
    /// wants the core, and the core goes to whoever does), so products that follow each other within a
    /// mini-batch find the helper awake without a thread ever spinning on a core.
    static let yieldsBeforeSleeping = 64

    /// Rows of samples a prediction pushes through the network at once (capped by ~4 MiB per buffer).
    static let inferenceRows = 1024
    static let inferenceBufferFloats = 1 << 20
}
