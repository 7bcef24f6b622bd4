/// Momentum gradient descent: v ← μ·v − η·g; p ← p + v. The velocity starts at zero.
final class Momentum: Optimizer {
    private let coefficient: Float
    private let velocity: FloatBuffer
    private var rate: Float = 0

    init(coefficient: Float, parameterCount: Int) throws {
        self.coefficient = coefficient
        velocity = try FloatBuffer(count: parameterCount)
    }

    func beginStep(learningRate: Float) { rate = learningRate }

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, range: Range<Int>) {
        let v = velocity.base, mu = coefficient, rate = self.rate
        for k in range {
            let next = mu * v[k] - rate * g[k]
            v[k] = next
            p[k] += next
        }
    }
}
