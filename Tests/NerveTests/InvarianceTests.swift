import Testing
@testable import Nerve

/// Results do not depend on how samples are batched or on how many threads share the work: each output is
/// one fixed chain of fused multiply-adds, and work is cut only along dimensions that are not summed.
@Suite struct InvarianceTests {
    static func data(rows: Int, inputs: Int, outputs: Int, seed: UInt64) -> Dataset {
        var random = SplitMix(state: seed)
        let x = random.uniforms(rows * inputs, -1, 1)
        var y = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows { y[r * outputs + Int(random.next() % UInt64(outputs))] = 1 }
        return Dataset(x: x, y: y, inputs: inputs, outputs: outputs)
    }

    /// Large enough that every product is shared out when a team exists.
    static func network(seed: UInt64 = 3) throws -> Network {
        try Network(sizes: [300, 200, 64, 10], activations: [.relu, .tanh, .softmax], cost: .logLikelihood, seed: seed)
    }

    @Test func aSampleAloneOrInABatchGivesTheSameBits() throws {
        let network = try InvarianceTests.network()
        let data = InvarianceTests.data(rows: 1100, inputs: 300, outputs: 10, seed: 9)
        network.threads = 1
        var alone: [Float] = []
        for r in 0..<data.count {
            let row = Dataset(x: Array(data.x[r * 300..<(r + 1) * 300]), y: Array(data.y[r * 10..<(r + 1) * 10]),
                              inputs: 300, outputs: 10)
            alone += try network.predictions(row)
        }
        for threads in [1, 2, 3] {
            network.threads = threads
            #expect(bitIdentical(try network.predictions(data), alone), "\(threads) threads, 1100 rows at once")
            let part = Dataset(x: Array(data.x[300 * 7..<300 * 39]), y: Array(data.y[10 * 7..<10 * 39]),
                               inputs: 300, outputs: 10)
            #expect(bitIdentical(try network.predictions(part), Array(alone[70..<390])), "\(threads) threads, rows 7..<39")
        }
    }

    @Test(arguments: [(OptimizerKind.sgd, Float(0)), (.sgd, 0.9), (.adam, 0)])
    func trainingGivesTheSameWeightsOnAnyThreadCount(optimizer: OptimizerKind, momentum: Float) throws {
        let data = InvarianceTests.data(rows: 600, inputs: 300, outputs: 10, seed: 4)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 128
        options.optimizer = optimizer
        options.momentum = momentum
        options.learningRate = optimizer == .adam ? 0.001 : 0.05
        options.dropout = 0.2
        options.l2 = 0.5
        options.l1 = 0.1
        options.monitoring = .full
        var results: [[Float]] = []
        var costs: [[Float]] = []
        for threads in [1, 2, 3] {
            let network = try InvarianceTests.network(seed: 11)
            options.threads = threads
            let (_, reports) = try network.train(data, options: options)
            results.append(network.parameterValues)
            costs.append(reports.map(\.trainCost))
        }
        #expect(bitIdentical(results[0], results[1]))
        #expect(bitIdentical(results[0], results[2]))
        #expect(bitIdentical(costs[0], costs[1]) && bitIdentical(costs[0], costs[2]))
        // The weights did move.
        #expect(!bitIdentical(results[0], try InvarianceTests.network(seed: 11).parameterValues))
    }
}
