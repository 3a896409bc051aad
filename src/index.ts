// The public face of fisher-wasm.
export { type AddOptions, FisherAccumulator } from "./accumulator.js";
export { chiSquareSurvival } from "./chi-square.js";
export type { CholeskyFactor } from "./cholesky.js";
export { type DiscreteFisherOptions, discreteExpectedFisher } from "./discrete-fisher.js";
export { type EmpiricalFisherOptions, empiricalFisher } from "./empirical-fisher.js";
export {
  ConvergenceError,
  DisposedError,
  EmptyAccumulatorError,
  NonFiniteError,
  NotPositiveDefiniteError,
  SerializationError,
} from "./errors.js";
export { type AddHessiansOptions, HessianAccumulator } from "./hessian-accumulator.js";
export {
  type ChiSquareTestResult,
  type InformationMatrixTestOptions,
  type InformationMatrixTestResult,
  informationMatrixTest,
} from "./information-matrix-test.js";
export { availableBackends, type BackendName, backend, type InitOptions, init } from "./init.js";
export type { GlmFamilyName } from "./models/families.js";
export { type FitOptions, ModelFit } from "./models/fit.js";
export { GlmModel } from "./models/glm-model.js";
export { type GaussianOptions, models } from "./models/index.js";
export { Model, type ModelFamily } from "./models/model.js";
export { MultinomialModel } from "./models/multinomial-model.js";
export { type MonteCarloFisherOptions, monteCarloFisher } from "./monte-carlo-fisher.js";
export { klDivergence, naturalGradient } from "./natural-gradient.js";
export { type FiniteDifferenceOptions, numericalHessian, scoreJacobian } from "./numerical-curvature.js";
export { MAX_DIM, packedIndex, packedLength } from "./packed.js";
export { sandwichCovariance } from "./sandwich.js";
export {
  type DampingOptions,
  type Eigen,
  type FromDenseOptions,
  type RankOptions,
  SymmetricMatrix,
} from "./symmetric-matrix.js";
