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

    /// Read back field by field as DESIGN.md and ModelFormat's comment describe them, little-endian.
    @Test func layoutIsAsDocumented() throws {
        let network = try Network(sizes: [3, 4, 2], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 5)
        let bytes = ModelFormatTests.bytes(of: network)
        #expect(Array(bytes[0..<8]) == Array("NERVEnet".utf8))
        #expect(ModelFormatTests.u32(bytes, 8) == 1, "format version")
        #expect(ModelFormatTests.u32(bytes, 12) == 1, "cost: cross-entropy")
        #expect(ModelFormatTests.u32(bytes, 16) == 2, "layer count")
        #expect(ModelFormatTests.u32(bytes, 20) == 3, "input size")
        // (kind, outputs, activation) per layer: dense = 0, tanh = 1, sigmoid = 0.
        #expect((0..<6).map { ModelFormatTests.u32(bytes, 24 + 4 * $0) } == [0, 4, 1, 0, 2, 0])
        let afterState = 24 + 2 * 12 + 32
        let parameterCount = 4 * 3 + 4 + 2 * 4 + 2
        #expect(ModelFormatTests.u64(bytes, afterState) == UInt64(parameterCount))
        let stored = (0..<parameterCount).map { Float(bitPattern: ModelFormatTests.u32(bytes, afterState + 8 + 4 * $0)) }
        #expect(bitIdentical(stored, network.parameterValues))
        let end = afterState + 8 + 4 * parameterCount
        #expect(bytes.count == end + 4)
        #expect(ModelFormatTests.u32(bytes, end) == bitwiseCRC32(Array(bytes[..<end])))
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
        #expect(thrownKind { _ = try ModelFormatTests.read(resealed { $0[32] = 7 }) } == .format, "unknown activation")
        let firstParameter = 24 + 12 + 32 + 8
        #expect(thrownKind {
            _ = try ModelFormatTests.read(resealed { for i in 0..<4 { $0[firstParameter + i] = UInt8(truncatingIfNeeded: Float.nan.bitPattern >> (8 * i)) } })
        } == .format, "NaN parameter")
        // The untouched bytes still load, so the refusals above are down to the edits.
        bytes = resealed { _ in }
        #expect(thrownKind { _ = try ModelFormatTests.read(bytes) } == nil)
    }
}
