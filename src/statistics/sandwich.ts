// The sandwich covariance A⁻¹ B A⁻¹: with A the observed information (−H) and B the
// outer product of the scores it is the robust (HC0) covariance of an estimator.
import { symmetrizeAndPack } from "../base/packed-layout.js";
import { describeValue } from "../base/validate.js";
import { SymmetricMatrix } from "../linalg/symmetric-matrix.js";

function assertMatrix(name: string, value: unknown): asserts value is SymmetricMatrix {
  if (!(value instanceof SymmetricMatrix))
    throw new TypeError(`\`${name}\` must be a SymmetricMatrix; received ${describeValue(value)}.`);
}

/**
 * A⁻¹ B A⁻¹ for a positive definite `information` A and a symmetric `meat` B, by two
 * batched Cholesky solves. With A = −Σ H (a sum) and B = Σ s sᵀ (a sum) this is the
 * HC0 covariance of the estimate, statsmodels' cov_type="HC0".
 * @throws {TypeError} when an argument is not a SymmetricMatrix. @throws {RangeError} on different dims.
 * @throws {NotPositiveDefiniteError} when A is not positive definite.
 * @category Statistics
 */
export function sandwichCovariance(information: SymmetricMatrix, meat: SymmetricMatrix): SymmetricMatrix {
  assertMatrix("information", information);
  assertMatrix("meat", meat);
  const d = information.dim;
  if (meat.dim !== d) throw new RangeError(`\`meat\` must have dim ${d}; received dim ${meat.dim}.`);
  const factor = information.cholesky();
  // Row i of the first solve is A⁻¹ b_i, i.e. column i of A⁻¹B; solving again with the
  // rows of A⁻¹B gives the columns of A⁻¹ (A⁻¹B)ᵀ = A⁻¹ B A⁻¹.
  const columnsOfAinvB = factor.solve(meat.toDense());
  const rowsOfAinvB = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) rowsOfAinvB[j * d + i] = columnsOfAinvB[i * d + j] as number;
  const sandwich = factor.solve(rowsOfAinvB);
  return SymmetricMatrix.adopt(symmetrizeAndPack(sandwich, d), d, information.runtime);
}
