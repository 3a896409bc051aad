// A symmetric matrix in packed 'U' storage (column-major upper, which is the same
// sequence as row-major lower): packed[i + j(j+1)/2] = A[i][j] for i <= j.
import { packedIndex, packedLength } from "./packed.js";
import { assertAllFinite, assertDim, assertFloat64Array, assertIndex, assertLength } from "./validate.js";

const ADOPT = Symbol("adopt");

export interface FromDenseOptions {
  /**
   * Largest |A[i][j] − A[j][i]| accepted, relative to the largest |entry|.
   * Default 1e-12. The upper triangle is stored.
   */
  symmetryTolerance?: number;
}

export class SymmetricMatrix {
  /** Packed 'U' entries, length dim(dim+1)/2. Owned by this matrix. */
  readonly packed: Float64Array;
  readonly dim: number;

  /** @internal Use fromPacked() or fromDense(). */
  constructor(token: typeof ADOPT, packed: Float64Array, dim: number) {
    if (token !== ADOPT) throw new TypeError("Use SymmetricMatrix.fromPacked() or SymmetricMatrix.fromDense().");
    this.packed = packed;
    this.dim = dim;
  }

  /** @internal Wraps an array the library just computed, without copying or checking. */
  static adopt(packed: Float64Array, dim: number): SymmetricMatrix {
    return new SymmetricMatrix(ADOPT, packed, dim);
  }

  /**
   * Copies packed 'U' entries (length dim(dim+1)/2).
   * @throws {TypeError} if `ap` is not a Float64Array. @throws {RangeError} on a bad dim, length or a non-finite entry.
   */
  static fromPacked(ap: Float64Array, dim: number): SymmetricMatrix {
    assertFloat64Array("ap", ap);
    assertDim("dim", dim);
    assertLength("ap", ap, packedLength(dim), `dim(dim+1)/2 for dim ${dim}`);
    assertAllFinite("ap", ap);
    return new SymmetricMatrix(ADOPT, ap.slice(), dim);
  }

  /**
   * Packs a dense row-major dim×dim symmetric matrix (its upper triangle).
   * @throws {TypeError} if `a` is not a Float64Array.
   * @throws {RangeError} on a bad dim or length, a non-finite entry, or asymmetry beyond the tolerance.
   */
  static fromDense(a: Float64Array, dim: number, options?: FromDenseOptions): SymmetricMatrix {
    assertFloat64Array("a", a);
    assertDim("dim", dim);
    assertLength("a", a, dim * dim, `dim×dim for dim ${dim}`);
    assertAllFinite("a", a);
    const tolerance = options?.symmetryTolerance ?? 1e-12;
    let scale = 0;
    for (let k = 0; k < a.length; k++) scale = Math.max(scale, Math.abs(a[k] as number));
    const packed = new Float64Array(packedLength(dim));
    for (let j = 0; j < dim; j++) {
      for (let i = 0; i <= j; i++) {
        const upper = a[i * dim + j] as number;
        const lower = a[j * dim + i] as number;
        if (Math.abs(upper - lower) > tolerance * scale) {
          throw new RangeError(
            `\`a\` must be symmetric; a[${i}][${j}] = ${upper} but a[${j}][${i}] = ${lower} (tolerance ${tolerance} relative to max |a| = ${scale}).`,
          );
        }
        packed[i + (j * (j + 1)) / 2] = upper;
      }
    }
    return new SymmetricMatrix(ADOPT, packed, dim);
  }

  /** A[i][j] (either triangle). @throws {RangeError} on an index out of range. */
  get(i: number, j: number): number {
    assertIndex("i", i, this.dim);
    assertIndex("j", j, this.dim);
    return this.packed[packedIndex(i, j)] as number;
  }

  /** Dense row-major dim×dim copy. */
  toDense(): Float64Array {
    const n = this.dim;
    const out = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const col = (j * (j + 1)) / 2;
      for (let i = 0; i <= j; i++) {
        const v = this.packed[col + i] as number;
        out[i * n + j] = v;
        out[j * n + i] = v;
      }
    }
    return out;
  }

  /** The diagonal A[i][i]. */
  diagonal(): Float64Array {
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = this.packed[(i * (i + 3)) / 2] as number;
    return out;
  }

  /** Σ A[i][i]. */
  trace(): number {
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += this.packed[(i * (i + 3)) / 2] as number;
    return sum;
  }

  /**
   * y = A x. Writes into `out` when given (it must not alias `x`) and returns it.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of `x` or `out`.
   */
  matvec(x: Float64Array, out?: Float64Array): Float64Array {
    assertFloat64Array("x", x);
    assertLength("x", x, this.dim, "dim");
    const y = out ?? new Float64Array(this.dim);
    if (out !== undefined) {
      assertFloat64Array("out", out);
      assertLength("out", out, this.dim, "dim");
      if (out.buffer === x.buffer && out.byteOffset === x.byteOffset) {
        throw new RangeError("`out` must not be the same array as `x`.");
      }
      out.fill(0);
    }
    const ap = this.packed;
    for (let j = 0; j < this.dim; j++) {
      const col = (j * (j + 1)) / 2;
      const xj = x[j] as number;
      let dot = 0;
      for (let i = 0; i < j; i++) {
        const a = ap[col + i] as number;
        y[i] = (y[i] as number) + a * xj;
        dot += a * (x[i] as number);
      }
      y[j] = (y[j] as number) + dot + (ap[col + j] as number) * xj;
    }
    return y;
  }

  /** xᵀ A x. @throws {TypeError} / {RangeError} on a wrong kind or length of `x`. */
  quadraticForm(x: Float64Array): number {
    assertFloat64Array("x", x);
    assertLength("x", x, this.dim, "dim");
    const ap = this.packed;
    let sum = 0;
    for (let j = 0; j < this.dim; j++) {
      const col = (j * (j + 1)) / 2;
      const xj = x[j] as number;
      let off = 0;
      for (let i = 0; i < j; i++) off += (ap[col + i] as number) * (x[i] as number);
      sum += xj * (2 * off + (ap[col + j] as number) * xj);
    }
    return sum;
  }
}
