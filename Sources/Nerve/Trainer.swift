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
        try options.validate()
        if let step = network.layers.firstIndex(where: { !$0.activation.isTrainable }) {
            throw NerveError.unsupported("layer \(step) uses the step activation, which has no derivative: such a network can predict but not train")
        }
        guard data.count >= 1 else { throw NerveError.size("training needs at least one sample") }
        let needsEvaluation = options.earlyStoppingPatience > 0 || options.learningRateDecay > 0
        if needsEvaluation && (evaluation?.count ?? 0) == 0 {
            throw NerveError.invalid("early stopping and the learning-rate schedule need evaluation data")
        }

        let n = data.count
        let batch = min(options.batchSize, n)
        let pass = try Backpropagation(network: network, capacity: batch, dropout: options.dropout > 0, parallel: true)
        let optimizer = try Optimizer(options: options, parameterCount: network.parameterCount, samples: n)
        let order = try IndexBuffer(count: n)
        for i in 0..<n { order.base[i] = Int32(i) }
        let lastGood = try FloatBuffer(count: network.parameterCount, zeroed: false)
        lastGood.copy(from: network.parameters)
        let best = options.earlyStoppingPatience > 0 ? try FloatBuffer(count: network.parameterCount, zeroed: false) : nil

        var learningRate = options.learningRate
        var bestEvalCost = Double.infinity
        var epochsSinceBest = 0, epochsSinceRateChange = 0
        var outcome = TrainingOutcome.completed

        for epoch in 1...options.epochs {
            let started = monotonicSeconds()
            if options.shuffle { shuffle(order, using: &network.random) }
            var running = Metrics()
            var start = 0
            while start < n {
                let rows = min(batch, n - start)
                pass.gather(data, order: order.base, start: start, rows: rows)
                pass.forward(rows: rows, dropout: options.dropout, random: &network.random)
                if options.monitoring == .running {
                    running.add(outputs: pass.finalOutputs, targets: pass.targets.base, rows: rows,
                                columns: network.outputSize, cost: network.cost, activation: network.outputActivation)
                }
                pass.backward(rows: rows) {
                    optimizer.target(layer: $0, of: network, rows: rows, learningRate: learningRate)
                }
                optimizer.finish(network, learningRate: learningRate, worker: pass.worker)
                start += rows
            }

            var report = EpochReport()
            report.epoch = epoch
            report.learningRate = learningRate
            let regularization = network.regularizationCost(l2: options.l2, l1: options.l1, samples: n)
            let train: Metrics? = switch options.monitoring {
            case .none: nil
            case .running: running
            case .full: try network.measure(data.x, data.y, rows: n, worker: pass.worker)
            }
            if let train {
                report.trainCost = Float(train.cost + regularization)
                report.trainAccuracy = Float(train.accuracy)
            }
            guard allFinite(network.parameters), report.trainCost.isFinite || train == nil else {
                network.parameters.copy(from: lastGood)
                throw NerveError.diverged("training diverged in epoch \(epoch) (non-finite weights or cost); the weights of the last good epoch were kept — try a smaller learning rate")
            }
            lastGood.copy(from: network.parameters)

            if let evaluation, evaluation.count > 0 {
                let measured = try network.measure(evaluation.x, evaluation.y, rows: evaluation.count, worker: pass.worker)
                report.evalCost = Float(measured.cost + regularization)
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
            report.seconds = monotonicSeconds() - started

            if !progress(report) { outcome = .stopped; break }
            if options.earlyStoppingPatience > 0 && epochsSinceBest >= options.earlyStoppingPatience { break }
            if options.learningRateDecay > 0 && epochsSinceRateChange >= options.learningRatePatience {
                learningRate /= options.learningRateDecay
                epochsSinceRateChange = 0
                if learningRate < options.minimumLearningRate { break }
            }
        }
        if let best, bestEvalCost.isFinite { network.parameters.copy(from: best) }
        return outcome
    }

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
