/// What a network asks of a layer. A layer owns no storage: its parameters are a block of the network's one
/// contiguous buffer and its gradient the block at the same offset of a gradient buffer, so optimizers, model
/// files and gradient checks all see flat arrays. Activation and dropout are stages the network applies to
/// every layer's output alike, so a layer computes only its pre-activation z.
package protocol Layer: Sendable {
    var spec: LayerSpec { get }
    var parameterCount: Int { get }
    /// Parameters [0, weightCount) are weights (regularised); the rest are biases (never regularised).
    var weightCount: Int { get }
    /// Inputs feeding one unit, for initialisation schemes (a convolution's is channels × kernel area).
    var fanIn: Int { get }
    /// Units one input feeds, for the schemes that balance the backward pass too (a convolution's is
    /// filters × kernel area, as PyTorch and Keras count it).
    var fanOut: Int { get }
    /// Multiply-adds (or comparisons) of one sample's forward pass: what decides whether sharing pays.
    var multiplyAdds: Int { get }
    /// Floats of working memory the forward pass (and, when `training`, the backward pass) needs for up to
    /// `rows` samples, allocated once by the caller so that a pass itself allocates nothing and cannot fail.
    func scratchCount(rows: Int, training: Bool) -> Int
    /// Floats a training forward pass may keep for the backward pass of the same rows (a convolution's
    /// lowered patches), so the backward pass need not recompute them.
    func keptCount(rows: Int) -> Int

    /// z for `rows` samples: input is rows × spec.input values, z rows × spec.output values.
    func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                 into z: UnsafeMutablePointer<Float>, memory: LayerMemory, team: WorkerTeam?)

    /// Given δ = ∂C/∂z for `rows` samples, writes ∂C/∂input to `inputGradient` when asked (BP2 before the
    /// previous layer's activation derivative, or after it when `absorbing` names that activation), then hands
    /// this layer's parameter gradient summed over the rows (BP3, BP4) to `gradient`. δ may be overwritten
    /// once ∂C/∂input is written.
    func backward(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int,
                  parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                  absorbing: Activation?, gradient: GradientSink, memory: LayerMemory, team: WorkerTeam?)

    /// Whether `backward` can apply the derivative of the layer below's activation itself, for less than the
    /// separate pass over the layer below's values costs.
    func absorbsDerivative(of activation: Activation) -> Bool
}

extension Layer {
    /// Values per sample in and out.
    package var inputs: Int { spec.input.count! }
    package var outputs: Int { spec.output.count! }
    package var activation: Activation { spec.activation }
    package var negativeSlope: Float { spec.negativeSlope }
    package func scratchCount(rows: Int, training: Bool) -> Int { 0 }
    package func keptCount(rows: Int) -> Int { 0 }
    package func absorbsDerivative(of activation: Activation) -> Bool { false }
}

/// The memory a layer works in: scratch shared by all layers of a pass (one runs at a time), and, in
/// training when it fits, the layer's own block that survives from its forward to its backward pass.
package struct LayerMemory {
    package let scratch: UnsafeMutablePointer<Float>
    package let kept: UnsafeMutablePointer<Float>?

    package init(scratch: UnsafeMutablePointer<Float>, kept: UnsafeMutablePointer<Float>? = nil) {
        self.scratch = scratch
        self.kept = kept
    }
}

/// Where a layer's parameter gradient g goes: block ← scale·g, or block ← block + scale·g when accumulating.
/// A plain gradient is scale 1 into a gradient buffer; plain gradient descent (no momentum, no regularisation)
/// is scale −η accumulated straight into the parameters, which saves a pass over every parameter per
/// mini-batch (about 8 % of workload A's training time).
package struct GradientSink {
    package let block: UnsafeMutablePointer<Float>
    package let scale: Float
    package let accumulate: Bool

    package init(block: UnsafeMutablePointer<Float>, scale: Float = 1, accumulate: Bool = false) {
        self.block = block
        self.scale = scale
        self.accumulate = accumulate
    }

    /// The same sink for the block that starts `offset` parameters further on.
    func advanced(by offset: Int) -> GradientSink {
        GradientSink(block: block + offset, scale: scale, accumulate: accumulate)
    }
}
