// The eigenvalue part of the kernel ABI (pointers are byte offsets, lengths element
// counts): Householder tridiagonalization of a packed 'U' matrix, the basis it
// defines, and the QL iteration on the tridiagonal matrix.

/** Status of the QL kernels when every eigenvalue converged; 1 + l otherwise. */
export const EIGEN_CONVERGED = 0;

/** The QL kernels give up after this many sweeps per eigenvalue on average (one budget per matrix, as LAPACK). */
export const QL_SWEEPS_PER_VALUE = 30;

export interface EigenKernels {
  /**
   * Reduces the packed 'U' matrix at ap (dimension d) in place to T = Qᵀ A Q: diag[0..d),
   * offdiag[0..d−1) (T[i][i+1]) and the reflector scales tau[0..d−1); the reflector vectors
   * stay in ap. work: 2·d + 2 f64, 16-byte aligned.
   */
  tridiagonalize(ap: number, d: number, diag: number, offdiag: number, tau: number, work: number): void;
  /**
   * As tridiagonalize, for the d×d column-major matrix at a (upper triangle referenced, lda = d):
   * u for H(i) is column i+1 of a, rows 0..i; the strict lower triangle is overwritten.
   * work: tridiagonalizeDenseWorkBytes(d) bytes, 16-byte aligned. The WebAssembly builds reduce
   * the matrix in panels with a rank-2k update of the rest (as LAPACK's dsytrd); the
   * plain-TypeScript backend one column at a time.
   */
  tridiagonalizeDense(a: number, d: number, diag: number, offdiag: number, tau: number, work: number): void;
  /** Bytes of work tridiagonalizeDense needs for dimension d. */
  tridiagonalizeDenseWorkBytes(d: number): number;
  /**
   * All k roots of the secular equation 1/ρ + Σ zᵢ²/(dᵢ − λ) = 0 over the poles d[0..k)
   * (strictly ascending) with weights z[0..k) (none zero), ρ > 0: roots[j] = λⱼ ascending and
   * row j of the row-major k×k delta the differences dᵢ − λⱼ, each computed relative to the
   * nearer pole. Returns EIGEN_CONVERGED, or 1 + j when root j did not converge.
   */
  secularRoots(d: number, z: number, k: number, rho: number, delta: number, roots: number): number;
  /** Writes Qᵀ (row c = column c of Q), row-major d×d, at q from what tridiagonalize left in ap and tau. */
  tridiagonalBasis(ap: number, d: number, tau: number, q: number): void;
  /**
   * Eigenvalues of the tridiagonal (diag, offdiag) into diag, ascending; offdiag is destroyed.
   * Returns EIGEN_CONVERGED, or 1 + l when the 30·n sweep budget ran out at diag[l].
   */
  tridiagonalEigenvalues(diag: number, offdiag: number, n: number): number;
  /**
   * As tridiagonalEigenvalues, also turning the rows of the n×n row-major basis z into the
   * eigenvectors: row k of z is the unit eigenvector of diag[k]. work: 2·n f64.
   */
  tridiagonalEigenvectors(diag: number, offdiag: number, n: number, z: number, work: number): number;
}
