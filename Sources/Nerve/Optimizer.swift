/// An update rule acting on flat arrays: the network's parameters and a gradient of the same layout. It knows
/// nothing of layers, so every rule serves every kind of layer, and an external caller can drive it with any
/// gradient.
protocol Optimizer: AnyObject {
    /// Once per mini-batch, before the updates: per-step scalars (Adam's bias corrections).
    func beginStep(learningRate: Float)
    /// Updates parameters[range] from gradient[range]. Ranges are disjoint and may run on different threads.
    func update(_ parameters: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, range: Range<Int>)
}

/// The rule the options ask for, with its state sized for `parameterCount` parameters.
func makeOptimizer(_ options: TrainingOptions, parameterCount: Int) throws -> any Optimizer {
    switch options.optimizer {
    case .sgd where options.momentum > 0 && options.nesterov:
        return try Nesterov(coefficient: options.momentum, parameterCount: parameterCount)
    case .sgd where options.momentum > 0:
        return try Momentum(coefficient: options.momentum, parameterCount: parameterCount)
    case .sgd:
        return GradientDescent()
    case .adam:
        return try Adam(beta1: options.adamBeta1, beta2: options.adamBeta2, epsilon: options.adamEpsilon,
                        parameterCount: parameterCount)
    case .rprop:
        return try Rprop(increase: options.rpropIncrease, decrease: options.rpropDecrease,
                         minimum: options.rpropDeltaMin, maximum: options.rpropDeltaMax,
                         initial: options.rpropDeltaZero, parameterCount: parameterCount)
    }
}

/// An optimizer kept in the network between training calls, with the settings it was made for: a later call
/// resumes it only if it asks for the same rule with the same coefficients (the learning rate may change).
struct KeptOptimizer {
    let optimizer: any Optimizer
    let settings: Settings

    struct Settings: Equatable {
        let kind: OptimizerKind
        let nesterov: Bool
        let coefficients: [Float]

        init(_ o: TrainingOptions) {
            kind = o.optimizer
            nesterov = o.nesterov
            switch o.optimizer {
            case .sgd: coefficients = [o.momentum]
            case .adam: coefficients = [o.adamBeta1, o.adamBeta2, o.adamEpsilon]
            case .rprop: coefficients = [o.rpropIncrease, o.rpropDecrease, o.rpropDeltaMin, o.rpropDeltaMax,
                                         o.rpropDeltaZero]
            }
        }
    }

    /// The optimizer a training call with `options` starts from: `kept`'s when the options resume it and match,
    /// else a new one.
    static func optimizer(for options: TrainingOptions, parameterCount: Int,
                          kept: KeptOptimizer?) throws -> any Optimizer {
        if options.optimizerState == .resume, let kept, kept.settings == Settings(options) { return kept.optimizer }
        return try makeOptimizer(options, parameterCount: parameterCount)
    }
}

/// The L2 and L1 terms the notes add to the cost, as their gradient: λ₂/n·w + λ₁/n·sgn(w) on weights only.
struct Regularization {
    let l2: Float, l1: Float

    /// λ scaled by 1/n for a training set of n samples, as in the notes.
    init(l2: Float, l1: Float, samples n: Int) {
        self.init(l2: l2, l1: l1, samples: Double(n))
    }

    /// n need not be whole: with sample weights it is their sum, the size of the data set they stand for.
    init(l2: Float, l1: Float, samples n: Double) {
        self.l2 = l2 / Float(n)
        self.l1 = l1 / Float(n)
    }

    var isActive: Bool { l2 != 0 || l1 != 0 }

    /// Adds the terms to gradient[range] for the weights in it.
    func add(to gradient: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, range: Range<Int>) {
        let l2 = self.l2, l1 = self.l1
        for k in range {
            let w = parameters[k]
            gradient[k] += l2 * w + l1 * (w > 0 ? 1 : (w < 0 ? -1 : 0))
        }
    }
}
