import Testing
@testable import Nerve

/// The cost and gradient handed to callers, and the training hooks, against numbers computed independently.
@Suite struct GradientAPITests {
    static func data(count: Int, inputs: Int, outputs: Int, seed: UInt64) -> Dataset {
        var random = SplitMix(state: seed)
        let y = (0..<count).flatMap { _ -> [Float] in
            let hot = Int(random.next() % UInt64(outputs))
            return (0..<outputs).map { $0 == hot ? 1 : 0 }
        }
        return Dataset(x: random.uniforms(count * inputs, -1, 1), y: y, inputs: inputs, outputs: outputs)
    }

    /// 600 samples take three chunks of Tuning.gradientRows; the sum of their weighted means must be the mean
    /// over all, and the regularisation term must be the notes' with n = 600.
    @Test func costAndGradientMatchReferenceAcrossChunks() throws {
        let network = try Network(sizes: [5, 6, 3], activations: [.tanh, .softmax], cost: .logLikelihood, seed: 8)
        let data = GradientAPITests.data(count: 600, inputs: 5, outputs: 3, seed: 3)
        let reference = ReferenceNetwork(network)
        let p = network.parameterValues.map(Double.init)
        let (l2, l1) = (0.5, 0.2)
        func objective(_ q: [Double]) -> Double {
            reference.meanCost(q, data) + reference.regularisation(q, l2: l2, l1: l1, n: data.count)
        }
        var gradient = [Float](repeating: .nan, count: network.parameterCount)
        let cost = try data.withSamples { samples in
            try gradient.withUnsafeMutableBufferPointer {
                try network.costAndGradient(of: samples, l2: Float(l2), l1: Float(l1), gradient: $0.baseAddress!)
            }
        }
        #expect(close(cost, objective(p), absolute: 0, relative: 1e-6), "cost \(cost), reference \(objective(p))")
        let costOnly = try data.withSamples { try network.costAndGradient(of: $0, l2: Float(l2), l1: Float(l1),
                                                                          gradient: nil) }
        #expect(close(costOnly, objective(p), absolute: 0, relative: 1e-6))

        let numeric = centralDifferences(at: p, epsilon: 1e-5, objective: objective)
        for (k, expected) in numeric.enumerated() {
            let expected = try #require(expected)
            #expect(close(Double(gradient[k]), expected, absolute: 2e-6, relative: 1e-3),
                    "parameter \(k): \(gradient[k]) against \(expected)")
        }
    }

    @Test func gradientNormsAreTheNormsOfEachLayersBlocks() throws {
        let network = try Network(sizes: [4, 7, 5, 2], activations: [.sigmoid, .sigmoid, .sigmoid],
                                  cost: .crossEntropy, seed: 21)
        let data = GradientAPITests.data(count: 40, inputs: 4, outputs: 2, seed: 4)
        let reference = ReferenceNetwork(network)
        let numeric = centralDifferences(at: network.parameterValues.map(Double.init), epsilon: 1e-5,
                                         objective: { reference.meanCost($0, data) }).map { $0! }
        let norms = try data.withSamples { try network.gradientNorms(of: $0) }
        for (l, layer) in network.layers.enumerated() {
            let start = network.offsets[l], split = start + layer.weightCount, end = start + layer.parameterCount
            let weightNorm = numeric[start..<split].reduce(0) { $0 + $1 * $1 }.squareRoot()
            let biasNorm = numeric[split..<end].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(close(norms.weights[l], weightNorm, absolute: 1e-7, relative: 1e-3), "layer \(l) weights")
            #expect(close(norms.biases[l], biasNorm, absolute: 1e-7, relative: 1e-3), "layer \(l) biases")
        }
    }

    /// Against Double central differences, a correct float32 gradient differs by float32's rounding alone; the
    /// network itself is left alone.
    @Test(arguments: [1e-2, 1e-3, 1e-4])
    func gradientCheckAgreesOnACorrectNetwork(epsilon: Double) throws {
        let network = try Network(sizes: [6, 8, 4], activations: [.sigmoid, .softmax], cost: .logLikelihood, seed: 5)
        network.initialize(.auto, biases: .normal, seed: 5)  // the parameters of the figures below (0.4's start)
        let data = GradientAPITests.data(count: 30, inputs: 6, outputs: 4, seed: 6)
        let before = network.parameterValues
        let difference = try data.withSamples { try network.gradientCheck(of: $0, epsilon: epsilon) }
        // Measured: 1.9e-5 at 1e-2 (truncation), 8.8e-7 at 1e-3 and 8.7e-7 at 1e-4 (float32 backpropagation).
        #expect(difference < 1e-4, "largest relative difference \(difference) at epsilon \(epsilon)")
        #expect(bitIdentical(network.parameterValues, before))
        let subset = [0, 7, 55, network.parameterCount - 1]
        let some = try data.withSamples {
            try network.gradientCheck(of: $0, epsilon: epsilon, count: subset.count, index: { subset[$0] })
        }
        #expect(some <= difference)
        #expect(throws: NerveError.self) {
            try data.withSamples { try network.gradientCheck(of: $0, epsilon: epsilon, count: 1,
                                                             index: { _ in network.parameterCount }) }
        }
    }

    /// The check's Double cost equals the test's own Double model on every convolutional architecture, and the
    /// check passes on them away from kinks and ties.
    @Test(arguments: 0..<6)
    func gradientCheckOnConvolutionalNetworks(index: Int) throws {
        let (specs, cost) = try ConvolutionTests.architectures()[index]
        let network = try Network(specs: specs, cost: cost, seed: UInt64(60 + index))
        let reference = ReferenceLayers(network)
        let p = network.parameterValues.map(Double.init)
        var random = SplitMix(state: UInt64(index + 7))
        var candidate: Dataset?
        for _ in 0..<200 where candidate == nil {
            let drawn = ConvolutionTests.data(for: network, count: 7, random: &random)
            if reference.nearestKink(p, drawn) >= 2e-3 { candidate = drawn }
        }
        let data = try #require(candidate, "no inputs found away from kinks and ties")
        let precise = try data.withSamples { samples in
            p.withUnsafeBufferPointer { network.preciseCost($0.baseAddress!, of: samples) }
        }
        #expect(close(precise, reference.meanCost(p, data), absolute: 1e-12, relative: 1e-10))
        let difference = try data.withSamples { try network.gradientCheck(of: $0, epsilon: 1e-4) }
        #expect(difference < 1e-3, "architecture \(index): \(difference)")
    }

    /// Steps past the last batch carry no samples: the hook sees rows 0 and a zero gradient. With the gradient
    /// zeroed by the hook, only L2 moves the weights, each step by the factor 1 − η·λ/N of the N given.
    @Test func emptyStepsAndTheRegularisationCount() throws {
        let network = try Network(sizes: [3, 4, 2], activations: [.sigmoid, .sigmoid], cost: .quadratic, seed: 2)
        let data = GradientAPITests.data(count: 10, inputs: 3, outputs: 2, seed: 9)
        let before = network.parameterValues
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 4
        options.stepsPerEpoch = 5  // batches of 4, 4 and 2 samples, then two empty steps
        options.l2 = 3
        options.regularizationSamples = 1000
        options.shuffle = false
        var rowsSeen: [Int] = []
        var emptyGradientsWereZero = true
        var stepsSeen: [Int] = []
        let hooks = TrainingHooks(gradient: { gradient, count, at in
            let rows = at.rows
            rowsSeen.append(rows)
            stepsSeen.append(at.epoch * 10 + at.step)
            if rows == 0 { emptyGradientsWereZero = emptyGradientsWereZero && (0..<count).allSatisfy { gradient[$0] == 0 } }
            gradient.update(repeating: 0, count: count)
            return true
        })
        _ = try data.withSamples { samples in
            try Trainer.train(network, data: samples, evaluation: nil, options: options, hooks: hooks) { _ in true }
        }
        #expect(rowsSeen == [4, 4, 2, 0, 0, 4, 4, 2, 0, 0])
        #expect(stepsSeen == [11, 12, 13, 14, 15, 21, 22, 23, 24, 25])
        #expect(emptyGradientsWereZero)
        let factor = (0..<10).reduce(1.0) { product, _ in product * (1 - 0.1 * 3.0 / 1000) }
        var isWeight = [Bool](repeating: false, count: network.parameterCount)
        for range in network.weightRanges { for k in range { isWeight[k] = true } }
        for (k, value) in network.parameterValues.enumerated() {
            let expected = isWeight[k] ? Double(before[k]) * factor : Double(before[k])
            #expect(close(Double(value), expected, absolute: 1e-6, relative: 1e-5), "parameter \(k)")
        }
    }

    /// The report hook's figures are what training acts on: an evaluation cost it invents drives early stopping
    /// (here without any evaluation data of its own) and the progress callback sees it.
    @Test func reportHookDrivesEarlyStopping() throws {
        let network = try Network(sizes: [3, 4, 2], activations: [.sigmoid, .sigmoid], cost: .quadratic, seed: 12)
        let data = GradientAPITests.data(count: 20, inputs: 3, outputs: 2, seed: 10)
        var options = TrainingOptions()
        options.epochs = 10
        options.earlyStoppingPatience = 2
        let invented: [Float] = [1.0, 0.5, 0.7, 0.8, 0.9, 0.1]
        var weightsAfter: [[Float]] = []
        var seen: [Float] = []
        let hooks = TrainingHooks(report: { report in
            report.evalCost = invented[report.epoch - 1]
            report.evalAccuracy = 0.25
            return true
        })
        _ = try data.withSamples { samples in
            try Trainer.train(network, data: samples, evaluation: nil, options: options, hooks: hooks) { r in
                seen.append(r.evalCost)
                #expect(r.evalAccuracy == 0.25)
                weightsAfter.append(network.parameterValues)
                return true
            }
        }
        #expect(seen == [1.0, 0.5, 0.7, 0.8])
        #expect(bitIdentical(network.parameterValues, weightsAfter[1]))
    }

    @Test func hookFailureKeepsTheLastCompletedEpoch() throws {
        let data = GradientAPITests.data(count: 30, inputs: 3, outputs: 2, seed: 11)
        var options = TrainingOptions()
        options.epochs = 3
        options.batchSize = 5
        options.momentum = 0.5
        let twin = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 4)
        var oneEpoch = options
        oneEpoch.epochs = 1
        try twin.train(data, options: oneEpoch)

        let network = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 4)
        var steps = 0
        let hooks = TrainingHooks(gradient: { _, _, _ in steps += 1; return steps < 9 })
        let kind = thrownKind {
            _ = try data.withSamples { samples in
                try Trainer.train(network, data: samples, evaluation: nil, options: options, hooks: hooks) { _ in true }
            }
        }
        #expect(kind == .aborted)
        #expect(bitIdentical(network.parameterValues, twin.parameterValues))
    }
}
