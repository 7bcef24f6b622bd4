/// The model file, little-endian:
///
///     "NERVEnet"                       8 bytes of magic
///     u32 format version (1)
///     u32 cost, u32 layer count L, u32 input size
///     L × (u32 layer kind, u32 outputs, u32 activation)
///     4 × u64 generator state
///     u64 parameter count P, then P × f32 parameters (layer by layer: weights row-major, then biases)
///     u32 CRC-32 of every byte before it
///
/// The reader checks every count against the buffer's length before it allocates anything.
public enum ModelFormat {
    static let magic: [UInt8] = Array("NERVEnet".utf8)
    public static let version: UInt32 = 1

    static func headerSize(layers: Int) -> Int { 8 + 4 * 4 + layers * 12 + 4 * 8 + 8 }

    public static func serializedSize(_ network: Network) -> Int {
        headerSize(layers: network.layers.count) + 4 * network.parameterCount + 4
    }

    /// Writes the model into `buffer`, which must hold `serializedSize(network)` bytes; returns the bytes written.
    public static func write(_ network: Network, to buffer: UnsafeMutableRawPointer) -> Int {
        var writer = ByteWriter(base: buffer)
        for byte in magic { writer.put(byte) }
        writer.put(version)
        writer.put(UInt32(bitPattern: network.cost.rawValue))
        writer.put(UInt32(network.layers.count))
        writer.put(UInt32(network.inputSize))
        for layer in network.layers {
            writer.put(type(of: layer).kind)
            writer.put(UInt32(layer.outputs))
            writer.put(UInt32(bitPattern: layer.activation.rawValue))
        }
        let s = network.random.state
        for word in [s.0, s.1, s.2, s.3] { writer.put(word) }
        writer.put(UInt64(network.parameterCount))
        for k in 0..<network.parameterCount { writer.put(network.parameters.base[k].bitPattern) }
        let crc = CRC32.checksum(UnsafeRawBufferPointer(start: buffer, count: writer.offset))
        writer.put(crc)
        return writer.offset
    }

    public static func read(_ bytes: UnsafeRawBufferPointer) throws -> Network {
        var reader = ByteReader(bytes: bytes)
        guard bytes.count >= headerSize(layers: 0) + 4 else {
            throw NerveError.format("not a Nerve model: \(bytes.count) bytes is shorter than any model")
        }
        guard (0..<8).allSatisfy({ bytes[$0] == magic[$0] }) else {
            throw NerveError.format("not a Nerve model: the file does not start with \"NERVEnet\"")
        }
        reader.offset = 8
        let version = try reader.u32()
        guard version == ModelFormat.version else {
            throw NerveError.format("model format version \(version) is not supported (this library reads version \(ModelFormat.version))")
        }
        let costValue = try reader.u32(), layerCount = Int(try reader.u32()), inputSize = Int(try reader.u32())
        guard let cost = Cost(rawValue: Int32(truncatingIfNeeded: costValue)) else {
            throw NerveError.format("corrupted model: unknown cost \(costValue)")
        }
        guard layerCount >= 1, layerCount <= Network.maxLayers else {
            throw NerveError.format("corrupted model: \(layerCount) layers")
        }
        guard bytes.count >= headerSize(layers: layerCount) + 4 else {
            throw NerveError.format("truncated model: \(bytes.count) bytes cannot hold \(layerCount) layers")
        }
        var layers: [any Layer] = []
        var inputs = inputSize
        var expected = 0
        for i in 0..<layerCount {
            let kind = try reader.u32(), outputs = Int(try reader.u32()), activationValue = try reader.u32()
            guard kind == DenseLayer.kind else { throw NerveError.format("corrupted model: layer \(i) has unknown kind \(kind)") }
            guard let activation = Activation(rawValue: Int32(truncatingIfNeeded: activationValue)) else {
                throw NerveError.format("corrupted model: layer \(i) has unknown activation \(activationValue)")
            }
            guard (1...Network.maxLayerWidth).contains(inputs), (1...Network.maxLayerWidth).contains(outputs) else {
                throw NerveError.format("corrupted model: layer \(i) is \(inputs) × \(outputs)")
            }
            let layer = DenseLayer(inputs: inputs, outputs: outputs, activation: activation)
            expected += layer.parameterCount
            guard expected <= Network.maxParameters else { throw NerveError.format("corrupted model: too many parameters") }
            layers.append(layer)
            inputs = outputs
        }
        let state = (try reader.u64(), try reader.u64(), try reader.u64(), try reader.u64())
        let count = try reader.u64()
        guard count == UInt64(expected) else {
            throw NerveError.format("corrupted model: \(count) parameters stored, the layers need \(expected)")
        }
        let total = headerSize(layers: layerCount) + 4 * expected + 4
        guard bytes.count == total else {
            throw NerveError.format(bytes.count < total
                ? "truncated model: \(bytes.count) bytes of \(total)"
                : "corrupted model: \(bytes.count - total) unexpected bytes after the model")
        }
        let stored = UnsafeRawBufferPointer(rebasing: bytes[(total - 4)...]).loadUnaligned(as: UInt32.self)
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<(total - 4)])) == UInt32(littleEndian: stored) else {
            throw NerveError.format("corrupted model: checksum mismatch")
        }
        let parameters = try FloatBuffer(count: expected, zeroed: false)
        for k in 0..<expected {
            let value = Float(bitPattern: try reader.u32())
            guard value.isFinite else { throw NerveError.format("corrupted model: parameter \(k) is \(value)") }
            parameters.base[k] = value
        }
        do {
            return try Network(layers: layers, cost: cost, parameters: parameters, random: Random(state: state))
        } catch let error as NerveError {
            throw NerveError.format("invalid model: \(error.message)")
        }
    }
}

private struct ByteWriter {
    let base: UnsafeMutableRawPointer
    var offset = 0

    mutating func put(_ byte: UInt8) { base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self); offset += 1 }
    mutating func put<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }
}

private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        guard offset + MemoryLayout<T>.size <= bytes.count else { throw NerveError.format("truncated model") }
        let value = UnsafeRawBufferPointer(rebasing: bytes[offset...]).loadUnaligned(as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func u32() throws -> UInt32 { try read(UInt32.self) }
    mutating func u64() throws -> UInt64 { try read(UInt64.self) }
}
