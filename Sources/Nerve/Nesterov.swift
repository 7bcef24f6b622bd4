/// Nesterov momentum in the form PyTorch and scikit-learn use, which needs the gradient at p only:
/// v ← μ·v − η·g; p ← p + μ·v − η·g. It looks ahead along the new velocity, so it brakes sooner than plain
/// momentum when the gradient turns. The velocity starts at zero.
final class Nesterov: Optimizer {
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
            let descent = rate * g[k]
            let next = mu * v[k] - descent
            v[k] = next
            p[k] += mu * next - descent
        }
    }
}
