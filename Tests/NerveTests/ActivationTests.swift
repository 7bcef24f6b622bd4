import Foundation
import Testing
@testable import Nerve

/// Activation values at chosen points, their derivatives against central differences, and softmax stability.
@Suite struct ActivationTests {
    static func applied(_ f: Activation, _ z: [Float], columns: Int? = nil,
                        negativeSlope: Float = Activation.defaultNegativeSlope) -> [Float] {
        var out = z
        out.withUnsafeMutableBufferPointer {
            f.apply($0.baseAddress!, rows: z.count / (columns ?? z.count), columns: columns ?? z.count,
                    negativeSlope: negativeSlope)
        }
        return out
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 1e-6) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(close(Double(a), e, absolute: tolerance), "\(actual) vs \(expected)") }
    }

    @Test func valuesAtChosenPoints() {
        // σ(−2) = 1/(1 + e²), σ(0) = ½, σ(3) = 1/(1 + e⁻³)
        ActivationTests.expectClose(ActivationTests.applied(.sigmoid, [-2, 0, 3]),
                                    [0.119_202_922_022_117_6, 0.5, 0.952_574_126_822_433_4])
        ActivationTests.expectClose(ActivationTests.applied(.tanh, [-1, 0, 0.5]),
                                    [-0.761_594_155_955_764_9, 0, 0.462_117_157_260_009_7])
        #expect(ActivationTests.applied(.relu, [-1, 0, 2.5]) == [0, 0, 2.5])
        ActivationTests.expectClose(ActivationTests.applied(.leakyRelu, [-2, 0, 3]), [-0.02, 0, 3], tolerance: 1e-9)
        #expect(ActivationTests.applied(.linear, [-7, 0.25, 1e30]) == [-7, 0.25, 1e30])
        // Step: 0 below zero, 1 at zero and above.
        #expect(ActivationTests.applied(.step, [-0.001, 0, 2]) == [0, 1, 1])
        // e^k / (e + e² + e³)
        ActivationTests.expectClose(ActivationTests.applied(.softmax, [1, 2, 3]),
                                    [0.090_030_573_170_380_46, 0.244_728_471_054_797_6, 0.665_240_955_774_821_9])
    }

    /// Naively exp(1000) overflows; shifted by the maximum, softmax([1000, 1001]) = (1/(1 + e), e/(1 + e)).
    @Test func softmaxIsStableForLargeInputs() {
        let rows = ActivationTests.applied(.softmax, [1000, 1001, -1000, -1000, 0, 0, 88, -88], columns: 2)
        ActivationTests.expectClose(Array(rows[0...1]), [0.268_941_421_369_995_1, 0.731_058_578_630_004_9])
        ActivationTests.expectClose(Array(rows[2...3]), [0.5, 0.5])
        ActivationTests.expectClose(Array(rows[4...5]), [0.5, 0.5])
        ActivationTests.expectClose(Array(rows[6...7]), [1, 0])
        #expect(rows.allSatisfy { $0.isFinite })
    }

    /// f′ from `backpropagate` (with ∂C/∂a = 1) against (f(z + h) − f(z − h)) / 2h in Double.
    @Test(arguments: [Activation.sigmoid, .tanh, .relu, .leakyRelu, .linear])
    func elementwiseDerivatives(f: Activation) {
        let z: [Float] = [-3, -0.7, -0.1, 0.2, 1.3, 4]
        let a = ActivationTests.applied(f, z)
        var g = [Float](repeating: 1, count: z.count)
        g.withUnsafeMutableBufferPointer {
            f.backpropagate(outputs: a, gradient: $0.baseAddress!, rows: 1, columns: z.count,
                            negativeSlope: Activation.defaultNegativeSlope)
        }
        let h = 1e-5
        let numeric = z.map { v -> Double in
            let zd = Double(v)
            return (ReferenceNetwork.activate([zd + h], f)[0] - ReferenceNetwork.activate([zd - h], f)[0]) / (2 * h)
        }
        ActivationTests.expectClose(g, numeric, tolerance: 1e-5)
    }

    /// A layer's own slope: z = (−2, −0.5, 0, 3) with slope 0.2 gives (−0.4, −0.1, 0, 3), and the derivative
    /// (0.2, 0.2, 1, 1).
    @Test func leakySlopeOfTheLayer() {
        let z: [Float] = [-2, -0.5, 0, 3]
        let a = ActivationTests.applied(.leakyRelu, z, negativeSlope: 0.2)
        ActivationTests.expectClose(a, [-0.4, -0.1, 0, 3], tolerance: 1e-7)
        var g: [Float] = [1, 1, 1, 1]
        g.withUnsafeMutableBufferPointer {
            Activation.leakyRelu.backpropagate(outputs: a, gradient: $0.baseAddress!, rows: 1, columns: 4, negativeSlope: 0.2)
        }
        ActivationTests.expectClose(g, [0.2, 0.2, 1, 1], tolerance: 1e-7)
    }

    /// For softmax, backpropagate turns ∂C/∂a into ∂C/∂z = Jᵀg; compare with the gradient of Σ g_j softmax_j(z).
    @Test func softmaxJacobian() {
        let z: [Float] = [0.3, -1.2, 2.0, 0.5], g: [Float] = [1, -2, 0.5, 3]
        let a = ActivationTests.applied(.softmax, z)
        var result = g
        result.withUnsafeMutableBufferPointer {
            Activation.softmax.backpropagate(outputs: a, gradient: $0.baseAddress!, rows: 1, columns: 4, negativeSlope: 0)
        }
        let objective = { (zd: [Double]) in zip(ReferenceNetwork.activate(zd, .softmax), g).reduce(0) { $0 + $1.0 * Double($1.1) } }
        let numeric = centralDifferences(at: z.map(Double.init), epsilon: 1e-5, objective: objective).map { $0! }
        ActivationTests.expectClose(result, numeric, tolerance: 1e-5)
    }
}
