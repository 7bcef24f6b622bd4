#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns each mini-batch's gradient into a parameter update: SGD (with optional momentum) or Adam, with L2 and L1
/// terms on the weights only, scaled by λ/n as in the notes.
///
/// Plain SGD and momentum without L1 fold the update into the backward matrix products (see GradientTarget), so
/// no gradient buffer is written at all; Adam and L1 need the raw gradient and take a separate pass.
final class Optimizer {
    private enum Rule { case direct, momentum, fromGradient }

    private let kind: OptimizerKind
    private let rule: Rule
    private let momentum: Float
    private let beta1: Float, beta2: Float, epsilon: Float
    /// λ/n for the whole training set.
    private let l2: Float, l1: Float
    private let velocity: FloatBuffer?
    private let secondMoment: FloatBuffer?
    private let gradient: FloatBuffer?
    private var steps = 0

    init(options: TrainingOptions, parameterCount: Int, samples n: Int) throws {
        kind = options.optimizer
        momentum = options.momentum
        beta1 = options.adamBeta1
        beta2 = options.adamBeta2
        epsilon = options.adamEpsilon
        l2 = options.l2 / Float(n)
        l1 = options.l1 / Float(n)
        rule = kind == .adam || l1 != 0 ? .fromGradient : (momentum > 0 ? .momentum : .direct)
        let needsVelocity = kind == .adam || momentum > 0
        velocity = needsVelocity ? try FloatBuffer(count: parameterCount) : nil
        secondMoment = kind == .adam ? try FloatBuffer(count: parameterCount) : nil
        gradient = rule == .fromGradient ? try FloatBuffer(count: parameterCount) : nil
    }

    /// Where layer `index`'s gradient for a batch of `rows` samples should go.
    func target(layer index: Int, of network: Network, rows: Int, learningRate: Float) -> GradientTarget {
        let offset = network.offsets[index]
        let step = learningRate / Float(rows)
        switch rule {
        case .direct:
            return GradientTarget(block: network.parameters.base + offset, scale: -step,
                                  keepWeights: 1 - learningRate * l2, keepBiases: 1)
        case .momentum:
            return GradientTarget(block: velocity!.base + offset, scale: -step, keepWeights: momentum,
                                  keepBiases: momentum)
        case .fromGradient:
            return GradientTarget(block: gradient!.base + offset, scale: 1 / Float(rows))
        }
    }

    /// Completes the batch's update once every layer has written its gradient.
    func finish(_ network: Network, learningRate: Float, worker: SplitWorker?) {
        let p = network.parameters.base
        var update = ParameterUpdate()
        update.range = 0..<network.parameterCount
        update.parameters = p
        update.learningRate = learningRate
        switch rule {
        case .direct:
            return
        case .momentum:
            let v = velocity!.base
            if l2 != 0 {
                forEachWeight(of: network) { k in v[k] -= learningRate * l2 * p[k] }
            }
            update.rule = .addVelocity
            update.velocity = v
        case .fromGradient:
            let g = gradient!.base
            if l2 != 0 || l1 != 0 {
                forEachWeight(of: network) { k in
                    let w = p[k]
                    g[k] += l2 * w + l1 * (w > 0 ? 1 : (w < 0 ? -1 : 0))
                }
            }
            update.gradient = g
            update.velocity = velocity?.base
            switch kind {
            case .sgd:
                update.rule = velocity == nil ? .gradientStep : .momentumStep
                update.momentum = momentum
            case .adam:
                steps += 1
                let correction1 = 1 - powf(beta1, Float(steps)), correction2 = 1 - powf(beta2, Float(steps))
                update.rule = .adamStep
                update.secondMoment = secondMoment?.base
                update.beta1 = beta1
                update.beta2 = beta2
                update.rate = learningRate * correction2.squareRoot() / correction1
                update.epsilonHat = epsilon * correction2.squareRoot()
            }
        }
        update.run(sharingWith: worker)
    }

    @inline(__always)
    private func forEachWeight(of network: Network, _ body: (Int) -> Void) {
        for (i, layer) in network.layers.enumerated() {
            let start = network.offsets[i]
            for k in start..<(start + layer.weightCount) { body(k) }
        }
    }
}
