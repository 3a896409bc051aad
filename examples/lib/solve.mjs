// A tiny dense Cholesky solver for small symmetric positive definite systems.
//
// fisher-wasm has no linear solver yet; this is a stand-in for the demo until the
// library gains `SymmetricMatrix.solve`. It is O(d³) plain JavaScript, fine for d = 4.

/**
 * Lower Cholesky factor L (row-major d×d) with A = L Lᵀ.
 * @param {import("../../dist/index.mjs").SymmetricMatrix} a
 * @returns {Float64Array}
 */
export function cholesky(a) {
  const d = a.dim;
  const dense = a.toDense();
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = dense[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] ** 2;
    if (!(diag > 0)) throw new Error(`matrix is not positive definite (pivot ${j} = ${diag})`);
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = dense[i * d + j];
      for (let k = 0; k < j; k++) v -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = v / ljj;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b given the factor from cholesky(). */
function solveFactored(l, b) {
  const d = b.length;
  const x = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) x[i] -= l[i * d + k] * x[k];
    x[i] /= l[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) x[i] -= l[k * d + i] * x[k];
    x[i] /= l[i * d + i];
  }
  return x;
}

/**
 * x with A x = b, for a symmetric positive definite A.
 * @param {import("../../dist/index.mjs").SymmetricMatrix} a
 * @param {Float64Array} b
 */
export function solve(a, b) {
  if (b.length !== a.dim) throw new Error(`right-hand side has length ${b.length}, expected ${a.dim}`);
  return solveFactored(cholesky(a), b);
}

/**
 * The columns of A⁻¹ (A⁻¹ is symmetric, so they are also its rows).
 * @param {import("../../dist/index.mjs").SymmetricMatrix} a
 * @returns {Float64Array[]}
 */
export function inverseColumns(a) {
  const l = cholesky(a);
  return Array.from({ length: a.dim }, (_, j) => {
    const e = new Float64Array(a.dim);
    e[j] = 1;
    return solveFactored(l, e);
  });
}
