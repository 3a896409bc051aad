// Packed symmetric matrix-vector product (BLAS dspmv with uplo 'U'): column j of
// packed 'U' is the contiguous run A[0..j][j], which serves both as a column (an
// axpy into y[0..j)) and, by symmetry, as row j (a dot with x[0..j)).
import { axpy } from "./packed-ops";
import { columnStart } from "./packed-index";
import { dot } from "./vector";

/** y = A x for the packed 'U' matrix A of dimension d (y must not alias x). */
export function packedMatvec(ap: usize, d: i32, x: usize, y: usize): void {
  memory.fill(y, 0, <usize>d << 3);
  for (let j: i32 = 0; j < d; j++) {
    const col = ap + (columnStart(<usize>j) << 3);
    const xj = load<f64>(x + (<usize>j << 3));
    axpy(y, col, j, xj);
    const yj = y + (<usize>j << 3);
    store<f64>(yj, load<f64>(yj) + dot(col, x, j) + load<f64>(col + (<usize>j << 3)) * xj);
  }
}
