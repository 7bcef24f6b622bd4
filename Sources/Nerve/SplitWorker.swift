#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A second thread that computes half of each matrix product during training.
///
/// OpenBLAS either runs a product on one core or hands it to its thread pool, and for the products of a small
/// mini-batch (10 × 784 × 100) the pool costs more than it gains; after each pooled call its threads also spin,
/// taking the other core from whatever runs next. Splitting each product between the caller and one worker,
/// both on single-threaded BLAS, uses two cores at the cost of one hand-off per product. Which products are
/// split depends only on their shapes, so results stay reproducible on a given machine.
public final class SplitWorker: @unchecked Sendable {
    /// Products with fewer multiply-adds are not worth a hand-off.
    static let minimumWork = 1 << 17
    static func worthSplitting(_ work: Int) -> Bool { work >= minimumWork }

    private let posted = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var job = Work.none
    private let sleepLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread = pthread_t()

    /// A worker, or nil where there is only one core or no thread could be started.
    static func start() -> SplitWorker? {
        guard BlasThreads.available >= 2 else { return nil }
        let worker = SplitWorker()
        let context = Unmanaged.passRetained(worker).toOpaque()
        let started = pthread_create(&worker.thread, nil, { raw in
            let worker = Unmanaged<SplitWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.serve()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<SplitWorker>.fromOpaque(context).release()
            return nil
        }
        return worker
    }

    private init() {
        sleepLock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(sleepLock, nil)
        wakeUp.initialize(to: pthread_cond_t())
        pthread_cond_init(wakeUp, nil)
    }

    deinit {
        pthread_cond_destroy(wakeUp)
        pthread_mutex_destroy(sleepLock)
        wakeUp.deallocate()
        sleepLock.deallocate()
    }

    /// What the worker can be handed: plain values, so a hand-off allocates nothing.
    enum Work {
        case none
        case product(GemmJob)
        case update(ParameterUpdate)

        func run() {
            switch self {
            case .none: break
            case .product(let job): job.run()
            case .update(let update): update.run()
            }
        }
    }

    /// Computes `mine` here and `theirs` on the worker, returning when both are done.
    func run(_ mine: Work, _ theirs: Work) {
        job = theirs
        let generation = post()
        mine.run()
        var spins = 0
        while finished.load(ordering: .acquiring) != generation {
            spins += 1
            if spins > 2_000 { sched_yield() }
        }
    }

    /// Ends the worker thread and waits for it. Call once, when training is over.
    func stop() {
        stopping.store(true, ordering: .releasing)
        _ = post()
        pthread_join(thread, nil)
    }

    private func post() -> Int {
        let generation = posted.add(1, ordering: .releasing).newValue
        pthread_mutex_lock(sleepLock)
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(sleepLock)
        return generation
    }

    /// Spins briefly between hand-offs (they come every few microseconds during training), then sleeps.
    private func serve() {
        var seen = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == seen {
                spins += 1
                if spins > 1 << 18 {
                    pthread_mutex_lock(sleepLock)
                    while posted.load(ordering: .acquiring) == seen { pthread_cond_wait(wakeUp, sleepLock) }
                    pthread_mutex_unlock(sleepLock)
                }
            }
            seen = posted.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            job.run()
            finished.store(seen, ordering: .releasing)
        }
    }
}
