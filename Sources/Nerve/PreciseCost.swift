/// The network's mean cost evaluated in Double, sample by sample with plain loops: the numeric side of the
/// gradient check. In float32 a central difference of the cost drowns in rounding (a step of 1e-4 changes a
/// cost of 1 in its fourth significant digit, where float32 has seven); in Double it is exact to ~1e-10, so
/// what the check reports is backpropagation's own error.
extension Network {
    /// Mean cost over `samples` (regularisation excluded) with parameters read from `p` (this network's layout).
    func preciseCost(_ p: UnsafePointer<Double>, of samples: Samples) -> Double {
        var total = 0.0
        for r in 0..<samples.count {
            var a = (0..<inputSize).map { Double(samples.x[r * inputSize + $0]) }
            for (i, layer) in layers.enumerated() {
                let block = p + offsets[i]
                var z: [Double]
                switch layer.spec.kind {
                case .dense: z = Network.dense(a, layer.spec, block)
                case .conv2D: z = Network.convolve(a, layer.spec, block)
                case .maxPool2D, .meanPool2D: z = Network.pool(a, layer.spec)
                }
                Network.activate(&z, layer.activation, negativeSlope: Double(layer.negativeSlope))
                a = z
            }
            let y = (0..<outputSize).map { Double(samples.y[r * outputSize + $0]) }
            total += Network.preciseCost(cost, a, y)
        }
        return total / Double(samples.count)
    }

    private static func dense(_ a: [Double], _ spec: LayerSpec, _ p: UnsafePointer<Double>) -> [Double] {
        let n = a.count, m = spec.output.count ?? 0
        return (0..<m).map { j in
            var sum = p[m * n + j]
            for k in 0..<n { sum += p[j * n + k] * a[k] }
            return sum
        }
    }

    /// Cross-correlation over zero-padded input; weights are filters × channels × height × width.
    private static func convolve(_ a: [Double], _ spec: LayerSpec, _ p: UnsafePointer<Double>) -> [Double] {
        let input = spec.input, output = spec.output, w = spec.window
        let top = Window.leadingPad(input.height, window: w.height, stride: w.strideHeight, padding: w.padding)
        let left = Window.leadingPad(input.width, window: w.width, stride: w.strideWidth, padding: w.padding)
        let biases = p + output.channels * input.channels * w.height * w.width
        var z = [Double](repeating: 0, count: output.channels * output.height * output.width)
        for f in 0..<output.channels {
            for oy in 0..<output.height {
                for ox in 0..<output.width {
                    var sum = biases[f]
                    for c in 0..<input.channels {
                        for i in 0..<w.height {
                            let y = oy * w.strideHeight + i - top
                            guard y >= 0, y < input.height else { continue }
                            for j in 0..<w.width {
                                let x = ox * w.strideWidth + j - left
                                guard x >= 0, x < input.width else { continue }
                                let weight = p[((f * input.channels + c) * w.height + i) * w.width + j]
                                sum += weight * a[(c * input.height + y) * input.width + x]
                            }
                        }
                    }
                    z[(f * output.height + oy) * output.width + ox] = sum
                }
            }
        }
        return z
    }

    private static func pool(_ a: [Double], _ spec: LayerSpec) -> [Double] {
        let input = spec.input, output = spec.output, w = spec.window
        let isMax = spec.kind == .maxPool2D
        var z = [Double](repeating: 0, count: output.channels * output.height * output.width)
        for c in 0..<output.channels {
            for oy in 0..<output.height {
                for ox in 0..<output.width {
                    var best = -Double.infinity, sum = 0.0
                    for i in 0..<w.height {
                        for j in 0..<w.width {
                            let v = a[(c * input.height + oy * w.strideHeight + i) * input.width
                                      + ox * w.strideWidth + j]
                            best = max(best, v)
                            sum += v
                        }
                    }
                    z[(c * output.height + oy) * output.width + ox] = isMax ? best : sum / Double(w.height * w.width)
                }
            }
        }
        return z
    }

    private static func activate(_ z: inout [Double], _ f: Activation, negativeSlope: Double) {
        switch f {
        case .sigmoid: for i in z.indices { z[i] = 1 / (1 + _exp(-z[i])) }
        case .tanh: for i in z.indices { z[i] = _tanh(z[i]) }
        case .relu: for i in z.indices { z[i] = max(z[i], 0) }
        case .leakyRelu: for i in z.indices where z[i] < 0 { z[i] *= negativeSlope }
        case .linear: break
        case .softmax:
            let top = z.max() ?? 0
            for i in z.indices { z[i] = _exp(z[i] - top) }
            let sum = z.reduce(0, +)
            for i in z.indices { z[i] /= sum }
        case .step: for i in z.indices { z[i] = z[i] >= 0 ? 1 : 0 }
        case .exp: for i in z.indices { z[i] = _exp(z[i]) }
        }
    }

    /// One sample's cost, with the float path's clamp of logs at −100.
    private static func preciseCost(_ cost: Cost, _ a: [Double], _ y: [Double]) -> Double {
        func clampedLog(_ v: Double) -> Double { v > 0 ? max(_log(v), -100) : -100 }
        switch cost {
        case .quadratic: return 0.5 * zip(a, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        case .crossEntropy: return -zip(a, y).reduce(0) { $0 + $1.1 * clampedLog($1.0) + (1 - $1.1) * clampedLog(1 - $1.0) }
        case .logLikelihood: return -zip(a, y).reduce(0) { $0 + ($1.1 == 0 ? 0 : $1.1 * clampedLog($1.0)) }
        case .poisson:
            return zip(a, y).reduce(0) { total, pair in
                let (v, t) = pair
                return total + (t > 0 ? t * min(_log(t / v), _log(t) + 100) - t : 0) + v
            }
        }
    }
}
