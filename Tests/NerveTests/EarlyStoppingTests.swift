import Testing
@testable import Nerve

/// Early stopping ends training `patience` epochs after the best evaluation cost and restores that epoch's weights.
@Suite struct EarlyStoppingTests {
    /// The header's rule, applied to independently computed evaluation costs: returns the best epoch (1-based)
    /// and the epoch after which training should end.
    static func expectedStop(_ costs: [Double], patience: Int) -> (best: Int, stop: Int) {
        var best = 0, bestCost = Double.infinity, since = 0
        for (i, cost) in costs.enumerated() {
            if cost < bestCost { bestCost = cost; best = i + 1; since = 0 } else { since += 1 }
            if since >= patience { return (best, i + 1) }
        }
        return (best, costs.count)
    }

    /// Fully inverted labels make the first epoch the best; a quarter inverted puts the best later.
    @Test(arguments: [(1, 1), (3, 1), (5, 1), (1, 4), (3, 4)])
    func stopsAfterPatienceAndRestoresBestWeights(patience: Int, invertEvery: Int) throws {
        let task = InvertedEvaluationTask(invertEvery: invertEvery)
        let network = try task.network()
        var options = task.options(epochs: 200)
        options.earlyStoppingPatience = patience
        let run = try task.run(network, options)

        // Consecutive costs far apart, so the Float and Double passes cannot disagree about an improvement.
        #expect(zip(run.evalCosts, run.evalCosts.dropFirst()).allSatisfy { abs($0 - $1) > 1e-4 })
        let (best, stop) = EarlyStoppingTests.expectedStop(run.evalCosts, patience: patience)
        #expect(run.outcome == .completed)
        #expect(run.reports.count == stop)
        #expect(stop == best + patience, "stopped early rather than running out of epochs")
        #expect(invertEvery == 1 || best > 1, "the partly inverted task improves for a while")
        #expect(bitIdentical(network.parameterValues, run.snapshots[best - 1]))
        #expect(!bitIdentical(network.parameterValues, run.snapshots.last!))
        for (report, cost) in zip(run.reports, run.evalCosts) {
            #expect(close(Double(report.evalCost), cost, absolute: 1e-5, relative: 1e-5))
        }
    }

    /// With labels inverted every improvement on the training set costs on evaluation: the best epoch is the first.
    @Test func invertedLabelsMakeTheFirstEpochBest() throws {
        let task = InvertedEvaluationTask()
        var options = task.options(epochs: 4)
        options.earlyStoppingPatience = 2
        let run = try task.run(try task.network(), options)
        #expect(run.reports.count == 3)
        #expect(run.evalCosts == run.evalCosts.sorted())
    }

    /// Asked to stop while early stopping is on, the network still ends with the best weights.
    @Test func stoppingByCallbackAlsoRestoresBestWeights() throws {
        let task = InvertedEvaluationTask()
        let network = try task.network()
        var options = task.options(epochs: 50)
        options.earlyStoppingPatience = 10
        let run = try task.run(network, options, stopAt: 4)
        #expect(run.outcome == .stopped)
        #expect(run.reports.count == 4)
        let best = run.evalCosts.indices.min { run.evalCosts[$0] < run.evalCosts[$1] }!
        #expect(bitIdentical(network.parameterValues, run.snapshots[best]))
    }
}
