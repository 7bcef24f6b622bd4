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

    public var message: String {
        switch self {
        case .invalid(let m), .size(let m), .unsupported(let m), .outOfMemory(let m), .io(let m),
             .format(let m), .busy(let m), .diverged(let m), .capacity(let m):
            return m
        }
    }
}
