// ml-matrix, the dense float64 peer: its Gram matrix, Cholesky decomposition and symmetric
// eigen-decomposition, each as the call its users would make.
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from "ml-matrix";

/** An ml-matrix Matrix holding row-major rows × columns values. */
export function toMlMatrix(values: Float64Array, rows: number, columns: number): Matrix {
  return new Matrix(
    Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * columns, (r + 1) * columns))),
  );
}

/**
 * Returns a function computing SᵀS (dense row-major d×d) with `Matrix.gram()` from
 * row-major N×d scores. gram() accumulates the upper triangle only and mirrors it, so it
 * does the same arithmetic as a packed kernel; it skips zero entries, and these scores have none.
 */
export function mlMatrixGram(scores: Float64Array, rows: number, d: number): () => Float64Array {
  const s = toMlMatrix(scores, rows, d);
  return () => Float64Array.from(s.gram().to1DArray());
}

/** Returns a function computing the upper Cholesky factor U = Lᵀ of a dense SPD d×d matrix, in packed 'U' order. */
export function mlMatrixCholeskyUpper(dense: Float64Array, d: number): () => Float64Array {
  const a = toMlMatrix(dense, d, d);
  return () => {
    const lower = new CholeskyDecomposition(a).lowerTriangularMatrix;
    const packed = new Float64Array((d * (d + 1)) / 2);
    for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) packed[i + (j * (j + 1)) / 2] = lower.get(j, i);
    return packed;
  };
}

/** Returns a function computing the ascending eigenvalues of a dense symmetric d×d matrix (the vectors are always formed). */
export function mlMatrixEigenvalues(dense: Float64Array, d: number): () => Float64Array {
  const a = toMlMatrix(dense, d, d);
  return () => Float64Array.from(new EigenvalueDecomposition(a, { assumeSymmetric: true }).realEigenvalues).sort();
}
