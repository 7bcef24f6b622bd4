import Testing
@testable import Nerve

/// Same seed, data and options give bit-identical weights, with every source of randomness in play
/// (initialisation, shuffling, dropout); another seed gives other weights.
@Suite struct DeterminismTests {
    static let data: Dataset = {
        var random = SplitMix(state: 77)
        let x = random.uniforms(40 * 3, -1, 1)
        var y: [Float] = []
        for i in stride(from: 0, to: x.count, by: 3) {
            let positive = x[i] + x[i + 1] * x[i + 2] > 0
            y += positive ? [1, 0] : [0, 1]
        }
        return Dataset(x: x, y: y, inputs: 3, outputs: 2)
    }()

    static func trained(seed: UInt64, optimizer: OptimizerKind) throws -> (Network, [EpochReport]) {
        let network = try Network(sizes: [3, 8, 2], activations: [.relu, .softmax], cost: .logLikelihood, seed: seed)
        var options = TrainingOptions()
        options.epochs = 8
        options.batchSize = 7
        options.dropout = 0.25
        options.momentum = optimizer == .sgd ? 0.5 : 0
        options.optimizer = optimizer
        options.learningRate = optimizer == .sgd ? 0.1 : 0.01
        options.l2 = 0.1
        let (_, reports) = try network.train(data, options: options)
        return (network, reports)
    }

    @Test(arguments: [OptimizerKind.sgd, .adam])
    func sameSeedSameWeights(optimizer: OptimizerKind) throws {
        let (a, reportsA) = try DeterminismTests.trained(seed: 123, optimizer: optimizer)
        let (b, reportsB) = try DeterminismTests.trained(seed: 123, optimizer: optimizer)
        #expect(bitIdentical(a.parameterValues, b.parameterValues))
        #expect(a.random == b.random)
        #expect(bitIdentical(reportsA.map(\.trainCost), reportsB.map(\.trainCost)))
        // Training did move the weights away from a fresh network's.
        let fresh = try Network(sizes: [3, 8, 2], activations: [.relu, .softmax], cost: .logLikelihood, seed: 123)
        #expect(!bitIdentical(a.parameterValues, fresh.parameterValues))
    }

    @Test func differentSeedDifferentWeights() throws {
        let (a, _) = try DeterminismTests.trained(seed: 123, optimizer: .sgd)
        let (b, _) = try DeterminismTests.trained(seed: 124, optimizer: .sgd)
        let differing = zip(a.parameterValues, b.parameterValues).filter { $0 != $1 }.count
        #expect(differing == a.parameterCount)
    }

    /// The generator decides the shuffle: the same initial weights with another generator state train differently.
    @Test func shuffleFollowsTheGenerator() throws {
        let a = try Network(sizes: [3, 8, 2], activations: [.relu, .softmax], cost: .logLikelihood, seed: 5)
        let b = try Network(sizes: [3, 8, 2], activations: [.relu, .softmax], cost: .logLikelihood, seed: 6)
        b.setParameters(a.parameterValues)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 5
        try a.train(DeterminismTests.data, options: options)
        try b.train(DeterminismTests.data, options: options)
        #expect(!bitIdentical(a.parameterValues, b.parameterValues))
    }
}
