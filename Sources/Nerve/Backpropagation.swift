/// Buffers and passes for one mini-batch: forward with dropout, output error, then BP2–BP4 back through the
/// layers. Allocated once per (network, batch size) and reused for every batch.
final class Backpropagation {
    let network: Network
    let capacity: Int
    let inputs: FloatBuffer
    let targets: FloatBuffer
    /// Each layer's activations f(z).
    private let outputs: [FloatBuffer]
    /// Each layer's error δ = ∂C/∂z.
    private let deltas: [FloatBuffer]
    /// For hidden layers under dropout: a per-unit factor (0, or 1/(1−p) to keep the expected value) and the
    /// masked activations the next layer reads.
    private var masks: [FloatBuffer?]
    private var masked: [FloatBuffer?]

    /// Takes half of each mid-sized product; nil for gradient checks and on one core.
    let worker: SplitWorker?

    init(network: Network, capacity: Int, dropout: Bool, parallel: Bool = false) throws {
        self.network = network
        self.capacity = capacity
        inputs = try FloatBuffer(count: capacity * network.inputSize, zeroed: false)
        targets = try FloatBuffer(count: capacity * network.outputSize, zeroed: false)
        outputs = try network.layers.map { try FloatBuffer(count: capacity * $0.outputs, zeroed: false) }
        deltas = try network.layers.map { try FloatBuffer(count: capacity * $0.outputs, zeroed: false) }
        let hidden = network.layers.dropLast()
        masks = try hidden.map { dropout ? try FloatBuffer(count: capacity * $0.outputs, zeroed: false) : nil } + [nil]
        masked = try hidden.map { dropout ? try FloatBuffer(count: capacity * $0.outputs, zeroed: false) : nil } + [nil]
        let splittable = network.layers.contains {
            SplitWorker.worthSplitting(capacity * $0.inputs * $0.outputs)
        }
        worker = parallel && splittable ? SplitWorker.start() : nil
    }

    deinit { worker?.stop() }

    var finalOutputs: UnsafeMutablePointer<Float> { outputs[outputs.count - 1].base }

    /// What layer `index` reads: the batch itself, or the previous layer's (possibly masked) activations.
    private func input(ofLayer index: Int) -> UnsafePointer<Float> {
        if index == 0 { return UnsafePointer(inputs.base) }
        return UnsafePointer((masked[index - 1] ?? outputs[index - 1]).base)
    }

    /// Forward pass over the first `rows` samples in `inputs`, dropping hidden units with probability `dropout`.
    func forward(rows: Int, dropout: Float, random: inout Random) {
        let keep = 1 - dropout
        for (i, layer) in network.layers.enumerated() {
            let out = outputs[i].base
            layer.forward(input: input(ofLayer: i), rows: rows, parameters: network.parameters(ofLayer: i), output: out,
                          worker: worker)
            if let mask = masks[i]?.base, let dropped = masked[i]?.base {
                let scale = 1 / keep
                for k in 0..<(rows * layer.outputs) {
                    let factor: Float = random.nextUnitFloat() < keep ? scale : 0
                    mask[k] = factor
                    dropped[k] = out[k] * factor
                }
            }
        }
    }

    /// Backward pass after `forward`, handing each layer's parameter gradient to `target(layerIndex)`.
    func backward(rows: Int, target: (Int) -> GradientTarget) {
        let layers = network.layers
        let last = layers.count - 1
        network.cost.outputError(outputs: finalOutputs, targets: targets.base, activation: layers[last].activation,
                                 into: deltas[last].base, rows: rows, columns: layers[last].outputs)
        for i in stride(from: last, through: 0, by: -1) {
            let layer = layers[i]
            let previousDelta = i > 0 ? deltas[i - 1].base : nil
            layer.backward(input: input(ofLayer: i), delta: deltas[i].base, rows: rows,
                           parameters: network.parameters(ofLayer: i), inputGradient: previousDelta,
                           target: target(i), worker: worker)
            if let previousDelta {
                let below = layers[i - 1]
                if let mask = masks[i - 1]?.base {
                    for k in 0..<(rows * below.outputs) { previousDelta[k] *= mask[k] }
                }
                below.activation.backpropagate(outputs: outputs[i - 1].base, gradient: previousDelta,
                                               rows: rows, columns: below.outputs)
            }
        }
    }

    /// Copies samples `order[start..<start+rows]` (or the contiguous rows from `start`) into the batch buffers.
    func gather(_ data: Samples, order: UnsafePointer<Int32>?, start: Int, rows: Int) {
        let inWidth = network.inputSize, outWidth = network.outputSize
        for r in 0..<rows {
            let source = order.map { Int($0[start + r]) } ?? (start + r)
            (inputs.base + r * inWidth).update(from: data.x + source * inWidth, count: inWidth)
            (targets.base + r * outWidth).update(from: data.y + source * outWidth, count: outWidth)
        }
    }
}

extension Network {
    /// The gradient of the mean cost (regularisation excluded) over `samples`, as one batch; for gradient checks.
    public func gradient(of samples: Samples) throws -> [Float] {
        guard isTrainable else { throw NerveError.unsupported("a network with a step layer has no gradient") }
        guard samples.count >= 1 else { throw NerveError.size("a gradient needs at least one sample") }
        let pass = try Backpropagation(network: self, capacity: samples.count, dropout: false)
        pass.gather(samples, order: nil, start: 0, rows: samples.count)
        var unused = random
        pass.forward(rows: samples.count, dropout: 0, random: &unused)
        let gradient = try FloatBuffer(count: parameterCount)
        let scale = 1 / Float(samples.count)
        pass.backward(rows: samples.count) { GradientTarget(block: gradient.base + self.offsets[$0], scale: scale) }
        return Array(gradient.buffer)
    }
}
