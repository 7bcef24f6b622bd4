@testable import Nerve

/// The case of NerveError a call threw, so tests can say which kind of failure they expect.
enum ErrorKind: Equatable {
    case invalid, size, unsupported, outOfMemory, io, format, busy, diverged, capacity, aborted, foreign
}

/// Runs `body` and names the error it threw; nil when it returned normally.
func thrownKind(_ body: () throws -> Void) -> ErrorKind? {
    do {
        try body()
        return nil
    } catch let error as NerveError {
        switch error {
        case .invalid: return .invalid
        case .size: return .size
        case .unsupported: return .unsupported
        case .outOfMemory: return .outOfMemory
        case .io: return .io
        case .format: return .format
        case .busy: return .busy
        case .diverged: return .diverged
        case .capacity: return .capacity
        case .aborted: return .aborted
        }
    } catch {
        return .foreign
    }
}
