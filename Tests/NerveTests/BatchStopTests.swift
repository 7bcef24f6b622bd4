import Testing
@testable import Nerve

#if canImport(Glibc)
import Glibc
#endif

/// Stopping between mini-batches (the cancel flag and the batch hook) and the batch hook's throttling.
@Suite struct BatchStopTests {
    /// 20 samples in batches of 4: five steps an epoch, shuffled, with momentum and dropout, so the optimizer's
    /// state and the generator both matter to the weights after a step.
    let data: Dataset = {
        var random = SplitMix(state: 77)
        let x = random.uniforms(20 * 3, -1, 1)
        var y: [Float] = []
        for row in stride(from: 0, to: x.count, by: 3) {
            let first: Bool = x[row] + x[row + 1] > x[row + 2]
            y += first ? [1, 0] : [0, 1]
        }
        return Dataset(x: x, y: y, inputs: 3, outputs: 2)
    }()

    func network() throws -> Network {
        try Network(sizes: [3, 6, 2], activations: [.tanh, .softmax], cost: .logLikelihood, seed: 21)
    }

    func options(epochs: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = 4
        options.learningRate = 0.3
        options.momentum = 0.8
        options.dropout = 0.25
        options.batchInterval = 0
        return options
    }

    /// Trains with hooks, collecting the epochs reported.
    func train(_ network: Network, _ options: TrainingOptions, hooks: TrainingHooks,
               evaluation: Dataset? = nil) throws -> (outcome: TrainingOutcome, epochs: [Int]) {
        var epochs: [Int] = []
        let outcome = try data.withSamples { samples in
            try (evaluation ?? data).withSamples { held in
                try Trainer.train(network, data: samples, evaluation: evaluation == nil ? nil : held,
                                  options: options, hooks: hooks) { report in
                    epochs.append(report.epoch)
                    return true
                }
            }
        }
        return (outcome, epochs)
    }

    /// The parameters after every step of an uninterrupted run, by (epoch, step).
    func snapshotsOfAnUninterruptedRun(_ options: TrainingOptions) throws -> [[Int]: [Float]] {
        let network = try network()
        var snapshots: [[Int]: [Float]] = [:]
        var hooks = TrainingHooks()
        hooks.batch = { at in
            snapshots[[at.epoch, at.step]] = network.parameterValues
            return true
        }
        _ = try train(network, options, hooks: hooks)
        return snapshots
    }

    @Test func batchHookStopsAfterThatStepOfTheFirstEpoch() throws {
        let stopped = try network()
        var hooks = TrainingHooks()
        hooks.batch = { at in at.step < 3 }
        let run = try train(stopped, options(epochs: 4), hooks: hooks)
        #expect(run.outcome == .stopped)
        #expect(run.epochs.isEmpty)  // the interrupted epoch is not reported

        // One epoch of three steps takes the same shuffle, dropout masks and momentum as the first three steps.
        let replay = try network()
        var three = options(epochs: 1)
        three.stepsPerEpoch = 3
        _ = try train(replay, three, hooks: TrainingHooks())
        #expect(bitIdentical(stopped.parameterValues, replay.parameterValues))
    }

    @Test func batchHookStopInALaterEpochKeepsThatStepsWeights() throws {
        let snapshots = try snapshotsOfAnUninterruptedRun(options(epochs: 4))
        #expect(snapshots.count == 20)
        let network = try network()
        var hooks = TrainingHooks()
        hooks.batch = { at in !(at.epoch == 3 && at.step == 2) }
        let run = try train(network, options(epochs: 4), hooks: hooks)
        #expect(run.outcome == .stopped)
        #expect(run.epochs == [1, 2])
        #expect(bitIdentical(network.parameterValues, snapshots[[3, 2]]!))
    }

    @Test func cancelFlagStopsBeforeTheNextMiniBatch() throws {
        let snapshots = try snapshotsOfAnUninterruptedRun(options(epochs: 3))
        let network = try network()
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { flag.deallocate() }
        flag.pointee = 0
        var steps: [[Int]] = []
        var hooks = TrainingHooks(cancel: UnsafePointer(flag))
        hooks.batch = { at in
            steps.append([at.epoch, at.step])
            if at.epoch == 2 && at.step == 4 { flag.pointee = 1 }
            return true
        }
        let run = try train(network, options(epochs: 3), hooks: hooks)
        #expect(run.outcome == .stopped)
        #expect(run.epochs == [1])
        #expect(steps.last == [2, 4])
        #expect(bitIdentical(network.parameterValues, snapshots[[2, 4]]!))
    }

    /// Set after an epoch's last step, the flag ends training before that epoch is measured: it is not reported.
    @Test func cancelFlagAfterTheLastStepLeavesThatEpochUnreported() throws {
        let snapshots = try snapshotsOfAnUninterruptedRun(options(epochs: 3))
        let network = try network()
        var flag: Int32 = 0
        let run = try withUnsafeMutablePointer(to: &flag) { pointer in
            var hooks = TrainingHooks(cancel: UnsafePointer(pointer))
            hooks.batch = { at in
                if at.epoch == 2 && at.step == at.steps { pointer.pointee = 1 }
                return true
            }
            return try train(network, options(epochs: 3), hooks: hooks)
        }
        #expect(run.outcome == .stopped)
        #expect(run.epochs == [1])
        #expect(bitIdentical(network.parameterValues, snapshots[[2, 5]]!))
    }

    /// A flag already set trains nothing and leaves the generator alone: training again after clearing it is
    /// training a fresh network.
    @Test func cancelFlagSetAtTheStartTrainsNothing() throws {
        let network = try network()
        let initial = network.parameterValues
        var flag: Int32 = 1
        var calls = 0
        let run = try withUnsafePointer(to: &flag) { pointer in
            var hooks = TrainingHooks(cancel: pointer)
            hooks.batch = { _ in calls += 1; return true }
            return try train(network, options(epochs: 2), hooks: hooks)
        }
        #expect(run.outcome == .stopped && run.epochs.isEmpty && calls == 0)
        #expect(bitIdentical(network.parameterValues, initial))

        _ = try train(network, options(epochs: 2), hooks: TrainingHooks())
        let fresh = try self.network()
        _ = try train(fresh, options(epochs: 2), hooks: TrainingHooks())
        #expect(bitIdentical(network.parameterValues, fresh.parameterValues))
    }

    /// With early stopping on, a stop within an epoch restores the best epoch's weights, as a stop after one does.
    @Test func stopWithEarlyStoppingRestoresTheBestEpoch() throws {
        let task = InvertedEvaluationTask()  // evaluation cost rises from the first epoch on: epoch 1 is the best
        let network = try task.network()
        var options = task.options(epochs: 10)
        options.batchSize = 5
        options.earlyStoppingPatience = 100
        options.batchInterval = 0
        var afterEpochOne: [Float] = []
        var hooks = TrainingHooks()
        hooks.batch = { at in
            if at.epoch == 1 && at.step == at.steps { afterEpochOne = network.parameterValues }
            return !(at.epoch == 4 && at.step == 2)
        }
        var evalCosts: [Float] = []
        let outcome = try task.training.withSamples { samples in
            try task.evaluation.withSamples { held in
                try Trainer.train(network, data: samples, evaluation: held, options: options, hooks: hooks) { r in
                    evalCosts.append(r.evalCost)
                    return true
                }
            }
        }
        #expect(outcome == .stopped)
        #expect(evalCosts.count == 3 && evalCosts[0] < evalCosts[1] && evalCosts[1] < evalCosts[2])
        #expect(bitIdentical(network.parameterValues, afterEpochOne))
    }

    /// Steps that leave non-finite weights are divergence, stopped or not: the last good epoch's weights stay.
    @Test func stopAfterDivergingStepsIsDivergence() throws {
        let network = try Network(sizes: [1, 1], activations: [.linear], cost: .quadratic, seed: 4)
        let initial = network.parameterValues
        let data = Dataset(x: [1e4, -3e4, 2e4, 1e4], y: [1e4, 2e4, 0, 1], inputs: 1, outputs: 1)
        var options = TrainingOptions()
        options.epochs = 5
        options.batchSize = 1
        options.learningRate = 1e36
        options.shuffle = false
        options.batchInterval = 0
        var hooks = TrainingHooks()
        hooks.batch = { at in at.step < 3 }
        let kind = thrownKind {
            _ = try data.withSamples { samples in
                try Trainer.train(network, data: samples, evaluation: nil, options: options, hooks: hooks) { _ in true }
            }
        }
        #expect(kind == .diverged)
        #expect(bitIdentical(network.parameterValues, initial))
    }

    /// Interval 0: every step, with the fields a progress bar reads.
    @Test func batchHookWithoutIntervalSeesEveryStep() throws {
        var seen: [TrainingStep] = []
        var hooks = TrainingHooks()
        hooks.batch = { at in seen.append(at); return true }
        var options = options(epochs: 2)
        options.batchSize = 6  // 20 samples: 6, 6, 6, 2
        _ = try train(try network(), options, hooks: hooks)
        var expected: [TrainingStep] = []
        for epoch in 1...2 {
            for (step, (rows, done)) in [(6, 6), (6, 12), (6, 18), (2, 20)].enumerated() {
                expected.append(TrainingStep(epoch: epoch, step: step + 1, rows: rows, steps: 4, epochs: 2,
                                             samplesDone: done))
            }
        }
        #expect(seen == expected)
    }

    /// At most one call per interval: consecutive calls are at least the interval apart, the first at least
    /// the interval after training began; and a long interval means no call at all.
    @Test func batchHookIsThrottled() throws {
        var options = options(epochs: 6)
        options.batchInterval = 0.02
        var hooks = TrainingHooks()
        var steps = 0
        hooks.gradient = { _, _, _ in
            steps += 1
            usleep(2_000)  // 2 ms a step: about 60 ms of training
            return true
        }
        var times: [Double] = []
        hooks.batch = { _ in times.append(monotonicSeconds()); return true }
        let began = monotonicSeconds()
        _ = try train(try network(), options, hooks: hooks)
        let ended = monotonicSeconds()
        #expect(steps == 30)
        #expect(times.count >= 1 && Double(times.count) <= (ended - began) / 0.02)
        #expect(times.first! - began >= 0.02)
        #expect(zip(times.dropFirst(), times).allSatisfy { $0 - $1 >= 0.02 })

        options.batchInterval = 1e6
        var calls = 0
        hooks = TrainingHooks()
        hooks.batch = { _ in calls += 1; return true }
        #expect(try train(try network(), options, hooks: hooks).outcome == .completed)
        #expect(calls == 0)
    }

    @Test(arguments: [Double.nan, -0.01, .infinity])
    func batchIntervalMustBeFiniteAndNonNegative(interval: Double) throws {
        var options = options(epochs: 1)
        options.batchInterval = interval
        #expect(thrownKind { try options.validate() } == .invalid)
    }
}
