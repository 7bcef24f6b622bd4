/// Enumerations that callers name in words: the C API reports these names (nerve_enum_name) so bindings
/// never spell them out again. Raw values are the C enums'; names are lower-case identifiers.
public protocol Identified: CaseIterable, RawRepresentable where RawValue == Int32 {
    var identifier: String { get }
}

extension Activation: Identified {
    public var identifier: String { name }
}

extension Cost: Identified {
    public var identifier: String {
        switch self {
        case .quadratic: return "quadratic"
        case .crossEntropy: return "cross_entropy"
        case .logLikelihood: return "log_likelihood"
        }
    }
}

extension WeightInit: Identified {
    public var identifier: String {
        switch self {
        case .auto: return "auto"
        case .normalized: return "normalized"
        case .large: return "large"
        case .he: return "he"
        }
    }
}

extension OptimizerKind: Identified {
    public var identifier: String {
        switch self {
        case .sgd: return "sgd"
        case .adam: return "adam"
        }
    }
}

extension Monitoring: Identified {
    public var identifier: String {
        switch self {
        case .none: return "none"
        case .running: return "running"
        case .full: return "full"
        }
    }
}

extension LayerKind: Identified {
    public var identifier: String {
        switch self {
        case .dense: return "dense"
        }
    }
}
