@testable import Nerve

/// A task whose evaluation cost rises while training succeeds: the evaluation set is the training set with
/// labels inverted, so each step that fits the training data unfits the evaluation data. With only every
/// `invertEvery`-th label inverted, evaluation cost first falls, then rises as the net grows confident.
struct InvertedEvaluationTask {
    let training: Dataset
    let evaluation: Dataset

    init(invertEvery: Int = 1) {
        var random = SplitMix(state: 404)
        let x = random.uniforms(20 * 2, -1, 1)
        let y = stride(from: 0, to: x.count, by: 2).map { x[$0] > x[$0 + 1] ? Float(1) : 0 }
        training = Dataset(x: x, y: y, inputs: 2, outputs: 1)
        let inverted = y.enumerated().map { $0.offset % invertEvery == 0 ? 1 - $0.element : $0.element }
        evaluation = Dataset(x: x, y: inverted, inputs: 2, outputs: 1)
    }

    /// Starting weights come from the test's own generator, so the training trajectories these tests rely on do
    /// not change if the library's initialisation does.
    func network() throws -> Network {
        let network = try Network(sizes: [2, 4, 1], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 9)
        var random = SplitMix(state: 909)
        network.setParameters(random.uniforms(network.parameterCount, -1, 1))
        return network
    }

    /// Full-batch SGD, in order, without training measurements: one deterministic step per epoch.
    func options(epochs: Int, rate: Float = 0.5) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = training.count
        options.learningRate = rate
        options.shuffle = false
        options.monitoring = .none
        return options
    }

    /// Trains and records, per epoch, the report, the parameters, and the evaluation cost computed by the
    /// Double reference from those parameters.
    func run(_ network: Network, _ options: TrainingOptions, stopAt: Int? = nil) throws
        -> (outcome: TrainingOutcome, reports: [EpochReport], snapshots: [[Float]], evalCosts: [Double])
    {
        let reference = ReferenceNetwork(network)
        var snapshots: [[Float]] = [], evalCosts: [Double] = []
        let (outcome, reports) = try network.train(training, evaluation: evaluation, options: options) { report, net in
            snapshots.append(net.parameterValues)
            evalCosts.append(reference.meanCost(net.parameterValues.map(Double.init), evaluation))
            return report.epoch != stopAt
        }
        return (outcome, reports, snapshots, evalCosts)
    }
}
