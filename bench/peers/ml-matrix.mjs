// ml-matrix's Gram matrix SᵀS: the dense float64 peer (it forms all d² entries).
import { Matrix } from "ml-matrix";

/** Returns a function computing SᵀS (dense row-major d×d) from row-major N×d scores. */
export function mlMatrixGram(scores, rows, d) {
  const s = new Matrix(Array.from({ length: rows }, (_, r) => Array.from(scores.subarray(r * d, (r + 1) * d))));
  return () => Float64Array.from(s.transpose().mmul(s).to1DArray());
}
