import Foundation
import Testing
@testable import Nerve

/// Each cost's value and output error δ = ∂C/∂z (BP1) at hand-chosen outputs a and targets y.
@Suite struct CostTests {
    static func total(_ cost: Cost, _ a: [Float], _ y: [Float], columns: Int) -> Double {
        cost.total(outputs: a, targets: y, rows: a.count / columns, columns: columns)
    }

    static func delta(_ cost: Cost, _ activation: Activation, _ a: [Float], _ y: [Float], columns: Int) -> [Float] {
        var delta = [Float](repeating: .nan, count: a.count)
        delta.withUnsafeMutableBufferPointer {
            cost.outputError(outputs: a, targets: y, activation: activation,
                             negativeSlope: activation == .leakyRelu ? Activation.defaultNegativeSlope : 0,
                             into: $0.baseAddress!, rows: a.count / columns, columns: columns)
        }
        return delta
    }

    static func expectClose(_ actual: [Float], _ expected: [Double]) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(close(Double(a), e, absolute: 1e-7, relative: 1e-6), "\(actual) vs \(expected)") }
    }

    // MARK: values

    /// Two samples of two outputs: ½(0.2² + 0.1²) + ½(0.5² + 0²) = 0.025 + 0.125 = 0.15 (a sum over samples).
    @Test func quadraticValue() {
        #expect(close(CostTests.total(.quadratic, [0.2, 0.9, 0.5, 0], [0, 1, 1, 0], columns: 2), 0.15, absolute: 1e-7))
    }

    /// −[ln(1 − 0.2) + ln 0.9] = 0.223144 + 0.105361; a soft target 0.25 at a = 0.6 adds −(0.25 ln 0.6 + 0.75 ln 0.4).
    @Test func crossEntropyValue() {
        #expect(close(CostTests.total(.crossEntropy, [0.2, 0.9], [0, 1], columns: 2),
                      -(log(0.8) + log(0.9)), absolute: 1e-6))
        #expect(close(CostTests.total(.crossEntropy, [0.6], [0.25], columns: 1),
                      -(0.25 * log(0.6) + 0.75 * log(0.4)), absolute: 1e-6))
    }

    /// −ln 0.7 for the true class; the other outputs do not enter.
    @Test func logLikelihoodValue() {
        #expect(close(CostTests.total(.logLikelihood, [0.1, 0.7, 0.2], [0, 1, 0], columns: 3), -log(0.7), absolute: 1e-6))
        #expect(close(CostTests.total(.logLikelihood, [0.1, 0.7, 0.2, 0.5, 0.25, 0.25], [0, 1, 0, 0, 0, 1], columns: 3),
                      -log(0.7) - log(0.25), absolute: 1e-6))
        // A soft target distribution weighs each log: −(0.25 ln 0.4 + 0.75 ln 0.6).
        #expect(close(CostTests.total(.logLikelihood, [0.4, 0.6], [0.25, 0.75], columns: 2),
                      -(0.25 * log(0.4) + 0.75 * log(0.6)), absolute: 1e-6))
    }

    /// Half the Poisson deviance: y ln(y/a) − y + a. At a = 2, y = 3: 3 ln 1.5 − 1 = 0.216395; a zero count at
    /// a = 0.5 costs a alone; a = y costs 0.
    @Test func poissonValue() {
        #expect(close(CostTests.total(.poisson, [2, 0.5], [3, 0], columns: 2), 3 * log(1.5) - 1 + 0.5, absolute: 1e-6))
        #expect(close(CostTests.total(.poisson, [4, 4], [4, 4], columns: 1), 0, absolute: 1e-6))
    }

    /// A fully saturated wrong output gives the documented clamp (ln clamped at −100), not inf or NaN.
    @Test func saturatedOutputsGiveFiniteCosts() {
        #expect(CostTests.total(.crossEntropy, [0], [1], columns: 1) == 100)
        #expect(CostTests.total(.crossEntropy, [1], [0], columns: 1) == 100)
        #expect(CostTests.total(.logLikelihood, [1, 0], [0, 1], columns: 2) == 100)
    }

    // MARK: output errors

    /// σ′ cancels: δ = a − y bit for bit, however saturated a is.
    @Test func sigmoidWithCrossEntropyGivesDifferenceExactly() {
        let a: [Float] = [0.2, 0.9, 0.999_999, 1e-6], y: [Float] = [0, 1, 0, 0.25]
        #expect(CostTests.delta(.crossEntropy, .sigmoid, a, y, columns: 2) == zip(a, y).map { $0 - $1 })
    }

    @Test func softmaxWithLogLikelihoodGivesDifferenceExactly() {
        let a: [Float] = [0.1, 0.7, 0.2, 0.5, 0.25, 0.25], y: [Float] = [0, 1, 0, 0, 0, 1]
        #expect(CostTests.delta(.logLikelihood, .softmax, a, y, columns: 3) == zip(a, y).map { $0 - $1 })
    }

    /// The log link: ∂C/∂a = 1 − y/a and exp′ = a, so δ = a − y.
    @Test func expWithPoissonGivesDifferenceExactly() {
        let a: [Float] = [2, 0.5, 1e-3, 40], y: [Float] = [3, 0, 7, 0]
        #expect(CostTests.delta(.poisson, .exp, a, y, columns: 2) == zip(a, y).map { $0 - $1 })
    }

    /// Quadratic through exp: (a − y)·a = (2 − 3)·2 = −2 and 0.5·0.5 = 0.25.
    @Test func quadraticWithExpKeepsTheDerivative() {
        CostTests.expectClose(CostTests.delta(.quadratic, .exp, [2, 0.5], [3, 0], columns: 2), [-2, 0.25])
    }

    /// (a − y)σ′ with σ′ = a(1 − a): 0.2·0.16 = 0.032 and (−0.1)·0.09 = −0.009.
    @Test func quadraticWithSigmoidKeepsTheDerivative() {
        CostTests.expectClose(CostTests.delta(.quadratic, .sigmoid, [0.2, 0.9], [0, 1], columns: 2), [0.032, -0.009])
    }

    /// tanh′ = 1 − a²: (0.5 − (−0.5))·0.75 = 0.75; ReLU passes a − y where a > 0 and blocks a = 0;
    /// leaky ReLU scales by 0.01 below zero; linear is a − y.
    @Test func quadraticWithOtherActivations() {
        CostTests.expectClose(CostTests.delta(.quadratic, .tanh, [0.5, -0.8], [-0.5, 0], columns: 2), [0.75, -0.8 * 0.36])
        CostTests.expectClose(CostTests.delta(.quadratic, .relu, [1.5, 0], [1, 2], columns: 2), [0.5, 0])
        CostTests.expectClose(CostTests.delta(.quadratic, .leakyRelu, [-0.02, 3], [1, 1], columns: 2), [-0.0102, 2])
        CostTests.expectClose(CostTests.delta(.quadratic, .linear, [-3, 4], [1, 1], columns: 2), [-4, 3])
    }

    /// Through the softmax Jacobian: δ_j = a_j[(a_j − y_j) − Σ_k (a_k − y_k)a_k]. With a = (0.1, 0.7, 0.2),
    /// y = (0, 1, 0): a − y = (0.1, −0.3, 0.2), Σ(a − y)a = 0.01 − 0.21 + 0.04 = −0.16,
    /// δ = (0.1·0.26, 0.7·(−0.14), 0.2·0.36) = (0.026, −0.098, 0.072).
    @Test func quadraticWithSoftmaxUsesTheJacobian() {
        CostTests.expectClose(CostTests.delta(.quadratic, .softmax, [0.1, 0.7, 0.2], [0, 1, 0], columns: 3),
                              [0.026, -0.098, 0.072])
    }

    @Test func admittedPairs() {
        for activation in Activation.allCases {
            #expect(Cost.quadratic.admits(output: activation))
            #expect(Cost.crossEntropy.admits(output: activation) == (activation == .sigmoid))
            #expect(Cost.logLikelihood.admits(output: activation) == (activation == .softmax))
            #expect(Cost.poisson.admits(output: activation) == (activation == .exp))
        }
    }
}
