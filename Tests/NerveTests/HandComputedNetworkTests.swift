import Foundation
import Testing
@testable import Nerve

/// A 2-2-1 sigmoid network whose every number is worked out by hand. The weights are picked so that
/// σ(z) lands on 1/2, 3/4 and 1/4 (σ(0) = 1/2, σ(ln 3) = 3/4, σ(−ln 3) = 1/4) and all results are exact fractions.
///
///   x = (1, 2), y = 1
///   W¹ = [[0.5, −0.25], [1, −0.5]], b¹ = (0, ln 3)
///      z¹ = (0.5·1 − 0.25·2 + 0, 1·1 − 0.5·2 + ln 3) = (0, ln 3),   a¹ = (1/2, 3/4)
///      (the transpose of W¹ would give z¹₁ = 0.5 + 2 = 2.5: the layout matters)
///   W² = [[2, −4]], b² = 2 − ln 3
///      z² = 2·½ − 4·¾ + 2 − ln 3 = −ln 3,   a² = 1/4
///   σ′(z) = a(1 − a):  σ′(z¹) = (1/4, 3/16),  σ′(z²) = 3/16
@Suite struct HandComputedNetworkTests {
    static let ln3 = Float(log(3.0))
    /// Layout per layer: weights row-major (outputs × inputs), then biases.
    static let parameters: [Float] = [0.5, -0.25, 1, -0.5, 0, ln3, 2, -4, 2 - ln3]
    static let sample = Dataset(x: [1, 2], y: [1], inputs: 2, outputs: 1)

    static func network(_ cost: Cost) throws -> Network {
        let network = try Network(sizes: [2, 2, 1], activations: [.sigmoid, .sigmoid], cost: cost, seed: 1)
        network.setParameters(parameters)
        return network
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) {
            #expect(close(Double(a), e, absolute: 1e-6), "\(what): \(actual) vs \(expected)")
        }
    }

    @Test func forwardPassGivesOneQuarter() throws {
        let network = try HandComputedNetworkTests.network(.quadratic)
        HandComputedNetworkTests.expectClose(try network.predictions(HandComputedNetworkTests.sample), [0.25], "output")
    }

    /// Quadratic cost:
    ///   C  = ½(1/4 − 1)² = 9/32
    ///   δ² = (a − y)σ′(z²) = (−3/4)(3/16) = −9/64                      (BP1)
    ///   δ¹ = (W²ᵀδ²) ⊙ σ′(z¹) = (2·(−9/64)·1/4, −4·(−9/64)·3/16)
    ///      = (−9/128, 27/256)                                          (BP2)
    ///   ∂C/∂b = δ                                                      (BP3)
    ///   ∂C/∂W² = δ² a¹ᵀ = (−9/128, −27/256)                            (BP4)
    ///   ∂C/∂W¹ = δ¹ xᵀ = [[−9/128, −18/128], [27/256, 54/256]]
    @Test func quadraticCostAndGradients() throws {
        let network = try HandComputedNetworkTests.network(.quadratic)
        let data = HandComputedNetworkTests.sample
        let cost = try data.withSamples { try network.measure($0.x, $0.y, rows: 1).cost }
        #expect(close(cost, 9.0 / 32, absolute: 1e-6))

        let g = try network.gradient(data)
        let outputDelta = -9.0 / 64, hiddenDelta = [-9.0 / 128, 27.0 / 256]
        HandComputedNetworkTests.expectClose([g[8]], [outputDelta], "output δ = ∂C/∂b²")
        HandComputedNetworkTests.expectClose(Array(g[4...5]), hiddenDelta, "hidden δ = ∂C/∂b¹")
        HandComputedNetworkTests.expectClose(Array(g[6...7]), [-9.0 / 128, -27.0 / 256], "∂C/∂W²")
        HandComputedNetworkTests.expectClose(Array(g[0...3]), [-9.0 / 128, -18.0 / 128, 27.0 / 256, 54.0 / 256], "∂C/∂W¹")
    }

    /// Cross-entropy: σ′ cancels at the output.
    ///   C  = −ln(1/4) = ln 4
    ///   δ² = a − y = −3/4
    ///   δ¹ = (2·(−3/4)·1/4, −4·(−3/4)·3/16) = (−3/8, 9/16)
    ///   ∂C/∂W² = (−3/4)(1/2, 3/4) = (−3/8, −9/16)
    ///   ∂C/∂W¹ = [[−3/8, −3/4], [9/16, 9/8]]
    @Test func crossEntropyCostAndGradients() throws {
        let network = try HandComputedNetworkTests.network(.crossEntropy)
        let data = HandComputedNetworkTests.sample
        let cost = try data.withSamples { try network.measure($0.x, $0.y, rows: 1).cost }
        #expect(close(cost, log(4.0), absolute: 1e-6))

        let g = try network.gradient(data)
        HandComputedNetworkTests.expectClose([g[8]], [-0.75], "output δ")
        HandComputedNetworkTests.expectClose(Array(g[4...5]), [-3.0 / 8, 9.0 / 16], "hidden δ")
        HandComputedNetworkTests.expectClose(Array(g[6...7]), [-3.0 / 8, -9.0 / 16], "∂C/∂W²")
        HandComputedNetworkTests.expectClose(Array(g[0...3]), [-3.0 / 8, -3.0 / 4, 9.0 / 16, 9.0 / 8], "∂C/∂W¹")
    }

    /// One SGD step with η = 2 on the single sample: p′ = p − 2·∂C/∂p with the quadratic gradients above.
    @Test func oneStochasticStepMovesAgainstTheGradient() throws {
        let network = try HandComputedNetworkTests.network(.quadratic)
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 1
        options.learningRate = 2
        options.monitoring = .none
        try network.train(HandComputedNetworkTests.sample, options: options)
        let gradient: [Double] = [-9 / 128, -18 / 128, 27 / 256, 54 / 256, -9 / 128, 27 / 256,
                                  -9 / 128, -27 / 256, -9 / 64]
        let expected = zip(HandComputedNetworkTests.parameters, gradient).map { Double($0) - 2 * $1 }
        HandComputedNetworkTests.expectClose(network.parameterValues, expected, "parameters after one step")
    }
}
