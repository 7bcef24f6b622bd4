/// A fully connected layer: z = W·x + b with W stored outputs × inputs, row-major (w_jk joins input k to
/// output j, as in the notes). Over a mini-batch each direction is one matrix product.
package struct DenseLayer: Layer {
    package let spec: LayerSpec
    private let k: Int, m: Int

    init(_ spec: LayerSpec) {
        self.spec = spec
        k = spec.input.count!
        m = spec.output.count!
    }

    package var weightCount: Int { k * m }
    package var parameterCount: Int { k * m + m }
    package var fanIn: Int { k }
    package var fanOut: Int { m }
    package var multiplyAdds: Int { k * m }

    package func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                        into z: UnsafeMutablePointer<Float>, memory: LayerMemory, team: WorkerTeam?) {
        let bias = parameters + weightCount
        for r in 0..<rows { (z + r * m).update(from: bias, count: m) }
        MatrixProduct.forward(input, rows: rows, k: k, weights: parameters, n: m, into: z, team: team)
    }

    package func backward(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int,
                          parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                          absorbing: Activation?, gradient: GradientSink, memory: LayerMemory, team: WorkerTeam?) {
        if let inputGradient {
            MatrixProduct.inputGradient(delta, rows: rows, m: m, weights: parameters, k: k, into: inputGradient,
                                        team: team)
        }
        // δ is no longer needed as it is: scaling it scales both parameter gradients.
        if gradient.scale != 1 {
            for i in 0..<(rows * m) { delta[i] *= gradient.scale }
        }
        MatrixProduct.weightGradient(delta, input, rows: rows, m: m, k: k, into: gradient.block,
                                     accumulate: gradient.accumulate, team: team)
        // ∂C/∂b_j = Σ_r δ_rj, summed in row order.
        let bias = gradient.block + weightCount
        if !gradient.accumulate { bias.update(repeating: 0, count: m) }
        for r in 0..<rows {
            let d = delta + r * m
            for j in 0..<m { bias[j] += d[j] }
        }
    }
}
