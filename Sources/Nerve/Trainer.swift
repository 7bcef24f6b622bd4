/// How a training run ended when it did not fail.
public enum TrainingOutcome: Sendable {
    /// All epochs ran, or early stopping / the learning-rate floor ended training as planned.
    case completed
    /// The progress callback asked to stop.
    case stopped
}

/// Mini-batch gradient descent over a network, epoch by epoch, with the measurements, early stopping and
/// learning-rate schedule of the notes.
public enum Trainer {
    /// Trains `network` in place. `progress` sees each epoch's report and returns false to stop.
    /// On divergence (non-finite parameters or cost) the parameters of the last good epoch are restored.
    public static func train(_ network: Network, data: Samples, evaluation: Samples?, options: TrainingOptions,
                             progress: (EpochReport) -> Bool) throws -> TrainingOutcome {
        try check(network, data: data, evaluation: evaluation, options: options)
        let threads = options.threads > 0 ? options.threads : network.threads
        return try WorkerTeam.with(threads: threads) { team in
            let run = try TrainingRun(network: network, data: data, evaluation: evaluation, options: options,
                                      team: team)
            return try run.epochs(progress: progress)
        }
    }

    private static func check(_ network: Network, data: Samples, evaluation: Samples?,
                              options: TrainingOptions) throws {
        try options.validate()
        if let step = network.layers.firstIndex(where: { !$0.activation.isTrainable }) {
            throw NerveError.unsupported("layer \(step) uses the step activation, which has no derivative: such a network can predict but not train")
        }
        guard data.count >= 1 else { throw NerveError.size("training needs at least one sample") }
        let needsEvaluation = options.earlyStoppingPatience > 0 || options.learningRateDecay > 0
        if needsEvaluation && (evaluation?.count ?? 0) == 0 {
            throw NerveError.invalid("early stopping and the learning-rate schedule need evaluation data")
        }
    }
}

/// One call of Trainer.train: its buffers, its optimizer and the state of the schedule between epochs.
private final class TrainingRun {
    let network: Network
    let data: Samples
    let evaluation: Samples?
    let options: TrainingOptions
    let team: WorkerTeam?
    let pass: Backpropagation
    let optimizer: any Optimizer
    let regularization: Regularization
    let gradient: FloatBuffer
    /// Plain gradient descent adds −η·g straight into the parameters (see GradientSink).
    let fusedDescent: Bool
    let order: IndexBuffer
    /// Parameters after the last epoch that ended finite, and after the best evaluation (early stopping).
    let lastGood: FloatBuffer
    let best: FloatBuffer?

    var learningRate: Float
    var bestEvalCost = Double.infinity
    var epochsSinceBest = 0, epochsSinceRateChange = 0

    init(network: Network, data: Samples, evaluation: Samples?, options: TrainingOptions, team: WorkerTeam?) throws {
        self.network = network
        self.data = data
        self.evaluation = (evaluation?.count ?? 0) > 0 ? evaluation : nil
        self.options = options
        self.team = team
        let count = network.parameterCount
        pass = try Backpropagation(network: network, capacity: min(options.batchSize, data.count),
                                   dropout: options.dropout > 0)
        optimizer = try makeOptimizer(options, parameterCount: count)
        regularization = Regularization(l2: options.l2, l1: options.l1, samples: data.count)
        fusedDescent = optimizer is GradientDescent && !regularization.isActive
        gradient = try FloatBuffer(count: fusedDescent ? 0 : count, zeroed: false)
        order = try IndexBuffer(count: data.count)
        for i in 0..<data.count { order.base[i] = Int32(i) }
        lastGood = try FloatBuffer(count: count, zeroed: false)
        lastGood.copy(from: network.parameters)
        best = options.earlyStoppingPatience > 0 ? try FloatBuffer(count: count, zeroed: false) : nil
        learningRate = options.learningRate
    }

    func epochs(progress: (EpochReport) -> Bool) throws -> TrainingOutcome {
        var outcome = TrainingOutcome.completed
        for epoch in 1...options.epochs {
            let started = monotonicSeconds()
            let running = trainOneEpoch()
            var report = try measure(epoch: epoch, running: running)
            report.seconds = monotonicSeconds() - started
            if !progress(report) { outcome = .stopped; break }
            if !scheduleGoesOn() { break }
        }
        if let best, bestEvalCost.isFinite { network.parameters.copy(from: best) }
        return outcome
    }

    /// Shuffles, then one optimizer step per mini-batch. Returns the running metrics when they are monitored.
    private func trainOneEpoch() -> Metrics {
        if options.shuffle { Trainer.shuffle(order, using: &network.random) }
        var running = Metrics()
        let n = data.count, batch = pass.capacity
        var start = 0
        while start < n {
            let rows = min(batch, n - start)
            pass.gather(data, order: order.base, start: start, rows: rows)
            pass.forward(rows: rows, dropout: options.dropout, random: &network.random, team: team)
            if options.monitoring == .running {
                running.add(outputs: pass.finalOutputs, targets: pass.targets.base, rows: rows,
                            columns: network.outputSize, cost: network.cost, activation: network.outputActivation)
            }
            if fusedDescent {
                pass.backward(rows: rows, into: GradientSink(block: network.parameters.base, scale: -learningRate,
                                                             accumulate: true), team: team)
            } else {
                pass.backward(rows: rows, into: GradientSink(block: gradient.base), team: team)
                step()
            }
            start += rows
        }
        return running
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

    /// The epoch's report: training and evaluation figures, with divergence refused and early stopping's best
    /// weights kept.
    private func measure(epoch: Int, running: Metrics) throws -> EpochReport {
        var report = EpochReport()
        report.epoch = epoch
        report.learningRate = learningRate
        let penalty = network.regularizationCost(l2: options.l2, l1: options.l1, samples: data.count)
        let train: Metrics? = switch options.monitoring {
        case .none: nil
        case .running: running
        case .full: try network.measure(data.x, data.y, rows: data.count, team: team)
        }
        if let train {
            report.trainCost = Float(train.cost + penalty)
            report.trainAccuracy = Float(train.accuracy)
        }
        guard Trainer.allFinite(network.parameters), report.trainCost.isFinite || train == nil else {
            network.parameters.copy(from: lastGood)
            throw NerveError.diverged("training diverged in epoch \(epoch) (non-finite weights or cost); the weights of the last good epoch were kept — try a smaller learning rate")
        }
        lastGood.copy(from: network.parameters)

        if let evaluation {
            let measured = try network.measure(evaluation.x, evaluation.y, rows: evaluation.count, team: team)
            report.evalCost = Float(measured.cost + penalty)
            report.evalAccuracy = Float(measured.accuracy)
            if measured.cost < bestEvalCost {
                bestEvalCost = measured.cost
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
