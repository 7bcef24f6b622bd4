#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import Nerve

/// Chunks are claimed by whichever thread gets there first, each runs once, and the caller takes back any
/// chunk no helper has started.
@Suite struct WorkerTeamTests {
    @Test(arguments: [1, 2, 3, 5])
    func everyChunkRunsExactlyOnce(threads: Int) {
        WorkerTeam.with(threads: threads) { team in
            for chunks in [0, 1, 2, 7, 64, 1000] {
                let counts = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: max(chunks, 1))
                for i in 0..<chunks { (counts + i).initialize(to: Atomic(0)) }
                defer { counts.deallocate() }
                if let team {
                    team.run(chunks: chunks) { counts[$0].add(1, ordering: .relaxed) }
                } else {
                    for i in 0..<chunks { counts[i].add(1, ordering: .relaxed) }
                }
                #expect((0..<chunks).allSatisfy { counts[$0].load(ordering: .relaxed) == 1 }, "\(chunks) chunks")
            }
        }
    }

    /// Thousands of small jobs in a row, as a training run hands out, with no chunk lost or repeated.
    @Test func manyJobsInARow() {
        let team = WorkerTeam(threads: 3)
        defer { team.stop() }
        let total = Atomic<Int>(0)
        for _ in 0..<5_000 { team.run(chunks: 4) { _ in total.add(1, ordering: .relaxed) } }
        #expect(total.load(ordering: .relaxed) == 20_000)
    }

    /// A helper stuck in its chunk (as a descheduled thread would be) holds up only that chunk: the caller
    /// runs all the others.
    @Test func callerTakesBackWorkNobodyStarted() {
        let team = WorkerTeam(threads: 2)
        defer { team.stop() }
        let caller = pthread_self()
        let byCaller = Atomic<Int>(0), byHelper = Atomic<Int>(0)
        team.run(chunks: 200) { _ in
            if pthread_equal(pthread_self(), caller) != 0 {
                byCaller.add(1, ordering: .relaxed)
            } else {
                byHelper.add(1, ordering: .relaxed)
                usleep(200_000)
            }
        }
        #expect(byCaller.load(ordering: .relaxed) + byHelper.load(ordering: .relaxed) == 200)
        #expect(byHelper.load(ordering: .relaxed) <= 1, "the helper was held in its first chunk")
    }
}
