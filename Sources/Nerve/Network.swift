/// A feedforward network: its layers, its cost, every parameter in one contiguous buffer, and the seeded
/// generator that drives initialisation, shuffling and dropout.
public final class Network: @unchecked Sendable {
    public static let maxLayerWidth = 1 << 24
    public static let maxLayers = 4096
    public static let maxParameters = Int(Int32.max)

    public let layers: [any Layer]
    public let cost: Cost
    public let parameters: FloatBuffer
    public var random: Random
    /// Where each layer's block starts in `parameters`.
    public let offsets: [Int]
    private let inferencePool = Pool<InferenceWorkspace>()

    /// A new network with every parameter drawn by `WeightInit.auto` from `seed`.
    public convenience init(sizes: [Int], activations: [Activation], cost: Cost, seed: UInt64) throws {
        guard sizes.count >= 2 else { throw NerveError.size("a network needs at least 2 sizes (inputs and outputs)") }
        guard activations.count == sizes.count - 1 else {
            throw NerveError.size("\(sizes.count) sizes need \(sizes.count - 1) activations, got \(activations.count)")
        }
        let layers = (0..<activations.count).map {
            DenseLayer(inputs: sizes[$0], outputs: sizes[$0 + 1], activation: activations[$0]) as any Layer
        }
        try self.init(layers: layers, cost: cost, parameters: nil, random: Random(seed: seed))
        initialize(.auto, seed: seed)
    }

    /// Checks the architecture; `parameters` (from a model file) must have exactly the right count.
    public init(layers: [any Layer], cost: Cost, parameters: FloatBuffer?, random: Random) throws {
        guard !layers.isEmpty, layers.count <= Network.maxLayers else {
            throw NerveError.size("a network has 1 to \(Network.maxLayers) layers, not \(layers.count)")
        }
        var offsets: [Int] = []
        var total = 0
        for (i, layer) in layers.enumerated() {
            for width in [layer.inputs, layer.outputs] where width < 1 || width > Network.maxLayerWidth {
                throw NerveError.size("layer \(i) has a size of \(width); sizes must be 1 to \(Network.maxLayerWidth)")
            }
            if i > 0, layers[i - 1].outputs != layer.inputs {
                throw NerveError.size("layer \(i) takes \(layer.inputs) inputs but layer \(i - 1) gives \(layers[i - 1].outputs)")
            }
            offsets.append(total)
            total += layer.parameterCount
            guard total <= Network.maxParameters else {
                throw NerveError.size("the network would have more than \(Network.maxParameters) parameters")
            }
        }
        let output = layers[layers.count - 1].activation
        guard cost.admits(output: output) else {
            let hint = cost == .logLikelihood ? "softmax" : "sigmoid"
            throw NerveError.unsupported("the \(cost.name) cost needs a \(hint) output layer, not \(output.name)")
        }
        if let parameters, parameters.count != total {
            throw NerveError.size("expected \(total) parameters, got \(parameters.count)")
        }
        self.layers = layers
        self.cost = cost
        self.offsets = offsets
        self.parameters = try parameters ?? FloatBuffer(count: total)
        self.random = random
    }

    public var inputSize: Int { layers[0].inputs }
    public var outputSize: Int { layers[layers.count - 1].outputs }
    public var outputActivation: Activation { layers[layers.count - 1].activation }
    public var parameterCount: Int { parameters.count }
    /// The largest number of values any layer reads or writes per sample.
    public var widest: Int { layers.reduce(0) { max($0, $1.inputs, $1.outputs) } }
    public var isTrainable: Bool { layers.allSatisfy { $0.activation.isTrainable } }

    public func parameters(ofLayer index: Int) -> UnsafeMutablePointer<Float> { parameters.base + offsets[index] }

    /// Redraws every parameter: weights with the scheme's deviation, biases from N(0, 1). Reseeds the generator.
    public func initialize(_ scheme: WeightInit, seed: UInt64) {
        random = Random(seed: seed)
        for (i, layer) in layers.enumerated() {
            let block = parameters(ofLayer: i)
            let deviation = scheme.standardDeviation(inputs: layer.inputs, activation: layer.activation)
            for k in 0..<layer.weightCount { block[k] = Float(random.nextGaussian() * deviation) }
            for k in layer.weightCount..<layer.parameterCount { block[k] = Float(random.nextGaussian()) }
        }
    }

    /// ½(λ₂/n)Σw² + (λ₁/n)Σ|w| over weights only, the term the notes add to the reported cost.
    public func regularizationCost(l2: Float, l1: Float, samples n: Int) -> Double {
        guard l2 != 0 || l1 != 0 else { return 0 }
        var squares: Double = 0, absolutes: Double = 0
        for (i, layer) in layers.enumerated() {
            let w = parameters(ofLayer: i)
            for k in 0..<layer.weightCount { let v = Double(w[k]); squares += v * v; absolutes += abs(v) }
        }
        return (0.5 * Double(l2) * squares + Double(l1) * absolutes) / Double(n)
    }

    /// Outputs for `rows` samples. Safe to call from many threads at once as long as no one writes parameters.
    public func predict(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) throws {
        try withInferenceWorkspace { workspace in
            var start = 0
            while start < rows {
                let count = min(workspace.rows, rows - start)
                run(x + start * inputSize, rows: count, workspace: workspace, output: out + start * outputSize,
                    worker: nil)
                start += count
            }
        }
    }

    /// Mean cost (without regularisation) and accuracy over `rows` samples; `worker` may take half of each product.
    public func measure(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rows: Int,
                        worker: SplitWorker? = nil) throws -> Metrics {
        try withInferenceWorkspace { workspace in
            var metrics = Metrics()
            let output = try FloatBuffer(count: workspace.rows * outputSize, zeroed: false)
            var start = 0
            while start < rows {
                let count = min(workspace.rows, rows - start)
                run(x + start * inputSize, rows: count, workspace: workspace, output: output.base, worker: worker)
                metrics.add(outputs: output.base, targets: y + start * outputSize, rows: count, columns: outputSize,
                            cost: cost, activation: outputActivation)
                start += count
            }
            return metrics
        }
    }

    /// Forward pass of one chunk, ping-ponging between the workspace's two buffers; the last layer writes `output`.
    private func run(_ x: UnsafePointer<Float>, rows: Int, workspace: InferenceWorkspace,
                     output: UnsafeMutablePointer<Float>, worker: SplitWorker?) {
        var input = x
        for (i, layer) in layers.enumerated() {
            let last = i == layers.count - 1
            let target = last ? output : (i % 2 == 0 ? workspace.even.base : workspace.odd.base)
            layer.forward(input: input, rows: rows, parameters: parameters(ofLayer: i), output: target, worker: worker)
            input = UnsafePointer(target)
        }
    }

    private func withInferenceWorkspace<T>(_ body: (InferenceWorkspace) throws -> T) throws -> T {
        let workspace = try inferencePool.take() ?? InferenceWorkspace(widest: widest)
        defer { inferencePool.give(workspace) }
        return try body(workspace)
    }
}

/// Two buffers for a chunk of samples; a chunk holds at most about 4 MiB per buffer.
final class InferenceWorkspace {
    let rows: Int
    let even: FloatBuffer
    let odd: FloatBuffer

    init(widest: Int) throws {
        rows = max(1, min(1024, (1 << 20) / widest))
        even = try FloatBuffer(count: rows * widest, zeroed: false)
        odd = try FloatBuffer(count: rows * widest, zeroed: false)
    }
}

/// Reusable objects handed to one thread at a time, so concurrent predictions allocate nothing once warm.
final class Pool<Item: AnyObject>: @unchecked Sendable {
    private let mutex = Mutex()
    private var items: [Item] = []

    func take() -> Item? { mutex.withLock { items.popLast() } }
    func give(_ item: Item) { mutex.withLock { items.append(item) } }
}
