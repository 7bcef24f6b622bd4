/// Plain gradient descent: p ← p − η·g.
final class GradientDescent: Optimizer {
    private var rate: Float = 0

    func beginStep(learningRate: Float) { rate = learningRate }

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, range: Range<Int>) {
        let rate = self.rate
        for k in range { p[k] -= rate * g[k] }
    }
}
