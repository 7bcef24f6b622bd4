/// What accuracy means for a data set. It follows the targets, not the output activation, and is decided once
/// from all of a data set's rows, so a mini-batch that happens to be all one-hot cannot switch the rule.
public enum AccuracyRule: Sendable, Equatable {
    /// Every row one-hot over two or more outputs: a sample is right when its largest output (the first, on ties,
    /// as numpy's argmax) is at its target row's largest value (the 1 of a one-hot row).
    case argmax
    /// Every target 0 or 1 otherwise (one binary output, or multi-label): each label is right when its output
    /// rounded at 0.5 (0.5 rounds up) equals the target rounded alike; accuracy is the fraction of all labels.
    case perLabel
    /// Any other target value (regression): there is no accuracy, and it reads NaN.
    case regression

    public init(targets y: UnsafePointer<Float>, rows: Int, columns: Int) {
        var oneHot = columns >= 2
        for r in 0..<rows {
            var ones = 0
            for j in 0..<columns {
                let v = y[r * columns + j]
                if v == 1 { ones += 1 } else if v != 0 { self = .regression; return }
            }
            if ones != 1 { oneHot = false }
        }
        self = oneHot ? .argmax : .perLabel
    }

    /// The rule a training call scores by: the one its targets imply (auto), or one the caller fixes, for targets
    /// the automatic choice reads as regression (label smoothing, soft labels) or for data spread over processes
    /// that must all score alike. Raw values are the C enum's (NERVE_ACCURACY_*).
    public enum Choice: Int32, CaseIterable, Sendable {
        case auto = 0, argmax, perLabel, none

        public func rule(targets y: UnsafePointer<Float>, rows: Int, columns: Int) -> AccuracyRule {
            switch self {
            case .auto: return AccuracyRule(targets: y, rows: rows, columns: columns)
            case .argmax: return .argmax
            case .perLabel: return .perLabel
            case .none: return .regression
            }
        }
    }
}
