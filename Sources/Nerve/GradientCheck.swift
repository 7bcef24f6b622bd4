#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The notes' gradient check: backpropagation against central differences of the cost (in Double, see
/// PreciseCost), parameter by parameter.
extension Network {
    /// The largest |backprop − numeric| / max(|backprop|, |numeric|, floor) over the `count` parameters that
    /// `index` names (every parameter when `index` is nil), with floor = 1e-3 × the largest |backprop| of the
    /// network: components at float32's rounding level would otherwise dominate. The perturbations go to a
    /// Double copy of the parameters.
    public func gradientCheck(of samples: Samples, epsilon: Double, count: Int = 0,
                              index: ((Int) -> Int)? = nil) throws -> Double {
        guard epsilon > 0, epsilon <= 1 else { throw NerveError.invalid("epsilon must be in (0, 1], got \(epsilon)") }
        if let index, let bad = (0..<count).first(where: { index($0) < 0 || index($0) >= parameterCount }) {
            throw NerveError.invalid("indices[\(bad)] = \(index(bad)) is not a parameter index (0 to \(parameterCount - 1))")
        }
        let analytic = try FloatBuffer(count: parameterCount, zeroed: false)
        _ = try costAndGradient(of: samples, gradient: analytic.base)
        guard let raw = malloc(parameterCount * MemoryLayout<Double>.stride) else {
            throw NerveError.outOfMemory("cannot allocate \(parameterCount) doubles for the gradient check")
        }
        defer { free(raw) }
        let values = raw.assumingMemoryBound(to: Double.self)
        for k in 0..<parameterCount { values[k] = Double(parameters.base[k]) }

        let largest = analytic.buffer.reduce(0.0) { max($0, Double(abs($1))) }
        let floor = 1e-3 * largest
        var worst = 0.0
        func check(_ k: Int) {
            let p = values[k]
            values[k] = p + epsilon
            let plus = preciseCost(values, of: samples)
            values[k] = p - epsilon
            let minus = preciseCost(values, of: samples)
            values[k] = p
            let numeric = (plus - minus) / (2 * epsilon)
            let backprop = Double(analytic.base[k])
            let scale = max(abs(backprop), abs(numeric), floor)
            if scale > 0 { worst = max(worst, abs(backprop - numeric) / scale) }
        }
        if let index {
            for i in 0..<count { check(index(i)) }
        } else {
            for k in 0..<parameterCount { check(k) }
        }
        return worst
    }
}
