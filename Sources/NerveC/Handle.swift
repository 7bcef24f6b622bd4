import CNerveABI
import Nerve

/// What a nerve_net* points to: the network plus the locks that make the header's thread rules hold.
final class NetworkHandle {
    let network: Network
    /// Shared by predictions, exclusive for anything that writes parameters.
    let access = ReadWriteLock()
    /// Held for a whole training run, so a second one is refused rather than queued.
    let training = Mutex()

    init(_ network: Network) { self.network = network }

    /// Writes parameters outside training. Training lets readers in between epochs, but a writer there would
    /// change weights under the optimizer, so writers are refused for the whole run.
    func modifying(_ what: StaticString, _ body: () -> Void) throws {
        guard training.tryLock() else { throw NerveError.busy("cannot \(what) while the network is being trained") }
        defer { training.unlock() }
        access.writing(body)
    }

    /// Registers a new handle and returns the pointer given to C.
    static func publish(_ network: Network) -> OpaquePointer {
        let pointer = Unmanaged.passRetained(NetworkHandle(network)).toOpaque()
        registryLock.writing { _ = live.insert(pointer) }
        return OpaquePointer(pointer)
    }

    /// The handle behind a C pointer, refusing NULL and pointers that are not live networks (freed or foreign).
    static func resolve(_ pointer: OpaquePointer?) throws -> NetworkHandle {
        guard let pointer else { throw NerveError.invalid("net is NULL") }
        let raw = UnsafeMutableRawPointer(pointer)
        guard registryLock.reading({ live.contains(raw) }) else {
            throw NerveError.invalid("net is not a live network (freed, or not from nerve_create/nerve_load)")
        }
        return Unmanaged<NetworkHandle>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Unregisters and releases; unknown pointers are ignored so a double free cannot crash.
    static func release(_ pointer: OpaquePointer?) {
        guard let pointer else { return }
        let raw = UnsafeMutableRawPointer(pointer)
        guard registryLock.writing({ live.remove(raw) != nil }) else { return }
        Unmanaged<NetworkHandle>.fromOpaque(raw).release()
    }

    /// Every lookup reads the registry, so concurrent predictions share it; only create and free write.
    private static let registryLock = ReadWriteLock()
    nonisolated(unsafe) private static var live = Set<UnsafeMutableRawPointer>()
}
