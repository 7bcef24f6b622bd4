import CNerveKernels

/// Max or mean pooling: each channel shrunk by taking the largest value, or the mean, of every window. No
/// parameters; the gradient goes to the window's maximum (the first in row-major order on ties, so routing is
/// deterministic), or is spread evenly over the window. Windows that would run past the edge are left out, as
/// PyTorch does by default.
package struct PoolingLayer: Layer {
    package let spec: LayerSpec
    private let geometry: nerve_window_geometry
    private let takesMaximum: Int32, inputCount: Int, outputCount: Int

    init(_ spec: LayerSpec) {
        self.spec = spec
        geometry = spec.geometry
        takesMaximum = spec.kind == .maxPool2D ? 1 : 0
        inputCount = spec.input.count!
        outputCount = spec.output.count!
    }

    package var weightCount: Int { 0 }
    package var parameterCount: Int { 0 }
    package var fanIn: Int { spec.window.height * spec.window.width }
    /// No weights use it; an input value reaches one window when windows tile the input.
    package var fanOut: Int { 1 }
    package var multiplyAdds: Int { outputCount * fanIn }

    /// ReLU′ below a max-pool matters only at each window's maximum, where the gradient goes: folding it in
    /// saves a pass over the layer below's values (7 % of the benchmark CNN's training time).
    package func absorbsDerivative(of activation: Activation) -> Bool { takesMaximum == 1 && activation == .relu }

    package func forward(_ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                         into z: UnsafeMutablePointer<Float>, memory: LayerMemory, team: WorkerTeam?) {
        let groups = SampleGroups(rows: rows)
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: multiplyAdds, team: team) { group in
                for sample in groups.samples(of: group) {
                    nerve_pool(geometry, takesMaximum, input + sample * inputCount, z + sample * outputCount)
                }
            }
        }
    }

    package func backward(input: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int,
                          parameters: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
                          absorbing: Activation?, gradient: GradientSink, memory: LayerMemory, team: WorkerTeam?) {
        guard let inputGradient else { return }
        let groups = SampleGroups(rows: rows), rectified: Int32 = absorbing == .relu ? 1 : 0
        withUnsafePointer(to: geometry) { geometry in
            groups.forEach(workPerSample: 2 * multiplyAdds, team: team) { group in
                for sample in groups.samples(of: group) {
                    nerve_pool_gradient(geometry, takesMaximum, rectified, input + sample * inputCount, delta + sample * outputCount,
                                        inputGradient + sample * inputCount)
                }
            }
        }
    }
}
