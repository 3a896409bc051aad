// Argument checks for the public edge. Kernels below trust their inputs.
import { EmptyMeanError, NonFiniteError } from "./errors.js";
import { accumulatorPlanBytes, MEMORY_LIMIT_BYTES } from "./memory-limits.js";
import { MAX_DIM } from "./packed-layout.js";

/** A short description of any value for error messages: strings quoted, objects by class. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return `Array(${value.length})`;
  return (value as object).constructor?.name ?? typeof value;
}

export function assertFloat64Array(name: string, value: unknown): asserts value is Float64Array {
  if (!(value instanceof Float64Array)) {
    throw new TypeError(`\`${name}\` must be a Float64Array; received ${describeValue(value)}.`);
  }
}

/**
 * Rows of input values as the API takes them: float64, or float32, which is widened exactly to
 * float64 while it is staged into the runtime's memory (no rounding), so both give bit-identical
 * results for the same values.
 */
export type FloatRows = Float64Array | Float32Array;

export function assertFloatRows(name: string, value: unknown): asserts value is FloatRows {
  if (!(value instanceof Float64Array || value instanceof Float32Array)) {
    throw new TypeError(`\`${name}\` must be a Float64Array or Float32Array; received ${describeValue(value)}.`);
  }
}

export function assertDim(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`\`${name}\` must be a positive integer; received ${describeValue(value)}.`);
  }
  if (value > MAX_DIM) {
    throw new RangeError(
      `\`${name}\` = ${value} is too large: a dense Fisher of that dim needs ${accumulatorPlanBytes(value)} bytes at once (its packed matrix, a working copy and the staged rows) and 32-bit WebAssembly memory holds ${MEMORY_LIMIT_BYTES}; the largest dim that fits is ${MAX_DIM}.`,
    );
  }
}

/**
 * Refuses at once, before anything is allocated, a size whose memory plan (the bytes the call
 * or object holds at once) exceeds 32-bit WebAssembly memory, naming the size and the largest
 * that fits. @throws {RangeError}
 */
export function assertPlanFits(name: string, value: number, bytes: number, largest: number, what: string): void {
  if (bytes > MEMORY_LIMIT_BYTES) {
    throw new RangeError(
      `\`${name}\` = ${value} is too large for ${what}: it needs ${bytes} bytes at once and 32-bit WebAssembly memory holds ${MEMORY_LIMIT_BYTES}; the largest ${name} that fits is ${largest}.`,
    );
  }
}

export function assertIndex(name: string, value: unknown, size: number): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= size) {
    throw new RangeError(`\`${name}\` must be an integer in [0, ${size}); received ${describeValue(value)}.`);
  }
}

export function assertLength(name: string, array: FloatRows, expected: number, meaning: string): void {
  if (array.length !== expected) {
    throw new RangeError(`\`${name}\` must have length ${expected} (${meaning}); received length ${array.length}.`);
  }
}

/** Checks a row-major float64 batch of scores and returns its number of rows. */
export function rowsOf(name: string, scores: unknown, dim: number): number {
  assertFloat64Array(name, scores);
  return rowCount(name, scores, dim);
}

/** Checks a row-major batch of scores, float64 or float32, and returns its number of rows. */
export function floatRowsOf(name: string, scores: unknown, dim: number): number {
  assertFloatRows(name, scores);
  return rowCount(name, scores, dim);
}

function rowCount(name: string, scores: FloatRows, dim: number): number {
  if (scores.length % dim !== 0) {
    throw new RangeError(
      `\`${name}\` length must be a multiple of dim (${dim}), one row of dim values per sample; received length ${scores.length}.`,
    );
  }
  return scores.length / dim;
}

/** Checks per-row weights (float64 or float32; finite, non-negative, one per row) and returns their sum. */
export function weightSum(name: string, weights: unknown, rows: number): number {
  assertFloatRows(name, weights);
  assertLength(name, weights, rows, "one weight per row");
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights[i] as number;
    if (w - w !== 0) throw NonFiniteError.atIndex(name, i, w);
    if (!(w >= 0)) {
      throw new RangeError(`\`${name}\` must be finite and non-negative; ${name}[${i}] is ${w}.`);
    }
    sum += w;
  }
  return sum;
}

/** Checks that every entry is finite; names the first that is not. @throws {NonFiniteError} */
export function assertAllFinite(name: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v !== 0) throw NonFiniteError.atIndex(name, i, v);
  }
}

export function assertOptions(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw new TypeError(`\`${name}\` must be an object; received ${describeValue(value)}.`);
  }
}

/** Damping λ for (A + λI): a finite, non-negative number; undefined means 0. */
export function dampingOf(options: { damping?: number } | undefined): number {
  assertOptions("options", options);
  const damping = options?.damping ?? 0;
  if (typeof damping !== "number" || !(damping >= 0 && damping < Number.POSITIVE_INFINITY)) {
    throw new RangeError(
      `\`options.damping\` must be a finite non-negative number; received ${describeValue(damping)}.`,
    );
  }
  return damping;
}

/** Checks one vector of length dim or a row-major batch of them; returns how many. */
export function vectorCount(name: string, value: unknown, dim: number): number {
  assertFloat64Array(name, value);
  if (value.length === 0 || value.length % dim !== 0) {
    throw new RangeError(
      `\`${name}\` must hold one vector of length ${dim} or a row-major batch of them (a positive multiple of ${dim}); received length ${value.length}.`,
    );
  }
  return value.length / dim;
}

/**
 * How a sum over samples is reported: "mean" divides by Σ w, "sum" does not.
 * @category Curvature
 */
export type Reduction = "mean" | "sum";

/** The `reduction` option: "mean" or "sum", `fallback` when undefined. */
export function reductionOf(value: unknown, fallback: Reduction): Reduction {
  if (value === undefined) return fallback;
  if (value !== "mean" && value !== "sum") {
    throw new RangeError(`\`options.reduction\` must be "mean" or "sum"; received ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Every tolerance option: a finite number, ≥ 0 (or > 0 when `positive`). A NaN or infinite one
 * would turn a check off silently (|A[i][j] − A[j][i]| > NaN is never true): a caller who
 * wants no check says so with a large finite tolerance, e.g. Number.MAX_VALUE.
 * @throws {TypeError} for a non-number. @throws {RangeError} for NaN, ±Infinity or a negative (or zero) number.
 */
export function assertTolerance(name: string, value: unknown, positive = false): asserts value is number {
  const kind = positive ? "a finite positive number" : "a finite non-negative number";
  if (typeof value !== "number") throw new TypeError(`\`${name}\` must be ${kind}; received ${describeValue(value)}.`);
  if (!(value >= 0 && value < Number.POSITIVE_INFINITY) || (positive && value === 0)) {
    throw new RangeError(`\`${name}\` must be ${kind}; received ${describeValue(value)}.`);
  }
}

/** A tolerance of a symmetry check (see assertTolerance). */
export function assertSymmetryTolerance(name: string, value: unknown): asserts value is number {
  assertTolerance(name, value);
}

/**
 * How matrices are laid out in a flat array: "dense" row-major dim×dim, or "packed" 'U' dim(dim+1)/2.
 * @category Linear algebra
 */
export type Layout = "dense" | "packed";

/** A `layout` option named `name`: "dense" or "packed", `fallback` when undefined. */
export function layoutOf(name: string, value: unknown, fallback: Layout): Layout {
  if (value === undefined) return fallback;
  if (value !== "dense" && value !== "packed") {
    throw new RangeError(`\`${name}\` must be "dense" or "packed"; received ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Checks that every entry of a row-major batch of `width`-wide rows is finite; names the
 * first that is not by row and column. @throws {NonFiniteError}
 */
export function assertAllFiniteRows(name: string, values: Float64Array, width: number): void {
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number;
    if (v - v !== 0) throw new NonFiniteError(name, Math.floor(t / width), t % width, v);
  }
}

/** How many of the `handedOut` rows of a batch buffer to commit: all when undefined, else an integer in [0, handedOut]. @throws {RangeError} */
export function batchRowsOf(name: string, value: unknown, handedOut: number): number {
  if (value === undefined) return handedOut;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > handedOut) {
    throw new RangeError(
      `\`${name}\` must be an integer from 0 to ${handedOut} (the rows the batch buffer was asked for); received ${describeValue(value)}.`,
    );
  }
  return value;
}

/** A count or size option: a positive integer. @throws {RangeError} */
export function assertPositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`\`${name}\` must be a positive integer; received ${describeValue(value)}.`);
  }
}

/** A callback argument. @throws {TypeError} naming what it received. */
export function assertFunction(
  name: string,
  value: unknown,
  signature: string,
): asserts value is (...args: never) => unknown {
  if (typeof value !== "function") {
    throw new TypeError(`\`${name}\` must be a function ${signature}; received ${describeValue(value)}.`);
  }
}

/** A validated batch of score rows: how many rows, their weights and their total weight. */
export interface ScoreBatch {
  readonly rows: number;
  readonly weights: FloatRows | undefined;
  readonly total: number;
  readonly reduction: Reduction;
  /** What the result is divided by: Σ w for a mean, 1 for a sum. */
  readonly divisor: number;
  readonly out: Float64Array | undefined;
}

/**
 * The checks every one-shot reduction over score rows shares (after dim): the options object,
 * the batch's length, the weights, the reduction (mean by default, with positive total weight)
 * and an `out` of `outLength` entries (`outMeaning` says what they are).
 * @throws {TypeError} / {RangeError} / {NonFiniteError} naming the argument; {EmptyMeanError} for a mean of no weight.
 */
export function scoreBatchOf(
  scores: unknown,
  dim: number,
  options: { weights?: FloatRows; reduction?: Reduction; out?: Float64Array } | undefined,
  outLength: number,
  outMeaning: string,
): ScoreBatch {
  assertOptions("options", options);
  const rows = floatRowsOf("scores", scores, dim);
  const weights = options?.weights;
  const total = weights === undefined ? rows : weightSum("options.weights", weights, rows);
  const reduction = reductionOf(options?.reduction, "mean");
  if (reduction === "mean" && !(total > 0)) {
    throw new EmptyMeanError("a mean of `scores`", `${rows} rows of total weight ${total}`);
  }
  const out = options?.out;
  if (out !== undefined) {
    assertFloat64Array("options.out", out);
    assertLength("options.out", out, outLength, outMeaning);
  }
  return { rows, weights, total, reduction, divisor: reduction === "mean" ? total : 1, out };
}
