import Foundation
import Testing
@testable import Nerve

/// Convolution and pooling layers: shapes, a hand-computed example, pooling's gradient routing, gradients
/// against central differences of a direct-loop Double model, regularised steps, and invariance.
@Suite struct ConvolutionTests {
    static func conv(_ input: Shape, _ filters: Int, _ kh: Int, _ kw: Int, stride: (Int, Int) = (1, 1),
                     padding: Padding = .valid, _ activation: Activation) throws -> LayerSpec {
        try .make(.conv2D, input: input, units: filters, windowHeight: kh, windowWidth: kw, strideHeight: stride.0,
                  strideWidth: stride.1, padding: padding, activation: activation)
    }

    static func pool(_ kind: LayerKind, _ input: Shape, _ k: Int, stride: Int = 0) throws -> LayerSpec {
        try .make(kind, input: input, units: 0, windowHeight: k, windowWidth: k, strideHeight: stride,
                  strideWidth: stride, activation: .linear)
    }

    /// The notes' comparison: 20 feature maps of 5×5 shared weights against a 30-unit dense layer.
    @Test func parameterCountsOfTheNotesExample() throws {
        let conv = try Network(specs: [ConvolutionTests.conv(Shape(channels: 1, height: 28, width: 28), 20, 5, 5, .sigmoid)],
                               cost: .quadratic, seed: 1)
        #expect(conv.parameterCount == 20 * 5 * 5 + 20)
        #expect(conv.specs[0].output == Shape(channels: 20, height: 24, width: 24))
        let dense = try Network(sizes: [784, 30], activations: [.sigmoid], cost: .quadratic, seed: 1)
        #expect(dense.parameterCount == 784 * 30 + 30)
    }

    /// Output extents: valid ⌊(n − k)/s⌋ + 1, same ⌈n/s⌉; pooling's default stride is its window.
    @Test func outputShapesFollowTheFormulas() throws {
        let input = Shape(channels: 3, height: 7, width: 10)
        #expect(try ConvolutionTests.conv(input, 4, 3, 5, stride: (2, 3), padding: .valid, .relu).output
                == Shape(channels: 4, height: 3, width: 2))
        #expect(try ConvolutionTests.conv(input, 4, 3, 5, stride: (2, 3), padding: .same, .relu).output
                == Shape(channels: 4, height: 4, width: 4))
        #expect(try ConvolutionTests.pool(.maxPool2D, input, 2).output == Shape(channels: 3, height: 3, width: 5))
        #expect(try ConvolutionTests.pool(.meanPool2D, input, 3, stride: 1).output == Shape(channels: 3, height: 5, width: 8))
        // A kernel larger than the input needs padding.
        #expect(throws: NerveError.self) { try ConvolutionTests.conv(Shape(channels: 1, height: 4, width: 4), 1, 5, 5, .relu) }
        #expect(try ConvolutionTests.conv(Shape(channels: 1, height: 4, width: 4), 1, 5, 5, padding: .same, .relu).output
                == Shape(channels: 1, height: 4, width: 4))
        #expect(throws: NerveError.self) {
            try Network(specs: [LayerSpec(kind: .maxPool2D, input: input, output: Shape(channels: 3, height: 4, width: 5),
                                          activation: .linear,
                                          window: Window(height: 2, width: 2, strideHeight: 2, strideWidth: 2, padding: .same))],
                        cost: .quadratic, seed: 1)
        }
    }

    /// 1-channel 3×3 input, one 2×2 filter w = [[1, 0], [−1, 2]], b = 0.5, linear, quadratic cost:
    ///   z = [[1−4+10, 2−5+12], [4−7+16, 5−8+18]] + 0.5 = [[7.5, 9.5], [13.5, 15.5]].
    /// With y = [6.5, 9.5, 13.5, 14.5], δ = a − y = [[1, 0], [0, 1]], so
    ///   ∂C/∂b = Σδ = 2;  ∂C/∂w_ij = Σ δ(oy, ox)·x(oy + i, ox + j) = [[1+5, 2+6], [4+8, 5+9]] = [[6, 8], [12, 14]];
    ///   ∂C/∂x = δ fully convolved with the rotated kernel = [[1, 0, 0], [−1, 3, 0], [0, −1, 2]].
    @Test func handComputedThreeByThreeExample() throws {
        let spec = try ConvolutionTests.conv(Shape(channels: 1, height: 3, width: 3), 1, 2, 2, .linear)
        let network = try Network(specs: [spec], cost: .quadratic, seed: 1)
        network.setParameters([1, 0, -1, 2, 0.5])
        let data = Dataset(x: [1, 2, 3, 4, 5, 6, 7, 8, 9], y: [6.5, 9.5, 13.5, 14.5], inputs: 9, outputs: 4)
        #expect(try network.predictions(data) == [7.5, 9.5, 13.5, 15.5])
        #expect(try network.gradient(data) == [6, 8, 12, 14, 2])

        let layer = network.layers[0]
        var delta: [Float] = [1, 0, 0, 1]
        var below = [Float](repeating: .nan, count: 9)
        var sink = [Float](repeating: .nan, count: 5)
        let scratch = try FloatBuffer(count: layer.scratchCount(rows: 1, training: true))
        data.x.withUnsafeBufferPointer { x in
            layer.backward(input: x.baseAddress!, delta: &delta, rows: 1, parameters: network.parameters.base,
                           inputGradient: &below, absorbing: nil, gradient: GradientSink(block: &sink), memory: LayerMemory(scratch: scratch.base), team: nil)
        }
        #expect(below == [1, 0, 0, -1, 3, 0, 0, -1, 2])
        #expect(sink == [6, 8, 12, 14, 2])
    }

    static func poolGradient(_ kind: LayerKind, _ input: Shape, window: Int, stride: Int = 0, x: [Float],
                             delta: [Float]) throws -> (out: [Float], below: [Float]) {
        let network = try Network(specs: [pool(kind, input, window, stride: stride)], cost: .quadratic, seed: 1)
        let layer = network.layers[0]
        let data = Dataset(x: x, y: [Float](repeating: 0, count: layer.outputs), inputs: x.count, outputs: layer.outputs)
        var d = delta
        var below = [Float](repeating: .nan, count: x.count)
        var unused: Float = 0
        let scratch = try FloatBuffer(count: 1)
        x.withUnsafeBufferPointer { xs in
            layer.backward(input: xs.baseAddress!, delta: &d, rows: 1, parameters: network.parameters.base,
                           inputGradient: &below, absorbing: nil, gradient: GradientSink(block: &unused), memory: LayerMemory(scratch: scratch.base), team: nil)
        }
        return (try network.predictions(data), below)
    }

    /// Ties go to the first maximum in row-major order; mean pooling spreads δ/area; values outside every
    /// window (a 5×5 input under 2×2 windows) get nothing.
    @Test func poolingRoutesGradients() throws {
        let tie = try ConvolutionTests.poolGradient(.maxPool2D, Shape(channels: 1, height: 2, width: 2), window: 2,
                                                    x: [3, 3, 1, 3], delta: [5])
        #expect(tie.out == [3])
        #expect(tie.below == [5, 0, 0, 0])
        let x: [Float] = (0..<25).map { Float(($0 * 7) % 11) }  // rows: 0 7 3 10 6 / 2 9 5 1 8 / 4 0 7 3 10 / 6 2 9 5 1 / 8 4 0 7 3
        let max = try ConvolutionTests.poolGradient(.maxPool2D, Shape(channels: 1, height: 5, width: 5), window: 2,
                                                    x: x, delta: [1, 2, 3, 4])
        #expect(max.out == [9, 10, 6, 9])
        var expected = [Float](repeating: 0, count: 25)
        expected[6] = 1; expected[3] = 2; expected[15] = 3; expected[17] = 4
        #expect(max.below == expected)
        let mean = try ConvolutionTests.poolGradient(.meanPool2D, Shape(channels: 1, height: 5, width: 5), window: 2,
                                                     x: x, delta: [4, 8, 12, 16])
        let means: [Float] = [18 / 4, 19 / 4, 12 / 4, 24 / 4]
        #expect(mean.out == means)
        expected = [Float](repeating: 0, count: 25)
        for (k, d) in [(0, 1), (1, 2), (2, 3), (3, 4)] as [(Int, Float)] {
            let top = (k / 2) * 2, left = (k % 2) * 2
            for i in 0..<2 { for j in 0..<2 { expected[(top + i) * 5 + left + j] = d } }
        }
        #expect(mean.below == expected)
        // Overlapping windows (3×3, stride 1) add up: the centre of a 3×3 input is in every window.
        let overlap = try ConvolutionTests.poolGradient(.meanPool2D, Shape(channels: 1, height: 4, width: 4), window: 3,
                                                        stride: 1, x: [Float](repeating: 1, count: 16), delta: [9, 9, 9, 9])
        #expect(overlap.below == [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1])
    }

    /// Architectures covering stride 1 and 2, valid and same padding, several channels, both poolings
    /// (tiling, not tiling, overlapping), convolutions on convolutions, and every trainable activation.
    static func architectures() throws -> [(specs: [LayerSpec], cost: Cost)] {
        let a = Shape(channels: 2, height: 6, width: 6)
        let c1 = try conv(a, 3, 3, 3, .sigmoid)
        let p1 = try pool(.maxPool2D, c1.output, 2)
        let b = Shape(channels: 3, height: 7, width: 7)
        let c2 = try conv(b, 2, 3, 3, stride: (2, 2), padding: .same, .tanh)
        let p2 = try pool(.meanPool2D, c2.output, 2, stride: 1)
        let c = Shape(channels: 1, height: 5, width: 6)
        let c3 = try conv(c, 2, 2, 3, stride: (2, 1), padding: .valid, .leakyRelu)
        let c4 = try conv(c3.output, 3, 3, 3, padding: .same, .relu)
        let d = Shape(channels: 2, height: 5, width: 5)
        let p3 = try pool(.maxPool2D, d, 3, stride: 2)
        let c5 = try conv(p3.output, 2, 2, 2, stride: (1, 1), padding: .same, .linear)
        // ReLU under max pooling: the pooling layer applies ReLU′ itself (2×2 windows and the general case).
        let f = Shape(channels: 1, height: 9, width: 9)
        let c7 = try conv(f, 3, 2, 2, .relu)
        let p5 = try pool(.maxPool2D, c7.output, 2)
        let c8 = try conv(p5.output, 2, 2, 2, padding: .same, .relu)
        let p6 = try pool(.maxPool2D, c8.output, 3, stride: 1)
        let e = Shape(channels: 2, height: 5, width: 5)
        let c6 = try conv(e, 2, 4, 4, stride: (2, 2), padding: .same, .softmax)
        let p4 = try pool(.meanPool2D, c6.output, 2)
        return [
            ([c1, p1, .dense(input: p1.output, outputs: 3, activation: .softmax)], .logLikelihood),
            ([c2, p2, .dense(input: p2.output, outputs: 2, activation: .sigmoid)], .crossEntropy),
            ([c3, c4, .dense(input: c4.output, outputs: 2, activation: .linear)], .quadratic),
            ([p3, c5, .dense(input: c5.output, outputs: 3, activation: .tanh)], .quadratic),
            ([c6, p4, .dense(input: p4.output, outputs: 2, activation: .sigmoid)], .quadratic),
            ([c7, p5, c8, p6, .dense(input: p6.output, outputs: 3, activation: .softmax)], .logLikelihood),
        ]
    }

    static func data(for network: Network, count: Int, random: inout SplitMix) -> Dataset {
        let outputs = network.outputSize
        let y: [Float] = network.cost == .logLikelihood
            ? (0..<count).flatMap { _ -> [Float] in
                let hot = Int(random.next() % UInt64(outputs))
                return (0..<outputs).map { $0 == hot ? 1 : 0 }
            }
            : random.uniforms(count * outputs, 0, 1)
        return Dataset(x: random.uniforms(count * network.inputSize, -1.5, 1.5), y: y, inputs: network.inputSize,
                       outputs: outputs)
    }

    @Test(arguments: 0..<6)
    func backpropagationMatchesCentralDifferences(index: Int) throws {
        let (specs, cost) = try ConvolutionTests.architectures()[index]
        let network = try Network(specs: specs, cost: cost, seed: UInt64(40 + index))
        let reference = ReferenceLayers(network)
        #expect(reference.parameterCount == network.parameterCount)
        let p = network.parameterValues.map(Double.init)
        var random = SplitMix(state: UInt64(index))
        var candidate: Dataset?
        for _ in 0..<200 where candidate == nil {
            let drawn = ConvolutionTests.data(for: network, count: 19, random: &random)
            if reference.nearestKink(p, drawn) >= 2e-3 { candidate = drawn }
        }
        let data = try #require(candidate, "no inputs found away from kinks and ties")

        // The model agrees with the library's forward pass before its gradient is compared.
        let predicted = try network.predictions(data)
        for r in 0..<data.count {
            for (k, v) in reference.output(p, input: data.input(r)).enumerated() {
                #expect(close(Double(predicted[r * network.outputSize + k]), v, absolute: 1e-5, relative: 1e-5))
            }
        }
        let backprop = try network.gradient(data)
        let numeric = centralDifferences(at: p, epsilon: 1e-4, objective: { reference.meanCost($0, data) },
                                         sameSide: { reference.choices($0, data) == reference.choices($1, data) })
        var checked = 0
        for (k, expected) in numeric.enumerated() {
            guard let expected else { continue }
            checked += 1
            #expect(close(Double(backprop[k]), expected, absolute: 2e-5, relative: 1e-3),
                    "case \(index) parameter \(k): backprop \(backprop[k]), numeric \(expected)")
        }
        #expect(checked >= numeric.count * 9 / 10)
        #expect(numeric.compactMap { $0 }.contains { abs($0) > 1e-2 })
    }

    /// One full-batch step with L1 and L2: w' = w − η(g + (λ₂/n)w + (λ₁/n)sgn w) on weights, biases
    /// undecayed, on a net with a convolution under and over a pooling layer.
    @Test(arguments: [(0.3, 0.2), (0.0, 0.2), (0.3, 0.0)])
    func regularisedStepOnAConvolutionalNet(l2: Double, l1: Double) throws {
        let (specs, cost) = try ConvolutionTests.architectures()[1]
        let network = try Network(specs: specs, cost: cost, seed: 5)
        let reference = ReferenceLayers(network)
        var random = SplitMix(state: 77)
        let data = ConvolutionTests.data(for: network, count: 4, random: &random)
        let before = network.parameterValues.map(Double.init)
        let g = centralDifferences(at: before, epsilon: 1e-4, objective: { reference.meanCost($0, data) }).map { $0! }
        var options = OptimizerStepTests.options(epochs: 1, batch: data.count, rate: 0.5)
        options.l2 = Float(l2)
        options.l1 = Float(l1)
        try network.train(data, options: options)
        let n = Double(data.count)
        for (k, isWeight) in reference.weightMask.enumerated() {
            let w = before[k]
            let decay = isWeight ? (l2 * w + l1 * (w > 0 ? 1 : w < 0 ? -1 : 0)) / n : 0
            #expect(close(Double(network.parameterValues[k]), w - 0.5 * (g[k] + decay), absolute: 5e-6),
                    "parameter \(k)")
        }
    }

    static func lenet(seed: UInt64) throws -> Network {
        let input = Shape(channels: 1, height: 28, width: 28)
        let c1 = try conv(input, 8, 5, 5, padding: .same, .relu)
        let p1 = try pool(.maxPool2D, c1.output, 2)
        let c2 = try conv(p1.output, 12, 3, 3, stride: (2, 2), padding: .valid, .relu)
        let p2 = try pool(.meanPool2D, c2.output, 2)
        return try Network(specs: [c1, p1, c2, p2, .dense(input: p2.output, outputs: 10, activation: .softmax)],
                           cost: .logLikelihood, seed: seed)
    }

    @Test func aSampleAloneOrInABatchGivesTheSameBits() throws {
        let network = try ConvolutionTests.lenet(seed: 2)
        var random = SplitMix(state: 3)
        let data = ConvolutionTests.data(for: network, count: 70, random: &random)
        var alone: [Float] = []
        for r in 0..<data.count {
            alone += try network.predictions(Dataset(x: Array(data.x[r * 784..<(r + 1) * 784]),
                                                     y: Array(data.y[r * 10..<(r + 1) * 10]), inputs: 784, outputs: 10))
        }
        for threads in [1, 2, 3] {
            network.threads = threads
            #expect(bitIdentical(try network.predictions(data), alone), "\(threads) threads")
        }
    }

    @Test(arguments: [OptimizerKind.sgd, .adam])
    func trainingGivesTheSameWeightsOnAnyThreadCount(optimizer: OptimizerKind) throws {
        var random = SplitMix(state: 8)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            let network = try ConvolutionTests.lenet(seed: 4)
            let data = ConvolutionTests.data(for: network, count: 150, random: &random)
            random = SplitMix(state: 8)
            var options = TrainingOptions()
            options.epochs = 1
            options.batchSize = 40
            options.optimizer = optimizer
            options.learningRate = optimizer == .adam ? 0.001 : 0.05
            options.dropout = 0.1
            options.l2 = 0.1
            options.threads = threads
            try network.train(data, options: options)
            results.append(network.parameterValues)
        }
        #expect(bitIdentical(results[0], results[1]))
        #expect(bitIdentical(results[0], results[2]))
        #expect(!bitIdentical(results[0], try ConvolutionTests.lenet(seed: 4).parameterValues))
    }

    @Test func modelFilesKeepWindowsAndParameters() throws {
        let network = try ConvolutionTests.lenet(seed: 6)
        let size = ModelFormat.serializedSize(network)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBytes { ModelFormat.write(network, to: $0.baseAddress!) }
        #expect(written == size)
        let loaded = try bytes.withUnsafeBytes { try ModelFormat.read($0) }
        #expect(loaded.specs == network.specs)
        #expect(bitIdentical(loaded.parameterValues, network.parameterValues))
    }
}
