// The data a model is built on: a row-major design matrix X (n × p) and a response
// vector y, checked once at construction so the hot paths can trust them.
import { assertAllFinite, assertAllFiniteRows, assertDim, assertFloat64Array } from "../base/validate.js";

/** A checked design: X row-major n × p and the responses y (length n). */
export interface Design {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly p: number;
}

/**
 * Checks X (row-major n × p, finite), y (length n, finite) and p; the family checks
 * y's support afterwards. Neither array is copied: the model reads them on every call.
 */
export function checkDesign(x: unknown, y: unknown, p: unknown): Design {
  assertFloat64Array("X", x);
  assertFloat64Array("y", y);
  assertDim("p", p);
  if (x.length === 0 || x.length % p !== 0) {
    throw new RangeError(
      `\`X\` must be row-major n × p with p = ${p}, so its length must be a positive multiple of ${p}; received length ${x.length}.`,
    );
  }
  const n = x.length / p;
  if (y.length !== n) {
    throw new RangeError(`\`y\` must hold one response per row of X (${n} rows); received length ${y.length}.`);
  }
  assertAllFiniteRows("X", x, p);
  assertAllFinite("y", y);
  return { x, y, n, p };
}

/** Checks a parameter vector of the model's length, finite. */
export function checkParams(params: unknown, length: number): Float64Array {
  assertFloat64Array("params", params);
  if (params.length !== length) {
    throw new RangeError(
      `\`params\` must have length ${length} (one per model parameter); received length ${params.length}.`,
    );
  }
  assertAllFinite("params", params);
  return params;
}

/** η = X β for the coefficient block of `beta` that starts at `offset`. */
export function linearPredictor(design: Design, beta: Float64Array, offset = 0, out?: Float64Array): Float64Array {
  const { x, n, p } = design;
  const eta = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * p;
    for (let j = 0; j < p; j++) s += (x[row + j] as number) * (beta[offset + j] as number);
    eta[i] = s;
  }
  return eta;
}
