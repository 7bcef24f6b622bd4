/// What a network asks of a layer. A layer owns no storage: its parameters are a block of the network's one
/// contiguous buffer and its gradient the block at the same offset of a gradient buffer, so optimizers, model
/// files and gradient checks all see flat arrays. Activation and dropout are stages the network applies to
/// every layer's output alike, so a layer computes only its pre-activation z.
package protocol Layer: Sendable {
    var spec: LayerSpec { get }
    var parameterCount: Int { get }
    /// Parameters [0, weightCount) are weights (regularised); the rest are biases (never regularised).
    var weightCount: Int { get }
    /// Inputs and outputs feeding one unit, for initialisation schemes.
    var fanIn: Int { get }
    var fanOut: Int { get }

    /// z for `rows` samples: input is rows × spec.input values, z rows × spec.output values.
    func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                 into z: UnsafeMutablePointer<Float>, team: WorkerTeam?)

    /// Given δ = ∂C/∂z for `rows` samples, writes ∂C/∂input to `inputGradient` when asked (BP2 before the
    /// previous layer's activation derivative) and this layer's parameter gradient summed over the rows
    /// (BP3, BP4) to `parameterGradient`, overwriting it.
    func backward(input: UnsafePointer<Float>, delta: UnsafePointer<Float>, rows: Int,
                  parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                  parameterGradient: UnsafeMutablePointer<Float>, team: WorkerTeam?)
}

extension Layer {
    /// Values per sample in and out.
    package var inputs: Int { spec.input.count! }
    package var outputs: Int { spec.output.count! }
    package var activation: Activation { spec.activation }
}
