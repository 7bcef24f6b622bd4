import Testing
@testable import Nerve

/// Products split between the caller and the worker must equal the textbook product, whichever side is cut
/// and whether either operand is transposed; and training with the worker must learn like training without.
@Suite struct SplitWorkerTests {
    /// C = alpha·op(A)·op(B) + beta·C by the definition, in Double.
    static func reference(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                          a: [Float], b: [Float], beta: Double, c: [Float]) -> [Double] {
        var result = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(av) * Double(bv)
                }
                result[i * n + j] = alpha * sum + beta * Double(c[i * n + j])
            }
        }
        return result
    }

    @Test(arguments: [(10, 100, 784), (300, 20, 64), (64, 65, 64), (3, 1000, 50)])
    func splitProductMatchesDefinition(shape: (Int, Int, Int)) throws {
        let (m, n, k) = shape
        #expect(SplitWorker.worthSplitting(m * n * k), "the shape must take the split path")
        let worker = try #require(SplitWorker.start(), "this test needs two cores")
        defer { worker.stop() }
        var generator = Random(seed: UInt64(m * 31 + n))
        let a = (0..<(m * k)).map { _ in Float(generator.nextGaussian()) }
        let b = (0..<(k * n)).map { _ in Float(generator.nextGaussian()) }
        let c0 = (0..<(m * n)).map { _ in Float(generator.nextGaussian()) }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            var c = c0
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5,
                             ap.baseAddress!, lda: ta ? m : k, bp.baseAddress!, ldb: tb ? k : n,
                             beta: 2, cp.baseAddress!, ldc: n, worker: worker)
                    }
                }
            }
            let expected = SplitWorkerTests.reference(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5,
                                                      a: a, b: b, beta: 2, c: c0)
            for i in 0..<(m * n) {
                #expect(abs(Double(c[i]) - expected[i]) <= 1e-4 * (1 + abs(expected[i])),
                        "op(A)\(ta ? "ᵀ" : "")·op(B)\(tb ? "ᵀ" : "") [\(i)]: \(c[i]) vs \(expected[i])")
            }
        }
    }

    @Test func manyHandOffsInARow() throws {
        let worker = try #require(SplitWorker.start(), "this test needs two cores")
        defer { worker.stop() }
        let a = [Float](repeating: 1, count: 64 * 64), b = [Float](repeating: 2, count: 64 * 64)
        var c = [Float](repeating: 0, count: 64 * 64)
        for _ in 0..<2_000 {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        gemm(transposeA: false, transposeB: false, m: 64, n: 64, k: 64, alpha: 1, ap.baseAddress!,
                             lda: 64, bp.baseAddress!, ldb: 64, beta: 0, cp.baseAddress!, ldc: 64, worker: worker)
                    }
                }
            }
        }
        #expect(c.allSatisfy { $0 == 128 })
    }

    /// Each update rule, run in two halves, must move every parameter exactly as the rule says, written out here.
    @Test(arguments: [ParameterUpdate.Rule.addVelocity, .gradientStep, .momentumStep, .adamStep])
    func splitUpdatesFollowTheirRule(rule: ParameterUpdate.Rule) throws {
        let worker = try #require(SplitWorker.start(), "this test needs two cores")
        defer { worker.stop() }
        let count = ParameterUpdate.minimumSplit * 2 + 3
        var generator = Random(seed: 5)
        func draw() -> [Float] { (0..<count).map { _ in Float(generator.nextGaussian()) } }
        var p = draw(), g = draw(), v = draw(), s = draw().map { $0 * $0 }
        let p0 = p, g0 = g, v0 = v, s0 = s
        let (eta, mu, b1, b2, rate, eps): (Float, Float, Float, Float, Float, Float) = (0.1, 0.9, 0.8, 0.95, 0.05, 1e-3)
        p.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { gp in
                v.withUnsafeMutableBufferPointer { vp in
                    s.withUnsafeMutableBufferPointer { sp in
                        var update = ParameterUpdate()
                        update.rule = rule
                        update.range = 0..<count
                        update.parameters = pp.baseAddress
                        update.gradient = gp.baseAddress
                        update.velocity = vp.baseAddress
                        update.secondMoment = sp.baseAddress
                        update.learningRate = eta
                        update.momentum = mu
                        update.beta1 = b1
                        update.beta2 = b2
                        update.rate = rate
                        update.epsilonHat = eps
                        update.run(sharingWith: worker)
                    }
                }
            }
        }
        for k in 0..<count {
            var expected = p0[k]
            switch rule {
            case .addVelocity: expected += v0[k]
            case .gradientStep: expected -= eta * g0[k]
            case .momentumStep: expected += mu * v0[k] - eta * g0[k]
            case .adamStep:
                let m = b1 * v0[k] + (1 - b1) * g0[k], second = b2 * s0[k] + (1 - b2) * g0[k] * g0[k]
                expected -= rate * m / (second.squareRoot() + eps)
            }
            #expect(abs(p[k] - expected) <= 1e-6 * (1 + abs(expected)), "\(rule) at \(k): \(p[k]) vs \(expected)")
        }
    }
}
