// Argument checks for the public edge. Kernels below trust their inputs.
import { EmptyMeanError, NonFiniteError, OptionTypeError, OverflowError, UnknownOptionError } from "./errors.js";
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

/** The smallest positive normal double, 2^-1022: below it a number has lost bits, and 1/x overflows. */
const SMALLEST_NORMAL = 2 ** -1022;

/**
 * Checks the weights of a batch an accumulator adds (as weightSum) and that what it holds stays in
 * range: an accumulator keeps the SUM Σ w (and sums weighted by w), so a positive weight below
 * 2^-1022 (a subnormal number: 1/Σw of it overflows) and a batch that takes Σ w past the largest
 * double are refused, where a one-shot mean rescales its weights instead. Returns the batch's Σ w.
 * @throws {RangeError} naming a subnormal weight. @throws {OverflowError} naming the weights when Σ w overflows.
 */
export function accumulatedWeightSum(name: string, weights: unknown, rows: number, held: number): number {
  const sum = weightSum(name, weights, rows);
  const w = weights as FloatRows;
  for (let i = 0; i < rows; i++) {
    const v = w[i] as number;
    if (v > 0 && v < SMALLEST_NORMAL) {
      throw new RangeError(
        `\`${name}\` of an accumulator must be 0 or at least 2^-1022 (2.2e-308); ${name}[${i}] is ${v}, so Σ w could not be inverted. Scale the weights up: a mean does not depend on their scale.`,
      );
    }
  }
  if (held + sum > Number.MAX_VALUE) {
    throw new OverflowError(
      name,
      `Σ w of the accumulator would be ${held} + ${sum}, past the largest double. Scale the weights down: a mean does not depend on their scale.`,
    );
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

/** An object argument that is not an options object (an operator, say): any non-null object. @throws {TypeError} */
export function assertObject(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw new TypeError(`\`${name}\` must be an object; received ${describeValue(value)}.`);
  }
}

/**
 * What one option may hold: `expected` says it in messages ("a number"), `accepts` checks the
 * type, and `values`, for an option with a fixed set of string values, lists them. Ranges (a
 * positive integer, a finite tolerance) are checked where the option is used.
 */
export interface OptionKind {
  readonly expected: string;
  readonly accepts: (value: unknown) => boolean;
  readonly values?: readonly string[];
}

const kind = (expected: string, accepts: (value: unknown) => boolean): OptionKind => ({ expected, accepts });

/** The kinds of option the public functions take. */
export const OPTION = {
  number: kind("a number", (v) => typeof v === "number"),
  boolean: kind("a boolean (true or false)", (v) => typeof v === "boolean"),
  float64Array: kind("a Float64Array", (v) => v instanceof Float64Array),
  floatRows: kind("a Float64Array or Float32Array", (v) => v instanceof Float64Array || v instanceof Float32Array),
  function: kind("a function", (v) => typeof v === "function"),
  /** A runtime from createRuntime(); runtimeOf checks that it is one. */
  runtime: kind("a Runtime (from createRuntime())", (v) => typeof v === "object" && v !== null),
  /** One of a fixed set of strings: a string outside the set is a RangeError, anything else a TypeError. */
  oneOf: (...values: readonly (string | number)[]): OptionKind => ({
    expected: values.map((v) => JSON.stringify(v)).join(" or "),
    accepts: (v) => values.includes(v as string | number),
    values: values.map(String),
  }),
} as const;

/** Every key an options object of type T may have, with what it may hold. */
export type OptionSpec<T> = { readonly [K in keyof T]-?: OptionKind };

/** The `runtime` option every function that computes takes. */
export const RUNTIME_OPTION = { runtime: OPTION.runtime } as const;

/** Edit distance between two keys, case-insensitive (a misspelling's distance to the right key). */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[y.length] as number;
}

/** The known key closest to `key`, if close enough to be a misspelling of it (at most a third of its letters differ). */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Checks an options argument against the keys a function takes, before anything is computed or
 * changed: undefined (no options) or a plain object (an object literal, or one with a null
 * prototype) whose every key is in `spec` and whose every value is of its kind; a value of
 * `undefined` counts as not given. Every public function that takes options calls it.
 * @throws {OptionTypeError} when the options are not a plain object, or an option has the wrong type.
 * @throws {UnknownOptionError} for a key the function does not take, naming the closest known key.
 * @throws {RangeError} for a string option outside its set of values.
 */
export function assertOptions<T>(name: string, value: T | undefined, spec: OptionSpec<T>): void {
  if (value === undefined) return;
  const prototype = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (prototype === undefined || (prototype !== null && Object.getPrototypeOf(prototype) !== null)) {
    throw new OptionTypeError(name, value, "an object literal (a plain object) or undefined", describeValue(value));
  }
  const known = Object.keys(spec);
  const options = value as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    const option = (spec as Record<string, OptionKind | undefined>)[key];
    if (option === undefined || !Object.hasOwn(spec, key)) {
      throw new UnknownOptionError(name, key, known, closestKey(key, known));
    }
    const given = options[key];
    if (given === undefined || option.accepts(given)) continue;
    if (option.values && typeof given === "string") {
      throw new RangeError(`\`${name}.${key}\` must be ${option.expected}; received ${describeValue(given)}.`);
    }
    throw new OptionTypeError(`${name}.${key}`, given, option.expected, describeValue(given));
  }
}

/** The options of the direct solves, (A + λI)⁻¹ b. */
export const DAMPING_OPTIONS: OptionSpec<{ damping?: number }> = { damping: OPTION.number };

/** Damping λ for (A + λI), from options of the given spec (default DAMPING_OPTIONS): a finite, non-negative number; undefined means 0. */
export function dampingOf<T extends { damping?: number }>(
  options: T | undefined,
  spec: OptionSpec<T> = DAMPING_OPTIONS as OptionSpec<T>,
): number {
  assertOptions("options", options, spec);
  const damping = options?.damping ?? 0;
  if (!(damping >= 0 && damping < Number.POSITIVE_INFINITY)) {
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
 * The checks every one-shot reduction over score rows shares (after dim): the options object (against `spec`),
 * the batch's length, the weights, the reduction (mean by default, with positive total weight)
 * and an `out` of `outLength` entries (`outMeaning` says what they are).
 * @throws {TypeError} / {RangeError} / {NonFiniteError} naming the argument; {EmptyMeanError} for a mean of no weight.
 */
export function scoreBatchOf<T extends { weights?: FloatRows; reduction?: Reduction; out?: Float64Array }>(
  scores: unknown,
  dim: number,
  options: T | undefined,
  spec: OptionSpec<T>,
  outLength: number,
  outMeaning: string,
): ScoreBatch {
  assertOptions("options", options, spec);
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
