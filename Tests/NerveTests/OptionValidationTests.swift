import Testing
@testable import Nerve

/// Every out-of-range option and unsupported architecture is refused before anything changes.
@Suite struct OptionValidationTests {
    static let invalidOptions: [(String, (inout TrainingOptions) -> Void)] = [
        ("epochs 0", { $0.epochs = 0 }),
        ("epochs too many", { $0.epochs = TrainingOptions.maxEpochs + 1 }),
        ("batch 0", { $0.batchSize = 0 }),
        ("batch negative", { $0.batchSize = -3 }),
        ("rate 0", { $0.learningRate = 0 }),
        ("rate negative", { $0.learningRate = -0.1 }),
        ("rate NaN", { $0.learningRate = .nan }),
        ("rate infinite", { $0.learningRate = .infinity }),
        ("momentum 1", { $0.momentum = 1 }),
        ("momentum negative", { $0.momentum = -0.1 }),
        ("momentum NaN", { $0.momentum = .nan }),
        ("l2 negative", { $0.l2 = -1 }),
        ("l2 NaN", { $0.l2 = .nan }),
        ("l1 negative", { $0.l1 = -1 }),
        ("l1 infinite", { $0.l1 = .infinity }),
        ("dropout 1", { $0.dropout = 1 }),
        ("dropout negative", { $0.dropout = -0.2 }),
        ("dropout NaN", { $0.dropout = .nan }),
        ("beta1 1", { $0.adamBeta1 = 1 }),
        ("beta1 negative", { $0.adamBeta1 = -0.5 }),
        ("beta2 1", { $0.adamBeta2 = 1 }),
        ("beta2 NaN", { $0.adamBeta2 = .nan }),
        ("epsilon 0", { $0.adamEpsilon = 0 }),
        ("epsilon negative", { $0.adamEpsilon = -1e-8 }),
        ("early stopping negative", { $0.earlyStoppingPatience = -1 }),
        ("lr decay 1", { $0.learningRateDecay = 1 }),
        ("lr decay below 1", { $0.learningRateDecay = 0.5 }),
        ("lr decay negative", { $0.learningRateDecay = -2 }),
        ("lr decay NaN", { $0.learningRateDecay = .nan }),
        ("lr patience 0", { $0.learningRatePatience = 0 }),
        ("lr min negative", { $0.minimumLearningRate = -1 }),
        ("lr min infinite", { $0.minimumLearningRate = .infinity }),
    ]

    static func network() throws -> Network {
        try Network(sizes: [2, 3, 1], activations: [.sigmoid, .sigmoid], cost: .crossEntropy, seed: 1)
    }

    @Test(arguments: 0..<invalidOptions.count)
    func invalidOptionIsRefused(index: Int) throws {
        let (name, change) = OptionValidationTests.invalidOptions[index]
        var options = TrainingOptions()
        change(&options)
        let network = try OptionValidationTests.network()
        let before = network.parameterValues
        var epochs = 0
        let kind = thrownKind { try network.train(.xor, evaluation: .xor, options: options) { _, _ in epochs += 1; return true } }
        #expect(kind == .invalid, "\(name)")
        #expect(epochs == 0)
        #expect(bitIdentical(network.parameterValues, before), "\(name) changed the weights")
    }

    /// The defaults themselves, and the edges of each range, are accepted.
    @Test func boundaryValuesAreAccepted() throws {
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 1000
        options.momentum = 0.999
        options.dropout = 0
        options.adamBeta1 = 0
        options.learningRateDecay = 1.0001
        options.learningRatePatience = 1
        options.earlyStoppingPatience = 0
        #expect(thrownKind { try OptionValidationTests.network().train(.xor, evaluation: .xor, options: options) } == nil)
        #expect(thrownKind { try TrainingOptions().validate() } == nil)
    }

    @Test func scheduleAndEarlyStoppingNeedEvaluationData() throws {
        var early = TrainingOptions()
        early.earlyStoppingPatience = 2
        #expect(thrownKind { try OptionValidationTests.network().train(.xor, options: early) } == .invalid)
        var schedule = TrainingOptions()
        schedule.learningRateDecay = 2
        #expect(thrownKind { try OptionValidationTests.network().train(.xor, options: schedule) } == .invalid)
    }

    @Test func noSamplesIsASizeError() throws {
        let network = try OptionValidationTests.network()
        let empty = Dataset(x: [], y: [], inputs: 2, outputs: 1)
        #expect(thrownKind { try network.train(empty, options: TrainingOptions()) } == .size)
    }

    /// A step layer can predict but has no derivative to train with.
    @Test func stepLayersPredictButDoNotTrain() throws {
        let network = try Network(sizes: [2, 2, 1], activations: [.step, .sigmoid], cost: .quadratic, seed: 1)
        #expect(thrownKind { try network.train(.xor, options: TrainingOptions()) } == .unsupported)
        #expect(thrownKind { _ = try network.gradient(.xor) } == .unsupported)
        #expect(thrownKind { _ = try network.predictions(.xor) } == nil)
        let output = try Network(sizes: [2, 1], activations: [.step], cost: .quadratic, seed: 1)
        #expect(thrownKind { try output.train(.xor, options: TrainingOptions()) } == .unsupported)
    }

    /// A perceptron with hand-set weights: step(x₁ + x₂ − 1.5) is AND.
    @Test func stepOutputComputesAPerceptron() throws {
        let perceptron = try Network(sizes: [2, 1], activations: [.step], cost: .quadratic, seed: 1)
        perceptron.setParameters([1, 1, -1.5])
        #expect(try perceptron.predictions(.xor) == [0, 0, 0, 1])
    }

    @Test func costsRefuseOutputsTheyCannotRead() {
        for (activation, cost) in [(Activation.softmax, Cost.crossEntropy), (.tanh, .crossEntropy), (.linear, .crossEntropy),
                                   (.sigmoid, .logLikelihood), (.linear, .logLikelihood), (.step, .crossEntropy)] {
            #expect(thrownKind { _ = try Network(sizes: [3, 4, 2], activations: [.relu, activation], cost: cost, seed: 1) }
                    == .unsupported, "\(activation) with \(cost)")
        }
        // Only the output layer's activation matters to the cost.
        #expect(thrownKind { _ = try Network(sizes: [3, 4, 2], activations: [.softmax, .sigmoid], cost: .crossEntropy, seed: 1) } == nil)
    }

    @Test func malformedArchitecturesAreSizeErrors() {
        #expect(thrownKind { _ = try Network(sizes: [3], activations: [], cost: .quadratic, seed: 1) } == .size)
        #expect(thrownKind { _ = try Network(sizes: [3, 2], activations: [.linear, .linear], cost: .quadratic, seed: 1) } == .size)
        #expect(thrownKind { _ = try Network(sizes: [3, 0, 2], activations: [.linear, .linear], cost: .quadratic, seed: 1) } == .size)
        #expect(thrownKind { _ = try Network(sizes: [3, Network.maxLayerWidth + 1], activations: [.linear], cost: .quadratic, seed: 1) } == .size)
        // Each width is legal but the product is not: refused before any allocation.
        #expect(thrownKind { _ = try Network(sizes: [1 << 20, 1 << 20], activations: [.linear], cost: .quadratic, seed: 1) } == .size)
    }
}
