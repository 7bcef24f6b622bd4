import Synchronization

/// A feedforward network: its layers, its cost, every parameter in one contiguous buffer, the seeded generator
/// that drives initialisation, shuffling and dropout, and how many threads its calls may use.
public final class Network: @unchecked Sendable {
    public static let maxLayerWidth = 1 << 24
    public static let maxLayers = 4096
    public static let maxParameters = Int(Int32.max)
    public static let maxThreads = 256

    package let layers: [any Layer]
    public let cost: Cost
    public let parameters: FloatBuffer
    public var random: Random
    /// Where each layer's block starts in `parameters` (and in any gradient buffer).
    package let offsets: [Int]
    /// Every weight range in the flat buffer: the parameters regularisation applies to.
    let weightRanges: [Range<Int>]
    /// The optimizer state a training call left for the next one (OptimizerState.keep and .resume). Only
    /// training and initialisation touch it, and callers give those the network to themselves.
    var keptOptimizer: KeptOptimizer?
    private let threadCount = Atomic<Int>(1)
    private let inferencePool = Pool<InferenceWorkspace>()

    /// A dense network with weights drawn by `WeightInit.auto` from `seed` and zero biases.
    public convenience init(sizes: [Int], activations: [Activation], cost: Cost, seed: UInt64) throws {
        guard sizes.count >= 2 else { throw NerveError.size("a network needs at least 2 sizes (inputs and outputs)") }
        guard activations.count == sizes.count - 1 else {
            throw NerveError.size("\(sizes.count) sizes need \(sizes.count - 1) activations, got \(activations.count)")
        }
        let specs = (0..<activations.count).map {
            LayerSpec.dense(inputs: sizes[$0], outputs: sizes[$0 + 1], activation: activations[$0])
        }
        try self.init(specs: specs, cost: cost, seed: seed)
    }

    /// A network of any layers with weights drawn by `WeightInit.auto` from `seed` and zero biases.
    public convenience init(specs: [LayerSpec], cost: Cost, seed: UInt64) throws {
        try self.init(specs: specs, cost: cost, parameters: nil, random: Random(seed: seed))
        initialize(.auto, seed: seed)
    }

    /// Checks the architecture; `parameters` (from a model file) must have exactly the right count.
    public init(specs: [LayerSpec], cost: Cost, parameters: FloatBuffer?, random: Random) throws {
        guard !specs.isEmpty, specs.count <= Network.maxLayers else {
            throw NerveError.size("a network has 1 to \(Network.maxLayers) layers, not \(specs.count)")
        }
        var layers: [any Layer] = []
        var offsets: [Int] = []
        var total = 0
        for (i, spec) in specs.enumerated() {
            let layer: any Layer
            do {
                layer = try spec.makeLayer()
            } catch let error as NerveError {
                throw error.prefixed("layer \(i): ")
            }
            if i > 0, specs[i - 1].output != spec.input {
                throw NerveError.size("layer \(i) takes \(spec.input) inputs but layer \(i - 1) gives \(specs[i - 1].output)")
            }
            offsets.append(total)
            total += layer.parameterCount
            guard total <= Network.maxParameters else {
                throw NerveError.size("the network would have more than \(Network.maxParameters) parameters")
            }
            layers.append(layer)
        }
        let output = specs[specs.count - 1].activation
        if let needed = cost.matchingOutput, needed != output {
            throw NerveError.unsupported("the \(cost.name) cost needs a \(needed.name) output layer, not \(output.name)")
        }
        if let parameters, parameters.count != total {
            throw NerveError.size("expected \(total) parameters, got \(parameters.count)")
        }
        self.layers = layers
        self.cost = cost
        self.offsets = offsets
        weightRanges = layers.indices.map { offsets[$0]..<(offsets[$0] + layers[$0].weightCount) }
        self.parameters = try parameters ?? FloatBuffer(count: total)
        self.random = random
    }

    public var specs: [LayerSpec] { layers.map(\.spec) }
    public var inputSize: Int { layers[0].inputs }
    public var outputSize: Int { layers[layers.count - 1].outputs }
    public var outputActivation: Activation { layers[layers.count - 1].activation }
    public var parameterCount: Int { parameters.count }
    /// The largest number of values any layer reads or writes per sample.
    public var widest: Int { layers.reduce(0) { max($0, $1.inputs, $1.outputs) } }
    public var isTrainable: Bool { layers.allSatisfy { $0.activation.isTrainable } }
    /// Multiply-adds of one sample's forward pass.
    var workPerSample: Int { layers.reduce(0) { $0 + $1.multiplyAdds } }
    /// Working memory any one layer needs for `rows` samples.
    func scratchCount(rows: Int, training: Bool) -> Int {
        layers.reduce(0) { max($0, $1.scratchCount(rows: rows, training: training)) }
    }

    /// Threads this network's calls may use (1 … maxThreads); results do not depend on it.
    public var threads: Int {
        get { threadCount.load(ordering: .relaxed) }
        set { threadCount.store(min(max(newValue, 1), Network.maxThreads), ordering: .relaxed) }
    }

    package func parameters(ofLayer index: Int) -> UnsafeMutablePointer<Float> { parameters.base + offsets[index] }

    /// An independent network with the same layers, cost, parameters, generator state and thread count.
    public func copy() throws -> Network {
        let values = try FloatBuffer(count: parameterCount, zeroed: false)
        values.copy(from: parameters)
        let twin = try Network(specs: specs, cost: cost, parameters: values, random: random)
        twin.threads = threads
        return twin
    }


    /// Sets every parameter again, layer by layer: weights drawn by `weights` for that layer, then biases by
    /// `biases` (`biasValue` is the constant's). Reseeds the generator, so the notes' network2
    /// (.normalized, .normal) draws exactly what 0.4 drew for every network.
    public func initialize(_ weights: WeightInit, biases: BiasInit = .zero, biasValue: Float = 0, seed: UInt64) {
        random = Random(seed: seed)
        keptOptimizer = nil  // its velocity and moments belong to the weights being replaced
        for (i, layer) in layers.enumerated() {
            let block = parameters(ofLayer: i)
            weights.draw(for: layer, into: block, count: layer.weightCount, random: &random)
            biases.fill(block + layer.weightCount, count: layer.parameterCount - layer.weightCount, value: biasValue,
                        random: &random)
        }
    }

    /// ½(λ₂/n)Σw² + (λ₁/n)Σ|w| over weights only, the term the notes add to the reported cost.
    public func regularizationCost(l2: Float, l1: Float, samples n: Double) -> Double {
        guard l2 != 0 || l1 != 0 else { return 0 }
        var squares: Double = 0, absolutes: Double = 0
        for range in weightRanges {
            for k in range { let v = Double(parameters.base[k]); squares += v * v; absolutes += abs(v) }
        }
        return (0.5 * Double(l2) * squares + Double(l1) * absolutes) / n
    }

    /// Outputs for `rows` samples. Safe to call from many threads at once as long as no one writes parameters.
    public func predict(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) throws {
        try withInference(rows: rows, team: nil) { workspace, team in
            forEachChunk(rows: rows, workspace: workspace) { start, count in
                run(x + start * inputSize, rows: count, workspace: workspace, output: out + start * outputSize,
                    team: team)
            }
        }
    }

    /// Mean cost (without regularisation) and accuracy over `rows` samples, by `rule` or else the one these
    /// targets call for. Training passes its own team.
    package func measure(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rows: Int, rule: AccuracyRule? = nil,
                         team: WorkerTeam? = nil) throws -> Metrics {
        let rule = rule ?? AccuracyRule(targets: y, rows: rows, columns: outputSize)
        return try withInference(rows: rows, team: team) { workspace, team in
            var metrics = Metrics()
            forEachChunk(rows: rows, workspace: workspace) { start, count in
                run(x + start * inputSize, rows: count, workspace: workspace, output: workspace.output.base,
                    team: team)
                metrics.add(outputs: workspace.output.base, targets: y + start * outputSize, rows: count,
                            columns: outputSize, cost: cost, rule: rule)
            }
            return metrics
        }
    }

    /// Forward pass of one chunk, ping-ponging between the workspace's two buffers; the last layer writes
    /// `output`.
    func run(_ x: UnsafePointer<Float>, rows: Int, workspace: InferenceWorkspace,
             output: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
        var input = x
        for (i, layer) in layers.enumerated() {
            let target = i == layers.count - 1 ? output : (i % 2 == 0 ? workspace.even.base : workspace.odd.base)
            layer.forward(input, rows: rows, parameters: parameters(ofLayer: i), into: target,
                          memory: LayerMemory(scratch: workspace.scratch.base), team: team)
            Stages.activate(target, rows: rows, columns: layer.outputs, layer, team: team)
            input = UnsafePointer(target)
        }
    }

    /// Chunks of rows as large as the workspace holds; the chunk size depends on the shapes alone.
    private func forEachChunk(rows: Int, workspace: InferenceWorkspace, _ body: (Int, Int) -> Void) {
        var start = 0
        while start < rows {
            let count = min(workspace.rows, rows - start)
            body(start, count)
            start += count
        }
    }

    /// A workspace from the pool, and a team: the one given, or one started for this call when the network
    /// may use several threads and the call has enough work to repay starting them.
    private func withInference<T>(rows: Int, team given: WorkerTeam?,
                                  _ body: (InferenceWorkspace, WorkerTeam?) throws -> T) throws -> T {
        let workspace = try inferencePool.take() ?? InferenceWorkspace(self)
        defer { inferencePool.give(workspace) }
        if let given { return try body(workspace, given) }
        let (work, overflow) = rows.multipliedReportingOverflow(by: workPerSample)
        let wanted = overflow || work >= Tuning.minimumThreadedPrediction ? threads : 1
        return try WorkerTeam.with(threads: wanted) { try body(workspace, $0) }
    }
}

/// Buffers for a chunk of samples: two for the hidden layers' values, one for outputs that are measured.
final class InferenceWorkspace {
    let rows: Int
    let even: FloatBuffer
    let odd: FloatBuffer
    let output: FloatBuffer
    let scratch: FloatBuffer

    init(_ network: Network) throws {
        let widest = network.widest
        rows = max(1, min(Tuning.inferenceRows, Tuning.inferenceBufferFloats / widest))
        even = try FloatBuffer(count: rows * widest, zeroed: false)
        odd = try FloatBuffer(count: rows * widest, zeroed: false)
        output = try FloatBuffer(count: rows * network.outputSize, zeroed: false)
        scratch = try FloatBuffer(count: network.scratchCount(rows: rows, training: false), zeroed: false)
    }
}

/// Reusable objects handed to one thread at a time, so concurrent predictions allocate nothing once warm.
final class Pool<Item: AnyObject>: @unchecked Sendable {
    private let mutex = Mutex()
    private var items: [Item] = []

    func take() -> Item? { mutex.withLock { items.popLast() } }
    func give(_ item: Item) { mutex.withLock { items.append(item) } }
}
