import Testing
@testable import Nerve

/// Backpropagation (Float) against central differences of a Double forward pass written independently.
@Suite struct GradientCheckTests {
    /// Every output activation × cost pair the header allows.
    static let allowedPairs: [(Activation, Cost)] =
        [Activation.sigmoid, .tanh, .relu, .leakyRelu, .linear, .softmax, .exp].map { ($0, Cost.quadratic) }
        + [(.sigmoid, .crossEntropy), (.softmax, .logLikelihood), (.exp, .poisson)]

    static let hiddenCycle: [Activation] = [.sigmoid, .tanh, .relu, .leakyRelu, .linear, .softmax]

    /// One case per allowed pair on a 3-4-3 net and one on a 4-5-3-2 net, hidden activations rotating so each
    /// hidden kind meets several output kinds.
    static let cases: [(sizes: [Int], activations: [Activation], cost: Cost, seed: UInt64)] = {
        var cases: [(sizes: [Int], activations: [Activation], cost: Cost, seed: UInt64)] = []
        for (i, (output, cost)) in allowedPairs.enumerated() {
            let h = hiddenCycle
            cases.append(([3, 4, 3], [h[i % 6], output], cost, UInt64(100 + i)))
            cases.append(([4, 5, 3, 2], [h[(i + 1) % 6], h[(i + 2) % 6], output], cost, UInt64(200 + i)))
        }
        return cases
    }()

    static func targets(count: Int, outputs: Int, cost: Cost, output: Activation, random: inout SplitMix) -> [Float] {
        switch cost {
        case .logLikelihood:
            // One-hot rows: the log-likelihood's δ = a − y assumes Σy = 1.
            return (0..<count).flatMap { _ -> [Float] in
                let hot = Int(random.next() % UInt64(outputs))
                return (0..<outputs).map { $0 == hot ? 1 : 0 }
            }
        case .crossEntropy:
            return random.uniforms(count * outputs, 0, 1)
        case .poisson:
            return random.uniforms(count * outputs, 0, 4)  // rates; the cost reads them as it reads counts
        case .quadratic:
            return output == .tanh || output == .linear || output == .leakyRelu
                ? random.uniforms(count * outputs, -1, 1) : random.uniforms(count * outputs, 0, 1)
        }
    }

    @Test(arguments: 0..<cases.count)
    func backpropagationMatchesCentralDifferences(caseIndex: Int) throws {
        let c = GradientCheckTests.cases[caseIndex]
        let network = try Network(sizes: c.sizes, activations: c.activations, cost: c.cost, seed: c.seed)
        let reference = ReferenceNetwork(network)
        let parameters = network.parameterValues.map(Double.init)

        // Draw inputs until no ReLU-family unit sits near its kink, where the derivative is undefined.
        var random = SplitMix(state: c.seed)
        var candidate: Dataset?
        for _ in 0..<100 where candidate == nil {
            let n = 5
            let drawn = Dataset(x: random.uniforms(n * c.sizes[0], -1.5, 1.5),
                                y: GradientCheckTests.targets(count: n, outputs: c.sizes.last!, cost: c.cost,
                                                              output: c.activations.last!, random: &random),
                                inputs: c.sizes[0], outputs: c.sizes.last!)
            if reference.nearestKink(parameters, drawn) >= 1e-2 { candidate = drawn }
        }
        let data = try #require(candidate, "no inputs found away from the kinks")

        let backprop = try network.gradient(data)
        let epsilon = 1e-4
        let numeric = centralDifferences(
            at: parameters, epsilon: epsilon, objective: { reference.meanCost($0, data) },
            sameSide: { reference.kinkSides($0, data) == reference.kinkSides($1, data) })

        #expect(backprop.count == reference.parameterCount)
        var checked = 0
        for (k, expected) in numeric.enumerated() {
            guard let expected else { continue }
            checked += 1
            let actual = Double(backprop[k])
            #expect(close(actual, expected, absolute: 2e-5, relative: 1e-3),
                    "parameter \(k) of \(c.sizes) \(c.activations) \(c.cost): backprop \(actual), numeric \(expected)")
        }
        // Kinks may excuse a coordinate now and then, never most of them.
        #expect(checked >= numeric.count * 9 / 10)
        // A vanishing gradient would pass trivially; these nets are chosen to have a real one.
        #expect(numeric.compactMap { $0 }.contains { abs($0) > 1e-2 })
    }
}
