import Testing
@testable import Nerve

/// Nesterov momentum in PyTorch's and scikit-learn's form: v ← μv − ηg; w ← w + μv − ηg.
@Suite struct NesterovTests {
    /// μ 0.9, η 0.1, w₀ = (1, 1); g₁ = (1, −2): v₁ = (−0.1, 0.2), w₁ = w₀ + 0.9v₁ − 0.1g₁ = (0.81, 1.38);
    /// g₂ = (0.5, 3): v₂ = 0.9v₁ − 0.1g₂ = (−0.14, −0.12), w₂ = w₁ + 0.9v₂ − 0.1g₂ = (0.634, 0.972).
    @Test func twoStepsUnrolledByHand() throws {
        let nesterov = try Nesterov(coefficient: 0.9, parameterCount: 2)
        var w: [Float] = [1, 1]
        let steps: [(gradient: [Float], expected: [Double])] = [([1, -2], [0.81, 1.38]), ([0.5, 3], [0.634, 0.972])]
        for (g, expected) in steps {
            nesterov.beginStep(learningRate: 0.1)
            w.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { nesterov.update(p.baseAddress!, $0.baseAddress!, range: 0..<2) } }
            for k in 0..<2 {
                #expect(close(Double(w[k]), expected[k], absolute: 1e-6), "w[\(k)] \(w[k]), expected \(expected[k])")
            }
        }
    }

    /// Two full-batch epochs through the trainer against the same rule on the reference's gradients (taken at
    /// the weights each step starts from), with L2 in the gradient.
    @Test func trainerTakesNesterovSteps() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 23)
        let eta = 0.3, mu = 0.8, l2 = 0.2
        var p = network.parameterValues.map(Double.init)
        var v = [Double](repeating: 0, count: p.count)
        for _ in 0..<2 {
            let g = OptimizerStepTests.numericGradient(reference, p, data)
            let d = OptimizerStepTests.decay(reference, p, l2: l2, l1: 0, n: data.count)
            for k in p.indices {
                let descent = eta * (g[k] + d[k])
                v[k] = mu * v[k] - descent
                p[k] += mu * v[k] - descent
            }
        }
        var options = OptimizerStepTests.options(epochs: 2, batch: data.count, rate: eta)
        options.momentum = Float(mu)
        options.nesterov = true
        options.l2 = Float(l2)
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, p, tolerance: 5e-6)
    }

    @Test func needsSGDMomentum() {
        var options = TrainingOptions()
        options.nesterov = true
        #expect(throws: NerveError.self) { try options.validate() }  // momentum 0
        options.momentum = 0.9
        #expect(throws: Never.self) { try options.validate() }
        options.optimizer = .adam
        #expect(throws: NerveError.self) { try options.validate() }
    }
}
