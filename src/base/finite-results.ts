// Results stay finite: the checks that turn an overflow into a typed error, and the exact
// power-of-two scaling that keeps a result in range when only an intermediate would overflow.
// A check on an output costs O(output) against the computation that made it, so it is done on
// every output whose computation could overflow; inputs are checked on entry (validate.ts).

import { NonFiniteError, OverflowError } from "./errors.js";
import { packedColumnStart } from "./packed-layout.js";

/** Index of the first NaN or ±Infinity in `values`, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number;
    if (v - v !== 0) return t;
  }
  return -1;
}

/** max |values[t]| (0 for an empty array); NaN when one is NaN. */
export function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let t = 0; t < values.length; t++) {
    const a = Math.abs(values[t] as number);
    if (!(a <= largest)) largest = a;
  }
  return largest;
}

/**
 * x · 2^exponent, exactly (for a result in the normal range): 2^exponent itself overflows or
 * underflows past ±1023, so the factor is applied in two halves.
 */
export function timesPowerOfTwo(x: number, exponent: number): number {
  const half = Math.trunc(exponent / 2);
  return x * 2 ** half * 2 ** (exponent - half);
}

/**
 * The exponent e with 2^e <= x < 2^(e+1) for a finite x > 0 (subnormals included), so that
 * x · 2^-e lies in [1, 2).
 */
export function binaryExponent(x: number): number {
  let e = Math.floor(Math.log2(x));
  // log2 rounds: nudge e until 2^e <= x < 2^(e+1) holds exactly.
  while (timesPowerOfTwo(1, e) > x) e--;
  while (timesPowerOfTwo(1, e + 1) <= x) e++;
  return e;
}

/**
 * Throws {@link OverflowError} naming `argument` when any entry of a result computed from finite
 * inputs is not finite.
 */
export function assertFiniteResult(argument: string, values: ArrayLike<number>, detail: string): void {
  const bad = firstNonFinite(values);
  if (bad >= 0) throw new OverflowError(argument, `${detail} (entry ${bad} would be ${values[bad]}).`);
}

/** A finite number result, else {@link OverflowError} naming `argument`. */
export function finiteNumber(argument: string, value: number, detail: string): number {
  if (value - value !== 0) throw new OverflowError(argument, `${detail} (it would be ${value}).`);
  return value;
}

/**
 * Throws {@link NonFiniteError} naming `argument`, with the row and column, when a packed 'U'
 * matrix holds a NaN or ±Infinity (its `packed` array was written to after it was made).
 */
export function assertFinitePacked(argument: string, packed: Float64Array): void {
  const bad = firstNonFinite(packed);
  if (bad < 0) return;
  let j = Math.floor((Math.sqrt(8 * bad + 1) - 1) / 2);
  while (packedColumnStart(j) > bad) j--;
  while (packedColumnStart(j + 1) <= bad) j++;
  throw new NonFiniteError(argument, bad - packedColumnStart(j), j, packed[bad] as number);
}

/**
 * Runs `compute` and re-raises its NonFiniteError or OverflowError under the caller's names for
 * the same values (e.g. a SymmetricMatrix method's `matrix` and `x` are naturalGradient's `F` and `g`).
 */
export function withArgumentNames<T>(names: Readonly<Record<string, string>>, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof OverflowError && names[error.argument] !== undefined) {
      throw new OverflowError(names[error.argument] as string, error.detail);
    }
    if (error instanceof NonFiniteError && names[error.argument] !== undefined) {
      throw new NonFiniteError(names[error.argument] as string, error.row, error.column, error.value);
    }
    throw error;
  }
}

/**
 * The range of Σ w in which a weighted mean is summed on the caller's weights as they are; outside
 * it, the weights are rescaled by a power of two first (see normalizedWeights). Scaling by a power
 * of two is exact, so the bound only decides when the copy is worth making.
 */
export const WEIGHT_SUM_RANGE = { min: 2 ** -128, max: 2 ** 128 } as const;

/** Weights scaled by 2^-exponent (exactly) so that they sum to [1/2, 1). */
export interface NormalizedWeights {
  readonly weights: Float64Array;
  /** Σ of the scaled weights. */
  readonly total: number;
  readonly exponent: number;
}

/**
 * `weights` (or `rows` unit weights when undefined) times 2^-exponent, with the exponent chosen so
 * that they sum to [1/2, 1) even when their own sum overflows or underflows. All-zero weights are
 * returned as they are (exponent 0).
 */
export function normalizedWeights(weights: ArrayLike<number> | undefined, rows: number): NormalizedWeights {
  const unit = weights === undefined;
  const largest = unit ? (rows > 0 ? 1 : 0) : maxAbs(weights);
  if (largest === 0) return { weights: new Float64Array(rows), total: 0, exponent: 0 };
  const top = binaryExponent(largest);
  let sum = 0; // ≤ 2 · rows: every term is below 2 after the first scaling
  for (let i = 0; i < rows; i++) sum += unit ? timesPowerOfTwo(1, -top) : timesPowerOfTwo(weights[i] as number, -top);
  const exponent = top + binaryExponent(sum) + 1;
  const scaled = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    scaled[i] = timesPowerOfTwo(unit ? 1 : (weights[i] as number), -exponent);
    total += scaled[i] as number;
  }
  return { weights: scaled, total, exponent };
}
