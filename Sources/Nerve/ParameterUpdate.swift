/// The element-wise part of an optimizer step over a range of parameters, as a value so that it can be cut in
/// two and half of it handed to the training worker without a closure.
struct ParameterUpdate {
    enum Rule {
        /// p += v (the velocity already holds the step).
        case addVelocity
        /// p −= η·g.
        case gradientStep
        /// v = μ·v − η·g; p += v.
        case momentumStep
        /// Adam's moment updates and step, with bias corrections folded into `rate` and `epsilonHat`.
        case adamStep
    }

    var rule = Rule.addVelocity
    var range = 0..<0
    var parameters: UnsafeMutablePointer<Float>?
    var gradient: UnsafeMutablePointer<Float>?
    var velocity: UnsafeMutablePointer<Float>?
    var secondMoment: UnsafeMutablePointer<Float>?
    var learningRate: Float = 0
    var momentum: Float = 0
    var beta1: Float = 0, beta2: Float = 0
    var rate: Float = 0, epsilonHat: Float = 0

    /// Worth a hand-off only above this many parameters.
    static let minimumSplit = 1 << 15

    func run() {
        guard let p = parameters else { return }
        switch rule {
        case .addVelocity:
            guard let v = velocity else { return }
            for k in range { p[k] += v[k] }
        case .gradientStep:
            guard let g = gradient else { return }
            for k in range { p[k] -= learningRate * g[k] }
        case .momentumStep:
            guard let g = gradient, let v = velocity else { return }
            for k in range { let next = momentum * v[k] - learningRate * g[k]; v[k] = next; p[k] += next }
        case .adamStep:
            guard let g = gradient, let m = velocity, let s = secondMoment else { return }
            for k in range {
                let gk = g[k]
                m[k] = beta1 * m[k] + (1 - beta1) * gk
                s[k] = beta2 * s[k] + (1 - beta2) * gk * gk
                p[k] -= rate * m[k] / (s[k].squareRoot() + epsilonHat)
            }
        }
    }

    func halves() -> (ParameterUpdate, ParameterUpdate) {
        var first = self, second = self
        let middle = range.lowerBound + range.count / 2
        first.range = range.lowerBound..<middle
        second.range = middle..<range.upperBound
        return (first, second)
    }

    /// Runs here, or split with `worker` when there is enough to share.
    func run(sharingWith worker: SplitWorker?) {
        if let worker, range.count >= ParameterUpdate.minimumSplit {
            let (first, second) = halves()
            worker.run(.update(first), .update(second))
        } else {
            run()
        }
    }
}
