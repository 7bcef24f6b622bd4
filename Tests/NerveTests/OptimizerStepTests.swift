import Testing
@testable import Nerve

/// One or two full-batch steps of each update rule, predicted from finite-difference gradients of the Double
/// reference: w' = w − η(g + (λ₂/n)w + (λ₁/n)sgn w) for weights, b' = b − ηg for biases, and so on.
@Suite struct OptimizerStepTests {
    static func fixture(seed: UInt64) throws -> (Network, ReferenceNetwork, Dataset) {
        let network = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: seed)
        var random = SplitMix(state: seed)
        let data = Dataset(x: random.uniforms(4 * 3, -1, 1), y: random.uniforms(4 * 2, 0, 1), inputs: 3, outputs: 2)
        return (network, ReferenceNetwork(network), data)
    }

    static func fullBatch(epochs: Int, rate: Float) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = 4
        options.learningRate = rate
        options.shuffle = false
        options.monitoring = .none
        return options
    }

    static func numericGradient(_ reference: ReferenceNetwork, _ p: [Double], _ data: Dataset) -> [Double] {
        centralDifferences(at: p, epsilon: 1e-4, objective: { reference.meanCost($0, data) }).map { $0! }
    }

    @Test func regularisedStepAddsScaledDecayToWeightsOnly() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 7)
        let before = network.parameterValues.map(Double.init)
        let n = Double(data.count), eta = 0.5, l2 = 0.3, l1 = 0.2
        #expect(before.allSatisfy { abs($0) > 1e-3 }, "sgn w must be unambiguous")
        let g = OptimizerStepTests.numericGradient(reference, before, data)

        var options = OptimizerStepTests.fullBatch(epochs: 1, rate: Float(eta))
        options.l2 = Float(l2)
        options.l1 = Float(l1)
        try network.train(data, options: options)
        let after = network.parameterValues.map(Double.init)

        for (k, isWeight) in reference.weightMask.enumerated() {
            let w = before[k]
            let expected = isWeight
                ? w - eta * (g[k] + l2 / n * w + l1 / n * (w > 0 ? 1 : -1))
                : w - eta * g[k]
            #expect(close(after[k], expected, absolute: 2e-6),
                    "\(isWeight ? "weight" : "bias") \(k): \(after[k]) vs \(expected)")
        }

        // The same step is gradient descent on the regularised objective C + ½(λ₂/n)Σw² + (λ₁/n)Σ|w|.
        let regularised = centralDifferences(at: before, epsilon: 1e-4, objective: {
            reference.meanCost($0, data) + reference.regularisation($0, l2: l2, l1: l1, n: data.count)
        }).map { $0! }
        for k in before.indices {
            #expect(close((before[k] - after[k]) / eta, regularised[k], absolute: 1e-5))
        }
        #expect(close(network.regularizationCost(l2: Float(l2), l1: Float(l1), samples: data.count),
                      reference.regularisation(after, l2: l2, l1: l1, n: data.count), absolute: 1e-9, relative: 1e-6))
    }

    @Test func momentumAccumulatesVelocity() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 8)
        let eta = 0.3, mu = 0.9
        let p0 = network.parameterValues.map(Double.init)
        // v₁ = −ηg(p₀), p₁ = p₀ + v₁; v₂ = μv₁ − ηg(p₁), p₂ = p₁ + v₂.
        let g0 = OptimizerStepTests.numericGradient(reference, p0, data)
        let v1 = g0.map { -eta * $0 }
        let p1 = zip(p0, v1).map { $0 + $1 }
        let g1 = OptimizerStepTests.numericGradient(reference, p1, data)
        let v2 = zip(v1, g1).map { mu * $0 - eta * $1 }
        let p2 = zip(p1, v2).map { $0 + $1 }

        var options = OptimizerStepTests.fullBatch(epochs: 2, rate: Float(eta))
        options.momentum = Float(mu)
        try network.train(data, options: options)
        for (k, value) in network.parameterValues.enumerated() {
            #expect(close(Double(value), p2[k], absolute: 5e-6), "parameter \(k)")
        }
    }

    @Test func adamFirstStepMovesEachParameterByTheRate() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 9)
        let eta = 0.01
        let p0 = network.parameterValues.map(Double.init)
        let g = OptimizerStepTests.numericGradient(reference, p0, data)
        #expect(g.allSatisfy { abs($0) > 1e-4 }, "every coordinate needs a clear sign")

        var options = OptimizerStepTests.fullBatch(epochs: 1, rate: Float(eta))
        options.optimizer = .adam
        try network.train(data, options: options)
        // After bias correction the first step is −η·m̂/(√v̂ + ε) = −η·g/(|g| + ε), i.e. η against the gradient's sign.
        for (k, value) in network.parameterValues.enumerated() {
            let expected = p0[k] - eta * g[k] / (abs(g[k]) + 1e-8)
            #expect(close(Double(value), expected, absolute: 1e-6), "parameter \(k)")
        }
    }
}
