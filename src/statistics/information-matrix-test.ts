// White's information matrix test of the information equality E[s sᵀ] = −E[H], in the
// outer-product-of-gradients form of Chesher and Lancaster and, given the Jacobian of the
// indicators, in White's own form. Gram matrices of the n-row batches run through the
// rank-k kernel; the small factorizations on top of them are plain TypeScript.

import { findAsymmetry, packedColumnStart, packedIndex, packedLength } from "../base/packed-layout.js";
import {
  assertAllFinite,
  assertAllFiniteRows,
  assertDim,
  assertFloat64Array,
  assertOptions,
  assertSymmetryTolerance,
  type Layout,
  layoutOf,
  OPTION,
  type OptionSpec,
  RUNTIME_OPTION,
  rowsOf,
} from "../base/validate.js";
import { scoreMoment } from "../curvature/score-moments.js";
import { runtimeOf } from "../engine/init.js";
import type { Runtime, RuntimeOptions } from "../engine/runtime.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";
import { chiSquareSurvival } from "./chi-square.js";

/**
 * Options of informationMatrixTest().
 * @category Statistics
 */
export interface InformationMatrixTestOptions extends RuntimeOptions {
  /**
   * Enables White's form: the Jacobian ∂(Σᵢ dᵢ)/∂θ of the SUMMED indicators, row-major
   * q × dim with q = dim(dim+1)/2, one row per indicator in the order of
   * InformationMatrixTestResult.indicatorPairs (all q rows, including ones that get dropped).
   */
  indicatorJacobian?: Float64Array;
  /** Layout of `hessians`: "dense" (default), dim×dim row-major per sample; "packed", dim(dim+1)/2 packed 'U' entries per sample. */
  layout?: Layout;
  /** @deprecated Renamed `layout`, as in HessianAccumulator.add(). */
  hessianLayout?: Layout;
  /**
   * Dense Hessians: largest |H[j][k] − H[k][j]| accepted, relative to that sample's largest
   * |entry|: finite, >= 0. Default 1e-10. The upper triangle is what gets used.
   */
  symmetryTolerance?: number;
}

const INFORMATION_MATRIX_TEST_OPTIONS: OptionSpec<InformationMatrixTestOptions> = {
  ...RUNTIME_OPTION,
  indicatorJacobian: OPTION.float64Array,
  layout: OPTION.oneOf("dense", "packed"),
  hessianLayout: OPTION.oneOf("dense", "packed"),
  symmetryTolerance: OPTION.number,
};

/**
 * A chi-square test: its statistic, degrees of freedom and p-value P(χ²_df > statistic).
 * @category Statistics
 */
export interface ChiSquareTestResult {
  /** The test statistic, ≥ 0. */
  statistic: number;
  /** Degrees of freedom of its asymptotic chi-square distribution. */
  df: number;
  /** P(χ²_df > statistic), from chiSquareSurvival(). */
  pValue: number;
}

/**
 * The result of informationMatrixTest().
 * @category Statistics
 */
export interface InformationMatrixTestResult {
  /** Chesher–Lancaster's outer-product-of-gradients form: n·R² of 1 regressed on [dᵢ, sᵢ]. Always present. */
  opg: ChiSquareTestResult;
  /** White's form n·D̄ᵀ V⁻¹ D̄; present only when options.indicatorJacobian was given. */
  white?: ChiSquareTestResult;
  /** Indices (into indicatorPairs) of the indicators used, ascending. */
  keptIndicators: Int32Array;
  /** Indices of the indicators dropped as linear combinations of earlier kept ones, ascending. */
  droppedIndicators: Int32Array;
  /** All q = dim(dim+1)/2 parameter pairs (j, k), j ≤ k, row-major upper order: (0,0), (0,1), …, (0,dim−1), (1,1), …. */
  indicatorPairs: [number, number][];
  /** The MEAN indicators (1/n) Σᵢ dᵢ, all q of them, in the order of indicatorPairs. */
  indicatorMeans: Float64Array;
  /** Number of samples. */
  n: number;
}

// A column whose squared distance from the span of the kept columns before it is at most
// this fraction of its squared norm counts as a linear combination of them. Exact
// collinearities leave a few roundoffs times the conditioning; genuine indicators far more.
const COLLINEARITY_TOLERANCE = 1e-9;

/**
 * White's information matrix test of a fitted model: under correct specification the
 * information equality E[s sᵀ + H] = 0 holds at the true parameters, and the test asks
 * whether the per-sample indicators dᵢ = vech(sᵢ sᵢᵀ + Hᵢ) average to zero at the estimate.
 * Call it at the maximum-likelihood estimate.
 *
 * Definitions, with sᵢ the score and Hᵢ the Hessian of log p of sample i (i = 1..n):
 * - dᵢ holds sᵢⱼ sᵢₖ + Hᵢ[j][k] for the q = dim(dim+1)/2 pairs j ≤ k in row-major upper
 *   order (see `indicatorPairs`).
 * - Indicators that are exact linear combinations of earlier ones (a binary regressor whose
 *   square is itself, say) are dropped: the columns of D = [d₁ … dₙ]ᵀ are visited in order,
 *   and a column is dropped when its squared residual after projection on the kept earlier
 *   columns is at most 1e-9 of its squared norm (a pivot of the Cholesky factorization of
 *   DᵀD, which is formed by the rank-k kernel). m = the number kept.
 * - OPG form (Chesher–Lancaster), always: regress the n-vector of ones on Z = [D_kept, S]
 *   by least squares without intercept; statistic = n·R²uncentered = n − RSS, df = m.
 *   Solved by Cholesky of ZᵀZ with one step of refinement from the residuals, with the
 *   statistic evaluated as Σᵢ fᵢ(2 − fᵢ) of the fitted values fᵢ, which equals n − RSS for
 *   any coefficients and is stationary at the solution (so errors in them enter squared).
 * - White's form, when `indicatorJacobian` (∂Σᵢdᵢ/∂θ, q × dim) is given: D̄ = (1/n) Σᵢ dᵢ
 *   and J = indicatorJacobian / n over the kept indicators, A = (1/n) Σᵢ Hᵢ,
 *   vᵢ = dᵢ − J A⁻¹ sᵢ, V = (1/n) Σᵢ vᵢ vᵢᵀ (uncentered), statistic = n·D̄ᵀ V⁻¹ D̄, df = m.
 * - pValue = chiSquareSurvival(statistic, df) for both.
 *
 * Memory: n·(q + dim) float64 values for the indicators beside the scores (and n·m more for
 * White's form). The OPG form is known to reject too often in small samples; prefer White's.
 * @param scores per-sample scores ∇θ log p, row-major n × dim.
 * @param hessians per-sample Hessians ∇²θ log p: n dense row-major dim×dim matrices (upper
 *   triangle used, symmetry checked) or, with hessianLayout "packed", n packed 'U' ones
 *   (AP[j + k(k+1)/2] = H[j][k], j ≤ k).
 * @param dim number of parameters.
 * @throws {TypeError} when scores, hessians or indicatorJacobian is not a Float64Array, or options not an object.
 * @throws {RangeError} on a bad dim or layout, lengths that do not fit n, dim and the layout, an
 *   asymmetric dense Hessian, a non-finite indicatorJacobian entry, n ≤ m + dim (too few samples
 *   for the regression), no indicator left after dropping, or scores collinear with the kept
 *   indicators.
 * @throws {NonFiniteError} naming the sample (row) and entry (column) of a NaN or ±Infinity score or Hessian entry.
 * @throws {NotPositiveDefiniteError} (White's form) when −A or V is not positive definite.
 * @category Statistics
 */
export function informationMatrixTest(
  scores: Float64Array,
  hessians: Float64Array,
  dim: number,
  options?: InformationMatrixTestOptions,
): InformationMatrixTestResult {
  assertDim("dim", dim);
  assertOptions("options", options, INFORMATION_MATRIX_TEST_OPTIONS);
  const n = rowsOf("scores", scores, dim);
  const layout =
    options?.layout === undefined && options?.hessianLayout !== undefined
      ? layoutOf("options.hessianLayout", options.hessianLayout, "dense")
      : layoutOf("options.layout", options?.layout, "dense");
  const rt = runtimeOf(options?.runtime);
  const tolerance = options?.symmetryTolerance === undefined ? 1e-10 : options.symmetryTolerance;
  assertSymmetryTolerance("options.symmetryTolerance", tolerance);
  assertFloat64Array("hessians", hessians);
  const q = packedLength(dim);
  const size = layout === "dense" ? dim * dim : q;
  if (hessians.length !== n * size) {
    throw new RangeError(
      `\`hessians\` must have length ${n * size} (${n} samples, as many as rows of scores, times ${layout === "dense" ? `dim×dim = ${size}` : `dim(dim+1)/2 = ${size} packed`} entries); received length ${hessians.length}.`,
    );
  }
  const jacobian = options?.indicatorJacobian;
  if (jacobian !== undefined) {
    assertFloat64Array("options.indicatorJacobian", jacobian);
    if (jacobian.length !== q * dim) {
      throw new RangeError(
        `\`options.indicatorJacobian\` must have length ${q * dim} (q × dim = ${q} × ${dim}, one row per indicator); received length ${jacobian.length}.`,
      );
    }
    assertAllFinite("options.indicatorJacobian", jacobian);
  }
  assertAllFiniteRows("scores", scores, dim);
  assertAllFiniteRows("hessians", hessians, size);
  if (layout === "dense") assertSymmetric(hessians, dim, n, tolerance);

  const pairs = indicatorPairs(dim);
  const width = q + dim;
  // Rows [dᵢ, sᵢ]: one Gram matrix gives DᵀD, DᵀS and SᵀS.
  const rows = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const s = i * dim;
    const h = i * size;
    const out = i * width;
    for (let t = 0; t < q; t++) {
      const [j, k] = pairs[t] as [number, number];
      const hjk = layout === "dense" ? hessians[h + j * dim + k] : hessians[h + packedColumnStart(k) + j];
      rows[out + t] = (scores[s + j] as number) * (scores[s + k] as number) + (hjk as number);
    }
    for (let j = 0; j < dim; j++) rows[out + q + j] = scores[s + j] as number;
  }
  const gram = scoreMoment(rt, rows, width, { divisor: 1, argument: "scores" });
  const factor = factorInOrder(gram, width);
  const inFactor = new Set(factor.kept);
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let t = 0; t < q; t++) (inFactor.has(t) ? kept : dropped).push(t);
  const m = kept.length;
  if (m === 0) {
    throw new RangeError(
      `No indicator is left to test: each of the ${q} indicators sᵢⱼsᵢₖ + Hᵢ[j][k] built from \`scores\` and \`hessians\` is zero in every one of the ${n} samples.`,
    );
  }
  if (n <= m + dim) {
    throw new RangeError(
      `\`scores\` must have more rows than kept indicators + dim (${m} + ${dim} = ${m + dim}) for the OPG regression to mean anything; received n = ${n}.`,
    );
  }
  for (let j = 0; j < dim; j++) {
    if (!inFactor.has(q + j)) {
      throw new RangeError(
        `\`scores\` column ${j} is (numerically) a linear combination of the kept indicators and the score columns before it, so the OPG regression has no unique fit; check the model's parameterization.`,
      );
    }
  }
  const indicatorMeans = new Float64Array(q);
  for (let t = 0; t < q; t++) indicatorMeans[t] = columnSum(rows, n, width, t) / n;
  const opgStatistic = opgRegression(rows, n, width, factor);
  const result: InformationMatrixTestResult = {
    opg: chiSquareTest(opgStatistic, m),
    keptIndicators: Int32Array.from(kept),
    droppedIndicators: Int32Array.from(dropped),
    indicatorPairs: pairs,
    indicatorMeans,
    n,
  };
  if (jacobian !== undefined) {
    const statistic = whiteStatistic(rt, rows, n, width, scores, hessians, layout, dim, kept, jacobian, indicatorMeans);
    result.white = chiSquareTest(statistic, m);
  }
  return result;
}

function chiSquareTest(statistic: number, df: number): ChiSquareTestResult {
  const clamped = Math.max(0, statistic);
  return { statistic: clamped, df, pValue: chiSquareSurvival(clamped, df) };
}

/** The pairs (j, k), j ≤ k, in row-major upper order. */
function indicatorPairs(dim: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let j = 0; j < dim; j++) for (let k = j; k < dim; k++) pairs.push([j, k]);
  return pairs;
}

function assertSymmetric(hessians: Float64Array, d: number, n: number, tolerance: number): void {
  for (let i = 0; i < n; i++) {
    const asymmetry = findAsymmetry(hessians, d, tolerance, i * d * d);
    if (asymmetry !== undefined) {
      const { i: j, j: k, upper, lower, scale } = asymmetry;
      throw new RangeError(
        `\`hessians\` must be symmetric; sample ${i} has H[${j}][${k}] = ${upper} but H[${k}][${j}] = ${lower} (tolerance ${tolerance} relative to its max |entry| ${scale}).`,
      );
    }
  }
}

/** Neumaier-compensated Σᵢ rows[i][column]. */
function columnSum(rows: Float64Array, n: number, width: number, column: number): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const x = rows[i * width + column] as number;
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/**
 * A Cholesky factor G[kept, kept] = L Lᵀ of a packed Gram matrix G, built column by
 * column in order; a column whose pivot (its squared residual on the kept ones before it)
 * is at most COLLINEARITY_TOLERANCE of its diagonal is left out.
 */
interface OrderedFactor {
  /** Columns of G in the factor, ascending. */
  kept: number[];
  /** L, lower triangular, row-major with stride kept.length. */
  lower: Float64Array;
}

function factorInOrder(gram: Float64Array, size: number): OrderedFactor {
  const kept: number[] = [];
  const rows: Float64Array[] = [];
  for (let c = 0; c < size; c++) {
    const row = new Float64Array(kept.length + 1);
    let residual = gram[packedIndex(c, c)] as number;
    const diagonal = residual;
    for (let t = 0; t < kept.length; t++) {
      const other = rows[t] as Float64Array;
      let v = gram[packedIndex(c, kept[t] as number)] as number;
      for (let u = 0; u < t; u++) v -= (row[u] as number) * (other[u] as number);
      v /= other[t] as number;
      row[t] = v;
      residual -= v * v;
    }
    if (diagonal > 0 && residual > COLLINEARITY_TOLERANCE * diagonal) {
      row[kept.length] = Math.sqrt(residual);
      kept.push(c);
      rows.push(row);
    }
  }
  const r = kept.length;
  const lower = new Float64Array(r * r);
  for (let t = 0; t < r; t++) lower.set(rows[t] as Float64Array, t * r);
  return { kept, lower };
}

/** Solves L Lᵀ x = b in place. */
function choleskySolveInPlace(lower: Float64Array, r: number, b: Float64Array): void {
  for (let t = 0; t < r; t++) {
    let v = b[t] as number;
    for (let u = 0; u < t; u++) v -= (lower[t * r + u] as number) * (b[u] as number);
    b[t] = v / (lower[t * r + t] as number);
  }
  for (let t = r - 1; t >= 0; t--) {
    let v = b[t] as number;
    for (let u = t + 1; u < r; u++) v -= (lower[u * r + t] as number) * (b[u] as number);
    b[t] = v / (lower[t * r + t] as number);
  }
}

/** n·R² of the no-intercept least-squares fit of 1 on the kept columns of the rows. */
function opgRegression(rows: Float64Array, n: number, width: number, factor: OrderedFactor): number {
  const { kept, lower } = factor;
  const r = kept.length;
  const beta = new Float64Array(r);
  for (let t = 0; t < r; t++) beta[t] = columnSum(rows, n, width, kept[t] as number);
  choleskySolveInPlace(lower, r, beta);
  // One step of refinement from the residuals 1 − Zβ (the corrected semi-normal equations)
  // brings the coefficients to the accuracy of an orthogonal factorization.
  const correction = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    const base = i * width;
    let fitted = 0;
    for (let t = 0; t < r; t++) fitted += (rows[base + (kept[t] as number)] as number) * (beta[t] as number);
    const residual = 1 - fitted;
    for (let t = 0; t < r; t++)
      correction[t] = (correction[t] as number) + residual * (rows[base + (kept[t] as number)] as number);
  }
  choleskySolveInPlace(lower, r, correction);
  for (let t = 0; t < r; t++) beta[t] = (beta[t] as number) + (correction[t] as number);
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const base = i * width;
    let fitted = 0;
    for (let t = 0; t < r; t++) fitted += (rows[base + (kept[t] as number)] as number) * (beta[t] as number);
    const x = fitted * (2 - fitted);
    const s = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - s + x : x - s + sum;
    sum = s;
  }
  return sum + compensation;
}

/** n·D̄ᵀ V⁻¹ D̄ with vᵢ = dᵢ − J A⁻¹ sᵢ over the kept indicators. */
function whiteStatistic(
  rt: Runtime,
  rows: Float64Array,
  n: number,
  width: number,
  scores: Float64Array,
  hessians: Float64Array,
  layout: "dense" | "packed",
  dim: number,
  kept: number[],
  jacobian: Float64Array,
  indicatorMeans: Float64Array,
): number {
  const p = packedLength(dim);
  // −A = −(1/n) Σ Hᵢ, positive definite at a maximum of the likelihood.
  const negativeMean = new Float64Array(p);
  for (let k = 0; k < dim; k++) {
    const col = packedColumnStart(k);
    for (let j = 0; j <= k; j++) {
      const offset = layout === "dense" ? j * dim + k : col + j;
      const size = layout === "dense" ? dim * dim : p;
      negativeMean[col + j] = -columnSum(hessians, n, size, offset) / n;
    }
  }
  const m = kept.length;
  const keptJacobian = new Float64Array(m * dim);
  for (let t = 0; t < m; t++) {
    const row = (kept[t] as number) * dim;
    for (let j = 0; j < dim; j++) keptJacobian[t * dim + j] = (jacobian[row + j] as number) / n;
  }
  // Row t of (−A)⁻¹ solved against row t of J is row t of −J A⁻¹ (A is symmetric).
  const minusJAinv = SymmetricMatrix.adopt(negativeMean, dim, rt).cholesky().solve(keptJacobian);
  const v = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const s = i * dim;
    for (let t = 0; t < m; t++) {
      let x = rows[i * width + (kept[t] as number)] as number;
      for (let j = 0; j < dim; j++) x += (minusJAinv[t * dim + j] as number) * (scores[s + j] as number);
      v[i * m + t] = x;
    }
  }
  const covariance = SymmetricMatrix.adopt(scoreMoment(rt, v, m, { divisor: n, argument: "scores" }), m, rt);
  const mean = new Float64Array(m);
  for (let t = 0; t < m; t++) mean[t] = indicatorMeans[kept[t] as number] as number;
  const factor = covariance.cholesky();
  const x = factor.solve(mean);
  // One step of iterative refinement of V x = D̄.
  const residual = covariance.matvec(x);
  for (let t = 0; t < m; t++) residual[t] = (mean[t] as number) - (residual[t] as number);
  const correction = factor.solve(residual);
  let quadratic = 0;
  for (let t = 0; t < m; t++) quadratic += (mean[t] as number) * ((x[t] as number) + (correction[t] as number));
  return n * quadratic;
}
