/// Buffers and passes for one mini-batch: forward with dropout, output error, then BP2–BP4 back through the
/// layers into a flat gradient buffer. Allocated once per (network, batch size) and reused for every batch.
final class Backpropagation {
    let network: Network
    let capacity: Int
    let inputs: FloatBuffer
    let targets: FloatBuffer
    /// The batch's sample weights, when the data has them (see SampleWeights).
    let weights: FloatBuffer?
    /// Each layer's activations f(z).
    private let outputs: [FloatBuffer]
    /// Each layer's error: ∂C/∂a as the layer above writes it, then ∂C/∂z.
    private let deltas: [FloatBuffer]
    /// For hidden layers under dropout: a per-unit factor (0, or 1/(1−p)) and the masked activations the
    /// next layer reads.
    private let masks: [FloatBuffer?]
    private let masked: [FloatBuffer?]
    /// Working memory of whichever layer is running (layers run one at a time).
    private let scratch: FloatBuffer
    /// What each layer keeps from forward to backward, where that fits in Tuning.maxKeptFloats.
    private let kept: [FloatBuffer?]

    init(network: Network, capacity: Int, dropout: Bool, weighted: Bool = false) throws {
        self.network = network
        self.capacity = capacity
        inputs = try FloatBuffer(count: capacity * network.inputSize, zeroed: false)
        targets = try FloatBuffer(count: capacity * network.outputSize, zeroed: false)
        weights = weighted ? try FloatBuffer(count: capacity, zeroed: false) : nil
        outputs = try network.layers.map { try FloatBuffer(count: capacity * $0.outputs, zeroed: false) }
        deltas = try network.layers.map { try FloatBuffer(count: capacity * $0.outputs, zeroed: false) }
        let hidden = network.layers.dropLast()
        masks = try hidden.map { dropout ? try FloatBuffer(count: capacity * $0.outputs, zeroed: false) : nil } + [nil]
        masked = try hidden.map { dropout ? try FloatBuffer(count: capacity * $0.outputs, zeroed: false) : nil } + [nil]
        scratch = try FloatBuffer(count: network.scratchCount(rows: capacity, training: true), zeroed: false)
        kept = try network.layers.map { layer in
            let count = layer.keptCount(rows: capacity)
            return count > 0 && count <= Tuning.maxKeptFloats ? try FloatBuffer(count: count, zeroed: false) : nil
        }
    }

    var finalOutputs: UnsafeMutablePointer<Float> { outputs[outputs.count - 1].base }

    /// What layer `index` reads: the batch itself, or the previous layer's (possibly masked) activations.
    private func input(ofLayer index: Int) -> UnsafePointer<Float> {
        if index == 0 { return UnsafePointer(inputs.base) }
        return UnsafePointer((masked[index - 1] ?? outputs[index - 1]).base)
    }

    private func memory(ofLayer index: Int) -> LayerMemory {
        LayerMemory(scratch: scratch.base, kept: kept[index]?.base)
    }

    /// Forward pass over the first `rows` samples in `inputs`, dropping hidden units with probability `dropout`.
    func forward(rows: Int, dropout: Float, random: inout Random, team: WorkerTeam?) {
        for (i, layer) in network.layers.enumerated() {
            let out = outputs[i].base
            layer.forward(input(ofLayer: i), rows: rows, parameters: network.parameters(ofLayer: i), into: out,
                          memory: memory(ofLayer: i), team: team)
            Stages.activate(out, rows: rows, columns: layer.outputs, layer, team: team)
            if let mask = masks[i]?.base, let dropped = masked[i]?.base {
                Stages.drop(out, count: rows * layer.outputs, probability: dropout, random: &random, mask: mask,
                            into: dropped)
            }
        }
    }

    /// Backward pass after `forward`: hands the gradient of the batch's mean cost (weighted mean with sample
    /// weights; regularisation excluded) to
    /// `gradient`, a sink laid out like the network's parameters.
    func backward(rows: Int, into gradient: GradientSink, team: WorkerTeam?) {
        let layers = network.layers
        let last = layers.count - 1
        network.cost.outputError(outputs: finalOutputs, targets: targets.base, activation: layers[last].activation,
                                 negativeSlope: layers[last].negativeSlope, into: deltas[last].base, rows: rows,
                                 columns: layers[last].outputs)
        // The mean over the batch: scaling δ of the output layer scales every gradient below it.
        let outputDelta = deltas[last].base
        if let weights {
            SampleWeights.scale(outputDelta, rows: rows, columns: layers[last].outputs, by: weights.base)
        } else {
            let mean = 1 / Float(rows)
            for k in 0..<(rows * layers[last].outputs) { outputDelta[k] *= mean }
        }

        for i in stride(from: last, through: 0, by: -1) {
            let layer = layers[i]
            let below = i > 0 ? deltas[i - 1].base : nil
            let absorbed = i > 0 && masks[i - 1] == nil && layer.absorbsDerivative(of: layers[i - 1].activation)
            layer.backward(input: input(ofLayer: i), delta: deltas[i].base, rows: rows,
                           parameters: network.parameters(ofLayer: i), inputGradient: below,
                           absorbing: absorbed ? layers[i - 1].activation : nil,
                           gradient: gradient.advanced(by: network.offsets[i]), memory: memory(ofLayer: i), team: team)
            if let below, !absorbed {
                let previous = layers[i - 1]
                if let mask = masks[i - 1]?.base {
                    for k in 0..<(rows * previous.outputs) { below[k] *= mask[k] }
                }
                Stages.differentiate(below, outputs: outputs[i - 1].base, rows: rows, columns: previous.outputs,
                                     previous, team: team)
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
            if let weights { weights.base[r] = data.weights?[source] ?? 1 }
        }
    }
}
