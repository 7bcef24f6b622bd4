import CNerveABI
import Nerve

@_cdecl("nerve_train_options_init")
public func nerve_train_options_init(_ options: UnsafeMutablePointer<nerve_train_options>?) {
    guard let options else { return }
    let d = TrainingOptions()
    options.pointee = nerve_train_options(
        struct_size: UInt32(MemoryLayout<nerve_train_options>.size),
        epochs: Int32(d.epochs), batch_size: Int32(d.batchSize), learning_rate: d.learningRate,
        momentum: d.momentum, l2: d.l2, l1: d.l1, dropout: d.dropout, optimizer: d.optimizer.rawValue,
        adam_beta1: d.adamBeta1, adam_beta2: d.adamBeta2, adam_epsilon: d.adamEpsilon,
        early_stopping: Int32(d.earlyStoppingPatience), lr_decay: d.learningRateDecay,
        lr_patience: Int32(d.learningRatePatience), lr_min: d.minimumLearningRate, shuffle: d.shuffle ? 1 : 0,
        monitor_training: d.monitoring.rawValue, progress: nil, user_data: nil, threads: Int32(d.threads),
        steps_per_epoch: Int32(d.stepsPerEpoch), gradient_hook: nil, report_hook: nil, hook_data: nil,
        regularization_n: Int64(d.regularizationSamples), cancel: nil, batch_progress: nil,
        batch_interval: d.batchInterval, sample_weights: nil, nesterov: d.nesterov ? 1 : 0,
        rprop_increase: d.rpropIncrease, rprop_decrease: d.rpropDecrease, rprop_delta_min: d.rpropDeltaMin,
        rprop_delta_max: d.rpropDeltaMax, rprop_delta_zero: d.rpropDeltaZero,
        early_stopping_metric: d.earlyStoppingMetric.rawValue, min_improvement: d.minimumImprovement,
        target_cost: d.targetCost, optimizer_state: d.optimizerState.rawValue,
        accuracy_rule: d.accuracyRule.rawValue, reserved: 0)
}

/// The layouts callers may hand in, as (struct_size, bytes of fields): 0.1's ends at user_data, 0.2's and
/// 0.3's at threads (whose struct_size counts 4 bytes of tail padding that hold no field), 0.4's at
/// regularization_n.
private let currentOptionsSize = MemoryLayout<nerve_train_options>.size
private let acceptedLayouts: [(size: Int, fields: Int)] = {
    let layout = MemoryLayout<nerve_train_options>.self
    let version01 = layout.offset(of: \.user_data)! + MemoryLayout<UnsafeMutableRawPointer?>.size
    let version02Fields = layout.offset(of: \.threads)! + MemoryLayout<Int32>.size
    let version02 = (version02Fields + 7) / 8 * 8
    let version04 = layout.offset(of: \.regularization_n)! + MemoryLayout<Int64>.size
    return [(currentOptionsSize, currentOptionsSize), (version04, version04), (version02, version02Fields),
            (version01, version01)]
}()

/// The caller's options over the defaults, reading only the fields its struct_size says it has.
private func readOptions(_ options: UnsafePointer<nerve_train_options>?) throws -> nerve_train_options {
    var result = nerve_train_options()
    nerve_train_options_init(&result)
    guard let options else { return result }
    // Only the leading size field is safe to read before we know how large the caller's struct is.
    let size = Int(UnsafeRawPointer(options).load(as: UInt32.self))
    guard let layout = acceptedLayouts.first(where: { $0.size == size }) else {
        let sizes = acceptedLayouts.dropFirst().map { String($0.size) }.joined(separator: " or ")
        throw NerveError.invalid("opts->struct_size is \(size), expected \(currentOptionsSize) (or an earlier version's \(sizes)): fill the options with nerve_train_options_init")
    }
    withUnsafeMutableBytes(of: &result) { target in
        target.copyMemory(from: UnsafeRawBufferPointer(start: options, count: layout.fields))
    }
    result.struct_size = UInt32(currentOptionsSize)
    return result
}

/// The C struct as core options. Range checks live in TrainingOptions.validate; here only what C can get wrong.
private func convert(_ c: nerve_train_options) throws -> TrainingOptions {
    var o = TrainingOptions()
    o.epochs = Int(c.epochs)
    o.batchSize = Int(c.batch_size)
    o.learningRate = c.learning_rate
    o.momentum = c.momentum
    o.l2 = c.l2
    o.l1 = c.l1
    o.dropout = c.dropout
    o.optimizer = try Check.enumValue(c.optimizer, OptimizerKind.self, "opts->optimizer")
    o.adamBeta1 = c.adam_beta1
    o.adamBeta2 = c.adam_beta2
    o.adamEpsilon = c.adam_epsilon
    o.earlyStoppingPatience = Int(c.early_stopping)
    o.learningRateDecay = c.lr_decay
    o.learningRatePatience = Int(c.lr_patience)
    o.minimumLearningRate = c.lr_min
    o.shuffle = c.shuffle != 0
    o.monitoring = try Check.enumValue(c.monitor_training, Monitoring.self, "opts->monitor_training")
    o.threads = Int(c.threads)
    o.stepsPerEpoch = Int(c.steps_per_epoch)
    guard c.regularization_n >= 0, c.regularization_n <= Check.maxElements else {
        throw NerveError.invalid("opts->regularization_n must be 0 to \(Check.maxElements), got \(c.regularization_n)")
    }
    o.regularizationSamples = Int(c.regularization_n)
    o.batchInterval = c.batch_interval
    o.nesterov = c.nesterov != 0
    o.rpropIncrease = c.rprop_increase
    o.rpropDecrease = c.rprop_decrease
    o.rpropDeltaMin = c.rprop_delta_min
    o.rpropDeltaMax = c.rprop_delta_max
    o.rpropDeltaZero = c.rprop_delta_zero
    o.earlyStoppingMetric = try Check.enumValue(c.early_stopping_metric, WatchedMetric.self,
                                                "opts->early_stopping_metric")
    o.minimumImprovement = c.min_improvement
    o.targetCost = c.target_cost
    o.optimizerState = try Check.enumValue(c.optimizer_state, OptimizerState.self, "opts->optimizer_state")
    o.accuracyRule = try Check.enumValue(c.accuracy_rule, AccuracyRule.Choice.self, "opts->accuracy_rule")
    try o.validate()
    return o
}

/// Checks a block of samples against the network and the cost, scanning every value once.
func samples(_ network: Network, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?, _ n: Int64,
             _ xName: StaticString, _ yName: StaticString, _ nName: StaticString) throws -> Samples {
    let x = try Check.pointer(x, xName), y = try Check.pointer(y, yName)
    let rows = try Check.count(n, nName)
    let inputs = try Check.elements(rows, network.inputSize, xName)
    let targets = try Check.elements(rows, network.outputSize, yName)
    try Check.finite(x, inputs, xName)
    try Check.finite(y, targets, yName)
    try network.cost.checkTargets(y, count: targets)
    return Samples(x: x, y: y, count: rows)
}

/// The samples with the caller's weights, checked: finite, none negative, not all zero.
private func weighted(_ data: Samples, _ weights: UnsafePointer<Float>?) throws -> Samples {
    guard let weights else { return data }
    try Check.finite(weights, data.count, "opts->sample_weights")
    var total = 0.0
    for i in 0..<data.count {
        guard weights[i] >= 0 else {
            throw NerveError.invalid("opts->sample_weights[\(i)] is \(weights[i]); weights must be >= 0")
        }
        total += Double(weights[i])
    }
    guard total > 0 else {
        throw NerveError.invalid("opts->sample_weights are all 0: at least one sample must count")
    }
    return Samples(x: data.x, y: data.y, count: data.count, weights: weights)
}

@_cdecl("nerve_train")
public func nerve_train(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?, _ n: Int64,
                        _ evalX: UnsafePointer<Float>?, _ evalY: UnsafePointer<Float>?, _ evalN: Int64,
                        _ options: UnsafePointer<nerve_train_options>?) -> nerve_status {
    guarded("nerve_train") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        let cOptions = try readOptions(options)
        let trainingOptions = try convert(cOptions)
        let data = try weighted(samples(network, x, y, n, "x", "y", "n"), cOptions.sample_weights)
        guard evalN >= 0 else { throw NerveError.size("eval_n must not be negative, got \(evalN)") }
        let evaluation = evalN == 0 ? nil : try samples(network, evalX, evalY, evalN, "eval_x", "eval_y", "eval_n")

        guard handle.training.tryLock() else { throw NerveError.busy("the network is already being trained") }
        defer { handle.training.unlock() }
        handle.access.lockExclusive()
        defer { handle.access.unlock() }
        // Weights are consistent between steps: while the caller's code runs, readers (that code, too) may go in.
        func outside<T>(_ body: () -> T) -> T {
            handle.access.unlock()
            defer { handle.access.lockExclusive() }
            return body()
        }
        var hooks = TrainingHooks()
        if let gradientHook = cOptions.gradient_hook {
            hooks.gradient = { gradient, count, at in
                var step = cStep(at)
                return outside { gradientHook(gradient, Int64(count), &step, cOptions.hook_data) == 0 }
            }
        }
        hooks.cancel = cOptions.cancel
        if let batchProgress = cOptions.batch_progress {
            hooks.batch = { at in
                var step = cStep(at)
                return outside { batchProgress(&step, cOptions.user_data) == 0 }
            }
        }
        if let reportHook = cOptions.report_hook {
            hooks.report = { r in
                var report = cReport(r)
                guard outside({ reportHook(&report, cOptions.hook_data) == 0 }) else { return false }
                r.trainCost = report.train_cost
                r.trainAccuracy = report.train_accuracy
                r.evalCost = report.eval_cost
                r.evalAccuracy = report.eval_accuracy
                return true
            }
        }
        let outcome = try Trainer.train(network, data: data, evaluation: evaluation, options: trainingOptions,
                                        hooks: hooks) { r in
            guard let callback = cOptions.progress else { return true }
            var report = cReport(r)
            return outside { callback(&report, cOptions.user_data) == 0 }
        }
        return outcome == .stopped ? NERVE_STOPPED : NERVE_OK
    }
}

private func cStep(_ at: TrainingStep) -> nerve_step {
    nerve_step(epoch: Int32(at.epoch), step: Int32(clamping: at.step), rows: Int64(at.rows),
               steps: Int32(clamping: at.steps), epochs: Int32(at.epochs), samples_done: Int64(at.samplesDone))
}

private func cReport(_ r: EpochReport) -> nerve_epoch_report {
    nerve_epoch_report(epoch: Int32(r.epoch), train_cost: r.trainCost, train_accuracy: r.trainAccuracy,
                       eval_cost: r.evalCost, eval_accuracy: r.evalAccuracy, reserved1: 0, seconds: r.seconds,
                       learning_rate: r.learningRate, reserved2: 0)
}
