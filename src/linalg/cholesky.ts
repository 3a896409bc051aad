// The Cholesky factor A + λI = UᵀU of a packed symmetric matrix, kept so that it
// solves again and again without refactoring.
import { NotPositiveDefiniteError } from "../base/errors.js";
import { assertFinitePacked, assertFiniteResult, finiteNumber, firstNonFinite } from "../base/finite-results.js";
import { packedDiagonalIndex, packedLength } from "../base/packed-layout.js";
import { assertAllFinite, vectorCount } from "../base/validate.js";
import type { Runtime } from "../engine/runtime.js";

/**
 * The Cholesky factor U of A + λI = UᵀU (from SymmetricMatrix.cholesky()), reusable for many
 * solves in the runtime that factored it.
 * @category Linear algebra
 */
export class CholeskyFactor {
  /** @internal Use SymmetricMatrix.cholesky(). */
  constructor(
    private readonly rt: Runtime,
    /** U, upper triangular, in packed 'U' storage: A + damping·I = UᵀU. */
    readonly packed: Float64Array,
    /** Dimension of A. */
    readonly dim: number,
    /** The λ that was added to the diagonal before factoring. */
    readonly damping: number,
  ) {}

  /**
   * x = (A + λI)⁻¹ b for one vector b (length dim) or a row-major batch of them
   * (length k·dim, one right-hand side per row); returns the same shape.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of b, or a non-finite entry.
   * @throws {OverflowError} naming `b` when an entry of the solution exceeds the largest double
   *   (a matrix so near singular, or a b so large, that x does not fit).
   */
  solve(b: Float64Array): Float64Array {
    const nrhs = vectorCount("b", b, this.dim);
    assertAllFinite("b", b);
    const { rt } = this;
    const p = packedLength(this.dim);
    const x = rt.scoped([p, b.length], (u, x) => {
      rt.write(u, this.packed);
      rt.write(x, b);
      rt.kernels.choleskySolve(u, this.dim, x, nrhs);
      return rt.read(x, b.length);
    });
    if (firstNonFinite(x) >= 0) {
      this.assertFinite();
      assertFiniteResult("b", x, "the solution x = (A + λI)⁻¹ b exceeds the largest double");
    }
    return x;
  }

  /**
   * (A + λI)⁻¹ in packed storage, from the factor (no dense copy).
   * @throws {OverflowError} when an entry of the inverse exceeds the largest double (a matrix too near singular).
   */
  inverse(): Float64Array {
    const { rt } = this;
    const p = packedLength(this.dim);
    const workLength = Math.ceil(rt.kernels.choleskyInverseWorkBytes(this.dim) / 8);
    const inverse = rt.scoped([p, workLength], (u, work) => {
      rt.write(u, this.packed);
      rt.kernels.choleskyInverse(u, this.dim, work);
      return rt.read(u, p);
    });
    if (firstNonFinite(inverse) >= 0) {
      this.assertFinite();
      assertFiniteResult("matrix", inverse, "an entry of its inverse exceeds the largest double");
    }
    return inverse;
  }

  /** log det(A + λI) = 2 Σ log U[j][j]. @throws {NonFiniteError} naming `factor` when `packed` was overwritten with a NaN, ±Infinity or a non-positive diagonal. */
  logDeterminant(): number {
    let sum = 0;
    for (let j = 0; j < this.dim; j++) sum += Math.log(this.packed[packedDiagonalIndex(j)] as number);
    if (sum - sum !== 0) this.assertFinite();
    return finiteNumber("factor", 2 * sum, "its diagonal holds a value whose logarithm is not finite");
  }

  /** The factor's `packed` is a plain array a caller can write to: refuse what it cannot hold. */
  private assertFinite(): void {
    assertFinitePacked("factor", this.packed);
  }
}

/**
 * Factors packed 'U' A + damping·I in `rt` (inputs trusted).
 * @throws {NotPositiveDefiniteError} with the failing leading minor.
 */
export function factorCholesky(rt: Runtime, packed: Float64Array, dim: number, damping: number): CholeskyFactor {
  const k = rt.kernels;
  const p = packedLength(dim);
  return rt.scoped([p, Math.ceil(k.choleskyWorkBytes(dim) / 8)], (ap, work) => {
    rt.write(ap, packed);
    const info = k.choleskyPacked(ap, dim, damping, work);
    if (info !== 0) throw new NotPositiveDefiniteError(info, dim, damping);
    return new CholeskyFactor(rt, rt.read(ap, p), dim, damping);
  });
}
