import Testing
@testable import Nerve

/// iRPROP− against step sizes and weights worked out by hand from its rules (Igel & Hüsken 2000): Δ grows by
/// η⁺ (up to Δmax) while a gradient keeps its sign and shrinks by η⁻ (down to Δmin) when it flips; after a flip
/// the parameter stays and the gradient counts as 0 next time; a zero gradient moves nothing and keeps Δ.
@Suite struct RpropTests {
    /// η⁺ 1.2, η⁻ 0.5, Δ₀ 0.1, Δmin 0.03, Δmax 0.13, so both bounds are reached within five steps.
    /// A: + + + + +  → Δ 0.1, 0.12, 0.13 (capped), 0.13, 0.13; w 1 → 0.9, 0.78, 0.65, 0.52, 0.39.
    /// B: + − − + +  → Δ 0.1, 0.05 (flip: no move), 0.05, 0.03 (flip, 0.025 floored), 0.03;
    ///                 w 2 → 1.9, 1.9, 1.95, 1.95, 1.92.
    /// C: 0 − − 0 −  → Δ 0.1, 0.1, 0.12, 0.12, 0.12; w 3 → 3, 3.1, 3.22, 3.22, 3.34.
    /// Magnitudes vary wildly on purpose: only signs count.
    @Test func stepSizesAndWeightsFollowTheSigns() throws {
        let rprop = try Rprop(increase: 1.2, decrease: 0.5, minimum: 0.03, maximum: 0.13, initial: 0.1,
                              parameterCount: 3)
        var weights: [Float] = [1, 2, 3]
        let gradients: [[Float]] = [[5, 0.001, 0], [0.2, -300, -1e-6], [7, -0.5, -2], [1e-3, 4, 0], [9, 0.25, -8]]
        let expectedSteps: [[Double]] = [[0.1, 0.1, 0.1], [0.12, 0.05, 0.1], [0.13, 0.05, 0.12],
                                         [0.13, 0.03, 0.12], [0.13, 0.03, 0.12]]
        let expectedWeights: [[Double]] = [[0.9, 1.9, 3], [0.78, 1.9, 3.1], [0.65, 1.95, 3.22],
                                           [0.52, 1.95, 3.22], [0.39, 1.92, 3.34]]
        for (t, g) in gradients.enumerated() {
            rprop.beginStep(learningRate: 123)  // ignored
            weights.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { rprop.update(p.baseAddress!, $0.baseAddress!, range: 0..<3) }
            }
            for k in 0..<3 {
                #expect(close(Double(rprop.stepSizes.base[k]), expectedSteps[t][k], absolute: 1e-6),
                        "step \(t + 1), parameter \(k): Δ \(rprop.stepSizes.base[k]), expected \(expectedSteps[t][k])")
                #expect(close(Double(weights[k]), expectedWeights[t][k], absolute: 1e-6),
                        "step \(t + 1), parameter \(k): w \(weights[k]), expected \(expectedWeights[t][k])")
            }
        }
        // After B's flip in step 4 the remembered gradient is 0, after A's agreeing steps the last gradient.
        #expect(rprop.previous.base[0] == 9 && rprop.previous.base[1] == 0.25 && rprop.previous.base[2] == -8)
    }

    /// Ranges split over threads act on their own parameters only.
    @Test func disjointRangesMatchOneRange() throws {
        let whole = try Rprop(increase: 1.2, decrease: 0.5, minimum: 0, maximum: 50, initial: 0.1, parameterCount: 6)
        let split = try Rprop(increase: 1.2, decrease: 0.5, minimum: 0, maximum: 50, initial: 0.1, parameterCount: 6)
        var a: [Float] = [1, -1, 2, -2, 3, -3], b = a
        let steps: [[Float]] = [[1, -1, 2, -2, 0, 1], [-1, -1, 2, 2, 1, 1], [1, 1, -2, 2, 1, -1]]
        for g in steps {
            a.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { whole.update(p.baseAddress!, $0.baseAddress!, range: 0..<6) } }
            b.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer {
                    split.update(p.baseAddress!, $0.baseAddress!, range: 3..<6)
                    split.update(p.baseAddress!, $0.baseAddress!, range: 0..<3)
                }
            }
        }
        #expect(bitIdentical(a, b))
    }

    /// Through the trainer: the first full-batch epoch moves every parameter by Δ₀ against the sign of its
    /// gradient, the L2 term included (the reference's central differences give the signs).
    @Test func firstEpochMovesByTheInitialStep() throws {
        let (network, reference, data) = try OptimizerStepTests.fixture(seed: 21)
        let p0 = network.parameterValues.map(Double.init)
        let g = OptimizerStepTests.numericGradient(reference, p0, data)
        let d = OptimizerStepTests.decay(reference, p0, l2: 0.5, l1: 0, n: data.count)
        let total = p0.indices.map { g[$0] + d[$0] }
        #expect(total.allSatisfy { abs($0) > 1e-4 }, "every coordinate needs a clear sign")
        var options = OptimizerStepTests.options(epochs: 1, batch: data.count, rate: 0.1)
        options.optimizer = .rprop
        options.rpropDeltaZero = 0.25
        options.l2 = 0.5
        try network.train(data, options: options)
        OptimizerStepTests.expectParameters(network, p0.indices.map { p0[$0] - 0.25 * (total[$0] > 0 ? 1 : -1) },
                                            tolerance: 1e-6)
    }

    /// Mini-batches give signs that flip with the batch: refused, as are more steps than the one full batch.
    @Test func refusesMiniBatches() throws {
        let (network, _, data) = try OptimizerStepTests.fixture(seed: 22)
        var options = OptimizerStepTests.options(epochs: 1, batch: data.count - 1, rate: 0.1)
        options.optimizer = .rprop
        #expect(throws: NerveError.self) { try network.train(data, options: options) }
        options.batchSize = data.count
        options.stepsPerEpoch = 2
        #expect(throws: NerveError.self) { try network.train(data, options: options) }
    }
}
