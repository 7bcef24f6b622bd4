import CNerveKernels

/// A 2-D convolution layer: F filters, each C × kh × kw shared weights and one shared bias, slid over the
/// input with the window's stride and padding; feature map f is z_f = b_f + Σ_c w_fc ⋆ x_c (cross-correlation,
/// as in the notes and every library). Weights are stored filter by filter as [f][c][i][j] (PyTorch's
/// Conv2d.weight layout), then the F biases.
///
/// Each sample is lowered to its patch matrix X̂ (K × P: K = C·kh·kw window values for each of the P output
/// positions), so the layer is three matrix products per sample on the v2 kernels:
///   forward  Z = W·X̂ (+ b),   ∂C/∂W = Σ_samples Δ·X̂ᵀ,   ∂C/∂X̂ = Wᵀ·Δ, raised back to the image (the notes'
///   full convolution of δ with the rotated kernels, summed over the filters).
/// The weight gradient is summed per SampleGroups group and then over groups in order, so it is the same on
/// any number of threads; every other value depends on its own sample only.
package struct ConvolutionLayer: Layer {
    package let spec: LayerSpec
    private let geometry: nerve_window_geometry
    private let filters: Int, patch: Int, positions: Int, inputCount: Int

    init(_ spec: LayerSpec) {
        self.spec = spec
        let w = spec.window, input = spec.input
        geometry = nerve_window_geometry(
            channels: Int64(input.channels), height: Int64(input.height), width: Int64(input.width),
            window_height: Int64(w.height), window_width: Int64(w.width),
            stride_height: Int64(w.strideHeight), stride_width: Int64(w.strideWidth),
            pad_top: Int64(Window.leadingPad(input.height, window: w.height, stride: w.strideHeight, padding: w.padding)),
            pad_left: Int64(Window.leadingPad(input.width, window: w.width, stride: w.strideWidth, padding: w.padding)),
            out_height: Int64(spec.output.height), out_width: Int64(spec.output.width))
        filters = spec.output.channels
        patch = input.channels * w.height * w.width
        positions = spec.output.height * spec.output.width
        inputCount = input.count!
    }

    package var weightCount: Int { filters * patch }
    package var parameterCount: Int { filters * patch + filters }
    package var fanIn: Int { patch }
    package var multiplyAdds: Int { filters * patch * positions }

    /// Per group: the patch matrix, its gradient, and the group's partial weight and bias gradients.
    private var slotSize: Int { 2 * patch * positions + parameterCount }
    package func scratchCount(rows: Int) -> Int { SampleGroups.slots(rows: rows) * slotSize }
    /// Every sample's patch matrix: lowering once per training step instead of twice saved about 5 % of the
    /// benchmark CNN's training time.
    package func keptCount(rows: Int) -> Int { rows * patch * positions }

    package func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                         into z: UnsafeMutablePointer<Float>, memory: LayerMemory, team: WorkerTeam?) {
        let groups = SampleGroups(rows: rows), slotSize = slotSize, patchCount = patch * positions
        let bias = parameters + weightCount, scratch = memory.scratch, kept = memory.kept
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: multiplyAdds, team: team) { group in
                for sample in groups.samples(of: group) {
                    let patches = kept.map { $0 + sample * patchCount } ?? scratch + group * slotSize
                    let out = z + sample * filters * positions
                    for f in 0..<filters {
                        let b = bias[f], map = out + f * positions
                        for p in 0..<positions { map[p] = b }
                    }
                    nerve_lower(geometry, input + sample * inputCount, patches)
                    nerve_gemm_nn(Int64(filters), Int64(positions), Int64(patch), parameters, patch, 1,
                                  patches, positions, out, positions, 1)
                }
            }
        }
    }

    package func backward(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int,
                          parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                          absorbing: Activation?, gradient: GradientSink, memory: LayerMemory, team: WorkerTeam?) {
        let groups = SampleGroups(rows: rows), slotSize = slotSize, scratch = memory.scratch, kept = memory.kept
        let patchCount = patch * positions, partialOffset = 2 * patchCount
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: 3 * multiplyAdds, team: team) { group in
                let slot = scratch + group * slotSize
                let patchGradient = slot + patchCount
                let weights = slot + partialOffset, biases = weights + weightCount
                for (index, sample) in groups.samples(of: group).enumerated() {
                    let d = delta + sample * filters * positions
                    if let inputGradient {
                        // ∂C/∂X̂ = Wᵀ·Δ, read with W's rows as columns.
                        nerve_gemm_nn(Int64(patch), Int64(positions), Int64(filters), parameters, 1, patch,
                                      d, positions, patchGradient, positions, 0)
                        nerve_raise(geometry, patchGradient, inputGradient + sample * inputCount)
                    }
                    let patches: UnsafeMutablePointer<Float>
                    if let kept {
                        patches = kept + sample * patchCount
                    } else {
                        patches = slot
                        nerve_lower(geometry, input + sample * inputCount, patches)
                    }
                    nerve_gemm_nt(Int64(filters), Int64(patch), Int64(positions), d, positions, patches,
                                  positions, weights, patch, index > 0 ? 1 : 0)
                    for f in 0..<filters {
                        var sum: Float = index > 0 ? biases[f] : 0
                        let map = d + f * positions
                        for p in 0..<positions { sum += map[p] }
                        biases[f] = sum
                    }
                }
            }
        }
        // The groups' partial gradients, summed in group order.
        let block = gradient.block, scale = gradient.scale, accumulate = gradient.accumulate
        let groupCount = groups.count
        forEachRange(parameterCount, team: team) { range in
            for e in range {
                var sum: Float = 0
                for g in 0..<groupCount { sum += scratch[g * slotSize + partialOffset + e] }
                block[e] = accumulate ? block[e] + scale * sum : scale * sum
            }
        }
    }
}
