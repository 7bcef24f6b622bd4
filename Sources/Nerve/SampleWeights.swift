/// Per-sample weights, with scikit-learn's meaning: a sample of weight w counts as w copies of itself. A
/// mini-batch's cost is Σ wᵢCᵢ / Σ wᵢ over its samples, so in full-batch training integer weights give the cost
/// and gradient of the data set with each sample repeated wᵢ times (and weight 0 removes a sample); the n of
/// λ/n becomes Σ wᵢ. A mini-batch whose weights are all 0 has a zero gradient.
enum SampleWeights {
    /// Σ w over `count` weights, in Double so the sum of many small weights stays exact enough.
    static func total(_ weights: UnsafePointer<Float>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { sum += Double(weights[i]) }
        return sum
    }

    /// Scales row r of `delta` (rows × columns) by wᵣ / Σ w: the gradient of the batch's weighted mean cost,
    /// where 1/rows gives the plain mean.
    static func scale(_ delta: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                      by weights: UnsafePointer<Float>) {
        let total = SampleWeights.total(weights, count: rows)
        for r in 0..<rows {
            let factor = total > 0 ? Float(Double(weights[r]) / total) : 0
            let row = delta + r * columns
            for j in 0..<columns { row[j] *= factor }
        }
    }
}

/// Cost and accuracy with each sample counted as many times as its weight. Each row is measured alone by
/// Metrics, so the accuracy rules are Metrics' own.
struct WeightedMetrics {
    var costSum = 0.0, hits = 0.0, trials = 0.0, weight = 0.0

    var cost: Double { weight > 0 ? costSum / weight : .nan }
    var accuracy: Double { trials > 0 ? hits / trials : .nan }

    mutating func add(outputs a: UnsafePointer<Float>, targets y: UnsafePointer<Float>,
                      weights: UnsafePointer<Float>, rows: Int, columns: Int, cost: Cost, rule: AccuracyRule) {
        for r in 0..<rows where weights[r] > 0 {
            var one = Metrics()
            one.add(outputs: a + r * columns, targets: y + r * columns, rows: 1, columns: columns, cost: cost,
                    rule: rule)
            let w = Double(weights[r])
            costSum += w * one.costSum
            hits += w * Double(one.hits)
            trials += w * Double(one.trials)
            weight += w
        }
    }
}

extension Network {
    /// Weighted cost and accuracy over `samples` (which carry weights), in chunks of Tuning.gradientRows.
    func measureWeighted(_ samples: Samples, weights: UnsafePointer<Float>, rule: AccuracyRule) throws
        -> WeightedMetrics
    {
        let chunk = min(samples.count, Tuning.gradientRows)
        let out = try FloatBuffer(count: chunk * outputSize, zeroed: false)
        var metrics = WeightedMetrics()
        var start = 0
        while start < samples.count {
            let rows = min(chunk, samples.count - start)
            try predict(samples.x + start * inputSize, rows: rows, into: out.base)
            metrics.add(outputs: out.base, targets: samples.y + start * outputSize, weights: weights + start,
                        rows: rows, columns: outputSize, cost: cost, rule: rule)
            start += rows
        }
        return metrics
    }
}

/// The running training figures of an epoch: plain, or weighted when the samples carry weights.
struct RunningMetrics {
    var plain = Metrics()
    var weighted: WeightedMetrics?

    var cost: Double { weighted?.cost ?? plain.cost }
    var accuracy: Double { weighted?.accuracy ?? plain.accuracy }

    mutating func add(outputs a: UnsafePointer<Float>, targets y: UnsafePointer<Float>,
                      weights: UnsafePointer<Float>?, rows: Int, columns: Int, cost: Cost, rule: AccuracyRule) {
        if let weights {
            var sum = weighted ?? WeightedMetrics()
            sum.add(outputs: a, targets: y, weights: weights, rows: rows, columns: columns, cost: cost, rule: rule)
            weighted = sum
        } else {
            plain.add(outputs: a, targets: y, rows: rows, columns: columns, cost: cost, rule: rule)
        }
    }
}
