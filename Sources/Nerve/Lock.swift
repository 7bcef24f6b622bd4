#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex on the heap (a pthread object must not move, which a Swift stored property may).
package final class Mutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    /// Taking the lock once first orders the teardown after the last holder's unlock for a race detector,
    /// which cannot see the reference count that decided the teardown (try: a lock held across fork() by a
    /// thread the child does not have would never be released).
    deinit {
        if pthread_mutex_trylock(mutex) == 0 { pthread_mutex_unlock(mutex) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// For pthread_cond_wait.
    var raw: UnsafeMutablePointer<pthread_mutex_t> { mutex }

    package func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    /// In a child process after fork(), for a lock the forking thread held: made new and unlocked.
    package func resetAfterFork() { pthread_mutex_init(mutex, nil) }
    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Many readers or one writer. Writers are preferred so a stream of predictions cannot starve training.
package final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    package init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        initialize()
    }

    /// In a child process after fork(), for a lock the forking thread held: made new and unlocked. (glibc
    /// records a writer's thread id, which the child's copy of the thread no longer has, so an unlock there
    /// would be taken for a reader's.)
    package func resetAfterFork() { initialize() }

    private func initialize() {
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if canImport(Glibc)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    /// As Mutex's.
    deinit {
        if pthread_rwlock_trywrlock(lock) == 0 { pthread_rwlock_unlock(lock) }
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    package func lockShared() { pthread_rwlock_rdlock(lock) }
    package func lockExclusive() { pthread_rwlock_wrlock(lock) }
    package func tryLockExclusive() -> Bool { pthread_rwlock_trywrlock(lock) == 0 }
    package func unlock() { pthread_rwlock_unlock(lock) }

    @inline(__always)
    package func reading<T>(_ body: () throws -> T) rethrows -> T {
        lockShared()
        defer { unlock() }
        return try body()
    }

    @inline(__always)
    package func writing<T>(_ body: () throws -> T) rethrows -> T {
        lockExclusive()
        defer { unlock() }
        return try body()
    }
}
