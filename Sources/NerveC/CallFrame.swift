import CNerveKernels

/// What one entry point call has to undo when it returns: the network it entered (see NetworkHandle.enter).
/// It lives on the call's stack; the thread-local pointer to the innermost one lets NetworkHandle.resolve
/// register with it, and callbacks that call back into the library push frames of their own.
struct CallFrame {
    var entered: Unmanaged<NetworkHandle>?
    let outer: UnsafeMutableRawPointer?

    /// The innermost frame on this thread, if an entry point is running.
    static var current: UnsafeMutablePointer<CallFrame>? {
        nerve_call_frame()?.assumingMemoryBound(to: CallFrame.self)
    }
}

/// Runs `body` inside a new call frame and leaves the network it entered when `body` returns.
@inline(__always)
func withCallFrame<T>(_ body: () -> T) -> T {
    var frame = CallFrame(entered: nil, outer: nerve_call_frame())
    return withUnsafeMutablePointer(to: &frame) { pointer in
        nerve_set_call_frame(pointer)
        defer {
            nerve_set_call_frame(pointer.pointee.outer)
            // Without taking a reference: the network may go inside leave(), and must not outlive it here.
            pointer.pointee.entered?._withUnsafeGuaranteedRef { $0.leave() }
        }
        return body()
    }
}
