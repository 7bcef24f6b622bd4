/// The model file, little-endian (version 2):
///
///     "NERVEnet"                        8 bytes of magic
///     u32 format version (2)
///     u32 cost, u32 layer count L
///     L layer records, each:
///         u32 record size in bytes (this one included; 36 for a dense layer)
///         u32 layer kind, u32 activation
///         3 × u32 input shape (channels, height, width), 3 × u32 output shape
///         then the fields of the kind: none for a dense layer (36 bytes); for convolution and pooling
///         (56 bytes) u32 window height, u32 window width, u32 vertical stride, u32 horizontal stride,
///         u32 padding (0 valid, 1 same); then, since 0.5 and only for a leaky-ReLU layer whose slope is not
///         the default 0.01, f32 negative slope (4 bytes more: 40 and 60); a record without it has slope 0.01.
///         A record must describe a layer the library can build (a dense layer writes a vector, n × 1 × 1;
///         pooling has no activation and valid padding; a window's output shape is the one its input, window,
///         strides and padding give; a slope lies in (0, 1))
///     4 × u64 generator state
///     u64 parameter count P, then P × f32 parameters (layer by layer: weights row-major, then biases)
///     u32 CRC-32 of every byte before it
///
/// Version 1 (written by 0.1) still loads: after the magic and version, u32 cost, u32 L, u32 input size, then
/// L × (u32 kind 0, u32 outputs, u32 activation); the rest as above.
/// The reader checks every count against the buffer's length before it allocates anything. The slope needed
/// no new version: files of default-slope networks stay byte for byte what 0.3 and 0.4 wrote and read, and
/// those readers refuse a record with a slope by its size.
package enum ModelFormat {
    static let magic: [UInt8] = Array("NERVEnet".utf8)
    package static let version: UInt32 = 2
    static let minimumSize = 8 + 4 + 8 + 4 * 8 + 8 + 4

    /// Bytes of a layer record without a slope: size, kind and activation, two shapes, the kind's own fields.
    static func baseRecordSize(_ kind: LayerKind) -> Int {
        switch kind {
        case .dense: return 4 * 9
        case .conv2D, .maxPool2D, .meanPool2D: return 4 * 14
        }
    }

    /// Whether a layer's record carries its slope: only a leaky ReLU's that is not the default.
    static func storesSlope(_ spec: LayerSpec) -> Bool {
        spec.activation == .leakyRelu && spec.negativeSlope != Activation.defaultNegativeSlope
    }

    static func recordSize(_ spec: LayerSpec) -> Int { baseRecordSize(spec.kind) + (storesSlope(spec) ? 4 : 0) }

    package static func serializedSize(_ network: Network) -> Int {
        8 + 4 + 8 + network.specs.reduce(0) { $0 + recordSize($1) } + 4 * 8 + 8 + 4 * network.parameterCount + 4
    }

    /// Writes the model into `buffer`, which must hold `serializedSize(network)` bytes; returns the bytes written.
    package static func write(_ network: Network, to buffer: UnsafeMutableRawPointer) -> Int {
        var writer = ByteWriter(base: buffer)
        for byte in magic { writer.put(byte) }
        writer.put(version)
        writer.put(UInt32(bitPattern: network.cost.rawValue))
        writer.put(UInt32(network.layers.count))
        for spec in network.specs {
            writer.put(UInt32(recordSize(spec)))
            writer.put(UInt32(bitPattern: spec.kind.rawValue))
            writer.put(UInt32(bitPattern: spec.activation.rawValue))
            for shape in [spec.input, spec.output] {
                writer.put(UInt32(shape.channels))
                writer.put(UInt32(shape.height))
                writer.put(UInt32(shape.width))
            }
            if spec.kind != .dense {
                let w = spec.window
                for value in [w.height, w.width, w.strideHeight, w.strideWidth] { writer.put(UInt32(value)) }
                writer.put(UInt32(bitPattern: w.padding.rawValue))
            }
            if storesSlope(spec) { writer.put(spec.negativeSlope.bitPattern) }
        }
        let s = network.random.state
        for word in [s.0, s.1, s.2, s.3] { writer.put(word) }
        writer.put(UInt64(network.parameterCount))
        for k in 0..<network.parameterCount { writer.put(network.parameters.base[k].bitPattern) }
        let crc = CRC32.checksum(UnsafeRawBufferPointer(start: buffer, count: writer.offset))
        writer.put(crc)
        return writer.offset
    }

    /// What precedes the parameters: enough to know the whole file's size before reading it.
    struct Header {
        let cost: Cost
        let specs: [LayerSpec]
        let state: (UInt64, UInt64, UInt64, UInt64)
        let parameterCount: Int
        /// Bytes from the start of the file to the first parameter.
        let parametersOffset: Int
        var totalSize: Int { parametersOffset + 4 * parameterCount + 4 }
    }

    /// The longest header a readable file can have: every layer's record at the largest size.
    static let maxHeaderSize = 8 + 4 + 8 + Network.maxLayers * 4 * 15 + 4 * 8 + 8

    /// Parses and checks the header from the file's first bytes (at least maxHeaderSize of them, or the whole
    /// file): magic, version, cost, layers that build, and a parameter count that matches them.
    static func header(_ bytes: UnsafeRawBufferPointer) throws -> Header {
        guard bytes.count >= 8 + 4 + 8 else {
            throw NerveError.format("not a Nerve model: \(bytes.count) bytes is shorter than any model")
        }
        guard (0..<8).allSatisfy({ bytes[$0] == magic[$0] }) else {
            throw NerveError.format("not a Nerve model: the file does not start with \"NERVEnet\"")
        }
        var reader = ByteReader(bytes: bytes)
        reader.offset = 8
        let version = try reader.u32()
        let costValue = try reader.u32(), layerCount = Int(try reader.u32())
        guard let cost = Cost(rawValue: Int32(truncatingIfNeeded: costValue)) else {
            throw NerveError.format("corrupted model: unknown cost \(costValue)")
        }
        guard layerCount >= 1, layerCount <= Network.maxLayers else {
            throw NerveError.format("corrupted model: \(layerCount) layers")
        }
        let specs: [LayerSpec]
        switch version {
        case 1: specs = try readVersion1Layers(&reader, count: layerCount)
        case 2: specs = try readLayers(&reader, count: layerCount)
        default:
            throw NerveError.format("model format version \(version) is not supported (this library reads versions 1 and \(ModelFormat.version))")
        }
        var expected = 0
        for (i, spec) in specs.enumerated() {
            let layer: any Layer
            do { layer = try spec.makeLayer() } catch let error as NerveError {
                throw NerveError.format("corrupted model: layer \(i): \(error.message)")
            }
            expected += layer.parameterCount
            guard expected <= Network.maxParameters else { throw NerveError.format("corrupted model: too many parameters") }
        }
        let state = (try reader.u64(), try reader.u64(), try reader.u64(), try reader.u64())
        let count = try reader.u64()
        guard count == UInt64(expected) else {
            throw NerveError.format("corrupted model: \(count) parameters stored, the layers need \(expected)")
        }
        return Header(cost: cost, specs: specs, state: state, parameterCount: expected, parametersOffset: reader.offset)
    }

    /// Refuses a file whose length is not the one its header gives.
    static func checkSize(_ size: Int, of header: Header) throws {
        let total = header.totalSize
        guard size == total else {
            throw NerveError.format(size < total
                ? "truncated model: \(size) bytes of \(total)"
                : "corrupted model: \(size - total) unexpected bytes after the model")
        }
    }

    package static func read(_ bytes: UnsafeRawBufferPointer) throws -> Network {
        guard bytes.count >= minimumSize else {
            throw NerveError.format("not a Nerve model: \(bytes.count) bytes is shorter than any model")
        }
        let header = try header(bytes)
        try checkSize(bytes.count, of: header)
        let total = header.totalSize, expected = header.parameterCount, cost = header.cost, specs = header.specs
        var reader = ByteReader(bytes: bytes)
        reader.offset = header.parametersOffset
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
            return try Network(specs: specs, cost: cost, parameters: parameters, random: Random(state: header.state))
        } catch let error as NerveError {
            throw NerveError.format("invalid model: \(error.message)")
        }
    }

    /// Self-sized records: the size must be the one this version gives the record's kind.
    private static func readLayers(_ reader: inout ByteReader, count: Int) throws -> [LayerSpec] {
        var specs: [LayerSpec] = []
        for i in 0..<count {
            let start = reader.offset
            let size = Int(try reader.u32()), kindValue = try reader.u32(), activationValue = try reader.u32()
            guard let kind = LayerKind(rawValue: Int32(truncatingIfNeeded: kindValue)) else {
                throw NerveError.format("corrupted model: layer \(i) has unknown kind \(kindValue)")
            }
            let activation = try readActivation(activationValue, layer: i)
            let input = try readShape(&reader), output = try readShape(&reader)
            var spec = LayerSpec(kind: kind, input: input, output: output, activation: activation)
            if kind != .dense {
                let height = Int(try reader.u32()), width = Int(try reader.u32())
                let strideHeight = Int(try reader.u32()), strideWidth = Int(try reader.u32())
                let paddingValue = try reader.u32()
                guard let padding = Padding(rawValue: Int32(truncatingIfNeeded: paddingValue)) else {
                    throw NerveError.format("corrupted model: layer \(i) has unknown padding \(paddingValue)")
                }
                spec.window = Window(height: height, width: width, strideHeight: strideHeight,
                                     strideWidth: strideWidth, padding: padding)
            }
            let base = baseRecordSize(kind)
            if activation == .leakyRelu, size == base + 4 {
                // Checked with the rest of the layer when the header builds it (makeLayer).
                spec.negativeSlope = Float(bitPattern: try reader.u32())
            } else if size != base {
                throw NerveError.format("corrupted model: layer \(i)'s record is \(size) bytes, a \(kind) layer's is \(base)\(activation == .leakyRelu ? " or \(base + 4) with its slope" : "")")
            }
            reader.offset = start + size
            specs.append(spec)
        }
        return specs
    }

    private static func readVersion1Layers(_ reader: inout ByteReader, count: Int) throws -> [LayerSpec] {
        var inputs = Int(try reader.u32())
        var specs: [LayerSpec] = []
        for i in 0..<count {
            let kind = try reader.u32(), outputs = Int(try reader.u32()), activationValue = try reader.u32()
            guard kind == UInt32(LayerKind.dense.rawValue) else {
                throw NerveError.format("corrupted model: layer \(i) has unknown kind \(kind)")
            }
            specs.append(.dense(inputs: inputs, outputs: outputs, activation: try readActivation(activationValue, layer: i)))
            inputs = outputs
        }
        return specs
    }

    private static func readActivation(_ value: UInt32, layer i: Int) throws -> Activation {
        guard let activation = Activation(rawValue: Int32(truncatingIfNeeded: value)) else {
            throw NerveError.format("corrupted model: layer \(i) has unknown activation \(value)")
        }
        return activation
    }

    private static func readShape(_ reader: inout ByteReader) throws -> Shape {
        Shape(channels: Int(try reader.u32()), height: Int(try reader.u32()), width: Int(try reader.u32()))
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
        guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else { throw NerveError.format("truncated model") }
        let value = UnsafeRawBufferPointer(rebasing: bytes[offset...]).loadUnaligned(as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func u32() throws -> UInt32 { try read(UInt32.self) }
    mutating func u64() throws -> UInt64 { try read(UInt64.self) }
}
