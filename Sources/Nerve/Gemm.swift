import CBLAS

/// Row-major single-precision C = alpha · op(A) · op(B) + beta · C, the one BLAS call the network needs.
/// With a worker, products are split in two along C's longer side, each half on single-threaded BLAS.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
          _ b: UnsafePointer<Float>, ldb: Int,
          beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int, worker: SplitWorker? = nil) {
    let job = GemmJob(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    if let worker {
        // OpenBLAS's own pool would spin on the core the worker uses, so it gets one thread throughout.
        BlasThreads.fit(work: 0)
        if SplitWorker.worthSplitting(m * n * k), max(m, n) >= 2 {
            let (first, second) = job.halves()
            worker.run(.product(first), .product(second))
        } else {
            job.run()
        }
    } else {
        BlasThreads.fit(work: m * n * k)
        job.run()
    }
}

/// One sgemm call's arguments, so a product can be cut in two and handed to another thread without a closure.
struct GemmJob {
    var transposeA = false, transposeB = false
    var m = 0, n = 0, k = 0
    var alpha: Float = 0
    var a: UnsafePointer<Float>?, lda = 1
    var b: UnsafePointer<Float>?, ldb = 1
    var beta: Float = 0
    var c: UnsafeMutablePointer<Float>?, ldc = 1

    static let none = GemmJob()

    /// Calls BLAS with whatever thread count is set; only the thread that plans the product sets it.
    func run() {
        guard let a, let b, let c, m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The same product as two independent ones over C's rows or columns, whichever are more.
    func halves() -> (GemmJob, GemmJob) {
        var first = self, second = self
        guard let a, let b, let c else { return (self, .none) }
        if m >= n {
            let split = m / 2
            first.m = split
            second.m = m - split
            second.a = transposeA ? a + split : a + split * lda
            second.c = c + split * ldc
        } else {
            let split = n / 2
            first.n = split
            second.n = n - split
            second.b = transposeB ? b + split * ldb : b + split
            second.c = c + split
        }
        return (first, second)
    }
}

/// y = A · x + y for a row-major m × n matrix A.
@inline(__always)
func gemv(m: Int, n: Int, _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    BlasThreads.fit(work: m * n)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(n), x, 1, 1, y, 1)
}

/// OpenBLAS splits every product across all cores, and for the small products of a mini-batch (10×784×100) the
/// hand-off costs more than it saves. Below a few million multiply-adds one thread is used.
enum BlasThreads {
    static let threshold = 1 << 22
    static let available = max(1, Int(openblas_get_num_threads()))
    nonisolated(unsafe) static var current = available

    @inline(__always)
    static func fit(work: Int) {
        let wanted = work < threshold ? 1 : available
        // A racy read at worst costs one redundant call: the setting only affects speed.
        if wanted != current {
            current = wanted
            openblas_set_num_threads(Int32(wanted))
        }
    }
}
