/// Why the core refused or failed a request. The C layer maps each case to a status code and keeps the message.
public enum NerveError: Error, Equatable {
    case invalid(String)
    case size(String)
    case unsupported(String)
    case outOfMemory(String)
    case io(String)
    case format(String)
    case busy(String)
    case diverged(String)
    case capacity(String)
    /// A training hook asked to end training.
    case aborted(String)

    public var message: String {
        switch self {
        case .invalid(let m), .size(let m), .unsupported(let m), .outOfMemory(let m), .io(let m),
             .format(let m), .busy(let m), .diverged(let m), .capacity(let m), .aborted(let m):
            return m
        }
    }

    /// The same error with `prefix` before its message (to say which argument or layer it is about).
    public func prefixed(_ prefix: String) -> NerveError {
        let m = prefix + message
        switch self {
        case .invalid: return .invalid(m)
        case .size: return .size(m)
        case .unsupported: return .unsupported(m)
        case .outOfMemory: return .outOfMemory(m)
        case .io: return .io(m)
        case .format: return .format(m)
        case .busy: return .busy(m)
        case .diverged: return .diverged(m)
        case .capacity: return .capacity(m)
        case .aborted: return .aborted(m)
        }
    }
}
