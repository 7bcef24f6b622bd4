/// Activation functions of a layer. Raw values are the C enum's (NERVE_ACT_*) and the model file's.
public enum Activation: Int32, CaseIterable, Sendable {
    case sigmoid = 0, tanh, relu, leakyRelu, linear, softmax, step, exp

    /// Leaky ReLU's slope below zero when a layer does not set its own (NERVE_DEFAULT_NEGATIVE_SLOPE).
    public static let defaultNegativeSlope: Float = 0.01

    public var name: String { identifier.description }

    /// Step has no useful derivative, so a network containing it can only predict.
    public var isTrainable: Bool { self != .step }

    /// Applies the function in place to `rows` rows of `columns` pre-activations z. `negativeSlope` is the
    /// layer's leaky-ReLU slope; other functions ignore it.
    package func apply(_ z: UnsafeMutablePointer<Float>, rows: Int, columns: Int, negativeSlope: Float) {
        let count = rows * columns
        switch self {
        case .sigmoid:
            for i in 0..<count { z[i] = 1 / (1 + _expf(-z[i])) }
        case .tanh:
            for i in 0..<count { z[i] = _tanhf(z[i]) }
        case .relu:
            for i in 0..<count { z[i] = max(z[i], 0) }
        case .leakyRelu:
            for i in 0..<count { let v = z[i]; z[i] = v >= 0 ? v : v * negativeSlope }
        case .linear:
            break
        case .softmax:
            for r in 0..<rows { Activation.softmaxRow(z + r * columns, columns) }
        case .step:
            for i in 0..<count { z[i] = z[i] >= 0 ? 1 : 0 }
        case .exp:
            for i in 0..<count { z[i] = _expf(z[i]) }
        }
    }

    /// Shifted by the row's maximum so large inputs cannot overflow exp.
    @inline(__always)
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        var top = row[0]
        for j in 1..<max(n, 1) where row[j] > top { top = row[j] }
        var sum: Float = 0
        for j in 0..<n { let e = _expf(row[j] - top); row[j] = e; sum += e }
        let scale = 1 / sum
        for j in 0..<n { row[j] *= scale }
    }

    /// Turns g = ∂C/∂a into ∂C/∂z in place, given the layer's outputs a. Every derivative is written in terms of
    /// a, so z need not be kept: σ′ = a(1−a), tanh′ = 1−a², ReLU′ = [a>0], exp′ = a, softmax's Jacobian
    /// a_j(δ_jk − a_k); leaky ReLU's slope is positive, so a has z's sign and a ≥ 0 tells the side of the kink.
    package func backpropagate(outputs a: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                              rows: Int, columns: Int, negativeSlope: Float) {
        let count = rows * columns
        switch self {
        case .sigmoid:
            for i in 0..<count { let v = a[i]; g[i] *= v * (1 - v) }
        case .tanh:
            for i in 0..<count { let v = a[i]; g[i] *= 1 - v * v }
        // Selects, not branches: half the units are off and a branch would be mispredicted half the time.
        case .relu:
            for i in 0..<count { g[i] = a[i] > 0 ? g[i] : 0 }
        case .leakyRelu:
            for i in 0..<count { g[i] *= a[i] >= 0 ? 1 : negativeSlope }
        case .linear:
            break
        case .softmax:
            for r in 0..<rows {
                let ar = a + r * columns, gr = g + r * columns
                var dot: Float = 0
                for j in 0..<columns { dot += gr[j] * ar[j] }
                for j in 0..<columns { gr[j] = ar[j] * (gr[j] - dot) }
            }
        case .exp:
            for i in 0..<count { g[i] *= a[i] }
        case .step:
            preconditionFailure("step layers are refused for training before backpropagation")
        }
    }
}
