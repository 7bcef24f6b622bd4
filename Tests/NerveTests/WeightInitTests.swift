import Testing
@testable import Nerve

/// Initial weights have the documented standard deviations (1/√n_in, 1, √(2/n_in)); biases are N(0, 1).
/// With 200k weights the sample deviation's relative standard error is 1/√(2N) ≈ 0.16%, so 2% is generous.
@Suite struct WeightInitTests {
    static func deviation(_ values: ArraySlice<Float>) -> (mean: Double, deviation: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot())
    }

    static let inputs = 400, outputs = 500

    static func expectLayer(_ network: Network, layer: Int, weightDeviation expected: Double) {
        let l = network.layers[layer], start = network.offsets[layer]
        let values = network.parameterValues
        let weights = WeightInitTests.deviation(values[start..<start + l.weightCount])
        #expect(abs(weights.deviation / expected - 1) < 0.02, "layer \(layer): \(weights.deviation) vs \(expected)")
        #expect(abs(weights.mean) < 5 * expected / Double(l.weightCount).squareRoot())
        let biases = WeightInitTests.deviation(values[start + l.weightCount..<start + l.parameterCount])
        // 500 biases: relative standard error 3.2%.
        #expect(abs(biases.deviation - 1) < 0.16, "biases of layer \(layer): \(biases.deviation)")
    }

    /// n_in = 400: 1/√n_in = 0.05, √(2/n_in) = 0.0707.
    static let normalized = 0.05, he = (2 / 400.0).squareRoot()
    static let schemes: [(WeightInit, Activation, Double)] = [
        (.normalized, .sigmoid, normalized), (.normalized, .relu, normalized), (.large, .tanh, 1),
        (.he, .sigmoid, he), (.auto, .sigmoid, normalized), (.auto, .tanh, normalized),
        (.auto, .relu, he), (.auto, .leakyRelu, he),
    ]

    @Test(arguments: schemes)
    func schemeDeviation(scheme: WeightInit, activation: Activation, expected: Double) throws {
        let network = try Network(sizes: [WeightInitTests.inputs, WeightInitTests.outputs], activations: [activation],
                                  cost: .quadratic, seed: 1)
        network.initialize(scheme, seed: 99)
        WeightInitTests.expectLayer(network, layer: 0, weightDeviation: expected)
    }

    /// A new network is initialised per layer with `auto`: He after ReLU, 1/√n_in otherwise.
    @Test func newNetworksUseAutoPerLayer() throws {
        let network = try Network(sizes: [400, 500, 200], activations: [.relu, .tanh], cost: .quadratic, seed: 4)
        WeightInitTests.expectLayer(network, layer: 0, weightDeviation: (2 / 400.0).squareRoot())
        WeightInitTests.expectLayer(network, layer: 1, weightDeviation: 1 / 500.0.squareRoot())
    }

    @Test func reinitialisingWithASeedIsReproducible() throws {
        let a = try Network(sizes: [3, 4, 2], activations: [.tanh, .linear], cost: .quadratic, seed: 1)
        let b = try Network(sizes: [3, 4, 2], activations: [.tanh, .linear], cost: .quadratic, seed: 2)
        #expect(!bitIdentical(a.parameterValues, b.parameterValues))
        a.initialize(.large, seed: 5)
        b.initialize(.large, seed: 5)
        #expect(bitIdentical(a.parameterValues, b.parameterValues))
        #expect(a.random == b.random)
    }
}
