import Testing
@testable import Nerve

/// Training that ends early: the progress callback asking to stop, and divergence to non-finite values.
@Suite struct TrainingInterruptionTests {
    @Test func callbackStopsAfterThatEpoch() throws {
        let task = InvertedEvaluationTask()
        let network = try task.network()
        let run = try task.run(network, task.options(epochs: 10), stopAt: 3)
        #expect(run.outcome == .stopped)
        #expect(run.reports.map(\.epoch) == [1, 2, 3])
        #expect(bitIdentical(network.parameterValues, run.snapshots[2]))

        // Stopping after three epochs leaves what three epochs leave.
        let threeEpochs = try task.network()
        try threeEpochs.train(task.training, options: task.options(epochs: 3))
        #expect(bitIdentical(network.parameterValues, threeEpochs.parameterValues))
    }

    /// A linear unit under the quadratic cost with a far too large rate: each full-batch step multiplies the
    /// error by about 1 − η·E[x²] ≈ −50, so the weights overflow after a few dozen epochs. The network must be
    /// left with the weights of the last epoch that ended finite.
    @Test(arguments: [Monitoring.none, .full])
    func divergenceRestoresTheLastGoodEpoch(monitoring: Monitoring) throws {
        let network = try Network(sizes: [1, 1], activations: [.linear], cost: .quadratic, seed: 3)
        let data = Dataset(x: [1, 2, -1, 3], y: [0, 1, 0, 2], inputs: 1, outputs: 1)
        var options = TrainingOptions()
        options.epochs = 1000
        options.batchSize = 4
        options.learningRate = 15
        options.monitoring = monitoring
        var snapshots: [[Float]] = []
        let kind = thrownKind {
            try network.train(data, options: options) { _, net in
                snapshots.append(net.parameterValues)
                return true
            }
        }
        #expect(kind == .diverged)
        #expect(snapshots.count >= 5 && snapshots.count < 1000)
        #expect(snapshots.allSatisfy { $0.allSatisfy { $0.isFinite } })
        #expect(bitIdentical(network.parameterValues, snapshots.last!))
    }

    /// Divergence in the very first epoch leaves the weights the network started with.
    @Test func divergenceInTheFirstEpochRestoresTheInitialWeights() throws {
        let network = try Network(sizes: [1, 1], activations: [.linear], cost: .quadratic, seed: 4)
        let initial = network.parameterValues
        let data = Dataset(x: [1e4, -3e4], y: [1e4, 2e4], inputs: 1, outputs: 1)
        var options = TrainingOptions()
        options.epochs = 5
        options.batchSize = 2
        options.learningRate = 1e36
        var epochs = 0
        #expect(thrownKind { try network.train(data, options: options) { _, _ in epochs += 1; return true } } == .diverged)
        #expect(epochs == 0)
        #expect(bitIdentical(network.parameterValues, initial))
    }
}
