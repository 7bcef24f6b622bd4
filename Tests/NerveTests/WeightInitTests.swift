import Testing
@testable import Nerve

/// Initial weights have the documented laws (1/√n_in, 1, √(2/n_in), Glorot's and LeCun's); biases follow their
/// own rule (zero by default, N(0, 1), a constant). With 200k weights the sample deviation's relative standard
/// error is 1/√(2N) ≈ 0.16%, so 2% is generous.
@Suite struct WeightInitTests {
    static func deviation(_ values: ArraySlice<Float>) -> (mean: Double, deviation: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot())
    }

    static let inputs = 400, outputs = 500

    static func weights(_ network: Network, layer: Int) -> ArraySlice<Float> {
        let start = network.offsets[layer]
        return network.parameterValues[start..<start + network.layers[layer].weightCount]
    }

    static func biases(_ network: Network, layer: Int) -> ArraySlice<Float> {
        let l = network.layers[layer], start = network.offsets[layer]
        return network.parameterValues[start + l.weightCount..<start + l.parameterCount]
    }

    static func expectWeights(_ network: Network, layer: Int, deviation expected: Double) {
        let weights = WeightInitTests.deviation(WeightInitTests.weights(network, layer: layer))
        #expect(abs(weights.deviation / expected - 1) < 0.02, "layer \(layer): \(weights.deviation) vs \(expected)")
        let count = Double(network.layers[layer].weightCount)
        #expect(abs(weights.mean) < 5 * expected / count.squareRoot())
    }

    /// n_in = 400, n_out = 500: 1/√n_in = 0.05, √(2/n_in) = 0.0707, √(2/(n_in + n_out)) = √(2/900) = 0.04714.
    static let normalized = 0.05, he = (2 / 400.0).squareRoot(), glorot = (2 / 900.0).squareRoot()
    static let schemes: [(WeightInit, Activation, Double)] = [
        (.normalized, .sigmoid, normalized), (.normalized, .relu, normalized), (.large, .tanh, 1),
        (.he, .sigmoid, he), (.auto, .sigmoid, normalized), (.auto, .tanh, normalized),
        (.auto, .relu, he), (.auto, .leakyRelu, he), (.glorotNormal, .tanh, glorot),
        (.lecunNormal, .linear, normalized),
    ]

    @Test(arguments: schemes)
    func schemeDeviation(scheme: WeightInit, activation: Activation, expected: Double) throws {
        let network = try Network(sizes: [WeightInitTests.inputs, WeightInitTests.outputs], activations: [activation],
                                  cost: .quadratic, seed: 1)
        network.initialize(scheme, seed: 99)
        WeightInitTests.expectWeights(network, layer: 0, deviation: expected)
        #expect(WeightInitTests.biases(network, layer: 0).allSatisfy { $0 == 0 })
    }

    /// U(±a), a = √(6/900) = 0.08165: every draw within a, the largest of 200k within 0.1% of it (all inside
    /// 0.999a has probability 0.999^200000 ≈ e^−200), standard deviation a/√3 = 0.04714 (as Glorot's normal),
    /// and half the draws within a/2 (standard error 0.0011; 0.006 is over five of them).
    @Test func glorotUniformBoundsAndSpread() throws {
        let network = try Network(sizes: [WeightInitTests.inputs, WeightInitTests.outputs], activations: [.tanh],
                                  cost: .quadratic, seed: 1)
        network.initialize(.glorotUniform, seed: 7)
        let limit = (6 / 900.0).squareRoot()
        let weights = WeightInitTests.weights(network, layer: 0)
        let largest = weights.reduce(0.0) { max($0, abs(Double($1))) }
        #expect(largest <= limit * (1 + 1e-6) && largest > 0.999 * limit, "largest |w| \(largest), limit \(limit)")
        WeightInitTests.expectWeights(network, layer: 0, deviation: limit / 3.0.squareRoot())
        let inner = Double(weights.filter { abs(Double($0)) < limit / 2 }.count) / Double(weights.count)
        #expect(abs(inner - 0.5) < 0.006, "fraction within a/2: \(inner)")
    }

    /// A convolution's fans count the window: 256 filters of 4 × 5×5 have n_in = 100 and n_out = 256·25 = 6400,
    /// so Glorot's deviation is √(2/6500) = 0.01754 (n_out = 256 filters alone would give 0.075), LeCun's 0.1.
    /// 25,600 draws: relative standard error 0.44%, 2.5% is over five.
    @Test func convolutionFans() throws {
        let spec = try LayerSpec.make(.conv2D, input: Shape(channels: 4, height: 9, width: 9), units: 256,
                                      windowHeight: 5, windowWidth: 5, activation: .tanh)
        let network = try Network(specs: [spec], cost: .quadratic, seed: 3)
        #expect(network.layers[0].fanIn == 100 && network.layers[0].fanOut == 6400)
        for (scheme, expected) in [(WeightInit.glorotNormal, (2 / 6500.0).squareRoot()), (.lecunNormal, 0.1),
                                   (.glorotUniform, (6 / 6500.0).squareRoot() / 3.0.squareRoot())] {
            network.initialize(scheme, seed: 11)
            let found = WeightInitTests.deviation(WeightInitTests.weights(network, layer: 0)).deviation
            #expect(abs(found / expected - 1) < 0.025, "\(scheme): \(found) vs \(expected)")
        }
    }

    /// A new network is initialised per layer with `auto` (He after ReLU, 1/√n_in otherwise) and zero biases.
    @Test func newNetworksUseAutoPerLayerAndZeroBiases() throws {
        let network = try Network(sizes: [400, 500, 200], activations: [.relu, .tanh], cost: .quadratic, seed: 4)
        WeightInitTests.expectWeights(network, layer: 0, deviation: (2 / 400.0).squareRoot())
        WeightInitTests.expectWeights(network, layer: 1, deviation: 1 / 500.0.squareRoot())
        for layer in 0..<2 { #expect(WeightInitTests.biases(network, layer: layer).allSatisfy { $0 == 0 }) }
    }

    /// 500 biases from N(0, 1): the sample deviation's relative standard error is 3.2%, the mean's 0.045.
    @Test func normalAndConstantBiases() throws {
        let network = try Network(sizes: [400, 500], activations: [.relu], cost: .quadratic, seed: 4)
        network.initialize(.he, biases: .normal, seed: 8)
        let normal = WeightInitTests.deviation(WeightInitTests.biases(network, layer: 0))
        #expect(abs(normal.deviation - 1) < 0.16 && abs(normal.mean) < 0.23, "biases \(normal)")
        WeightInitTests.expectWeights(network, layer: 0, deviation: (2 / 400.0).squareRoot())
        network.initialize(.he, biases: .constant, biasValue: 0.125, seed: 8)
        #expect(WeightInitTests.biases(network, layer: 0).allSatisfy { $0 == 0.125 })
    }

    /// The notes' network2 (normalized weights, N(0, 1) biases) draws, layer by layer, the weights then the
    /// biases from the reseeded generator: written out here, the order 0.4 used for every network.
    @Test func networkTwoDrawsInTheNotesOrder() throws {
        let sizes = [5, 4, 3]
        let network = try Network(sizes: sizes, activations: [.sigmoid, .sigmoid], cost: .crossEntropy, seed: 1)
        network.initialize(.normalized, biases: .normal, seed: 21)
        var random = Random(seed: 21)
        var expected: [Float] = []
        for l in 0..<2 {
            let deviation = 1 / Double(sizes[l]).squareRoot()
            for _ in 0..<(sizes[l] * sizes[l + 1]) { expected.append(Float(random.nextGaussian() * deviation)) }
            for _ in 0..<sizes[l + 1] { expected.append(Float(random.nextGaussian())) }
        }
        #expect(bitIdentical(network.parameterValues, expected))
        #expect(network.random == random)
    }

    @Test func reinitialisingWithASeedIsReproducible() throws {
        let a = try Network(sizes: [3, 4, 2], activations: [.tanh, .linear], cost: .quadratic, seed: 1)
        let b = try Network(sizes: [3, 4, 2], activations: [.tanh, .linear], cost: .quadratic, seed: 2)
        #expect(!bitIdentical(a.parameterValues, b.parameterValues))
        a.initialize(.large, seed: 5)
        b.initialize(.large, seed: 5)
        #expect(bitIdentical(a.parameterValues, b.parameterValues))
        #expect(a.random == b.random)
        a.initialize(.glorotUniform, biases: .normal, seed: 6)
        b.initialize(.glorotUniform, biases: .normal, seed: 6)
        #expect(bitIdentical(a.parameterValues, b.parameterValues))
    }
}
