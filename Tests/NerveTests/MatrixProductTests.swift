import Testing
@testable import Nerve

/// A dense layer's three products, shared out over a team in chunks, equal their definitions computed in Double.
@Suite struct MatrixProductTests {
    static func values(_ count: Int, _ random: inout SplitMix) -> [Float] { random.uniforms(count, -1, 1) }

    /// Within the classic bound for a float sum of `terms` terms: terms · 2⁻²⁴ · Σ|term|, with Σ|term| ≥ 1.
    static func expectClose(_ actual: [Float], _ expected: [Double], magnitude: [Double], terms: Int, _ what: String) {
        let unit = Double(terms + 1) * 0x1p-24
        let worst = (0..<actual.count).map { abs(Double(actual[$0]) - expected[$0]) / (unit * max(magnitude[$0], 1)) }.max() ?? 0
        #expect(worst <= 1, "\(what): error is \(worst) × the bound")
    }

    @Test(arguments: [(1, 784, 100), (10, 784, 100), (128, 256, 128), (37, 65, 17), (300, 3, 1000)])
    func productsMatchTheirDefinitions(shape: (Int, Int, Int)) {
        let (rows, k, m) = shape
        var random = SplitMix(state: UInt64(rows * 7 + k))
        let x = MatrixProductTests.values(rows * k, &random), w = MatrixProductTests.values(m * k, &random)
        let bias = MatrixProductTests.values(rows * m, &random), delta = MatrixProductTests.values(rows * m, &random)
        for threads in [1, 3] {
            WorkerTeam.with(threads: threads) { team in
                var z = bias, g = [Float](repeating: .nan, count: rows * k), dw = [Float](repeating: .nan, count: m * k)
                x.withUnsafeBufferPointer { xp in
                    w.withUnsafeBufferPointer { wp in
                        delta.withUnsafeBufferPointer { dp in
                            MatrixProduct.forward(xp.baseAddress!, rows: rows, k: k, weights: wp.baseAddress!, n: m,
                                                  into: &z, team: team)
                            MatrixProduct.inputGradient(dp.baseAddress!, rows: rows, m: m, weights: wp.baseAddress!,
                                                        k: k, into: &g, team: team)
                            MatrixProduct.weightGradient(dp.baseAddress!, xp.baseAddress!, rows: rows, m: m, k: k,
                                                         into: &dw, team: team)
                        }
                    }
                }
                var zRef = [Double](repeating: 0, count: rows * m), gRef = [Double](repeating: 0, count: rows * k)
                var dwRef = [Double](repeating: 0, count: m * k)
                var zAbs = zRef, gAbs = gRef, dwAbs = dwRef
                for r in 0..<rows {
                    for j in 0..<m {
                        var sum = Double(bias[r * m + j]), size = abs(sum)
                        for p in 0..<k {
                            let term = Double(x[r * k + p]) * Double(w[j * k + p])
                            sum += term
                            size += abs(term)
                        }
                        zRef[r * m + j] = sum
                        zAbs[r * m + j] = size
                        for p in 0..<k {
                            let back = Double(delta[r * m + j]) * Double(w[j * k + p])
                            let outer = Double(delta[r * m + j]) * Double(x[r * k + p])
                            gRef[r * k + p] += back
                            gAbs[r * k + p] += abs(back)
                            dwRef[j * k + p] += outer
                            dwAbs[j * k + p] += abs(outer)
                        }
                    }
                }
                let label = "\(rows)×\(k)→\(m), \(threads) threads"
                MatrixProductTests.expectClose(z, zRef, magnitude: zAbs, terms: k + 1, "Z = X·Wᵀ + b, \(label)")
                MatrixProductTests.expectClose(g, gRef, magnitude: gAbs, terms: m, "∂C/∂X = Δ·W, \(label)")
                MatrixProductTests.expectClose(dw, dwRef, magnitude: dwAbs, terms: rows, "∂C/∂W = Δᵀ·X, \(label)")
            }
        }
    }

    /// The chunk grid depends on the shapes alone and covers the result exactly once.
    @Test(arguments: [Tuning.chunkRowsOfX, Tuning.chunkRowsOfA])
    func gridCoversTheResult(chunkRows: Int) {
        for (m, n) in [(1, 1), (10, 100), (100, 784), (1000, 10), (7, 3000), (4096, 4096)] {
            let grid = MatrixProduct.Grid(m: m, n: n, chunkRows: chunkRows)
            #expect(grid.rowBlock % chunkRows == 0 || grid.rowBlocks == 1)
            #expect(grid.columnBlock % 16 == 0 || grid.columnBlocks == 1)
            #expect((grid.rowBlocks - 1) * grid.rowBlock < m && grid.rowBlocks * grid.rowBlock >= m)
            #expect((grid.columnBlocks - 1) * grid.columnBlock < n && grid.columnBlocks * grid.columnBlock >= n)
            #expect(grid.rowBlocks * grid.columnBlocks <= Tuning.maxProductChunks)
        }
    }
}
