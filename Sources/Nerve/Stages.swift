/// The stages every layer's output goes through, whatever the layer: its activation, and in training its
/// dropout. Both act on rows × columns values and are shared out in blocks of whole rows (softmax needs a
/// whole row), fixed by the shapes.
enum Stages {
    /// a = f(z) in place, with the layer's activation and leaky-ReLU slope.
    static func activate(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, _ layer: any Layer,
                         team: WorkerTeam?) {
        let activation = layer.activation, slope = layer.negativeSlope
        guard activation != .linear else { return }
        forEachRowBlock(rows: rows, columns: columns, team: team) { block in
            activation.apply(values + block.lowerBound * columns, rows: block.count, columns: columns,
                             negativeSlope: slope)
        }
    }

    /// ∂C/∂a → ∂C/∂z in place, given the layer's activations a.
    static func differentiate(_ gradient: UnsafeMutablePointer<Float>, outputs: UnsafePointer<Float>, rows: Int,
                              columns: Int, _ layer: any Layer, team: WorkerTeam?) {
        let activation = layer.activation, slope = layer.negativeSlope
        guard activation != .linear else { return }
        forEachRowBlock(rows: rows, columns: columns, team: team) { block in
            let offset = block.lowerBound * columns
            activation.backpropagate(outputs: outputs + offset, gradient: gradient + offset, rows: block.count,
                                     columns: columns, negativeSlope: slope)
        }
    }

    /// Inverted dropout: each value kept with probability 1 − p and scaled by 1/(1 − p), or zeroed. The mask
    /// is drawn in order from the network's generator, so it depends on the seed alone.
    static func drop(_ values: UnsafePointer<Float>, count: Int, probability p: Float, random: inout Random,
                     mask: UnsafeMutablePointer<Float>, into dropped: UnsafeMutablePointer<Float>) {
        let keep = 1 - p, scale = 1 / keep
        for k in 0..<count {
            let factor: Float = random.nextUnitFloat() < keep ? scale : 0
            mask[k] = factor
            dropped[k] = values[k] * factor
        }
    }

    private static func forEachRowBlock(rows: Int, columns: Int, team: WorkerTeam?,
                                        _ body: (Range<Int>) -> Void) {
        let perBlock = max(1, Tuning.elementChunk / max(columns, 1))
        guard let team, rows * columns >= Tuning.minimumParallelElements, rows > perBlock else {
            body(0..<rows)
            return
        }
        team.run(chunks: divideRoundingUp(rows, perBlock)) { i in
            body(i * perBlock..<min(rows, (i + 1) * perBlock))
        }
    }
}
