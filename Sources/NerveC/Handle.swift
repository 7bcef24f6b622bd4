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

    /// Calls in progress, and the handle's own reference once nerve_free has come while some were: the last
    /// call to leave drops it. A mutex rather than an atomic count, so that a race detector sees every call's
    /// end ordered before the teardown (it cannot see Swift's reference counts inside this library).
    private let calls = Mutex()
    private var inFlight = 0
    private var keepAlive: NetworkHandle?

    init(_ network: Network) { self.network = network }

    /// Orders the teardown (the network's buffers included) after every call's unlock for a race detector,
    /// which cannot see the reference count. A network inherited in use across fork() keeps its locks held.
    deinit {
        guard !inheritedInUse else { return }
        access.lockExclusive()
        access.unlock()
    }

    /// A call begins using this network; it leaves when its call frame ends (see CallFrame).
    private func enter() { calls.withLock { inFlight += 1 } }

    func leave() {
        let last: NetworkHandle? = calls.withLock {
            inFlight = max(inFlight - 1, 0)
            guard inFlight == 0 else { return nil }
            defer { keepAlive = nil }
            return keepAlive
        }
        _ = last  // the network goes here, after the lock, if nerve_free came while calls were running
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
    /// Inside an entry point the call enters the network, which then outlives a nerve_free from another
    /// thread until the call returns.
    static func resolve(_ pointer: OpaquePointer?) throws -> NetworkHandle {
        guard let pointer else { throw NerveError.invalid("net is NULL") }
        let value = UInt(bitPattern: pointer)
        let frame = CallFrame.current
        let found: NetworkHandle? = registryLock.reading {
            guard value & tagMask == 0, let handle = live[value >> tagBits] else { return nil }
            // Entered under the registry's lock, so a nerve_free cannot come between the lookup and this.
            if let frame, frame.pointee.entered == nil, !handle.inheritedInUse {
                handle.enter()
                frame.pointee.entered = Unmanaged.passUnretained(handle)
            }
            return handle
        }
        guard let handle = found else {
            throw NerveError.invalid("net is not a live network (freed, or not from nerve_create/nerve_load)")
        }
        guard !handle.inheritedInUse else {
            throw NerveError.invalid("net was in use by another thread when this process forked; in this process it can only be freed")
        }
        return handle
    }

    /// Unregisters; the network goes now, or when the last call using it returns. Unknown values are ignored.
    static func release(_ pointer: OpaquePointer?) {
        guard let pointer else { return }
        let value = UInt(bitPattern: pointer)
        guard value & tagMask == 0 else { return }
        guard let removed = registryLock.writing({ live.removeValue(forKey: value >> tagBits) }) else { return }
        removed.calls.withLock {
            if removed.inFlight > 0 { removed.keepAlive = removed }
        }
    }

    /// fork() copies only the calling thread. Before it, every network no other thread is using is locked, so
    /// the child inherits it whole and usable; a network that another thread holds (training, predicting) is
    /// marked in the child, where only nerve_free accepts it. The registry's own lock is held across the fork.
    static func prepareFork() {
        registryLock.lockExclusive()
        for handle in live.values {
            handle.calls.lock()
            if handle.training.tryLock() {
                if handle.access.tryLockExclusive() { handle.heldAcrossFork = true } else { handle.training.unlock() }
            }
        }
    }

    static func afterFork(inChild: Bool) {
        for handle in live.values {
            if inChild {
                handle.calls.resetAfterFork()
                handle.inFlight = 0  // the calls of the parent's other threads do not exist here
            } else {
                handle.calls.unlock()
            }
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
