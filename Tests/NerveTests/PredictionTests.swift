import Testing
@testable import Nerve

/// Prediction and measurement over many samples, which the library processes in chunks: every row must match
/// the reference forward pass, wherever the chunk boundaries fall.
@Suite struct PredictionTests {
    static func data(rows: Int, seed: UInt64) -> Dataset {
        var random = SplitMix(state: seed)
        let x = random.uniforms(rows * 3, -2, 2)
        var y: [Float] = []
        for _ in 0..<rows {
            let hot = Int(random.next() % 4)
            y += (0..<4).map { $0 == hot ? 1 : 0 }
        }
        return Dataset(x: x, y: y, inputs: 3, outputs: 4)
    }

    @Test(arguments: [1, 2, 1023, 1024, 1025, 2500])
    func everyRowMatchesTheReference(rows: Int) throws {
        let network = try Network(sizes: [3, 7, 5, 4], activations: [.tanh, .leakyRelu, .softmax],
                                  cost: .logLikelihood, seed: UInt64(rows))
        let reference = ReferenceNetwork(network)
        let p = network.parameterValues.map(Double.init)
        let data = PredictionTests.data(rows: rows, seed: 50)
        let outputs = try network.predictions(data)
        var worst = 0.0, costSum = 0.0, hits = 0
        for r in 0..<rows {
            let expected = reference.output(p, input: data.input(r))
            for j in 0..<4 { worst = max(worst, abs(Double(outputs[r * 4 + j]) - expected[j])) }
            costSum += reference.sampleCost(a: expected, y: data.target(r))
            let predicted = expected.indices.max { expected[$0] < expected[$1] }!
            hits += data.target(r)[predicted] == 1 ? 1 : 0
        }
        #expect(worst < 1e-5)

        let measured = try data.withSamples { try network.measure($0.x, $0.y, rows: rows) }
        #expect(measured.samples == rows)
        #expect(close(measured.cost, costSum / Double(rows), absolute: 1e-5, relative: 1e-5))
        #expect(measured.hits == hits)
    }
}
