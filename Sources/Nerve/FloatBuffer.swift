#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size block of Floats from malloc. Swift's own allocators trap when memory runs out, and a trap would
/// take the host process down, so every buffer whose size comes from the caller is made here and can fail.
public final class FloatBuffer {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    public init(count: Int, zeroed: Bool = true) throws {
        let bytes = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard count >= 0, !bytes.overflow,
              let raw = zeroed ? calloc(max(count, 1), MemoryLayout<Float>.stride) : malloc(max(bytes.partialValue, 4))
        else { throw NerveError.outOfMemory("cannot allocate \(count) floats") }
        self.count = count
        self.base = raw.assumingMemoryBound(to: Float.self)
    }

    deinit { free(base) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    public func copy(from other: FloatBuffer) {
        base.update(from: other.base, count: Swift.min(count, other.count))
    }
}

/// Indices kept outside Swift's allocator for the same reason as FloatBuffer.
final class IndexBuffer {
    let count: Int
    let base: UnsafeMutablePointer<Int32>

    init(count: Int) throws {
        guard count >= 0, count <= Int(Int32.max),
              let raw = malloc(max(count, 1) * MemoryLayout<Int32>.stride)
        else { throw NerveError.outOfMemory("cannot allocate \(count) indices") }
        self.count = count
        self.base = raw.assumingMemoryBound(to: Int32.self)
    }

    deinit { free(base) }
}
