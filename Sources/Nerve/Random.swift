/// xoshiro256** seeded through splitmix64: fast, small state that fits in a model file, and the same stream on
/// every platform, which is what makes "same seed, same weights" hold.
public struct Random: Equatable {
    public var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var s = seed
        func splitmix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        // The all-zero state is the one fixed point of the generator.
        self.state = state == (0, 0, 0, 0) ? Random(seed: 0).state : state
    }

    public static func == (a: Random, b: Random) -> Bool { a.state == b.state }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits: exactly representable as Float.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in (0, 1] with 53 random bits.
    @inline(__always)
    mutating func nextOpenUnitDouble() -> Double { (Double(next() >> 11) + 1) * 0x1p-53 }

    /// A standard normal draw (Box–Muller; the second value is discarded so the state alone defines the stream).
    public mutating func nextGaussian() -> Double {
        let u1 = nextOpenUnitDouble(), u2 = nextOpenUnitDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Uniform integer in 0..<bound (Lemire's multiply-shift, unbiased).
    public mutating func nextIndex(below bound: Int) -> Int {
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }
}
