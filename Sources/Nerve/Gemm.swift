import CBLAS

/// Row-major single-precision C = alpha · op(A) · op(B) + beta · C, the one BLAS call the network needs.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
          _ b: UnsafePointer<Float>, ldb: Int,
          beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    BlasThreads.fit(work: m * n * k)
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
    static let available = Int(openblas_get_num_threads())
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
