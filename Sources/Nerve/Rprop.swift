/// iRPROP− (Igel & Hüsken 2000): each parameter moves by its own step size against the sign of its gradient,
/// ignoring the gradient's magnitude, so badly scaled inputs and tiny gradients do not stall it. A step size
/// grows by `increase` while the sign holds and shrinks by `decrease` when it flips; after a flip the gradient
/// is taken as zero (no move, and the next step cannot count a flip), and no earlier step is taken back.
/// Signs of noisy mini-batch gradients mean nothing, so training uses it on the full batch only.
final class Rprop: Optimizer {
    private let increase: Float, decrease: Float, minimum: Float, maximum: Float
    /// Each parameter's step size Δ (readable for tests).
    let stepSizes: FloatBuffer
    /// The gradient the last step acted on (0 after a flip).
    let previous: FloatBuffer

    init(increase: Float, decrease: Float, minimum: Float, maximum: Float, initial: Float,
         parameterCount: Int) throws {
        self.increase = increase
        self.decrease = decrease
        self.minimum = minimum
        self.maximum = maximum
        stepSizes = try FloatBuffer(count: parameterCount, zeroed: false)
        stepSizes.base.update(repeating: initial, count: parameterCount)
        previous = try FloatBuffer(count: parameterCount)
    }

    /// The learning rate plays no part: the step sizes adapt themselves.
    func beginStep(learningRate: Float) {}

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, range: Range<Int>) {
        let delta = stepSizes.base, last = previous.base
        let increase = self.increase, decrease = self.decrease, minimum = self.minimum, maximum = self.maximum
        for k in range {
            var gk = g[k]
            let agreement = last[k] * gk
            if agreement > 0 {
                delta[k] = min(delta[k] * increase, maximum)
            } else if agreement < 0 {
                delta[k] = max(delta[k] * decrease, minimum)
                gk = 0
            }
            if gk > 0 { p[k] -= delta[k] } else if gk < 0 { p[k] += delta[k] }
            last[k] = gk
        }
    }
}
