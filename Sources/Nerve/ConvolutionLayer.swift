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
        geometry = spec.geometry
        filters = spec.output.channels
        patch = spec.input.channels * spec.window.height * spec.window.width
        positions = spec.output.height * spec.output.width
        inputCount = spec.input.count!
    }

    package var weightCount: Int { filters * patch }
    package var parameterCount: Int { filters * patch + filters }
    package var fanIn: Int { patch }
    package var fanOut: Int { filters * spec.window.height * spec.window.width }
    package var multiplyAdds: Int { filters * patch * positions }

    /// Per group: room for one patch matrix or the group's δ side by side, a patch-matrix gradient, and the
    /// group's partial weight and bias gradients.
    private func slotSize(rows: Int) -> Int {
        max(patch, filters * SampleGroups(rows: rows).perGroup) * positions + patch * positions + parameterCount
    }
    /// A forward pass that keeps nothing lowers each group's samples into a slot of one patch matrix.
    package func scratchCount(rows: Int, training: Bool) -> Int {
        SampleGroups.slots(rows: rows) * (training ? slotSize(rows: rows) : patch * positions)
    }
    /// Every sample's patch matrix, each group's side by side (K × group size·P), so the backward pass
    /// neither lowers again nor sums per sample: one product per group over all its positions. That saved
    /// about 5 % (lowering) and 8 % (short sums) of the benchmark CNN's training time.
    package func keptCount(rows: Int) -> Int { rows * patch * positions }

    package func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                         into z: UnsafeMutablePointer<Float>, memory: LayerMemory, team: WorkerTeam?) {
        let groups = SampleGroups(rows: rows), patchCount = patch * positions
        let bias = parameters + weightCount, scratch = memory.scratch, kept = memory.kept
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: multiplyAdds, team: team) { group in
                let samples = groups.samples(of: group)
                for sample in samples {
                    // Kept: this sample's columns of its group's side-by-side matrix; else the group's slot.
                    let patches: UnsafeMutablePointer<Float>, stride: Int
                    if let kept {
                        patches = kept + samples.lowerBound * patchCount + (sample - samples.lowerBound) * positions
                        stride = samples.count * positions
                    } else {
                        patches = scratch + group * patchCount
                        stride = positions
                    }
                    let out = z + sample * filters * positions
                    for f in 0..<filters {
                        let b = bias[f], map = out + f * positions
                        for p in 0..<positions { map[p] = b }
                    }
                    nerve_lower(geometry, input + sample * inputCount, patches, Int64(stride))
                    nerve_gemm_nn(Int64(filters), Int64(positions), Int64(patch), parameters, patch, 1,
                                  patches, stride, out, positions, 1)
                }
            }
        }
    }

    package func backward(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int,
                          parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                          absorbing: Activation?, gradient: GradientSink, memory: LayerMemory, team: WorkerTeam?) {
        let groups = SampleGroups(rows: rows), slotSize = slotSize(rows: rows)
        let scratch = memory.scratch, kept = memory.kept
        let patchCount = patch * positions, mapCount = filters * positions
        let gradientOffset = max(patch, filters * groups.perGroup) * positions
        let partialOffset = gradientOffset + patchCount
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: 3 * multiplyAdds, team: team) { group in
                let samples = groups.samples(of: group), slot = scratch + group * slotSize
                let patchGradient = slot + gradientOffset
                let weights = slot + partialOffset, biases = weights + weightCount
                if let inputGradient {
                    for sample in samples {
                        // ∂C/∂X̂ = Wᵀ·Δ, read with W's rows as columns.
                        nerve_gemm_nn(Int64(patch), Int64(positions), Int64(filters), parameters, 1, patch,
                                      delta + sample * mapCount, positions, patchGradient, positions, 0)
                        nerve_raise(geometry, patchGradient, inputGradient + sample * inputCount)
                    }
                }
                if let kept {
                    // Δ of the group side by side (F × n·P) against its patches (K × n·P): one sum over all
                    // n·P positions per weight.
                    let width = samples.count * positions
                    nerve_side_by_side(Int64(filters), Int64(positions), Int64(samples.count),
                                       delta + samples.lowerBound * mapCount, Int64(mapCount), slot)
                    nerve_gemm_nt(Int64(filters), Int64(patch), Int64(width), slot, width,
                                  kept + samples.lowerBound * patchCount, width, weights, patch, 0)
                    for f in 0..<filters {
                        var sum: Float = 0
                        let row = slot + f * width
                        for p in 0..<width { sum += row[p] }
                        biases[f] = sum
                    }
                    return
                }
                for (index, sample) in samples.enumerated() {
                    let d = delta + sample * mapCount
                    nerve_lower(geometry, input + sample * inputCount, slot, Int64(positions))
                    nerve_gemm_nt(Int64(filters), Int64(patch), Int64(positions), d, positions, slot,
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
