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
        monitor_training: d.monitoring.rawValue, progress: nil, user_data: nil, threads: Int32(d.threads))
}

/// The layouts callers may hand in: 0.1's (which ends at user_data) and this version's.
private let currentOptionsSize = MemoryLayout<nerve_train_options>.size
private let version01OptionsSize = MemoryLayout<nerve_train_options>.offset(of: \.user_data)!
    + MemoryLayout<UnsafeMutableRawPointer?>.size

/// The caller's options over the defaults, reading only the bytes its struct_size says it has.
private func readOptions(_ options: UnsafePointer<nerve_train_options>?) throws -> nerve_train_options {
    var result = nerve_train_options()
    nerve_train_options_init(&result)
    guard let options else { return result }
    // Only the leading size field is safe to read before we know how large the caller's struct is.
    let size = Int(UnsafeRawPointer(options).load(as: UInt32.self))
    guard size == currentOptionsSize || size == version01OptionsSize else {
        throw NerveError.invalid("opts->struct_size is \(size), expected \(currentOptionsSize) (or 0.1's \(version01OptionsSize)): fill the options with nerve_train_options_init")
    }
    withUnsafeMutableBytes(of: &result) { target in
        target.copyMemory(from: UnsafeRawBufferPointer(start: options, count: size))
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

@_cdecl("nerve_train")
public func nerve_train(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?, _ n: Int64,
                        _ evalX: UnsafePointer<Float>?, _ evalY: UnsafePointer<Float>?, _ evalN: Int64,
                        _ options: UnsafePointer<nerve_train_options>?) -> nerve_status {
    guarded("nerve_train") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        let cOptions = try readOptions(options)
        let trainingOptions = try convert(cOptions)
        let data = try samples(network, x, y, n, "x", "y", "n")
        guard evalN >= 0 else { throw NerveError.size("eval_n must not be negative, got \(evalN)") }
        let evaluation = evalN == 0 ? nil : try samples(network, evalX, evalY, evalN, "eval_x", "eval_y", "eval_n")

        guard handle.training.tryLock() else { throw NerveError.busy("the network is already being trained") }
        defer { handle.training.unlock() }
        handle.access.lockExclusive()
        defer { handle.access.unlock() }
        let outcome = try Trainer.train(network, data: data, evaluation: evaluation, options: trainingOptions) { r in
            guard let callback = cOptions.progress else { return true }
            var report = nerve_epoch_report(epoch: Int32(r.epoch), train_cost: r.trainCost,
                                            train_accuracy: r.trainAccuracy, eval_cost: r.evalCost,
                                            eval_accuracy: r.evalAccuracy, seconds: r.seconds,
                                            learning_rate: r.learningRate)
            // Weights are consistent between epochs: let readers (the callback itself, too) in meanwhile.
            handle.access.unlock()
            defer { handle.access.lockExclusive() }
            return callback(&report, cOptions.user_data) == 0
        }
        return outcome == .stopped ? NERVE_STOPPED : NERVE_OK
    }
}
