import Nerve

/// Checks shared by the entry points. They throw NerveError with the argument's C name in the message.
enum Check {
    /// Largest element count accepted for one array, far beyond any real data set but safe from overflow.
    static let maxElements = Int64(1) << 46

    static func pointer<T>(_ pointer: T?, _ name: StaticString) throws -> T {
        guard let pointer else { throw NerveError.invalid("\(name) is NULL") }
        return pointer
    }

    static func count(_ value: Int64, _ name: StaticString, max: Int64 = Int64(Int32.max)) throws -> Int {
        guard value >= 1 else { throw NerveError.size("\(name) must be at least 1, got \(value)") }
        guard value <= max else { throw NerveError.size("\(name) = \(value) is larger than the limit \(max)") }
        return Int(value)
    }

    /// rows × columns, refusing products that overflow or exceed maxElements.
    static func elements(_ rows: Int, _ columns: Int, _ name: StaticString) throws -> Int {
        let product = rows.multipliedReportingOverflow(by: columns)
        guard !product.overflow, product.partialValue <= maxElements else {
            throw NerveError.size("\(name) would hold \(rows) × \(columns) values, more than the limit \(maxElements)")
        }
        return product.partialValue
    }

    static func finite(_ values: UnsafePointer<Float>, _ count: Int, _ name: StaticString) throws {
        // A NaN or infinity has all exponent bits set: e = (bits & exponent) ^ exponent is 0 exactly for them,
        // and (e − 1) & ~e has its top bit set exactly when e is 0. OR-ing that over vectors uses only
        // baseline x86-64 instructions; a per-element test with an early exit would not vectorize.
        let raw = UnsafeRawPointer(values)
        let exponent = SIMD8<UInt32>(repeating: 0x7F80_0000)
        var flags = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let e = (raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<UInt32>.self) & exponent) ^ exponent
            flags |= (e &- 1) & ~e
            i += 8
        }
        var found = flags.indices.reduce(0) { $0 | flags[$1] } >> 31
        while i < count {
            if !values[i].isFinite { found = 1 }
            i += 1
        }
        guard found != 0 else { return }
        for i in 0..<count where !values[i].isFinite {
            throw NerveError.invalid("\(name)[\(i)] is \(values[i]); values must be finite")
        }
    }

    /// Refuses an output array that shares memory with an input: the output would be written while the input
    /// is still being read.
    static func disjoint(_ output: UnsafeRawPointer, _ outputCount: Int, _ input: UnsafeRawPointer,
                         _ inputCount: Int, _ outputName: StaticString, _ inputName: StaticString) throws {
        let outputEnd = output + 4 * outputCount, inputEnd = input + 4 * inputCount
        guard outputEnd <= input || inputEnd <= output else {
            throw NerveError.invalid("\(outputName) overlaps \(inputName); the output must be a separate array")
        }
    }

    static func layer(_ index: Int32, of network: Network) throws -> Int {
        guard index >= 0, Int(index) < network.layers.count else {
            throw NerveError.invalid("layer \(index) does not exist; the network has layers 0 to \(network.layers.count - 1)")
        }
        return Int(index)
    }

    static func capacity(_ capacity: Int64, needed: Int, _ name: StaticString) throws {
        guard capacity >= Int64(needed) else {
            throw NerveError.capacity("\(name) holds \(capacity) floats but \(needed) are needed")
        }
    }

    static func enumValue<E: RawRepresentable>(_ value: Int32, _ type: E.Type, _ name: StaticString) throws -> E
        where E.RawValue == Int32
    {
        guard let result = E(rawValue: value) else { throw NerveError.invalid("\(name) = \(value) is not a known value") }
        return result
    }
}
