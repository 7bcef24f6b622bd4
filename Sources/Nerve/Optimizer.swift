#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies one mini-batch's mean gradient to the parameters: SGD (with optional momentum) or Adam, with L2 and L1
/// terms added to the weights' gradient only, scaled by λ/n as in the notes.
final class Optimizer {
    private let kind: OptimizerKind
    private let momentum: Float
    private let beta1: Float, beta2: Float, epsilon: Float
    private let velocity: FloatBuffer?
    private let secondMoment: FloatBuffer?
    private var steps = 0

    init(options: TrainingOptions, parameterCount: Int) throws {
        kind = options.optimizer
        momentum = options.momentum
        beta1 = options.adamBeta1
        beta2 = options.adamBeta2
        epsilon = options.adamEpsilon
        let needsVelocity = kind == .adam || momentum > 0
        velocity = needsVelocity ? try FloatBuffer(count: parameterCount) : nil
        secondMoment = kind == .adam ? try FloatBuffer(count: parameterCount) : nil
    }

    /// `l2` and `l1` are already divided by the training set size n.
    func step(_ network: Network, gradient: FloatBuffer, learningRate: Float, l2: Float, l1: Float) {
        let g = gradient.base
        if l2 != 0 || l1 != 0 {
            for (i, layer) in network.layers.enumerated() {
                let w = network.parameters(ofLayer: i), gw = g + network.offsets[i]
                for k in 0..<layer.weightCount {
                    let v = w[k]
                    let sign: Float = v > 0 ? 1 : (v < 0 ? -1 : 0)
                    gw[k] += l2 * v + l1 * sign
                }
            }
        }
        let p = network.parameters.base, count = network.parameterCount
        switch kind {
        case .sgd:
            if let v = velocity?.base {
                for k in 0..<count { let next = momentum * v[k] - learningRate * g[k]; v[k] = next; p[k] += next }
            } else {
                for k in 0..<count { p[k] -= learningRate * g[k] }
            }
        case .adam:
            guard let m = velocity?.base, let s = secondMoment?.base else { return }
            steps += 1
            let correction1 = 1 - powf(beta1, Float(steps)), correction2 = 1 - powf(beta2, Float(steps))
            let rate = learningRate * correction2.squareRoot() / correction1
            let epsilonHat = epsilon * correction2.squareRoot()
            for k in 0..<count {
                let gk = g[k]
                m[k] = beta1 * m[k] + (1 - beta1) * gk
                s[k] = beta2 * s[k] + (1 - beta2) * gk * gk
                p[k] -= rate * m[k] / (s[k].squareRoot() + epsilonHat)
            }
        }
    }
}
