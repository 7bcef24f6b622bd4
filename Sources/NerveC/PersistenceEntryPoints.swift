import CNerveABI
import Nerve

/// The caller's bytes as they are: no encoding is assumed.
private func path(_ path: UnsafePointer<CChar>?) throws -> FilePath {
    try FilePath(cString: try Check.pointer(path, "path"))
}

@_cdecl("nerve_save")
public func nerve_save(_ net: OpaquePointer?, _ file: UnsafePointer<CChar>?) -> nerve_status {
    guarded("nerve_save") {
        let handle = try NetworkHandle.resolve(net)
        let target = try path(file)
        try handle.access.reading { try ModelFile.save(handle.network, to: target) }
        return NERVE_OK
    }
}

@_cdecl("nerve_load")
public func nerve_load(_ file: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> nerve_status {
    guarded("nerve_load") {
        let out = try Check.pointer(out, "out")
        out.pointee = NetworkHandle.publish(try ModelFile.load(from: try path(file)))
        return NERVE_OK
    }
}

@_cdecl("nerve_serialized_size")
public func nerve_serialized_size(_ net: OpaquePointer?, _ size: UnsafeMutablePointer<Int>?) -> nerve_status {
    guarded("nerve_serialized_size") {
        let handle = try NetworkHandle.resolve(net)
        try Check.pointer(size, "out_size").pointee = ModelFormat.serializedSize(handle.network)
        return NERVE_OK
    }
}

@_cdecl("nerve_save_to_memory")
public func nerve_save_to_memory(_ net: OpaquePointer?, _ buffer: UnsafeMutableRawPointer?, _ capacity: Int,
                                 _ written: UnsafeMutablePointer<Int>?) -> nerve_status {
    guarded("nerve_save_to_memory") {
        let handle = try NetworkHandle.resolve(net)
        let buffer = try Check.pointer(buffer, "buffer"), written = try Check.pointer(written, "written")
        try handle.access.reading {
            let needed = ModelFormat.serializedSize(handle.network)
            // size_t arrives as Int: a negative value is a capacity above Int.max, which is always enough.
            guard capacity < 0 || capacity >= needed else {
                throw NerveError.capacity("buffer holds \(capacity) bytes but the model needs \(needed)")
            }
            written.pointee = ModelFormat.write(handle.network, to: buffer)
        }
        return NERVE_OK
    }
}

@_cdecl("nerve_load_from_memory")
public func nerve_load_from_memory(_ buffer: UnsafeRawPointer?, _ size: Int,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> nerve_status {
    guarded("nerve_load_from_memory") {
        let buffer = try Check.pointer(buffer, "buffer"), out = try Check.pointer(out, "out")
        // size_t arrives as Int: a value above Int.max would be negative here, and no buffer is that large.
        guard size >= 0 else { throw NerveError.size("size \(UInt(bitPattern: size)) is larger than any buffer") }
        out.pointee = NetworkHandle.publish(try ModelFormat.read(UnsafeRawBufferPointer(start: buffer, count: size)))
        return NERVE_OK
    }
}
