@testable import Nerve

/// Samples owned by a test: x is count × inputs, y count × outputs, row-major, as the library expects.
struct Dataset {
    var x: [Float]
    var y: [Float]
    let inputs: Int
    let outputs: Int

    init(x: [Float], y: [Float], inputs: Int, outputs: Int) {
        precondition(x.count % inputs == 0 && y.count == x.count / inputs * outputs)
        self.x = x
        self.y = y
        self.inputs = inputs
        self.outputs = outputs
    }

    var count: Int { x.count / inputs }

    func input(_ row: Int) -> [Double] { x[row * inputs..<(row + 1) * inputs].map(Double.init) }
    func target(_ row: Int) -> [Double] { y[row * outputs..<(row + 1) * outputs].map(Double.init) }

    func withSamples<T>(_ body: (Samples) throws -> T) rethrows -> T {
        try x.withUnsafeBufferPointer { xs in
            try y.withUnsafeBufferPointer { ys in
                try body(Samples(x: xs.baseAddress!, y: ys.baseAddress!, count: count))
            }
        }
    }

    /// The four XOR cases with a single 0/1 output.
    static let xor = Dataset(x: [0, 0, 0, 1, 1, 0, 1, 1], y: [0, 1, 1, 0], inputs: 2, outputs: 1)
}

/// Test data comes from this generator, not from the library's, so the two never share a stream.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) * 0x1p-24
    }

    mutating func uniforms(_ count: Int, _ low: Float, _ high: Float) -> [Float] {
        (0..<count).map { _ in uniform(low, high) }
    }
}
