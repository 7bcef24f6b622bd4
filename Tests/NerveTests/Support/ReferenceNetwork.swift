import Foundation
@testable import Nerve

/// A deliberately naive Double-precision model of a dense network, written from the documented parameter layout
/// (per layer: weights outputs × inputs row-major, then biases) rather than from the library's code. Tests use it
/// to compute costs and finite-difference gradients that the Float implementation must match.
struct ReferenceNetwork {
    let sizes: [Int]
    let activations: [Activation]
    let cost: Cost

    init(sizes: [Int], activations: [Activation], cost: Cost) {
        precondition(activations.count == sizes.count - 1)
        self.sizes = sizes
        self.activations = activations
        self.cost = cost
    }

    init(_ network: Network) {
        self.init(sizes: [network.inputSize] + network.layers.map(\.outputs),
                  activations: network.layers.map(\.activation), cost: network.cost)
    }

    var parameterCount: Int { (0..<activations.count).reduce(0) { $0 + sizes[$1 + 1] * (sizes[$1] + 1) } }

    /// True at the indices that hold weights (regularised), false at biases.
    var weightMask: [Bool] {
        var mask: [Bool] = []
        for l in 0..<activations.count {
            mask += Array(repeating: true, count: sizes[l] * sizes[l + 1])
            mask += Array(repeating: false, count: sizes[l + 1])
        }
        return mask
    }

    static func activate(_ z: [Double], _ f: Activation) -> [Double] {
        switch f {
        case .sigmoid: return z.map { 1 / (1 + exp(-$0)) }
        case .tanh: return z.map { Foundation.tanh($0) }
        case .relu: return z.map { max($0, 0) }
        case .leakyRelu: return z.map { $0 >= 0 ? $0 : 0.01 * $0 }
        case .linear: return z
        case .softmax:
            let top = z.max()!
            let e = z.map { exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        case .step: return z.map { $0 >= 0 ? 1 : 0 }
        case .exp: return z.map { exp($0) }
        }
    }

    /// Pre-activations z and activations a of every layer for one sample.
    func forward(_ p: [Double], input: [Double]) -> (z: [[Double]], a: [[Double]]) {
        var offset = 0
        var a = input
        var zs: [[Double]] = [], outs: [[Double]] = []
        for l in 0..<activations.count {
            let nIn = sizes[l], nOut = sizes[l + 1]
            var z = [Double](repeating: 0, count: nOut)
            for j in 0..<nOut {
                var sum = p[offset + nIn * nOut + j]
                for k in 0..<nIn { sum += p[offset + j * nIn + k] * a[k] }
                z[j] = sum
            }
            offset += nIn * nOut + nOut
            a = ReferenceNetwork.activate(z, activations[l])
            zs.append(z)
            outs.append(a)
        }
        return (zs, outs)
    }

    func output(_ p: [Double], input: [Double]) -> [Double] { forward(p, input: input).a.last! }

    /// Cost of one sample, straight from the formulas in the header.
    func sampleCost(a: [Double], y: [Double]) -> Double {
        switch cost {
        case .quadratic: return 0.5 * zip(a, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        case .crossEntropy: return -zip(a, y).reduce(0) { $0 + $1.1 * log($1.0) + (1 - $1.1) * log(1 - $1.0) }
        case .logLikelihood: return -zip(a, y).reduce(0) { $0 + ($1.1 == 0 ? 0 : $1.1 * log($1.0)) }
        case .poisson: return zip(a, y).reduce(0) { $0 + ($1.1 == 0 ? 0 : $1.1 * log($1.1 / $1.0)) - $1.1 + $1.0 }
        }
    }

    func meanCost(_ p: [Double], _ data: Dataset) -> Double {
        var total = 0.0
        for r in 0..<data.count {
            total += sampleCost(a: output(p, input: data.input(r)), y: data.target(r))
        }
        return total / Double(data.count)
    }

    /// ½(λ₂/n)Σw² + (λ₁/n)Σ|w| over weights only.
    func regularisation(_ p: [Double], l2: Double, l1: Double, n: Int) -> Double {
        var squares = 0.0, absolutes = 0.0
        for (value, isWeight) in zip(p, weightMask) where isWeight {
            squares += value * value
            absolutes += abs(value)
        }
        return (0.5 * l2 * squares + l1 * absolutes) / Double(n)
    }

    /// For every pre-activation of a ReLU or leaky-ReLU layer over all samples: which side of the kink it is on.
    func kinkSides(_ p: [Double], _ data: Dataset) -> [Bool] {
        var sides: [Bool] = []
        for r in 0..<data.count {
            let z = forward(p, input: data.input(r)).z
            for (l, f) in activations.enumerated() where f == .relu || f == .leakyRelu {
                sides += z[l].map { $0 >= 0 }
            }
        }
        return sides
    }

    /// The smallest |z| of any ReLU or leaky-ReLU unit over the samples (infinity when there is none).
    func nearestKink(_ p: [Double], _ data: Dataset) -> Double {
        var nearest = Double.infinity
        for r in 0..<data.count {
            let z = forward(p, input: data.input(r)).z
            for (l, f) in activations.enumerated() where f == .relu || f == .leakyRelu {
                for v in z[l] { nearest = min(nearest, abs(v)) }
            }
        }
        return nearest
    }
}

/// Central differences of `objective` at `p`; coordinates for which `sameSide` reports that p ± ε lie on
/// different sides of a kink come back as nil.
func centralDifferences(at p: [Double], epsilon: Double, objective: ([Double]) -> Double,
                        sameSide: (([Double], [Double]) -> Bool)? = nil) -> [Double?] {
    var result: [Double?] = []
    var probe = p
    for i in 0..<p.count {
        probe[i] = p[i] + epsilon
        let plus = probe
        let up = objective(probe)
        probe[i] = p[i] - epsilon
        let minus = probe
        let down = objective(probe)
        probe[i] = p[i]
        if let sameSide, !sameSide(plus, minus) {
            result.append(nil)
        } else {
            result.append((up - down) / (2 * epsilon))
        }
    }
    return result
}
