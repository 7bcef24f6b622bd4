import CBLAS

/// Row-major single-precision C = alpha · op(A) · op(B) + beta · C, the one BLAS call the network needs.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
          _ b: UnsafePointer<Float>, ldb: Int,
          beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
