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
    func forward(input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                 output: UnsafeMutablePointer<Float>)

    /// Given δ (rows × outputs, already ∂C/∂z), writes scale · ∂C/∂parameters summed over the rows (BP3, BP4) into
    /// `gradient`, and, when `inputGradient` is given, ∂C/∂input (rows × inputs) before the previous layer's
    /// activation derivative (the first half of BP2).
    func backward(input: UnsafePointer<Float>, delta: UnsafePointer<Float>, rows: Int,
                  parameters: UnsafePointer<Float>, scale: Float, gradient: UnsafeMutablePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?)
}
