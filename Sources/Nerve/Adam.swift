#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba): moving averages of the gradient and its square, with the bias corrections folded into
/// the step size and epsilon so the per-parameter work is one pass.
final class Adam: Optimizer {
    private let beta1: Float, beta2: Float, epsilon: Float
    private let firstMoment: FloatBuffer
    private let secondMoment: FloatBuffer
    private var steps = 0
    private var rate: Float = 0, epsilonHat: Float = 0

    init(beta1: Float, beta2: Float, epsilon: Float, parameterCount: Int) throws {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoment = try FloatBuffer(count: parameterCount)
        secondMoment = try FloatBuffer(count: parameterCount)
    }

    func beginStep(learningRate: Float) {
        steps += 1
        let correction1 = 1 - powf(beta1, Float(steps)), correction2 = 1 - powf(beta2, Float(steps))
        rate = learningRate * correction2.squareRoot() / correction1
        epsilonHat = epsilon * correction2.squareRoot()
    }

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, range: Range<Int>) {
        let m = firstMoment.base, s = secondMoment.base
        let beta1 = self.beta1, beta2 = self.beta2, rate = self.rate, epsilonHat = self.epsilonHat
        for k in range {
            let gk = g[k]
            m[k] = beta1 * m[k] + (1 - beta1) * gk
            s[k] = beta2 * s[k] + (1 - beta2) * gk * gk
            p[k] -= rate * m[k] / (s[k].squareRoot() + epsilonHat)
        }
    }
}
