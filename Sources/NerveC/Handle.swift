#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNerveABI
import Nerve

/// What a nerve_net* points to: the network plus the locks that make the header's thread rules hold.
final class NetworkHandle {
    let network: Network
    /// Shared by predictions, exclusive for anything that writes parameters.
    let access = ReadWriteLock()
    /// Held for a whole training run, so a second one is refused rather than queued.
    let training = Mutex()

    /// Set in a child process for a network another thread of the parent was using when it forked: its locks
    /// and weights are as that thread left them, so it can only be freed.
    private(set) var inheritedInUse = false
    /// Locks the fork handler took in the parent, to release on both sides.
    private var heldAcrossFork = false

    init(_ network: Network) { self.network = network }

    /// The last reference may go on any thread that was inside a call. Taking both locks once orders the
    /// teardown after every earlier call's unlock in terms a race detector sees (it cannot see the reference
    /// count). A network inherited in use across fork() has locks no thread will release: left alone.
    deinit {
        guard !inheritedInUse else { return }
        training.lock()
        training.unlock()
        access.lockExclusive()
        access.unlock()
    }

    /// Writes parameters outside training. Training lets readers in between epochs, but a writer there would
    /// change weights under the optimizer, so writers are refused for the whole run.
    func modifying(_ what: StaticString, _ body: () -> Void) throws {
        guard training.tryLock() else { throw NerveError.busy("cannot \(what) while the network is being trained") }
        defer { training.unlock() }
        access.writing(body)
    }

    /// Registers a new handle and returns the value C holds: an opaque number, not the object's address, drawn
    /// from a counter that never repeats, so a freed network's handle can never name another network.
    static func publish(_ network: Network) -> OpaquePointer {
        ForkHandlers.install
        let handle = NetworkHandle(network)
        return registryLock.writing {
            issued += 1
            live[issued] = handle
            return OpaquePointer(bitPattern: issued << tagBits)!
        }
    }

    /// The handle behind a C value, refusing NULL and values that are not live networks (freed or foreign).
    /// The strong reference returned keeps the network alive for the call, even if another thread frees it.
    static func resolve(_ pointer: OpaquePointer?) throws -> NetworkHandle {
        guard let pointer else { throw NerveError.invalid("net is NULL") }
        let value = UInt(bitPattern: pointer)
        guard value & tagMask == 0, let handle = registryLock.reading({ live[value >> tagBits] }) else {
            throw NerveError.invalid("net is not a live network (freed, or not from nerve_create/nerve_load)")
        }
        guard !handle.inheritedInUse else {
            throw NerveError.invalid("net was in use by another thread when this process forked; in this process it can only be freed")
        }
        return handle
    }

    /// Unregisters; the network goes when the last call using it returns. Unknown values are ignored.
    static func release(_ pointer: OpaquePointer?) {
        guard let pointer else { return }
        let value = UInt(bitPattern: pointer)
        guard value & tagMask == 0 else { return }
        let removed = registryLock.writing { live.removeValue(forKey: value >> tagBits) }
        _ = removed  // released here, outside the lock
    }

    /// fork() copies only the calling thread. Before it, every network no other thread is using is locked, so
    /// the child inherits it whole and usable; a network that another thread holds (training, predicting) is
    /// marked in the child, where only nerve_free accepts it. The registry's own lock is held across the fork.
    static func prepareFork() {
        registryLock.lockExclusive()
        for handle in live.values where handle.training.tryLock() {
            if handle.access.tryLockExclusive() { handle.heldAcrossFork = true } else { handle.training.unlock() }
        }
    }

    static func afterFork(inChild: Bool) {
        for handle in live.values {
            if handle.heldAcrossFork {
                handle.heldAcrossFork = false
                if inChild {
                    handle.access.resetAfterFork()
                    handle.training.resetAfterFork()
                } else {
                    handle.access.unlock()
                    handle.training.unlock()
                }
            } else if inChild {
                handle.inheritedInUse = true
            }
        }
        if inChild { registryLock.resetAfterFork() } else { registryLock.unlock() }
    }

    /// Handles look like aligned pointers (low bits clear) to hosts that check.
    private static let tagBits: UInt = 4
    private static let tagMask: UInt = (1 << tagBits) - 1

    /// Every lookup reads the registry, so concurrent predictions share it; only create and free write.
    private static let registryLock = ReadWriteLock()
    nonisolated(unsafe) private static var live: [UInt: NetworkHandle] = [:]
    nonisolated(unsafe) private static var issued: UInt = 0
}

/// The pthread_atfork handlers, registered once, with the first network. They belong to this library: glibc
/// drops them when it is dlclose()d.
enum ForkHandlers {
    static let install: Void = {
        pthread_atfork({ NetworkHandle.prepareFork() }, { NetworkHandle.afterFork(inChild: false) },
                       { NetworkHandle.afterFork(inChild: true) })
    }()
}
