/// A mini-batch cut into at most Tuning.sampleGroups runs of consecutive samples, fixed by the number of rows
/// alone. Layers whose work is per sample (convolution, pooling) hand one group per chunk to the team; a
/// convolution also sums its weight gradient per group and then the groups in order, so the sum is the same
/// on any number of threads. Each group owns a slot of the layer's scratch memory.
struct SampleGroups {
    let rows: Int
    let perGroup: Int
    let count: Int

    init(rows: Int) {
        self.rows = rows
        perGroup = max(1, divideRoundingUp(rows, Tuning.sampleGroups))
        count = divideRoundingUp(rows, perGroup)
    }

    /// Scratch slots needed for up to `rows` samples.
    static func slots(rows: Int) -> Int { min(max(rows, 1), Tuning.sampleGroups) }

    func samples(of group: Int) -> Range<Int> { group * perGroup..<min(rows, (group + 1) * perGroup) }

    /// Runs body(group) for every group: shared by the team when the work repays it, else here in order.
    func forEach(workPerSample: Int, team: WorkerTeam?, _ body: (Int) -> Void) {
        let (work, overflow) = rows.multipliedReportingOverflow(by: max(workPerSample, 1))
        if let team, count > 1, overflow || work >= Tuning.minimumParallelWork {
            team.run(chunks: count, body)
        } else {
            for group in 0..<count { body(group) }
        }
    }
}
