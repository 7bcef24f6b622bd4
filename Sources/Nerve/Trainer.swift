import CNerveKernels

/// How a training run ended when it did not fail.
public enum TrainingOutcome: Sendable {
    /// All epochs ran, or early stopping / the learning-rate floor ended training as planned.
    case completed
    /// The progress callback, the batch hook or the cancel flag asked to stop.
    case stopped
}

/// Mini-batch gradient descent over a network, epoch by epoch, with the measurements, early stopping and
/// learning-rate schedule of the notes.
public enum Trainer {
    /// Trains `network` in place. `progress` sees each epoch's report and returns false to stop.
    /// On divergence (non-finite parameters or cost) the parameters of the last good epoch are restored.
    /// A stop between mini-batches (see TrainingHooks) keeps the weights of the last trained mini-batch, as a
    /// stop after an epoch keeps that epoch's, or the best epoch's under early stopping; the epoch it interrupts
    /// is neither measured nor reported, even if all its mini-batches ran.
    public static func train(_ network: Network, data: Samples, evaluation: Samples?, options: TrainingOptions,
                             hooks: TrainingHooks = TrainingHooks(),
                             progress: (EpochReport) -> Bool) throws -> TrainingOutcome {
        try check(network, data: data, evaluation: evaluation, options: options, hooks: hooks)
        // From here a failed call keeps no optimizer state: a diverged run's may hold non-finite values.
        let kept = network.keptOptimizer
        network.keptOptimizer = nil
        let threads = options.threads > 0 ? options.threads : network.threads
        return try WorkerTeam.with(threads: threads) { team in
            let run = try TrainingRun(network: network, data: data, evaluation: evaluation, options: options,
                                      hooks: hooks, team: team, kept: kept)
            let outcome = try run.epochs(progress: progress)
            if options.optimizerState != .fresh {
                network.keptOptimizer = KeptOptimizer(optimizer: run.optimizer, settings: .init(options))
            }
            return outcome
        }
    }

    private static func check(_ network: Network, data: Samples, evaluation: Samples?,
                              options: TrainingOptions, hooks: TrainingHooks) throws {
        try options.validate()
        if let step = network.layers.firstIndex(where: { !$0.activation.isTrainable }) {
            throw NerveError.unsupported("layer \(step) uses the step activation, which has no derivative: such a network can predict but not train")
        }
        guard data.count >= 1 else { throw NerveError.size("training needs at least one sample") }
        let needsEvaluation = options.earlyStoppingPatience > 0 || options.learningRateDecay > 0
        // A report hook may bring the evaluation figures of other processes' data instead.
        if needsEvaluation && (evaluation?.count ?? 0) == 0 && hooks.report == nil {
            throw NerveError.invalid("early stopping and the learning-rate schedule need evaluation data")
        }
        if options.accuracyRule == .argmax && network.outputSize < 2 {
            throw NerveError.invalid("accuracy_rule ARGMAX needs 2 or more outputs; a network of one output scores PER_LABEL")
        }
        if needsEvaluation, options.earlyStoppingMetric == .accuracy, hooks.report == nil, let evaluation,
           options.accuracyRule.rule(targets: evaluation.y, rows: evaluation.count,
                                     columns: network.outputSize) == .regression {
            throw NerveError.invalid("early_stopping_metric is accuracy, but the evaluation targets are not classes (0/1 labels or one-hot rows), so they have no accuracy; watch the cost instead, or set accuracy_rule")
        }
        if options.optimizer == .rprop {
            // A mini-batch gradient's signs flip with the batch, not with the cost surface.
            guard options.batchSize >= data.count else {
                throw NerveError.unsupported("RPROP is a full-batch method: batch_size (\(options.batchSize)) must be at least the number of training samples (\(data.count))")
            }
            guard options.stepsPerEpoch <= 1 else {
                throw NerveError.unsupported("RPROP takes one full-batch step per epoch: steps_per_epoch must be 0 or 1, got \(options.stepsPerEpoch)")
            }
        }
    }
}

/// One call of Trainer.train: its buffers, its optimizer (which may outlive it, see OptimizerState) and the
/// state of the schedule between epochs.
private final class TrainingRun {
    let network: Network
    let data: Samples
    let evaluation: Samples?
    let options: TrainingOptions
    let hooks: TrainingHooks
    let team: WorkerTeam?
    let pass: Backpropagation
    let optimizer: any Optimizer
    let regularization: Regularization
    let gradient: FloatBuffer
    /// Plain gradient descent adds −η·g straight into the parameters (see GradientSink), unless a hook
    /// must see g first.
    let fusedDescent: Bool
    /// The n of λ/n: the training set's (Σ w with sample weights), or the one the caller set for data spread
    /// over several processes.
    let regularizationSamples: Double
    let order: IndexBuffer
    /// Parameters after the last epoch that ended finite, and after the best evaluation (early stopping).
    let lastGood: FloatBuffer
    let best: FloatBuffer?
    /// What accuracy means on each data set, decided once from all its targets (see AccuracyRule).
    let trainingRule: AccuracyRule, evaluationRule: AccuracyRule

    var learningRate: Float
    /// When the batch hook may next be called (monotonic seconds).
    var nextBatchReport = 0.0
    /// The best evaluation figure so far as a score where lower is better: the cost, or minus the accuracy.
    var bestScore = Double.infinity
    var epochsSinceBest = 0, epochsSinceRateChange = 0

    init(network: Network, data: Samples, evaluation: Samples?, options: TrainingOptions, hooks: TrainingHooks,
         team: WorkerTeam?, kept: KeptOptimizer?) throws {
        self.network = network
        self.data = data
        self.evaluation = (evaluation?.count ?? 0) > 0 ? evaluation : nil
        trainingRule = options.accuracyRule.rule(targets: data.y, rows: data.count, columns: network.outputSize)
        evaluationRule = self.evaluation.map {
            options.accuracyRule.rule(targets: $0.y, rows: $0.count, columns: network.outputSize)
        } ?? .regression
        self.options = options
        self.hooks = hooks
        self.team = team
        let count = network.parameterCount
        pass = try Backpropagation(network: network, capacity: min(options.batchSize, data.count),
                                   dropout: options.dropout > 0, weighted: data.weights != nil)
        optimizer = try KeptOptimizer.optimizer(for: options, parameterCount: count, kept: kept)
        regularizationSamples = options.regularizationSamples > 0 ? Double(options.regularizationSamples)
            : data.weights.map { SampleWeights.total($0, count: data.count) } ?? Double(data.count)
        regularization = Regularization(l2: options.l2, l1: options.l1, samples: regularizationSamples)
        fusedDescent = optimizer is GradientDescent && !regularization.isActive && hooks.gradient == nil
        gradient = try FloatBuffer(count: fusedDescent ? 0 : count, zeroed: false)
        order = try IndexBuffer(count: data.count)
        for i in 0..<data.count { order.base[i] = Int32(i) }
        lastGood = try FloatBuffer(count: count, zeroed: false)
        lastGood.copy(from: network.parameters)
        best = options.earlyStoppingPatience > 0 ? try FloatBuffer(count: count, zeroed: false) : nil
        learningRate = options.learningRate
        nextBatchReport = monotonicSeconds() + options.batchInterval
    }

    func epochs(progress: (EpochReport) -> Bool) throws -> TrainingOutcome {
        var outcome = TrainingOutcome.completed
        for epoch in 1...options.epochs {
            let started = monotonicSeconds()
            guard let running = try trainOneEpoch(epoch) else {
                try keepFiniteWeights(epoch: epoch)
                outcome = .stopped
                break
            }
            let report = try measure(epoch: epoch, running: running, started: started)
            if !progress(report) { outcome = .stopped; break }
            // FANN's desired error: the cost as reported (regularisation included, as the hook left it).
            if options.targetCost > 0 && report.trainCost <= options.targetCost { break }
            if !scheduleGoesOn() { break }
        }
        if let best, bestScore.isFinite { network.parameters.copy(from: best) }
        return outcome
    }

    /// Shuffles, then one optimizer step per mini-batch (or per step of steps_per_epoch, the ones past the
    /// last batch without samples). Returns the running metrics when they are monitored, nil when asked to stop.
    private func trainOneEpoch(_ epoch: Int) throws -> RunningMetrics? {
        // Checked before the shuffle too, so a stop leaves the generator where the last mini-batch left it.
        if cancelRequested() { return nil }
        if options.shuffle {
            // A permutation of the samples in their given order, not of the last epoch's: an epoch's order then
            // depends on the generator alone, and k one-epoch calls shuffle as one call of k epochs does.
            for i in 0..<data.count { order.base[i] = Int32(i) }
            Trainer.shuffle(order, using: &network.random)
        }
        var running = RunningMetrics()
        let n = data.count, batch = pass.capacity
        let steps = options.stepsPerEpoch > 0 ? options.stepsPerEpoch : divideRoundingUp(n, batch)
        var start = 0
        for step in 1...steps {
            if step > 1 && cancelRequested() { return nil }
            let rows = min(batch, n - start)
            if rows > 0 {
                pass.gather(data, order: order.base, start: start, rows: rows)
                pass.forward(rows: rows, dropout: options.dropout, random: &network.random, team: team)
                if options.monitoring == .running {
                    running.add(outputs: pass.finalOutputs, targets: pass.targets.base, weights: pass.weights?.base,
                                rows: rows, columns: network.outputSize, cost: network.cost, rule: trainingRule)
                }
            }
            if fusedDescent {
                if rows > 0 {
                    pass.backward(rows: rows, into: GradientSink(block: network.parameters.base,
                                                                 scale: -learningRate, accumulate: true), team: team)
                }
            } else {
                if rows > 0 {
                    pass.backward(rows: rows, into: GradientSink(block: gradient.base), team: team)
                } else {
                    gradient.base.update(repeating: 0, count: gradient.count)
                }
                let at = TrainingStep(epoch: epoch, step: step, rows: rows, steps: steps, epochs: options.epochs,
                                      samplesDone: start + rows)
                if let hook = hooks.gradient, !hook(gradient.base, gradient.count, at) {
                    throw abort("the gradient hook returned non-zero in epoch \(epoch), step \(step)")
                }
                self.step()
            }
            start += rows
            if !batchReportGoesOn(TrainingStep(epoch: epoch, step: step, rows: rows, steps: steps,
                                               epochs: options.epochs, samplesDone: start)) {
                return nil
            }
        }
        return cancelRequested() ? nil : running
    }

    private func cancelRequested() -> Bool {
        guard let flag = hooks.cancel else { return false }
        return nerve_cancel_flag_load(flag) != 0
    }

    /// The batch hook, when batchInterval has passed since its last call returned (since training began, for
    /// the first), so a slow hook cannot take over the loop; false when it asks to stop.
    private func batchReportGoesOn(_ at: TrainingStep) -> Bool {
        guard let hook = hooks.batch else { return true }
        guard options.batchInterval > 0 else { return hook(at) }
        guard monotonicSeconds() >= nextBatchReport else { return true }
        let goesOn = hook(at)
        nextBatchReport = monotonicSeconds() + options.batchInterval
        return goesOn
    }

    /// A stop within an epoch is refused as divergence when its steps left non-finite weights, as a measured
    /// epoch would be.
    private func keepFiniteWeights(epoch: Int) throws {
        guard Trainer.allFinite(network.parameters) else {
            network.parameters.copy(from: lastGood)
            throw NerveError.diverged("training diverged in epoch \(epoch) before it was stopped (non-finite weights); the weights of the last good epoch were kept — try a smaller learning rate")
        }
    }

    /// Ends the run on a hook's request with the weights of the last completed epoch.
    private func abort(_ what: String) -> NerveError {
        network.parameters.copy(from: lastGood)
        return .aborted("\(what); the network keeps the weights of the last completed epoch")
    }

    /// Regularisation terms into the gradient, then the optimizer over every parameter.
    private func step() {
        let p = network.parameters.base, g = gradient.base
        if regularization.isActive {
            let regularization = self.regularization
            for weights in network.weightRanges {
                forEachRange(weights.count, team: team) { r in
                    regularization.add(to: g, parameters: p,
                                       range: (weights.lowerBound + r.lowerBound)..<(weights.lowerBound + r.upperBound))
                }
            }
        }
        let optimizer = self.optimizer
        optimizer.beginStep(learningRate: learningRate)
        forEachRange(network.parameterCount, team: team) { range in optimizer.update(p, g, range: range) }
    }

    /// The epoch's report: training and evaluation figures (as the report hook leaves them), with divergence
    /// refused and early stopping's best weights kept.
    private func measure(epoch: Int, running: RunningMetrics, started: Double) throws -> EpochReport {
        var report = EpochReport()
        report.epoch = epoch
        report.learningRate = learningRate
        let penalty = network.regularizationCost(l2: options.l2, l1: options.l1, samples: regularizationSamples)
        let train: (cost: Double, accuracy: Double)?
        switch options.monitoring {
        case .none: train = nil
        case .running: train = (running.cost, running.accuracy)
        case .full:
            if let weights = data.weights {
                let measured = try network.measureWeighted(data, weights: weights, rule: trainingRule)
                train = (measured.cost, measured.accuracy)
            } else {
                let measured = try network.measure(data.x, data.y, rows: data.count, rule: trainingRule, team: team)
                train = (measured.cost, measured.accuracy)
            }
        }
        if let train {
            report.trainCost = Float(train.cost + penalty)
            report.trainAccuracy = Float(train.accuracy)
        }
        var evalCost = Double.nan  // regularisation excluded, as early stopping and the schedule compare it
        if let evaluation {
            let measured = try network.measure(evaluation.x, evaluation.y, rows: evaluation.count,
                                               rule: evaluationRule, team: team)
            report.evalCost = Float(measured.cost + penalty)
            report.evalAccuracy = Float(measured.accuracy)
            evalCost = measured.cost
        }
        report.seconds = monotonicSeconds() - started
        if let hook = hooks.report {
            let written = report
            guard hook(&report) else { throw abort("the report hook returned non-zero after epoch \(epoch)") }
            report.epoch = written.epoch
            report.seconds = written.seconds
            report.learningRate = written.learningRate
            // A figure the hook left alone keeps its exact value.
            if report.evalCost.bitPattern != written.evalCost.bitPattern { evalCost = Double(report.evalCost) - penalty }
        }

        guard Trainer.allFinite(network.parameters), report.trainCost.isFinite || train == nil else {
            network.parameters.copy(from: lastGood)
            throw NerveError.diverged("training diverged in epoch \(epoch) (non-finite weights or cost); the weights of the last good epoch were kept — try a smaller learning rate")
        }
        lastGood.copy(from: network.parameters)

        let score = options.earlyStoppingMetric == .cost ? evalCost : -Double(report.evalAccuracy)
        if !score.isNaN {
            // Better only by more than min_improvement (scikit-learn's tol); the first figure always is.
            if score < bestScore - Double(options.minimumImprovement) {
                bestScore = score
                epochsSinceBest = 0
                epochsSinceRateChange = 0
                best?.copy(from: network.parameters)
            } else {
                epochsSinceBest += 1
                epochsSinceRateChange += 1
            }
        }
        return report
    }

    /// Early stopping and the learning-rate schedule: false when training should end.
    private func scheduleGoesOn() -> Bool {
        if options.earlyStoppingPatience > 0 && epochsSinceBest >= options.earlyStoppingPatience { return false }
        if options.learningRateDecay > 0 && epochsSinceRateChange >= options.learningRatePatience {
            learningRate /= options.learningRateDecay
            epochsSinceRateChange = 0
            if learningRate < options.minimumLearningRate { return false }
        }
        return true
    }
}

extension Trainer {
    /// Fisher–Yates with the network's own generator, so the order depends on the seed alone.
    static func shuffle(_ order: IndexBuffer, using random: inout Random) {
        var i = order.count - 1
        while i > 0 {
            let j = random.nextIndex(below: i + 1)
            let held = order.base[i]
            order.base[i] = order.base[j]
            order.base[j] = held
            i -= 1
        }
    }

    static func allFinite(_ buffer: FloatBuffer) -> Bool {
        var bad = false
        for k in 0..<buffer.count where !buffer.base[k].isFinite { bad = true; break }
        return !bad
    }
}
