/// Cost and accuracy accumulated over samples, so batches and chunks can be measured separately and summed.
public struct Metrics: Sendable {
    public var costSum: Double = 0
    public var hits = 0
    public var trials = 0
    public var samples = 0

    public init() {}

    /// Mean cost per sample (NaN when nothing was measured).
    public var cost: Double { samples > 0 ? costSum / Double(samples) : .nan }
    /// NaN when nothing was judged, as for regression targets.
    public var accuracy: Double { trials > 0 ? Double(hits) / Double(trials) : .nan }

    /// `rule` is the whole data set's (see AccuracyRule), whatever rows this call sees.
    package mutating func add(outputs a: UnsafePointer<Float>, targets y: UnsafePointer<Float>, rows: Int,
                             columns: Int, cost: Cost, rule: AccuracyRule) {
        costSum += cost.total(outputs: a, targets: y, rows: rows, columns: columns)
        samples += rows
        switch rule {
        case .argmax:
            for r in 0..<rows {
                if Metrics.argmax(a + r * columns, columns) == Metrics.argmax(y + r * columns, columns) { hits += 1 }
            }
            trials += rows
        case .perLabel:
            for i in 0..<(rows * columns) where (a[i] >= 0.5) == (y[i] >= 0.5) { hits += 1 }
            trials += rows * columns
        case .regression:
            break
        }
    }

    /// Ties go to the first largest value, as numpy's argmax.
    @inline(__always)
    static func argmax(_ row: UnsafePointer<Float>, _ n: Int) -> Int {
        var best = 0
        for j in 1..<max(n, 1) where row[j] > row[best] { best = j }
        return best
    }
}
