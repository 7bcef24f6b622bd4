/// How weights are first drawn. Raw values are the C enum's (NERVE_INIT_*). Biases are drawn from N(0, 1).
public enum WeightInit: Int32, CaseIterable, Sendable {
    /// He for ReLU-family layers, normalized for the rest.
    case auto = 0
    /// N(0, 1/√n_in): keeps z small so sigmoid neurons start unsaturated (the notes' default).
    case normalized
    /// N(0, 1): the notes' "large" initialisation, for comparison.
    case large
    /// N(0, √(2/n_in)): keeps the variance of ReLU activations steady through depth.
    case he

    /// The standard deviation of a layer's weights, from the inputs feeding each of its units.
    func standardDeviation(for layer: any Layer) -> Double {
        switch self {
        case .auto:
            let relu = layer.activation == .relu || layer.activation == .leakyRelu
            return (relu ? WeightInit.he : .normalized).standardDeviation(for: layer)
        case .normalized: return 1 / Double(layer.fanIn).squareRoot()
        case .large: return 1
        case .he: return (2 / Double(layer.fanIn)).squareRoot()
        }
    }
}
