/// How biases are first set. Raw values are the C enum's (NERVE_BIAS_*).
public enum BiasInit: Int32, CaseIterable, Sendable {
    /// 0: the default since 0.5. A unit then starts on the active side of a ReLU for about half its inputs,
    /// where N(0, 1) biases switch off whole units of small layers, each seed different ones.
    case zero = 0
    /// N(0, 1): the notes' network2, for reproducing them.
    case normal
    /// One given value for every bias (a small positive one keeps ReLU units on at the start).
    case constant

    /// Sets a layer's `count` biases, drawing from `random` only for `normal`.
    func fill(_ biases: UnsafeMutablePointer<Float>, count: Int, value: Float, random: inout Random) {
        switch self {
        case .zero: biases.update(repeating: 0, count: count)
        case .normal: for k in 0..<count { biases[k] = Float(random.nextGaussian()) }
        case .constant: biases.update(repeating: value, count: count)
        }
    }
}
