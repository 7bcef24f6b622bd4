import CNerveKernels

/// The three matrix products of a dense layer, cut into chunks of C's rows and columns that the team shares.
/// The kernels compute every element of C as one chain of fused multiply-adds whose order depends only on the
/// shapes (see nerve_kernels.h), so neither the chunking nor the thread that runs a chunk changes a bit of
/// the result; chunks never split the summed dimension.
enum MatrixProduct {
    /// Z += X · Wᵀ: X is rows × k, W is n × k (one row per output), Z is rows × n (holding the biases).
    static func forward(_ x: UnsafePointer<Float>, rows: Int, k: Int, weights w: UnsafePointer<Float>, n: Int,
                        into z: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
        share(m: rows, n: n, k: k, chunkRows: Tuning.chunkRowsOfX, team: team) { r, c in
            nerve_gemm_nt(Int64(r.count), Int64(c.count), Int64(k), x + r.lowerBound * k, k,
                          w + c.lowerBound * k, k, z + r.lowerBound * n + c.lowerBound, n, 1)
        }
    }

    /// G = Δ · W: Δ is rows × m (∂C/∂z of the layer), W is m × k, G is rows × k (∂C/∂input).
    static func inputGradient(_ delta: UnsafePointer<Float>, rows: Int, m: Int, weights w: UnsafePointer<Float>,
                              k: Int, into g: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
        share(m: rows, n: k, k: m, chunkRows: Tuning.chunkRowsOfA, team: team) { r, c in
            nerve_gemm_nn(Int64(r.count), Int64(c.count), Int64(m), delta + r.lowerBound * m, m, 1,
                          w + c.lowerBound, k, g + r.lowerBound * k + c.lowerBound, k, 0)
        }
    }

    /// dW = Δᵀ · X summed over the rows (or dW += Δᵀ · X): Δ is rows × m, X is rows × k, dW is m × k. The
    /// rows (the batch) are the summed dimension, so they are never split: training is the same on any number
    /// of threads.
    static func weightGradient(_ delta: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, m: Int, k: Int,
                               into dw: UnsafeMutablePointer<Float>, accumulate: Bool = false, team: WorkerTeam?) {
        share(m: m, n: k, k: rows, chunkRows: Tuning.chunkRowsOfA, team: team) { r, c in
            nerve_gemm_nn(Int64(r.count), Int64(c.count), Int64(rows), delta + r.lowerBound, 1, m,
                          x + c.lowerBound, k, dw + r.lowerBound * k + c.lowerBound, k, accumulate ? 1 : 0)
        }
    }

    /// Cuts an m × n result (each element a sum of k products) into blocks fixed by (m, n, k) alone and hands
    /// them to the team, or computes it whole when it is too small to share.
    private static func share(m: Int, n: Int, k: Int, chunkRows: Int, team: WorkerTeam?,
                              _ block: (Range<Int>, Range<Int>) -> Void) {
        guard m > 0, n > 0 else { return }
        let work = m * n * max(k, 1)
        guard let team, work >= Tuning.minimumParallelWork else {
            block(0..<m, 0..<n)
            return
        }
        let grid = Grid(m: m, n: n, chunkRows: chunkRows)
        team.run(chunks: grid.rowBlocks * grid.columnBlocks) { chunk in
            let r = chunk / grid.columnBlocks, c = chunk % grid.columnBlocks
            block(r * grid.rowBlock..<min(m, (r + 1) * grid.rowBlock),
                  c * grid.columnBlock..<min(n, (c + 1) * grid.columnBlock))
        }
    }

    /// Blocks of `chunkRows` rows × Tuning.chunkColumns columns: whole register tiles, and long enough panels
    /// that the kernels run near their single-call speed on each block. A product with fewer blocks
    /// than Tuning.minimumChunks has its columns cut finer (in whole vectors of 16) so every thread gets some;
    /// one with more than Tuning.maxProductChunks has its row blocks grown.
    struct Grid {
        let rowBlock: Int, columnBlock: Int, rowBlocks: Int, columnBlocks: Int

        init(rowBlock: Int, columnBlock: Int, rowBlocks: Int, columnBlocks: Int) {
            self.rowBlock = rowBlock
            self.columnBlock = columnBlock
            self.rowBlocks = rowBlocks
            self.columnBlocks = columnBlocks
        }

        init(m: Int, n: Int, chunkRows: Int) {
            var rows = min(m, chunkRows)
            var columns = min(roundUp(n, to: 16), Tuning.chunkColumns)
            let rowCount = divideRoundingUp(m, rows)
            if rowCount * divideRoundingUp(n, columns) < Tuning.minimumChunks {
                let columnParts = divideRoundingUp(Tuning.minimumChunks, rowCount)
                columns = max(16, roundUp(divideRoundingUp(n, columnParts), to: 16))
            }
            let columnCount = divideRoundingUp(n, columns)
            while divideRoundingUp(m, rows) * columnCount > Tuning.maxProductChunks { rows *= 2 }
            self.init(rowBlock: rows, columnBlock: columns, rowBlocks: divideRoundingUp(m, rows),
                      columnBlocks: columnCount)
        }
    }
}

@inline(__always) func divideRoundingUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
@inline(__always) func roundUp(_ a: Int, to multiple: Int) -> Int { divideRoundingUp(a, multiple) * multiple }
