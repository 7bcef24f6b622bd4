/// The network's cost and its gradient over any number of samples, for callers that optimise or inspect
/// the parameters themselves (L-BFGS, gradient checks, per-layer learning speeds).
extension Network {
    /// The mean cost over `samples` (plus ½(λ₂/n)Σw² + (λ₁/n)Σ|w| when l2 or l1 is set) and, when `gradient`
    /// is given, its gradient in the flat parameter layout. Dropout is off. Samples go through in chunks of
    /// Tuning.gradientRows whose gradients are summed in order, so memory is bounded and the result does not
    /// depend on the thread count.
    public func costAndGradient(of samples: Samples, l2: Float = 0, l1: Float = 0,
                                gradient: UnsafeMutablePointer<Float>?) throws -> Double {
        guard samples.count >= 1 else { throw NerveError.size("the cost needs at least one sample") }
        let n = samples.count
        let penalty = regularizationCost(l2: l2, l1: l1, samples: Double(n))
        guard let gradient else {
            return try measure(samples.x, samples.y, rows: n).cost + penalty
        }
        guard isTrainable else { throw NerveError.unsupported("a network with a step layer has no gradient") }
        let pass = try Backpropagation(network: self, capacity: min(n, Tuning.gradientRows), dropout: false)
        gradient.update(repeating: 0, count: parameterCount)
        var unused = random
        var costSum = 0.0
        WorkerTeam.with(threads: threads) { team in
            var start = 0
            while start < n {
                let rows = min(pass.capacity, n - start)
                pass.gather(samples, order: nil, start: start, rows: rows)
                pass.forward(rows: rows, dropout: 0, random: &unused, team: team)
                costSum += cost.total(outputs: pass.finalOutputs, targets: pass.targets.base, rows: rows,
                                      columns: outputSize)
                // backward gives each chunk's mean; weighting it by rows/n makes the sum the mean over all.
                pass.backward(rows: rows, into: GradientSink(block: gradient, scale: Float(rows) / Float(n),
                                                             accumulate: true), team: team)
                start += rows
            }
        }
        let regularization = Regularization(l2: l2, l1: l1, samples: n)
        if regularization.isActive {
            for range in weightRanges { regularization.add(to: gradient, parameters: parameters.base, range: range) }
        }
        return costSum / Double(n) + penalty
    }

    /// The gradient of the mean cost (regularisation excluded) over `samples`; for gradient checks.
    public func gradient(of samples: Samples) throws -> [Float] {
        let gradient = try FloatBuffer(count: parameterCount, zeroed: false)
        _ = try costAndGradient(of: samples, gradient: gradient.base)
        return Array(gradient.buffer)
    }

    /// Euclidean norms of each layer's weight and bias gradients (regularisation excluded). A layer's bias
    /// gradient is its mean error δ, the notes' measure of how fast the layer learns.
    public func gradientNorms(of samples: Samples) throws -> (weights: [Double], biases: [Double]) {
        let gradient = try FloatBuffer(count: parameterCount, zeroed: false)
        _ = try costAndGradient(of: samples, gradient: gradient.base)
        func norm(_ range: Range<Int>) -> Double {
            range.reduce(0.0) { sum, k in let g = Double(gradient.base[k]); return sum + g * g }.squareRoot()
        }
        let weights = layers.indices.map { norm(offsets[$0]..<(offsets[$0] + layers[$0].weightCount)) }
        let biases = layers.indices.map {
            norm((offsets[$0] + layers[$0].weightCount)..<(offsets[$0] + layers[$0].parameterCount))
        }
        return (weights, biases)
    }
}
