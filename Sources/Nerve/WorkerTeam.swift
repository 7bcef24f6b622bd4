#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The calling thread plus helper threads that live for one library call and share its work.
///
/// Work is a count of chunks whose boundaries the caller fixed from shapes alone; every thread, the caller
/// included, claims the next unstarted chunk with one atomic compare-and-swap. The caller keeps claiming until
/// none is left, so a helper that the OS has descheduled delays the call by at most the one chunk it holds.
/// Threads that wait yield their core or sleep: nothing spins on a core another process needs. Handing out a
/// job allocates nothing.
package final class WorkerTeam: @unchecked Sendable {
    private var helpers: [pthread_t] = []
    private let lock = Mutex()
    private let workPosted: UnsafeMutablePointer<pthread_cond_t>
    private let jobFinished: UnsafeMutablePointer<pthread_cond_t>
    private var stopping = false

    /// The open job, as one word: its number (high 32 bits) and its next unclaimed chunk (low 32 bits), which
    /// is `closed` between jobs. A claim succeeds only while the number is unchanged, so a helper that slept
    /// through a job can never take a chunk of the next one with the old one's bounds.
    private let claims = Atomic<Int>(WorkerTeam.closed)
    private static let closed = 0xFFFF_FFFF
    private var jobNumber = 0
    /// The open job's size, progress and body: written by the caller only while the job is closed, read by
    /// helpers only after they claimed one of its chunks. The body is the caller's non-escaping closure,
    /// dropped before `run` returns.
    private let chunkCount = Atomic<Int>(0)
    private let done = Atomic<Int>(0)
    private var body: ((Int) -> Void)?

    /// Until when the caller runs jobs alone, and for how long it did so last (see adjustSharing).
    private var soloUntil = 0.0
    private var soloPeriod = 0.0

    /// A team of `threads` threads (the caller and threads − 1 helpers). Helpers that cannot be started are
    /// simply missing: the caller does their share.
    init(threads: Int) {
        workPosted = .allocate(capacity: 1)
        workPosted.initialize(to: pthread_cond_t())
        pthread_cond_init(workPosted, nil)
        jobFinished = .allocate(capacity: 1)
        jobFinished.initialize(to: pthread_cond_t())
        pthread_cond_init(jobFinished, nil)
        for _ in 1..<max(threads, 1) {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let started = pthread_create(&thread, nil, { raw in
                let team = Unmanaged<WorkerTeam>.fromOpaque(raw!).takeRetainedValue()
                team.serve()
                return nil
            }, context)
            if started == 0 {
                helpers.append(thread)
            } else {
                Unmanaged<WorkerTeam>.fromOpaque(context).release()
                break
            }
        }
    }

    deinit {
        pthread_cond_destroy(workPosted)
        pthread_cond_destroy(jobFinished)
        workPosted.deallocate()
        jobFinished.deallocate()
    }

    /// Ends and joins the helpers. Must be called once, by the owner, before the team is dropped.
    func stop() {
        lock.withLock {
            stopping = true
            pthread_cond_broadcast(workPosted)
        }
        for thread in helpers { pthread_join(thread, nil) }
        helpers.removeAll()
    }

    /// Runs body(0) … body(chunks − 1), each exactly once, on whichever threads claim them; returns when all
    /// are done.
    func run(chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, !helpers.isEmpty, monotonicSeconds() >= soloUntil else {
            for chunk in 0..<max(chunks, 0) { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            jobNumber = (jobNumber + 1) & 0x7FFF_FFFF
            self.body = body
            chunkCount.store(chunks, ordering: .relaxed)
            done.store(0, ordering: .relaxed)
            lock.withLock {
                claims.store(jobNumber << 32, ordering: .releasing)
                pthread_cond_broadcast(workPosted)
            }
            let started = monotonicSeconds()
            let mine = work(on: jobNumber)
            let claimed = monotonicSeconds()
            // A helper still in its last chunk finishes within about one chunk's time: wait that long awake,
            // since waking from a sleep takes longer than a chunk.
            let chunkSeconds = (claimed - started) / Double(max(mine, 1))
            let awakeUntil = claimed + min(2 * chunkSeconds, Tuning.longestAwakeWait)
            var spins = 0
            while done.load(ordering: .acquiring) < chunks {
                spins += 1
                if spins % 64 != 0 || monotonicSeconds() < awakeUntil { continue }
                lock.withLock {
                    while done.load(ordering: .acquiring) < chunks { pthread_cond_wait(jobFinished, lock.raw) }
                }
            }
            claims.store(jobNumber << 32 | WorkerTeam.closed, ordering: .releasing)
            self.body = nil
            adjustSharing(waited: monotonicSeconds() - claimed, chunkSeconds: chunkSeconds)
        }
    }

    /// A helper that held the caller up for long was off its core, most likely because another process wants
    /// the machine. Then the caller works alone for a while (doubling each time it happens again, halving
    /// while helpers keep up), so a busy machine costs a call at most an occasional stall, never one per job.
    private func adjustSharing(waited: Double, chunkSeconds: Double) {
        // A helper that is on its core finishes its last chunk within about a chunk's time of the caller.
        if waited > Tuning.stallSeconds + 2 * chunkSeconds {
            soloPeriod = min(max(soloPeriod * 2, Tuning.minimumSoloSeconds), Tuning.maximumSoloSeconds)
            soloUntil = monotonicSeconds() + soloPeriod
        } else {
            soloPeriod /= 2
        }
    }

    /// Claims and runs chunks of job `number` until none is left unstarted; returns how many it ran.
    @discardableResult
    private func work(on number: Int) -> Int {
        var ran = 0
        var word = claims.load(ordering: .acquiring)
        while word >> 32 == number, word & WorkerTeam.closed < chunkCount.load(ordering: .relaxed) {
            let (claimed, current) = claims.compareExchange(expected: word, desired: word + 1,
                                                            ordering: .acquiringAndReleasing)
            guard claimed else {
                word = current
                continue
            }
            body?(word & WorkerTeam.closed)
            ran += 1
            if done.add(1, ordering: .acquiringAndReleasing).newValue == chunkCount.load(ordering: .relaxed) {
                lock.withLock { _ = pthread_cond_signal(jobFinished) }
            }
            word = claims.load(ordering: .acquiring)
        }
        return ran
    }

    private func serve() {
        var seen = 0
        while true {
            var yields = 0
            while claims.load(ordering: .acquiring) >> 32 == seen && yields < Tuning.yieldsBeforeSleeping {
                yields += 1
                sched_yield()
            }
            let stop: Bool = lock.withLock {
                while claims.load(ordering: .acquiring) >> 32 == seen && !stopping {
                    pthread_cond_wait(workPosted, lock.raw)
                }
                seen = claims.load(ordering: .acquiring) >> 32
                return stopping
            }
            if stop { return }
            // The job may already be finished: then this finds nothing to claim.
            work(on: seen)
        }
    }
}

extension WorkerTeam {
    /// Runs `body` with a team of `threads` threads, or with none when one thread is asked for.
    static func with<T>(threads: Int, _ body: (WorkerTeam?) throws -> T) rethrows -> T {
        guard threads > 1 else { return try body(nil) }
        let team = WorkerTeam(threads: threads)
        defer { team.stop() }
        return try body(team)
    }

    /// Splits `count` elements into fixed chunks of Tuning.elementChunk and runs body(range) for each.
    func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunk = Tuning.elementChunk
        run(chunks: (count + chunk - 1) / chunk) { i in body(i * chunk..<min(count, (i + 1) * chunk)) }
    }
}

/// Element-wise work over `count` elements: shared by the team when long enough, otherwise run here.
func forEachRange(_ count: Int, team: WorkerTeam?, _ body: (Range<Int>) -> Void) {
    if let team, count >= Tuning.minimumParallelElements {
        team.forEachRange(count, body)
    } else if count > 0 {
        body(0..<count)
    }
}
