/// Costs of the output layer. Raw values are the C enum's (NERVE_COST_*) and the model file's.
public enum Cost: Int32, CaseIterable, Sendable {
    case quadratic = 0, crossEntropy, logLikelihood, poisson

    public var name: String {
        switch self {
        case .quadratic: return "quadratic"
        case .crossEntropy: return "cross-entropy"
        case .logLikelihood: return "log-likelihood"
        case .poisson: return "Poisson"
        }
    }

    /// Cross-entropy needs outputs in (0,1) that are independent probabilities, log-likelihood a distribution,
    /// Poisson positive rates through the log link (exp outputs, as in scikit-learn and GLMs).
    public func admits(output: Activation) -> Bool { self == .quadratic || output == matchingOutput }

    /// The output activation each cost other than quadratic requires; the pair's σ′ cancels, giving δ = a − y
    /// (the notes' reason for pairing them).
    var matchingOutput: Activation? {
        switch self {
        case .quadratic: return nil
        case .crossEntropy: return .sigmoid
        case .logLikelihood: return .softmax
        case .poisson: return .exp
        }
    }

    func cancelsDerivative(of output: Activation) -> Bool { output == matchingOutput }

    /// Logs are clamped at −100 (as PyTorch does) so a saturated output gives a large finite cost, not inf/NaN.
    @inline(__always)
    static func clampedLog(_ x: Float) -> Float { x > 0 ? max(_logf(x), -100) : -100 }

    /// Sum over `rows` samples of the per-sample cost (Double accumulation keeps large sets exact enough).
    package func total(outputs a: UnsafePointer<Float>, targets y: UnsafePointer<Float>, rows: Int, columns: Int)
        -> Double
    {
        let count = rows * columns
        var sum: Double = 0
        switch self {
        case .quadratic:
            for i in 0..<count { let d = a[i] - y[i]; sum += Double(d * d) }
            return 0.5 * sum
        case .crossEntropy:
            for i in 0..<count {
                let t = y[i], v = a[i]
                sum -= Double(t * Cost.clampedLog(v) + (1 - t) * Cost.clampedLog(1 - v))
            }
            return sum
        case .logLikelihood:
            for i in 0..<count where y[i] != 0 { sum -= Double(y[i] * Cost.clampedLog(a[i])) }
            return sum
        case .poisson:
            // Half the Poisson deviance, y ln(y/a) − y + a (0 at a = y), as scikit-learn reports it. Each term in
            // Float, as the other costs' are: a Double sum of Float terms comes out the same however the rows
            // were split (short of extreme magnitude ranges). ln a is clamped at −100 as for the other costs.
            for i in 0..<count {
                let t = y[i], v = a[i]
                sum += Double(t > 0 ? t * min(_logf(t / v), _logf(t) + 100) - t + v : v)
            }
            return sum
        }
    }

    /// Writes the output layer's error δ = ∂C/∂z for each sample (BP1); `negativeSlope` is the output layer's
    /// leaky-ReLU slope.
    package func outputError(outputs a: UnsafePointer<Float>, targets y: UnsafePointer<Float>,
                            activation: Activation, negativeSlope: Float, into delta: UnsafeMutablePointer<Float>,
                            rows: Int, columns: Int) {
        let count = rows * columns
        if cancelsDerivative(of: activation) {
            for i in 0..<count { delta[i] = a[i] - y[i] }
            return
        }
        switch self {
        case .quadratic:
            for i in 0..<count { delta[i] = a[i] - y[i] }
        case .crossEntropy:
            for i in 0..<count {
                let v = min(max(a[i], 1e-7), 1 - 1e-7)
                delta[i] = (v - y[i]) / (v * (1 - v))
            }
        case .logLikelihood:
            for i in 0..<count { delta[i] = -y[i] / max(a[i], 1e-30) }
        case .poisson:
            for i in 0..<count { delta[i] = 1 - y[i] / max(a[i], 1e-30) }
        }
        activation.backpropagate(outputs: a, gradient: delta, rows: rows, columns: columns,
                                 negativeSlope: negativeSlope)
    }
}

extension Cost {
    /// Cross-entropy and log-likelihood read targets as probabilities, so they must lie in [0, 1]; Poisson's are
    /// counts or rates, >= 0.
    package func checkTargets(_ y: UnsafePointer<Float>, count: Int) throws {
        switch self {
        case .quadratic: return
        case .poisson:
            for i in 0..<count where !(y[i] >= 0) {
                throw NerveError.invalid("target value \(y[i]) at index \(i) is negative; the Poisson cost needs targets >= 0")
            }
            return
        case .crossEntropy, .logLikelihood: break
        }
        for i in 0..<count where !(y[i] >= 0 && y[i] <= 1) {
            throw NerveError.invalid("target value \(y[i]) at index \(i) is outside [0, 1], which the \(name) cost needs")
        }
    }
}
