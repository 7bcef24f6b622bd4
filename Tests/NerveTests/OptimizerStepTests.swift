import Foundation
import Testing
@testable import Nerve

/// One or two steps of each update rule, predicted from finite-difference gradients of the Double reference:
/// w' = w − η(g + (λ₂/n)w + (λ₁/n)sgn w) for weights, b' = b − ηg for biases, and so on. The cases cover every
/// path the optimizer takes (plain SGD folded into the backward pass, momentum, and the separate gradient pass
/// that L1 and Adam need).
@Suite struct OptimizerStepTests {
    static func fixture(seed: UInt64, samples: Int = 4) throws -> (Network, ReferenceNetwork, Dataset) {
        let network = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: seed)
        // N(0, 1) biases, as every network had before 0.5: no parameter near 0, where sgn w is ambiguous.
        network.initialize(.auto, biases: .normal, seed: seed)
        var random = SplitMix(state: seed)
        let data = Dataset(x: random.uniforms(samples * 3, -1, 1), y: random.uniforms(samples * 2, 0, 1),
                           inputs: 3, outputs: 2)
        return (network, ReferenceNetwork(network), data)
    }

    static func options(epochs: Int, batch: Int, rate: Double) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batch
        options.learningRate = Float(rate)
        options.shuffle = false
        options.monitoring = .none
        return options
    }

    static func numericGradient(_ reference: ReferenceNetwork, _ p: [Double], _ data: Dataset) -> [Double] {
        centralDifferences(at: p, epsilon: 1e-4, objective: { reference.meanCost($0, data) }).map { $0! }
    }

    /// (λ₂/n)w + (λ₁/n)sgn w on weights, 0 on biases.
    static func decay(_ reference: ReferenceNetwork, _ p: [Double], l2: Double, l1: Double, n: Int) -> [Double] {
        zip(p, reference.weightMask).map { w, isWeight in
            isWeight ? (l2 * w + l1 * (w > 0 ? 1 : w < 0 ? -1 : 0)) / Double(n) : 0
        }
    }

    static func expectParameters(_ network: Network, _ expected: [Double], tolerance: Double) {
        for (k, value) in network.parameterValues.enumerated() {
            #expect(close(Double(value), expected[k], absolute: tolerance), "parameter \(k): \(value) vs \(expected[k])")
        }
    }

    @Test(arguments: [(0.3, 0.2), (0.3, 0.0), (0.0, 0.2)])
    func regularisedStepDecaysWeightsOnly(l2: Double, l1: Double) throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 7)
        let before = network.parameterValues.map(Double.init)
        let eta = 0.5
        #expect(before.allSatisfy { abs($0) > 1e-3 }, "sgn w must be unambiguous")
        let g = OptimizerStepTests.numericGradient(reference, before, data)
        let decay = OptimizerStepTests.decay(reference, before, l2: l2, l1: l1, n: data.count)

        var options = OptimizerStepTests.options(epochs: 1, batch: data.count, rate: eta)
        options.l2 = Float(l2)
        options.l1 = Float(l1)
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, before.indices.map { before[$0] - eta * (g[$0] + decay[$0]) },
                                            tolerance: 2e-6)

        // The same step is gradient descent on the regularised objective C + ½(λ₂/n)Σw² + (λ₁/n)Σ|w|.
        let after = network.parameterValues.map(Double.init)
        let regularised = centralDifferences(at: before, epsilon: 1e-4, objective: {
            reference.meanCost($0, data) + reference.regularisation($0, l2: l2, l1: l1, n: data.count)
        }).map { $0! }
        for k in before.indices {
            #expect(close((before[k] - after[k]) / eta, regularised[k], absolute: 1e-5))
        }
        #expect(close(network.regularizationCost(l2: Float(l2), l1: Float(l1), samples: Double(data.count)),
                      reference.regularisation(after, l2: l2, l1: l1, n: data.count), absolute: 1e-9, relative: 1e-6))
    }

    /// Five samples in batches of 2, 2 and 1, in order: each step uses the mean gradient of its own batch,
    /// taken at the parameters the previous step left.
    @Test func miniBatchesStepInTurn() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 10, samples: 5)
        let eta = 0.4
        var p = network.parameterValues.map(Double.init)
        for (start, count) in [(0, 2), (2, 2), (4, 1)] {
            let batch = Dataset(x: Array(data.x[start * 3..<(start + count) * 3]),
                                y: Array(data.y[start * 2..<(start + count) * 2]), inputs: 3, outputs: 2)
            let g = OptimizerStepTests.numericGradient(reference, p, batch)
            p = zip(p, g).map { $0 - eta * $1 }
        }
        try network.train(data, options: OptimizerStepTests.options(epochs: 1, batch: 2, rate: eta))
        OptimizerStepTests.expectParameters(network, p, tolerance: 5e-6)
    }

    /// v₁ = −η(g(p₀) + d(p₀)), p₁ = p₀ + v₁; v₂ = μv₁ − η(g(p₁) + d(p₁)), p₂ = p₁ + v₂, d the L2/L1 decay.
    @Test(arguments: [(0.0, 0.0), (0.2, 0.0), (0.2, 0.1)])
    func momentumAccumulatesVelocity(l2: Double, l1: Double) throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 8)
        let eta = 0.3, mu = 0.9
        let p0 = network.parameterValues.map(Double.init)
        let g0 = OptimizerStepTests.numericGradient(reference, p0, data)
        let d0 = OptimizerStepTests.decay(reference, p0, l2: l2, l1: l1, n: data.count)
        let v1 = p0.indices.map { -eta * (g0[$0] + d0[$0]) }
        let p1 = zip(p0, v1).map { $0 + $1 }
        let g1 = OptimizerStepTests.numericGradient(reference, p1, data)
        let d1 = OptimizerStepTests.decay(reference, p1, l2: l2, l1: l1, n: data.count)
        let v2 = p0.indices.map { mu * v1[$0] - eta * (g1[$0] + d1[$0]) }
        let p2 = zip(p1, v2).map { $0 + $1 }

        var options = OptimizerStepTests.options(epochs: 2, batch: data.count, rate: eta)
        options.momentum = Float(mu)
        options.l2 = Float(l2)
        options.l1 = Float(l1)
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, p2, tolerance: 5e-6)
    }

    /// After bias correction Adam's first step is −η·m̂/(√v̂ + ε) = −η·g/(|g| + ε): η against the gradient's sign.
    @Test func adamFirstStepMovesEachParameterByTheRate() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 9)
        let eta = 0.01
        let p0 = network.parameterValues.map(Double.init)
        let g = OptimizerStepTests.numericGradient(reference, p0, data)
        #expect(g.allSatisfy { abs($0) > 1e-4 }, "every coordinate needs a clear sign")

        var options = OptimizerStepTests.options(epochs: 1, batch: data.count, rate: eta)
        options.optimizer = .adam
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, p0.indices.map { p0[$0] - eta * g[$0] / (abs(g[$0]) + 1e-8) },
                                            tolerance: 1e-6)
    }

    /// Second Adam step from the moment estimates, written out: m = β₁m + (1−β₁)g, s = β₂s + (1−β₂)g²,
    /// p −= η·(m/(1−β₁²)) / (√(s/(1−β₂²)) + ε).
    @Test func adamSecondStepFollowsTheMoments() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 12)
        let eta = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8
        var p = network.parameterValues.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), s = m
        for t in 1...2 {
            let g = OptimizerStepTests.numericGradient(reference, p, data)
            for k in p.indices {
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                s[k] = b2 * s[k] + (1 - b2) * g[k] * g[k]
                let mHat = m[k] / (1 - pow(b1, Double(t))), sHat = s[k] / (1 - pow(b2, Double(t)))
                p[k] -= eta * mHat / (sHat.squareRoot() + eps)
            }
        }
        var options = OptimizerStepTests.options(epochs: 2, batch: data.count, rate: eta)
        options.optimizer = .adam
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, p, tolerance: 2e-5)
    }
}
