/// What the network asks of a layer. A layer owns no storage: its parameters live in the network's one
/// contiguous buffer (weights first, then biases) so saving, optimizers and gradient checks see a flat array.
public protocol Layer: Sendable {
    /// Model-file tag of the layer kind.
    static var kind: UInt32 { get }
    var inputs: Int { get }
    var outputs: Int { get }
    var activation: Activation { get }
    var parameterCount: Int { get }
    /// Parameters [0, weightCount) are weights (regularised); the rest are biases (never regularised).
    var weightCount: Int { get }

    /// a = f(z) for `rows` samples; input is rows × inputs, output rows × outputs.
    /// `worker`, when given, may take half of the layer's matrix products.
    func forward(input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                 output: UnsafeMutablePointer<Float>, worker: SplitWorker?)

    /// Given δ (rows × outputs, already ∂C/∂z), first writes ∂C/∂input (rows × inputs) to `inputGradient` when
    /// given — the first half of BP2, before the previous layer's activation derivative — and then folds the
    /// parameter gradient summed over the rows (BP3, BP4) into `target`. The order matters: `target` may be the
    /// parameters themselves.
    func backward(input: UnsafePointer<Float>, delta: UnsafePointer<Float>, rows: Int,
                  parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                  target: GradientTarget, worker: SplitWorker?)
}

/// Where a layer's parameter gradient goes: block ← keep · block + scale · Σ_rows ∂C/∂θ, with separate keep factors
/// for weights and biases. A plain gradient is keep 0; an SGD step writes straight into the parameters with
/// scale −η/m and keep 1 − ηλ/n (weight decay); momentum writes into the velocity with keep μ. Folding the
/// update into the matrix product saves a pass over every weight per mini-batch.
public struct GradientTarget {
    public var block: UnsafeMutablePointer<Float>
    public var scale: Float
    public var keepWeights: Float
    public var keepBiases: Float

    public init(block: UnsafeMutablePointer<Float>, scale: Float, keepWeights: Float = 0, keepBiases: Float = 0) {
        self.block = block
        self.scale = scale
        self.keepWeights = keepWeights
        self.keepBiases = keepBiases
    }
}
