import Testing
@testable import Nerve

/// Model bytes in memory: the documented layout, a faithful round trip, and refusal of every corruption.
@Suite struct ModelFormatTests {
    /// Every activation appears once, step included (a step network can be stored and used for prediction).
    static func everyActivationNetwork() throws -> Network {
        try Network(sizes: [3, 5, 4, 4, 3, 3, 3, 2],
                    activations: [.sigmoid, .tanh, .relu, .leakyRelu, .linear, .step, .softmax],
                    cost: .logLikelihood, seed: 21)
    }

    static func bytes(of network: Network) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: ModelFormat.serializedSize(network))
        let written = bytes.withUnsafeMutableBytes { ModelFormat.write(network, to: $0.baseAddress!) }
        #expect(written == bytes.count)
        return bytes
    }

    static func read(_ bytes: [UInt8]) throws -> Network { try bytes.withUnsafeBytes { try ModelFormat.read($0) } }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }

    /// Read back field by field as ModelFormat's comment describes them, little-endian.
    @Test func layoutIsAsDocumented() throws {
        let network = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 5)
        let bytes = ModelFormatTests.bytes(of: network)
        #expect(Array(bytes[0..<8]) == Array("NERVEnet".utf8))
        #expect(ModelFormatTests.u32(bytes, 8) == 2, "format version")
        #expect(ModelFormatTests.u32(bytes, 12) == 1, "cost: cross-entropy")
        #expect(ModelFormatTests.u32(bytes, 16) == 2, "layer count")
        // Per layer: record size, kind (dense = 0), activation (tanh = 1, sigmoid = 0), input c h w, output c h w.
        #expect((0..<9).map { ModelFormatTests.u32(bytes, 20 + 4 * $0) } == [36, 0, 1, 3, 1, 1, 4, 1, 1])
        #expect((0..<9).map { ModelFormatTests.u32(bytes, 56 + 4 * $0) } == [36, 0, 0, 4, 1, 1, 2, 1, 1])
        let state = network.random.state
        #expect((0..<4).map { ModelFormatTests.u64(bytes, 92 + 8 * $0) } == [state.0, state.1, state.2, state.3])
        let afterState = 92 + 32
        let parameterCount = 4 * 3 + 4 + 2 * 4 + 2
        #expect(ModelFormatTests.u64(bytes, afterState) == UInt64(parameterCount))
        let stored = (0..<parameterCount).map { Float(bitPattern: ModelFormatTests.u32(bytes, afterState + 8 + 4 * $0)) }
        #expect(bitIdentical(stored, network.parameterValues))
        let end = afterState + 8 + 4 * parameterCount
        #expect(bytes.count == end + 4)
        #expect(ModelFormatTests.u32(bytes, end) == bitwiseCRC32(Array(bytes[..<end])))
    }

    /// A version 1 file as 0.1 wrote it, encoded here field by field: it loads with its architecture, weights
    /// and generator, and predicts what the hand-computed network predicts.
    @Test func version1FilesStillLoad() throws {
        var bytes = Array("NERVEnet".utf8)
        func put32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
        func put64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
        put32(1); put32(0); put32(1); put32(2)   // version 1, quadratic, 1 layer, 2 inputs
        put32(0); put32(1); put32(4)             // dense, 1 output, linear
        for word: UInt64 in [1, 2, 3, 4] { put64(word) }
        put64(3)
        for value: Float in [0.5, -2, 0.25] { put32(value.bitPattern) } // w = (0.5, −2), b = 0.25
        put32(bitwiseCRC32(bytes))
        let network = try ModelFormatTests.read(bytes)
        #expect(network.specs == [.dense(inputs: 2, outputs: 1, activation: .linear)])
        #expect(network.cost == .quadratic)
        #expect(network.random.state == (1, 2, 3, 4))
        let x: [Float] = [4, 1, -2, 0.5]
        var out = [Float](repeating: .nan, count: 2)
        try x.withUnsafeBufferPointer { xp in
            try out.withUnsafeMutableBufferPointer { try network.predict(xp.baseAddress!, rows: 2, into: $0.baseAddress!) }
        }
        let expected: [Float] = [0.25, -1.75] // 0.5·4 − 2·1 + 0.25 and 0.5·(−2) − 2·0.5 + 0.25
        #expect(out == expected)
        // Saving writes the current version.
        #expect(ModelFormatTests.u32(ModelFormatTests.bytes(of: network), 8) == ModelFormat.version)
    }

    @Test func roundTripKeepsEverything() throws {
        let network = try ModelFormatTests.everyActivationNetwork()
        let loaded = try ModelFormatTests.read(ModelFormatTests.bytes(of: network))
        #expect(loaded.cost == network.cost)
        #expect(loaded.layers.map(\.activation) == network.layers.map(\.activation))
        #expect(loaded.layers.map(\.outputs) == network.layers.map(\.outputs))
        #expect(loaded.inputSize == network.inputSize)
        #expect(bitIdentical(loaded.parameterValues, network.parameterValues))
        #expect(loaded.random == network.random)

        var random = SplitMix(state: 4)
        let probe = Dataset(x: random.uniforms(8 * 3, -2, 2), y: [Float](repeating: 0, count: 8 * 2), inputs: 3, outputs: 2)
        #expect(bitIdentical(try loaded.predictions(probe), try network.predictions(probe)))
    }

    /// The generator state travels with the model, so training a loaded copy continues exactly as the original.
    @Test func loadedNetworkTrainsIdentically() throws {
        let network = try Network(sizes: [2, 6, 1], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 8)
        let copy = try ModelFormatTests.read(ModelFormatTests.bytes(of: network))
        var options = TrainingOptions()
        options.epochs = 5
        options.batchSize = 2
        options.dropout = 0.3
        try network.train(.xor, options: options)
        try copy.train(.xor, options: options)
        #expect(bitIdentical(copy.parameterValues, network.parameterValues))
    }

    /// CRC-32 catches every error confined to 32 bits, so every flipped byte must be refused as a format error
    /// (and must not trap on the way, whichever field it lands in).
    @Test func everyFlippedByteIsRefused() throws {
        let bytes = ModelFormatTests.bytes(of: try Network(sizes: [2, 2, 1], activations: [.sigmoid, .sigmoid],
                                                         cost: .quadratic, seed: 1))
        for offset in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupted = bytes
                corrupted[offset] ^= mask
                #expect(thrownKind { _ = try ModelFormatTests.read(corrupted) } == .format,
                        "byte \(offset) ^ \(mask) was not refused")
            }
        }
    }

    @Test func everyTruncationAndExtensionIsRefused() throws {
        let bytes = ModelFormatTests.bytes(of: try Network(sizes: [2, 3, 2], activations: [.relu, .softmax],
                                                         cost: .logLikelihood, seed: 2))
        for length in 0..<bytes.count {
            #expect(thrownKind { _ = try ModelFormatTests.read(Array(bytes[..<length])) } == .format, "length \(length)")
        }
        #expect(thrownKind { _ = try ModelFormatTests.read(bytes + [0]) } == .format)
    }

    /// A file with a valid checksum but an impossible content (softmax output with cross-entropy, a NaN weight)
    /// is still refused: the checksum guards against accidents, the checks against crafted files.
    @Test func consistentChecksumDoesNotExcuseInvalidContent() throws {
        let network = try Network(sizes: [2, 2], activations: [.softmax], cost: .quadratic, seed: 3)
        var bytes = ModelFormatTests.bytes(of: network)
        func resealed(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var copy = bytes
            edit(&copy)
            let end = copy.count - 4
            let crc = bitwiseCRC32(Array(copy[..<end]))
            for i in 0..<4 { copy[end + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
            return copy
        }
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[12] = 1 }) } == .format, "softmax + cross-entropy")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[12] = 9 }) } == .format, "unknown cost")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[28] = 8 }) } == .format, "unknown activation")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[24] = 9 }) } == .format, "unknown layer kind")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[20] = 40 }) } == .format, "record size")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[8] = 3 }) } == .format, "future version")
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[40] = 2 }) } == .format, "input shape 2×1×2")
        // Shapes whose element count overflows, or exceeds the limit, without any allocation.
        #expect(thrownKind {
            _ = try ModelFormatTests.read(resealed { for i in 32..<56 { $0[i] = 0xFF } })
        } == .format, "shapes of 2^32−1 × 2^32−1 × 2^32−1")
        let firstParameter = 20 + 36 + 32 + 8
        #expect(thrownKind {
            _ = try ModelFormatTests.read(resealed { for i in 0..<4 { $0[firstParameter + i] = UInt8(truncatingIfNeeded: Float.nan.bitPattern >> (8 * i)) } })
        } == .format, "NaN parameter")
        // The untouched bytes still load, so the refusals above are down to the edits.
        bytes = resealed { _ in }
        #expect(thrownKind { _ = try ModelFormatTests.read(bytes) } == nil)
    }
}
