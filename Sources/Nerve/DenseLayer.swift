/// A fully connected layer: a = f(W·x + b) with W stored outputs × inputs, row-major (w_jk joins input k to
/// output j). Over a mini-batch this is one matrix product each way.
public struct DenseLayer: Layer {
    public static let kind: UInt32 = 0
    public let inputs: Int
    public let outputs: Int
    public let activation: Activation

    public init(inputs: Int, outputs: Int, activation: Activation) {
        self.inputs = inputs
        self.outputs = outputs
        self.activation = activation
    }

    public var weightCount: Int { inputs * outputs }
    public var parameterCount: Int { inputs * outputs + outputs }

    public func forward(input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                        output: UnsafeMutablePointer<Float>, worker: SplitWorker?) {
        let bias = parameters + weightCount
        for r in 0..<rows { (output + r * outputs).update(from: bias, count: outputs) }
        if rows == 1 {
            // One sample is a matrix–vector product; GEMM's packing would dominate its cost.
            gemv(m: outputs, n: inputs, parameters, input, output)
        } else {
            gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                 alpha: 1, input, lda: inputs, parameters, ldb: inputs, beta: 1, output, ldc: outputs, worker: worker)
        }
        activation.apply(output, rows: rows, columns: outputs)
    }

    public func backward(input: UnsafePointer<Float>, delta: UnsafePointer<Float>, rows: Int,
                         parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                         target: GradientTarget, worker: SplitWorker?) {
        if let inputGradient {
            gemm(transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                 alpha: 1, delta, lda: outputs, parameters, ldb: inputs, beta: 0, inputGradient, ldc: inputs,
                 worker: worker)
        }
        gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
             alpha: target.scale, delta, lda: outputs, input, ldb: inputs, beta: target.keepWeights,
             target.block, ldc: inputs, worker: worker)
        let bias = target.block + weightCount
        if target.keepBiases == 0 {
            bias.update(repeating: 0, count: outputs)
        } else if target.keepBiases != 1 {
            for j in 0..<outputs { bias[j] *= target.keepBiases }
        }
        let scale = target.scale
        for r in 0..<rows {
            let d = delta + r * outputs
            for j in 0..<outputs { bias[j] += scale * d[j] }
        }
    }
}
