// A streaming sum of per-sample Hessians (or any per-sample symmetric matrices) in
// packed storage: the observed-information side of F = −E[∇² log p].

import { installDispose } from "../base/disposable.js";
import { EmptyMeanError } from "../base/errors.js";
import { findAsymmetry, packDense, packedLength } from "../base/packed-layout.js";
import {
  accumulatedWeightSum,
  assertAllFiniteRows,
  assertDim,
  assertFloat64Array,
  assertOptions,
  assertSymmetryTolerance,
  describeValue,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
} from "../base/validate.js";
import { runtimeOf } from "../engine/init.js";
import { ResidentBlock } from "../engine/memory/resident-block.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";

/**
 * Options of HessianAccumulator.add().
 * @category Curvature
 */
export interface AddHessiansOptions {
  /** One non-negative finite weight per matrix (float64 or float32); default 1 for every matrix. */
  weights?: Float64Array | Float32Array;
  /** "dense": dim×dim row-major per matrix (default); "packed": dim(dim+1)/2 packed 'U' entries per matrix. */
  layout?: "dense" | "packed";
  /**
   * Dense input: largest |H[i][j] − H[j][i]| accepted, relative to the matrix's largest |entry|:
   * finite, >= 0. Default 1e-10. The upper triangle is what gets added.
   */
  symmetryTolerance?: number;
}

const ADD_HESSIANS_OPTIONS: OptionSpec<AddHessiansOptions> = {
  weights: OPTION.floatRows,
  layout: OPTION.oneOf("dense", "packed"),
  symmetryTolerance: OPTION.number,
};

// Matrices staged per kernel call: up to 64, and no more than 32 MiB of them, so that at large
// dim the staged copy stays one matrix beside the sum (the plan MAX_DIM is sized for).
const CHUNK_MATRICES = 64;
const STAGE_BYTES = 32 * 2 ** 20;

/**
 * Accumulates Σ w H over per-sample symmetric matrices H (e.g. Hessians of log p),
 * in packed storage in the memory of the runtime it was created in. A batch is checked whole
 * (finite entries, symmetry) before any of it is added, so a rejected batch changes nothing.
 * @category Curvature
 */
export class HessianAccumulator {
  /** Dimension of every matrix. */
  readonly dim: number;
  private readonly rt: Runtime;
  private readonly block: ResidentBlock;
  private matrices = 0;
  private weight = 0;

  /** @throws {RangeError} when dim is not a positive integer or too large for 32-bit WebAssembly memory. */
  constructor(dim: number, options?: RuntimeOptions) {
    assertDim("dim", dim);
    assertOptions("options", options, RUNTIME_OPTION);
    const rt = runtimeOf(options?.runtime);
    this.dim = dim;
    this.block = new ResidentBlock(rt, this, "HessianAccumulator", packedLength(dim));
    this.rt = this.block.rt;
  }

  /** Matrices added so far (including those of weight 0). */
  get count(): number {
    return this.matrices;
  }

  /** Σ w over the matrices added so far. */
  get totalWeight(): number {
    return this.weight;
  }

  /**
   * Adds a batch of matrices: k·dim² values (dense, row-major, one matrix after another) or
   * k·dim(dim+1)/2 (packed 'U'). Nothing is added unless the whole batch is valid.
   * @throws {TypeError} when hessians or weights are not Float64Arrays.
   * @throws {RangeError} on a bad length, bad weights, or an asymmetric matrix (naming the sample and entry).
   * @throws {NonFiniteError} naming the sample (row) and the entry index within it (column).
   */
  add(hessians: Float64Array, options?: AddHessiansOptions): this {
    this.assertLive();
    assertOptions("options", options, ADD_HESSIANS_OPTIONS);
    assertFloat64Array("hessians", hessians);
    const layout = options?.layout ?? "dense";
    if (layout !== "dense" && layout !== "packed") {
      throw new RangeError(`\`options.layout\` must be "dense" or "packed"; received ${String(layout)}.`);
    }
    const d = this.dim;
    const size = layout === "dense" ? d * d : packedLength(d);
    if (hessians.length % size !== 0) {
      throw new RangeError(
        `\`hessians\` length must be a multiple of ${size} (${layout === "dense" ? "dim×dim" : "dim(dim+1)/2"} for dim ${d}, one matrix per sample); received length ${hessians.length}.`,
      );
    }
    const k = hessians.length / size;
    const weights = options?.weights;
    const total = weights === undefined ? k : accumulatedWeightSum("options.weights", weights, k, this.weight);
    const tolerance = options?.symmetryTolerance === undefined ? 1e-10 : options.symmetryTolerance;
    assertSymmetryTolerance("options.symmetryTolerance", tolerance);
    const packed = layout === "dense" ? packDenseBatch(hessians, d, k, tolerance) : finiteRows(hessians, size);
    const { rt } = this;
    const p = packedLength(d);
    const perStage = Math.max(1, Math.min(CHUNK_MATRICES, Math.floor(STAGE_BYTES / (p * 8))));
    const rows = Math.min(k, perStage);
    rt.scoped([rows * p], (staged) => {
      for (let s0 = 0; s0 < k; s0 += perStage) {
        const n = Math.min(perStage, k - s0);
        rt.write(staged, packed.subarray(s0 * p, (s0 + n) * p));
        for (let s = 0; s < n; s++) {
          const w = weights === undefined ? 1 : (weights[s0 + s] as number);
          if (w !== 0) rt.kernels.axpy(this.block.ptr, staged + s * p * 8, p, w);
        }
      }
    });
    this.matrices += k;
    this.weight += total;
    return this;
  }

  /** Folds another accumulator of the same dim into this one; the other is unchanged. */
  merge(other: HessianAccumulator): this {
    this.assertLive();
    if (!(other instanceof HessianAccumulator))
      throw new TypeError(`\`other\` must be a HessianAccumulator; received ${describeValue(other)}.`);
    other.assertLive();
    if (other.dim !== this.dim) {
      throw new RangeError(`\`other\` must have dim ${this.dim} to merge; received dim ${other.dim}.`);
    }
    const p = packedLength(this.dim);
    const values = other.rt.read(other.block.ptr, p);
    this.rt.scoped([p], (staged) => {
      this.rt.write(staged, values);
      this.rt.kernels.axpy(this.block.ptr, staged, p, 1);
    });
    this.matrices += other.matrices;
    this.weight += other.weight;
    return this;
  }

  /** The SUM Σ w H (zero when nothing was added). */
  sum(): SymmetricMatrix {
    this.assertLive();
    return SymmetricMatrix.adopt(this.rt.read(this.block.ptr, packedLength(this.dim)), this.dim, this.rt);
  }

  /** The MEAN (1/Σw) Σ w H. @throws {EmptyMeanError} when Σ w = 0. */
  mean(): SymmetricMatrix {
    return this.scaledSum(1, "the mean Hessian");
  }

  /** The observed information per sample, a MEAN: −(1/Σw) Σ w H. @throws {EmptyMeanError} when Σ w = 0. */
  negativeMean(): SymmetricMatrix {
    return this.scaledSum(-1, "the negative mean Hessian");
  }

  /**
   * The same as dispose(), for `using` (explicit resource management): `using acc = new …`
   * frees the memory when the block ends, even when it throws. Present where the engine has
   * Symbol.dispose (Node 20 and later, current browsers); elsewhere call dispose().
   */
  declare [Symbol.dispose]: () => void;

  static {
    installDispose(HessianAccumulator);
  }

  /** Returns the memory to the backend; further use throws DisposedError. */
  dispose(): void {
    this.block.dispose();
  }

  private scaledSum(sign: number, what: string): SymmetricMatrix {
    this.assertLive();
    if (!(this.weight > 0)) throw new EmptyMeanError(what);
    const sum = this.rt.read(this.block.ptr, packedLength(this.dim));
    return SymmetricMatrix.adopt(
      sum.map((v) => (sign * v) / this.weight),
      this.dim,
      this.rt,
    );
  }

  private assertLive(): void {
    this.block.assertLive();
  }
}

/** The packed batch itself, once every entry is known to be finite. */
function finiteRows(values: Float64Array, size: number): Float64Array {
  assertAllFiniteRows("hessians", values, size);
  return values;
}

/** Packs k dense symmetric matrices (upper triangles), checking finiteness and symmetry first. */
function packDenseBatch(dense: Float64Array, d: number, k: number, tolerance: number): Float64Array {
  assertAllFiniteRows("hessians", dense, d * d);
  const p = packedLength(d);
  const out = new Float64Array(k * p);
  for (let s = 0; s < k; s++) {
    const asymmetry = findAsymmetry(dense, d, tolerance, s * d * d);
    if (asymmetry !== undefined) {
      const { i, j, upper, lower, scale } = asymmetry;
      throw new RangeError(
        `\`hessians\` must be symmetric; sample ${s} has H[${i}][${j}] = ${upper} but H[${j}][${i}] = ${lower} (tolerance ${tolerance} relative to its max |entry| ${scale}).`,
      );
    }
    packDense(dense, d, out, s * d * d, s * p);
  }
  return out;
}
