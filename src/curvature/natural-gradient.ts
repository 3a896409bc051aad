// The two places where the Fisher meets optimisation and information geometry.

import { assertFloat64Array, assertLength, describeValue } from "../base/validate.js";
import { type DampingOptions, SymmetricMatrix } from "../linalg/symmetric-matrix.js";

function assertMatrix(value: unknown): void {
  if (!(value instanceof SymmetricMatrix)) {
    throw new TypeError(`\`F\` must be a SymmetricMatrix; received ${describeValue(value)}.`);
  }
}

/**
 * The natural gradient x = (F + λI)⁻¹ g, by a Cholesky solve. F is usually a mean
 * Fisher (as empiricalFisher returns) and g the matching mean gradient.
 * @throws {RangeError} on a bad length or damping. @throws {NotPositiveDefiniteError} when F + λI is not PD.
 * @category Curvature
 */
export function naturalGradient(F: SymmetricMatrix, g: Float64Array, options?: DampingOptions): Float64Array {
  assertMatrix(F);
  assertFloat64Array("g", g);
  assertLength("g", g, F.dim, "F.dim");
  return F.solve(g, options);
}

/**
 * The local KL divergence ½ δᵀ F δ ≈ KL(p_θ ‖ p_{θ+δ}) for a small step δ, with F
 * the Fisher per sample (a mean); with a summed Fisher it is the KL summed over samples.
 * @throws {RangeError} on a bad length.
 * @category Curvature
 */
export function klDivergence(F: SymmetricMatrix, delta: Float64Array): number {
  assertMatrix(F);
  return 0.5 * F.quadraticForm(delta);
}
