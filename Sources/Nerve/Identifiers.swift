/// Enumerations that callers name in words: the C API reports these names (nerve_enum_name) so bindings
/// never spell them out again. Raw values are the C enums'; names are lower-case identifiers, static so the C
/// layer hands them out without allocating.
public protocol Identified: CaseIterable, RawRepresentable where RawValue == Int32 {
    var identifier: StaticString { get }
}

extension Activation: Identified {
    public var identifier: StaticString {
        switch self {
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .relu: return "relu"
        case .leakyRelu: return "leaky_relu"
        case .linear: return "linear"
        case .softmax: return "softmax"
        case .step: return "step"
        case .exp: return "exp"
        }
    }
}

extension Cost: Identified {
    public var identifier: StaticString {
        switch self {
        case .quadratic: return "quadratic"
        case .crossEntropy: return "cross_entropy"
        case .logLikelihood: return "log_likelihood"
        case .poisson: return "poisson"
        }
    }
}

extension WeightInit: Identified {
    public var identifier: StaticString {
        switch self {
        case .auto: return "auto"
        case .normalized: return "normalized"
        case .large: return "large"
        case .he: return "he"
        case .glorotUniform: return "glorot_uniform"
        case .glorotNormal: return "glorot_normal"
        case .lecunNormal: return "lecun_normal"
        }
    }
}

extension BiasInit: Identified {
    public var identifier: StaticString {
        switch self {
        case .zero: return "zero"
        case .normal: return "normal"
        case .constant: return "constant"
        }
    }
}

extension OptimizerKind: Identified {
    public var identifier: StaticString {
        switch self {
        case .sgd: return "sgd"
        case .adam: return "adam"
        case .rprop: return "rprop"
        }
    }
}

extension WatchedMetric: Identified {
    public var identifier: StaticString {
        switch self {
        case .cost: return "cost"
        case .accuracy: return "accuracy"
        }
    }
}

extension OptimizerState: Identified {
    public var identifier: StaticString {
        switch self {
        case .fresh: return "fresh"
        case .keep: return "keep"
        case .resume: return "resume"
        }
    }
}

extension AccuracyRule.Choice: Identified {
    public var identifier: StaticString {
        switch self {
        case .auto: return "auto"
        case .argmax: return "argmax"
        case .perLabel: return "per_label"
        case .none: return "none"
        }
    }
}

extension Monitoring: Identified {
    public var identifier: StaticString {
        switch self {
        case .none: return "none"
        case .running: return "running"
        case .full: return "full"
        }
    }
}

extension LayerKind: Identified {
    public var identifier: StaticString {
        switch self {
        case .dense: return "dense"
        case .conv2D: return "conv2d"
        case .maxPool2D: return "max_pool2d"
        case .meanPool2D: return "mean_pool2d"
        }
    }
}

extension Padding: Identified {
    public var identifier: StaticString {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        }
    }
}
