import Testing
@testable import Nerve

/// The schedule divides the learning rate by `lr_decay` after `lr_patience` epochs without a better evaluation
/// cost, and ends training once the rate falls below `lr_min`.
@Suite struct LearningRateScheduleTests {
    /// The header's rule on independently computed costs: the rate each epoch should use, and how many epochs run.
    /// `resetOnImprovement: false` is a plausible misreading of the rule, used to show a test can tell them apart.
    static func expectedRates(_ costs: [Double], rate: Float, decay: Float, patience: Int, minimum: Float,
                              epochs: Int, resetOnImprovement: Bool = true) -> [Float] {
        var rates: [Float] = [], current = rate, best = Double.infinity, since = 0
        for cost in costs.prefix(epochs) {
            rates.append(current)
            if cost < best { best = cost; if resetOnImprovement { since = 0 } } else { since += 1 }
            if since >= patience {
                current /= decay
                since = 0
                if current < minimum { break }
            }
        }
        return rates
    }

    /// Fully inverted labels stall from the first epoch; with a quarter inverted the evaluation cost improves for
    /// about a dozen epochs before stalling, so the divisions must wait for the stall.
    @Test(arguments: [(2, Float(2), 1, 9), (3, 10, 1, 9), (2, 2, 4, 30)])
    func rateIsDividedAfterStalledEpochs(patience: Int, decay: Float, invertEvery: Int, epochs: Int) throws {
        let task = InvertedEvaluationTask(invertEvery: invertEvery)
        let network = try task.network()
        let reference = ReferenceNetwork(network)
        let initial = network.parameterValues
        var options = task.options(epochs: epochs)
        options.learningRateDecay = decay
        options.learningRatePatience = patience
        let run = try task.run(network, options)
        #expect(zip(run.evalCosts, run.evalCosts.dropFirst()).allSatisfy { abs($0 - $1) > 1e-5 })

        let expected = LearningRateScheduleTests.expectedRates(run.evalCosts, rate: 0.5, decay: decay,
                                                               patience: patience, minimum: 0, epochs: epochs)
        #expect(run.reports.map(\.learningRate) == expected)
        #expect(Set(expected).count >= 3, "the rate was divided at least twice")
        #expect(invertEvery == 1 || expected.prefix(10).allSatisfy { $0 == 0.5 }, "no division while improving")

        // The reported rate is the one used: each epoch's single full-batch step is −rate·∇C.
        var before = initial.map(Double.init)
        for (report, snapshot) in zip(run.reports, run.snapshots) {
            let g = centralDifferences(at: before, epsilon: 1e-4, objective: { reference.meanCost($0, task.training) })
            for k in before.indices {
                let predicted = before[k] - Double(report.learningRate) * g[k]!
                #expect(close(Double(snapshot[k]), predicted, absolute: 2e-6), "epoch \(report.epoch), parameter \(k)")
            }
            before = snapshot.map(Double.init)
        }
    }

    /// With heavy momentum the evaluation cost (one label of twenty inverted) goes up and down early on, so a
    /// stalled epoch is followed by a new best, which must restart the count.
    @Test func anImprovementRestartsTheCount() throws {
        let task = InvertedEvaluationTask(invertEvery: 1000)
        var options = task.options(epochs: 15, rate: 3)
        options.momentum = 0.8
        options.learningRateDecay = 2
        options.learningRatePatience = 2
        let run = try task.run(try task.network(), options)
        #expect(zip(run.evalCosts, run.evalCosts.dropFirst()).allSatisfy { abs($0 - $1) > 1e-5 })
        let expected = LearningRateScheduleTests.expectedRates(run.evalCosts, rate: 3, decay: 2, patience: 2,
                                                               minimum: 0, epochs: 15)
        let withoutReset = LearningRateScheduleTests.expectedRates(run.evalCosts, rate: 3, decay: 2, patience: 2,
                                                                   minimum: 0, epochs: 15, resetOnImprovement: false)
        #expect(expected != withoutReset, "the cost sequence has a stall followed by a new best")
        #expect(run.reports.map(\.learningRate) == expected)
    }

    @Test func trainingEndsBelowTheMinimumRate() throws {
        let task = InvertedEvaluationTask()
        var options = task.options(epochs: 50)
        options.learningRateDecay = 2
        options.learningRatePatience = 1
        options.minimumLearningRate = 0.1
        let run = try task.run(try task.network(), options)
        // 0.5 → 0.25 → 0.125 → 0.0625 < 0.1: the epoch that would use 0.0625 never runs.
        let expected = LearningRateScheduleTests.expectedRates(run.evalCosts, rate: 0.5, decay: 2, patience: 1,
                                                               minimum: 0.1, epochs: 50)
        #expect(run.outcome == .completed)
        #expect(run.reports.map(\.learningRate) == expected)
        #expect(expected == [0.5, 0.5, 0.25, 0.125])
    }
}
