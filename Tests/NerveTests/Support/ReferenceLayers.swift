import Foundation
@testable import Nerve

/// A naive Double-precision model of any stack of dense, convolution and pooling layers, written from the
/// documented layouts (nerve.h) with direct loops rather than the library's lowering to matrix products:
/// conv weights [f][c][i][j] then one bias per filter; SAME padding puts ⌊p/2⌋ zeros first.
struct ReferenceLayers {
    let specs: [LayerSpec]
    let cost: Cost

    init(_ network: Network) {
        specs = network.specs
        cost = network.cost
    }

    /// Parameters of each layer: (weights, biases).
    static func counts(_ s: LayerSpec) -> (weights: Int, biases: Int) {
        switch s.kind {
        case .dense: return (s.input.count! * s.output.count!, s.output.count!)
        case .conv2D: return (s.output.channels * s.input.channels * s.window.height * s.window.width, s.output.channels)
        case .maxPool2D, .meanPool2D: return (0, 0)
        }
    }

    var parameterCount: Int { specs.reduce(0) { $0 + ReferenceLayers.counts($1).weights + ReferenceLayers.counts($1).biases } }

    var weightMask: [Bool] {
        specs.flatMap { s -> [Bool] in
            let (w, b) = ReferenceLayers.counts(s)
            return Array(repeating: true, count: w) + Array(repeating: false, count: b)
        }
    }

    /// Zeros before the first row along an axis under SAME padding: p = max((out − 1)·s + k − n, 0), ⌊p/2⌋ first.
    static func padBefore(size n: Int, window k: Int, stride s: Int, out: Int, same: Bool) -> Int {
        same ? max((out - 1) * s + k - n, 0) / 2 : 0
    }

    /// What a forward pass records for one sample: every layer's z and a, and a signature of every
    /// non-differentiable choice (ReLU sides, max-pool winners) so finite differences can avoid kinks.
    struct Trace {
        var z: [[Double]] = []
        var a: [[Double]] = []
        var choices: [Int] = []
        var nearestKink = Double.infinity
    }

    func forward(_ p: [Double], input: [Double]) -> Trace {
        var trace = Trace()
        var x = input
        var offset = 0
        for s in specs {
            let (nw, nb) = ReferenceLayers.counts(s)
            let w = Array(p[offset..<offset + nw]), b = Array(p[offset + nw..<offset + nw + nb])
            offset += nw + nb
            var z: [Double]
            let C = s.input.channels, H = s.input.height, W = s.input.width
            let OH = s.output.height, OW = s.output.width
            let kh = s.window.height, kw = s.window.width, sh = s.window.strideHeight, sw = s.window.strideWidth
            switch s.kind {
            case .dense:
                let n = s.output.count!, k = s.input.count!
                z = (0..<n).map { j in (0..<k).reduce(b[j]) { $0 + w[j * k + $1] * x[$1] } }
            case .conv2D:
                let F = s.output.channels
                let same = s.window.padding == .same
                let pt = ReferenceLayers.padBefore(size: H, window: kh, stride: sh, out: OH, same: same)
                let pl = ReferenceLayers.padBefore(size: W, window: kw, stride: sw, out: OW, same: same)
                z = []
                for f in 0..<F {
                    for oy in 0..<OH {
                        for ox in 0..<OW {
                            var sum = b[f]
                            for c in 0..<C {
                                for i in 0..<kh {
                                    for j in 0..<kw {
                                        let y = oy * sh + i - pt, xx = ox * sw + j - pl
                                        guard y >= 0, y < H, xx >= 0, xx < W else { continue }
                                        sum += w[((f * C + c) * kh + i) * kw + j] * x[(c * H + y) * W + xx]
                                    }
                                }
                            }
                            z.append(sum)
                        }
                    }
                }
            case .maxPool2D, .meanPool2D:
                z = []
                for c in 0..<C {
                    for oy in 0..<OH {
                        for ox in 0..<OW {
                            let window = (0..<kh).flatMap { i in
                                (0..<kw).map { j in x[(c * H + oy * sh + i) * W + ox * sw + j] }
                            }
                            if s.kind == .meanPool2D {
                                z.append(window.reduce(0, +) / Double(window.count))
                            } else {
                                let best = window.max()!
                                trace.choices.append(window.firstIndex(of: best)!)
                                let runnerUp = window.filter { $0 != best }.max() ?? -Double.infinity
                                trace.nearestKink = min(trace.nearestKink, best - runnerUp)
                                z.append(best)
                            }
                        }
                    }
                }
            }
            if s.activation == .relu || s.activation == .leakyRelu {
                trace.choices += z.map { $0 >= 0 ? 1 : 0 }
                trace.nearestKink = min(trace.nearestKink, z.map(abs).min()!)
            }
            x = ReferenceNetwork.activate(z, s.activation)
            trace.z.append(z)
            trace.a.append(x)
        }
        return trace
    }

    func output(_ p: [Double], input: [Double]) -> [Double] { forward(p, input: input).a.last! }

    func meanCost(_ p: [Double], _ data: Dataset) -> Double {
        let model = ReferenceNetwork(sizes: [1, 1], activations: [.linear], cost: cost)
        var total = 0.0
        for r in 0..<data.count { total += model.sampleCost(a: output(p, input: data.input(r)), y: data.target(r)) }
        return total / Double(data.count)
    }

    func choices(_ p: [Double], _ data: Dataset) -> [Int] {
        (0..<data.count).flatMap { forward(p, input: data.input($0)).choices }
    }

    func nearestKink(_ p: [Double], _ data: Dataset) -> Double {
        (0..<data.count).map { forward(p, input: data.input($0)).nearestKink }.min()!
    }
}
