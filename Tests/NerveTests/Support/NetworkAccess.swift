@testable import Nerve

/// Conveniences over the public parameter buffer and the Trainer, so tests read as the arithmetic they check.
extension Network {
    var parameterValues: [Float] { Array(parameters.buffer) }

    func setParameters(_ values: [Float]) {
        precondition(values.count == parameterCount, "expected \(parameterCount) values")
        for (k, v) in values.enumerated() { parameters.base[k] = v }
    }

    func predictions(_ data: Dataset) throws -> [Float] {
        var out = [Float](repeating: .nan, count: data.count * outputSize)
        try data.x.withUnsafeBufferPointer { xs in
            try out.withUnsafeMutableBufferPointer { try predict(xs.baseAddress!, rows: data.count, into: $0.baseAddress!) }
        }
        return out
    }

    func gradient(_ data: Dataset) throws -> [Float] { try data.withSamples { try gradient(of: $0) } }

    /// Trains and collects every epoch's report; `stopAfter` makes the callback ask to stop at that epoch.
    @discardableResult
    func train(_ data: Dataset, evaluation: Dataset? = nil, options: TrainingOptions,
               onEpoch: (EpochReport, Network) -> Bool = { _, _ in true }) throws
        -> (outcome: TrainingOutcome, reports: [EpochReport])
    {
        var reports: [EpochReport] = []
        let outcome = try data.withSamples { samples in
            if let evaluation {
                return try evaluation.withSamples { held in
                    try Trainer.train(self, data: samples, evaluation: held, options: options) { r in
                        reports.append(r)
                        return onEpoch(r, self)
                    }
                }
            }
            return try Trainer.train(self, data: samples, evaluation: nil, options: options) { r in
                reports.append(r)
                return onEpoch(r, self)
            }
        }
        return (outcome, reports)
    }
}

/// Whether two Float arrays hold the same bit patterns (NaN-safe, −0 ≠ +0).
func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// |actual − expected| ≤ absolute + relative·|expected|.
func close(_ actual: Double, _ expected: Double, absolute: Double, relative: Double = 0) -> Bool {
    abs(actual - expected) <= absolute + relative * abs(expected)
}
