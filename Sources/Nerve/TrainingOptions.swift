/// Gradient-descent update rules. Raw values are the C enum's (NERVE_OPTIMIZER_*).
public enum OptimizerKind: Int32, CaseIterable, Sendable { case sgd = 0, adam, rprop }

/// What early stopping and the learning-rate schedule watch on the evaluation data. Raw values are the C enum's
/// (NERVE_METRIC_*).
public enum WatchedMetric: Int32, CaseIterable, Sendable { case cost = 0, accuracy }

/// What becomes of the optimizer's state (momentum velocity, Adam's moments and step count, RPROP's step sizes)
/// across training calls. Raw values are the C enum's (NERVE_OPTIMIZER_STATE_*).
public enum OptimizerState: Int32, CaseIterable, Sendable {
    /// A new state, dropped at the end of the call; any state the network kept is dropped too.
    case fresh = 0
    /// A new state, kept in the network at the end of the call.
    case keep
    /// The state the network kept, if an earlier call kept it with the same optimizer and coefficients (a new
    /// one otherwise), kept again at the end: consecutive calls then take the steps of one long call.
    case resume
}

/// How training cost and accuracy are measured each epoch. Raw values are the C enum's (NERVE_MONITOR_*).
public enum Monitoring: Int32, CaseIterable, Sendable { case none = 0, running, full }

/// Everything one call to `Trainer.train` can be told; defaults match `nerve_train_options_init`.
public struct TrainingOptions: Sendable {
    public var epochs = 10
    public var batchSize = 10
    public var learningRate: Float = 0.1
    public var momentum: Float = 0
    public var l2: Float = 0
    public var l1: Float = 0
    public var dropout: Float = 0
    public var optimizer = OptimizerKind.sgd
    public var adamBeta1: Float = 0.9
    public var adamBeta2: Float = 0.999
    public var adamEpsilon: Float = 1e-8
    /// Epochs without a better evaluation cost before stopping; 0 is off.
    public var earlyStoppingPatience = 0
    /// Divide the learning rate by this when evaluation cost stalls for `learningRatePatience` epochs; 0 is off.
    public var learningRateDecay: Float = 0
    public var learningRatePatience = 5
    public var minimumLearningRate: Float = 0
    public var shuffle = true
    public var monitoring = Monitoring.running
    /// Threads this call may use; 0 takes the network's own setting.
    public var threads = 0
    /// Optimizer steps per epoch; 0 is one per mini-batch. Steps past the last batch have no samples.
    public var stepsPerEpoch = 0
    /// The n of λ/n in the regularisation terms; 0 is the number of training samples.
    public var regularizationSamples = 0
    /// Least seconds between two calls of the batch progress hook, so a fast loop is not slowed by its
    /// observer; 0 calls it after every mini-batch.
    public var batchInterval = 0.1
    /// Nesterov's look-ahead for SGD with momentum.
    public var nesterov = false
    /// iRPROP−'s step-size factors and bounds; FANN's defaults.
    public var rpropIncrease: Float = 1.2
    public var rpropDecrease: Float = 0.5
    public var rpropDeltaMin: Float = 0
    public var rpropDeltaMax: Float = 50
    public var rpropDeltaZero: Float = 0.1
    public var earlyStoppingMetric = WatchedMetric.cost
    /// How much an epoch must beat the best evaluation figure by to count as better; 0 is any improvement.
    public var minimumImprovement: Float = 0
    /// Stop once the measured training cost is at or below this; 0 is off.
    public var targetCost: Float = 0
    public var optimizerState = OptimizerState.fresh
    public var accuracyRule = AccuracyRule.Choice.auto

    public init() {}

    public static let maxEpochs = 10_000_000

    /// Rejects values that would make training meaningless or unsafe, naming the field.
    public func validate() throws {
        func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw NerveError.invalid(message()) }
        }
        let floats: [(String, Float)] = [
            ("learning_rate", learningRate), ("momentum", momentum), ("l2", l2), ("l1", l1), ("dropout", dropout),
            ("adam_beta1", adamBeta1), ("adam_beta2", adamBeta2), ("adam_epsilon", adamEpsilon),
            ("lr_decay", learningRateDecay), ("lr_min", minimumLearningRate),
            ("rprop_increase", rpropIncrease), ("rprop_decrease", rpropDecrease),
            ("rprop_delta_min", rpropDeltaMin), ("rprop_delta_max", rpropDeltaMax),
            ("rprop_delta_zero", rpropDeltaZero), ("min_improvement", minimumImprovement),
            ("target_cost", targetCost),
        ]
        for (name, value) in floats { try require(value.isFinite, "\(name) must be finite, got \(value)") }
        try require(epochs >= 1 && epochs <= TrainingOptions.maxEpochs, "epochs must be 1 to \(TrainingOptions.maxEpochs), got \(epochs)")
        try require(batchSize >= 1, "batch_size must be at least 1, got \(batchSize)")
        try require(learningRate > 0, "learning_rate must be positive, got \(learningRate)")
        try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        try require(l2 >= 0, "l2 must be non-negative, got \(l2)")
        try require(l1 >= 0, "l1 must be non-negative, got \(l1)")
        try require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got \(dropout)")
        try require(adamBeta1 >= 0 && adamBeta1 < 1, "adam_beta1 must be in [0, 1), got \(adamBeta1)")
        try require(adamBeta2 >= 0 && adamBeta2 < 1, "adam_beta2 must be in [0, 1), got \(adamBeta2)")
        try require(adamEpsilon > 0, "adam_epsilon must be positive, got \(adamEpsilon)")
        try require(earlyStoppingPatience >= 0, "early_stopping must be non-negative, got \(earlyStoppingPatience)")
        try require(learningRateDecay == 0 || learningRateDecay > 1, "lr_decay must be 0 (off) or greater than 1, got \(learningRateDecay)")
        try require(learningRatePatience >= 1, "lr_patience must be at least 1, got \(learningRatePatience)")
        try require(minimumLearningRate >= 0, "lr_min must be non-negative, got \(minimumLearningRate)")
        try require(stepsPerEpoch >= 0, "steps_per_epoch must be non-negative, got \(stepsPerEpoch)")
        try require(regularizationSamples >= 0, "regularization_n must be non-negative, got \(regularizationSamples)")
        try require(batchInterval.isFinite && batchInterval >= 0, "batch_interval must be a finite number of seconds >= 0, got \(batchInterval)")
        try require(rpropIncrease > 1, "rprop_increase must be greater than 1, got \(rpropIncrease)")
        try require(rpropDecrease > 0 && rpropDecrease < 1, "rprop_decrease must be in (0, 1), got \(rpropDecrease)")
        try require(rpropDeltaMin >= 0 && rpropDeltaMin <= rpropDeltaZero && rpropDeltaZero <= rpropDeltaMax,
                    "the RPROP step sizes must satisfy 0 <= rprop_delta_min <= rprop_delta_zero <= rprop_delta_max, got \(rpropDeltaMin), \(rpropDeltaZero), \(rpropDeltaMax)")
        try require(!nesterov || momentum > 0, "nesterov needs momentum > 0 (it is a form of momentum), got momentum \(momentum)")
        try require(!nesterov || optimizer == .sgd, "nesterov applies to the SGD optimizer only")
        try require(optimizer != .rprop || momentum == 0, "momentum applies to the SGD optimizer only, not to RPROP")
        try require(optimizer != .rprop || learningRateDecay == 0, "lr_decay has no effect under RPROP, which ignores the learning rate")
        try require(minimumImprovement >= 0, "min_improvement must be non-negative, got \(minimumImprovement)")
        try require(targetCost >= 0, "target_cost must be non-negative (0 is off), got \(targetCost)")
        try require(targetCost == 0 || monitoring != .none, "target_cost needs the training cost: set monitor_training to running or full")
        try require(threads >= 0 && threads <= Network.maxThreads, "threads must be 0 (the network's setting) to \(Network.maxThreads), got \(threads)")
    }
}

/// Where a training step stands: its epoch and step (both 1-based), its samples (0 past the last batch), and
/// what a progress bar needs besides: the steps in the epoch, the epochs asked for and the epoch's samples so far
/// (this step's included).
public struct TrainingStep: Equatable, Sendable {
    public var epoch: Int, step: Int, rows: Int
    public var steps: Int, epochs: Int, samplesDone: Int

    public init(epoch: Int, step: Int, rows: Int, steps: Int = 0, epochs: Int = 0, samplesDone: Int = 0) {
        self.epoch = epoch
        self.step = step
        self.rows = rows
        self.steps = steps
        self.epochs = epochs
        self.samplesDone = samplesDone
    }
}

/// Callers' code run inside training: after each mini-batch's gradient (which it may rewrite in place: the
/// gradient, the parameter count, the step) and on each epoch's figures before training acts on them.
/// Either returns false to end training with NerveError.aborted.
/// Stopping between mini-batches: `cancel` is a flag another thread or a signal handler may set (read before
/// every mini-batch and before an epoch is measured), and `batch` sees a step after its update, at most once per
/// `TrainingOptions.batchInterval`. A set flag or a false return ends training with `.stopped`.
public struct TrainingHooks {
    public typealias GradientHook = (UnsafeMutablePointer<Float>, Int, TrainingStep) -> Bool
    public var gradient: GradientHook?
    public var report: ((inout EpochReport) -> Bool)?
    public var cancel: UnsafePointer<Int32>?
    public var batch: ((TrainingStep) -> Bool)?

    public init(gradient: GradientHook? = nil, report: ((inout EpochReport) -> Bool)? = nil,
                cancel: UnsafePointer<Int32>? = nil, batch: ((TrainingStep) -> Bool)? = nil) {
        self.gradient = gradient
        self.report = report
        self.cancel = cancel
        self.batch = batch
    }
}

/// What one epoch measured; NaN where nothing was measured.
public struct EpochReport: Sendable {
    public var epoch = 0
    public var trainCost = Float.nan
    public var trainAccuracy = Float.nan
    public var evalCost = Float.nan
    public var evalAccuracy = Float.nan
    public var seconds = 0.0
    public var learningRate: Float = 0

    public init() {}
}

/// A block of samples owned by the caller: x is count × inputs, y count × outputs, row-major; `weights`, when
/// given, count × 1 finite values >= 0, not all zero (see SampleWeights).
public struct Samples {
    public let x: UnsafePointer<Float>
    public let y: UnsafePointer<Float>
    public let count: Int
    public let weights: UnsafePointer<Float>?

    public init(x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int, weights: UnsafePointer<Float>? = nil) {
        self.x = x
        self.y = y
        self.count = count
        self.weights = weights
    }
}
