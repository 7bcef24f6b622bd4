/// How weights are first drawn, per layer from its fan-in and fan-out. Raw values are the C enum's
/// (NERVE_INIT_*); biases have their own rule (BiasInit).
public enum WeightInit: Int32, CaseIterable, Sendable {
    /// He for ReLU-family layers, normalized for the rest.
    case auto = 0
    /// N(0, 1/√n_in): keeps z small so sigmoid neurons start unsaturated (the notes' default).
    case normalized
    /// N(0, 1): the notes' "large" initialisation, for comparison.
    case large
    /// N(0, √(2/n_in)): keeps the variance of ReLU activations steady through depth.
    case he
    /// U(±√(6/(n_in + n_out))): Glorot and Bengio's compromise between steady activations (n_in) and steady
    /// gradients (n_out), for tanh and sigmoid layers.
    case glorotUniform
    /// N(0, √(2/(n_in + n_out))): the same variance as glorotUniform.
    case glorotNormal
    /// N(0, √(1/n_in)): steady variance for linear and self-normalising layers.
    case lecunNormal

    /// The law a layer's weights are drawn from.
    enum Distribution: Equatable {
        case normal(deviation: Double)
        /// Uniform on (−limit, limit].
        case uniform(limit: Double)
    }

    func distribution(for layer: any Layer) -> Distribution {
        let fanIn = Double(layer.fanIn), fanOut = Double(layer.fanOut)
        switch self {
        case .auto:
            let relu = layer.activation == .relu || layer.activation == .leakyRelu
            return (relu ? WeightInit.he : .normalized).distribution(for: layer)
        case .normalized: return .normal(deviation: 1 / fanIn.squareRoot())
        case .large: return .normal(deviation: 1)
        case .he: return .normal(deviation: (2 / fanIn).squareRoot())
        case .glorotUniform: return .uniform(limit: (6 / (fanIn + fanOut)).squareRoot())
        case .glorotNormal: return .normal(deviation: (2 / (fanIn + fanOut)).squareRoot())
        case .lecunNormal: return .normal(deviation: (1 / fanIn).squareRoot())
        }
    }

    /// Draws a layer's `count` weights in order from `random`.
    func draw(for layer: any Layer, into weights: UnsafeMutablePointer<Float>, count: Int, random: inout Random) {
        switch distribution(for: layer) {
        case .normal(let deviation):
            for k in 0..<count { weights[k] = Float(random.nextGaussian() * deviation) }
        case .uniform(let limit):
            for k in 0..<count { weights[k] = Float((2 * random.nextOpenUnitDouble() - 1) * limit) }
        }
    }
}
