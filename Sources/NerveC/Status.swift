import CNerveABI
import CNerveKernels
import Nerve

/// The code each core error becomes at the C boundary (NERVE_E_* in nerve.h).
extension NerveError {
    var status: nerve_status {
        switch self {
        case .invalid: return NERVE_E_INVALID
        case .size: return NERVE_E_SIZE
        case .unsupported: return NERVE_E_UNSUPPORTED
        case .outOfMemory: return NERVE_E_NOMEM
        case .io: return NERVE_E_IO
        case .format: return NERVE_E_FORMAT
        case .busy: return NERVE_E_BUSY
        case .diverged: return NERVE_E_DIVERGED
        case .capacity: return NERVE_E_CAPACITY
        case .aborted: return NERVE_E_ABORTED
        }
    }
}

/// The thread-local message behind nerve_last_error, kept in C (see messages.c for why not a pthread key).
enum LastError {
    static func set(_ message: String) { message.withCString { nerve_message_set($0) } }

    static var current: UnsafePointer<CChar> { nerve_message_get() }
}

/// Runs an entry point's body, turning any thrown error into a status and the thread's last error message.
@inline(__always)
func guarded(_ function: StaticString, _ body: () throws -> nerve_status) -> nerve_status {
    withCallFrame {
        do {
            return try body()
        } catch let error as NerveError {
            LastError.set("\(function): \(error.message)")
            return error.status
        } catch {
            LastError.set("\(function): unexpected error")
            return NERVE_E_INVALID
        }
    }
}

/// A pointer to a NUL-terminated literal: static storage, valid for the life of the process.
func staticCString(_ literal: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("nerve_last_error")
public func nerve_last_error() -> UnsafePointer<CChar> {
    LastError.current
}

@_cdecl("nerve_status_string")
public func nerve_status_string(_ status: nerve_status) -> UnsafePointer<CChar> {
    switch status {
    case NERVE_OK: return staticCString("ok")
    case NERVE_STOPPED: return staticCString("stopped by the progress callback")
    case NERVE_E_INVALID: return staticCString("invalid argument")
    case NERVE_E_SIZE: return staticCString("invalid size")
    case NERVE_E_UNSUPPORTED: return staticCString("unsupported")
    case NERVE_E_NOMEM: return staticCString("out of memory")
    case NERVE_E_IO: return staticCString("input/output error")
    case NERVE_E_FORMAT: return staticCString("invalid model format")
    case NERVE_E_BUSY: return staticCString("network busy")
    case NERVE_E_DIVERGED: return staticCString("training diverged")
    case NERVE_E_CAPACITY: return staticCString("output buffer too small")
    case NERVE_E_ABORTED: return staticCString("training aborted by a hook")
    default: return staticCString("unknown status")
    }
}

@_cdecl("nerve_version")
public func nerve_version() -> UnsafePointer<CChar> { staticCString("0.5.0") }

@_cdecl("nerve_kernel")
public func nerve_kernel() -> UnsafePointer<CChar> { nerve_kernels_name() }
