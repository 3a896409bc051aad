// Curvature blocks stacked along the diagonal, as per-layer curvatures (K-FAC factors, diagonals,
// dense blocks) make one for a whole network: matvec and solve act block by block.
import { ConvergenceError } from "../base/errors.js";
import { assertAllFinite, dampingOf, describeValue, vectorCount } from "../base/validate.js";
import type { DampingOptions } from "../linalg/symmetric-matrix.js";
import { cgCore, cgSettingsOf } from "./conjugate-gradient.js";
import { assertDiagonalSolvable, solveDiagonal } from "./diagonal-fisher.js";
import { curvatureDim } from "./natural-gradient.js";
import { applyOperator, applySolve, type CurvatureOperator } from "./operator.js";

/**
 * A block-diagonal curvature C = diag(C₀, C₁, …): block i acts on the entries
 * offsets[i] … offsets[i] + blocks[i].dim − 1 of a vector. Made by blockDiagonal().
 *
 * `matvec` costs one matvec of each block; `solve` one solve of each block (or, for a block
 * with only `matvec`, conjugate gradients at their defaults: see conjugateGradient()). Memory:
 * the blocks' own, plus O(dim) per call.
 * @category Curvature
 */
export class BlockDiagonalOperator implements CurvatureOperator {
  /** Σ of the blocks' dims. */
  readonly dim: number;
  /** The blocks in order: the operators as given, and a copy of each Float64Array diagonal. */
  readonly blocks: readonly (CurvatureOperator | Float64Array)[];
  /** Where each block starts in a vector of length dim: offsets[0] = 0. */
  readonly offsets: readonly number[];

  /**
   * Stacks `blocks` along the diagonal (see blockDiagonal()).
   * @throws {TypeError} / {RangeError} on an empty list or a block that is not a curvature.
   */
  constructor(blocks: readonly (CurvatureOperator | Float64Array)[]) {
    if (!Array.isArray(blocks)) {
      throw new TypeError(`\`operators\` must be an array of curvature operators; received ${describeValue(blocks)}.`);
    }
    if (blocks.length === 0) throw new RangeError("`operators` must hold at least one block; received Array(0).");
    const offsets: number[] = [];
    let dim = 0;
    blocks.forEach((block, i) => {
      offsets.push(dim);
      dim += curvatureDim(`operators[${i}]`, block);
    });
    this.dim = dim;
    // A diagonal is copied, so that later writes to the caller's array cannot change the operator.
    const own = blocks.map((block) => (block instanceof Float64Array ? block.slice() : block));
    this.blocks = Object.freeze(own);
    this.offsets = Object.freeze(offsets);
  }

  /**
   * C x block by block, for one vector x (length dim) or a row-major batch of them: a new array.
   * @throws {TypeError} / {RangeError} on a wrong kind or length of x. @throws {NonFiniteError} for a NaN or ±Infinity in x or a block's result.
   * @throws {CallbackResultError} when a block's matvec returns a wrong type or length.
   */
  matvec(x: Float64Array): Float64Array {
    vectorCount("x", x, this.dim);
    assertAllFinite("x", x);
    return this.#each(x, (block, i, v) =>
      block instanceof Float64Array
        ? v.map((t, j) => t * (block[j] as number))
        : applyOperator(`operators[${i}]`, block, v),
    );
  }

  /**
   * (C + λI)⁻¹ b block by block, for one vector b (length dim) or a row-major batch: each block's
   * own solve, or conjugate gradients for a block with only `matvec` (defaults of
   * conjugateGradient(); a block they cannot solve throws rather than answer wrongly).
   * @throws {TypeError} / {RangeError} on a wrong kind or length of b or a bad damping.
   * @throws {NonFiniteError} / {CallbackResultError} on a block's bad result.
   * @throws {NotPositiveDefiniteError} from a block's solve. @throws {ConvergenceError} when CG does not converge on a block.
   */
  solve(b: Float64Array, options?: DampingOptions): Float64Array {
    vectorCount("b", b, this.dim);
    assertAllFinite("b", b);
    const damping = dampingOf(options);
    return this.#each(b, (op, i, v) => {
      const name = `operators[${i}]`;
      if (op instanceof Float64Array) {
        assertDiagonalSolvable(name, op, damping);
        return solveDiagonal(op, v, damping);
      }
      if (op.solve !== undefined) return applySolve(name, op, v, damping);
      const settings = cgSettingsOf({ damping }, op.dim);
      const outcome = cgCore(name, op, v, settings);
      if (!outcome.converged) {
        throw new ConvergenceError(
          `conjugate gradients stopped on block ${i} after ${outcome.iterations} iterations`,
          `Conjugate gradients did not solve block ${i} ((C${i} + λI)x = b with λ = ${damping}): after ${outcome.iterations} iterations the residual is ${outcome.residualNorm}. Give the block a solve, or more { damping }.`,
        );
      }
      return outcome.x;
    });
  }

  /** Applies `f` to each block's slice of each row, into a new array. */
  #each(
    v: Float64Array,
    f: (block: CurvatureOperator | Float64Array, i: number, slice: Float64Array) => Float64Array,
  ): Float64Array {
    const out = new Float64Array(v.length);
    for (let r = 0; r < v.length; r += this.dim) {
      this.blocks.forEach((block, i) => {
        const start = r + (this.offsets[i] as number);
        const end = r + (this.offsets[i + 1] ?? this.dim);
        out.set(f(block, i, v.slice(start, end)), start);
      });
    }
    return out;
  }
}

/**
 * The block-diagonal curvature diag(C₀, C₁, …) of per-layer curvatures: its dim is the sum of
 * theirs, and `matvec` and `solve` act block by block (each block's own solve; conjugate
 * gradients for a block with only `matvec`), the shape K-FAC over a whole network needs. A
 * Float64Array block is a diagonal. Blocks may themselves be block-diagonal.
 * @param operators the blocks, in the order of the parameters: operators ({@link CurvatureOperator},
 *   a SymmetricMatrix, a library form, a user's `{ dim, matvec, solve? }`) or Float64Array diagonals.
 * @throws {TypeError} / {RangeError} on an empty list or a block that is not a curvature.
 * @category Curvature
 */
export function blockDiagonal(operators: readonly (CurvatureOperator | Float64Array)[]): BlockDiagonalOperator {
  return new BlockDiagonalOperator(operators);
}
