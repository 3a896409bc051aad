// The public face of fisher-wasm.

export {
  BackendUnavailableError,
  BatchBufferError,
  type BatchBufferProblem,
  CallbackResultError,
  ConvergenceError,
  DisposedError,
  EmptyAccumulatorError,
  EmptyMeanError,
  NonFiniteError,
  NotInitializedError,
  NotPositiveDefiniteError,
  OptionTypeError,
  OutOfMemoryError,
  OverflowError,
  SerializationError,
  UnknownOptionError,
  WorkerFailedError,
} from "./base/errors.js";
export { MAX_DIM } from "./base/packed-layout.js";
export { packedIndex, packedLength } from "./base/packed-layout-checked.js";
export type { Layout, Reduction } from "./base/validate.js";
export { BlockDiagonalOperator, blockDiagonal } from "./curvature/block-diagonal.js";
export {
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  conjugateGradient,
  type Preconditioner,
} from "./curvature/conjugate-gradient.js";
export {
  DiagonalFisherAccumulator,
  type DiagonalFisherOptions,
  diagonalFisher,
  diagonalOperator,
} from "./curvature/diagonal-fisher.js";
export { type DiscreteFisherOptions, discreteExpectedFisher } from "./curvature/discrete-fisher.js";
export { type EmpiricalFisherOptions, empiricalFisher } from "./curvature/empirical-fisher.js";
export { type AddOptions, FisherAccumulator } from "./curvature/fisher-accumulator.js";
export { type AddHessiansOptions, HessianAccumulator } from "./curvature/hessian-accumulator.js";
export {
  type DiagonalEstimate,
  estimateDiagonal,
  estimateTrace,
  type HutchinsonOptions,
  type TraceEstimate,
} from "./curvature/hutchinson.js";
export {
  type KroneckerAddOptions,
  KroneckerFactoredFisher,
  type KroneckerFactoredFisherOptions,
  type KroneckerFactors,
  type KroneckerSolveOptions,
  type KroneckerUpdateOptions,
} from "./curvature/kronecker-factored-fisher.js";
export { type TopEigen, type TopEigenvaluesOptions, topEigenvalues } from "./curvature/lanczos.js";
export { LowRankFisher, type LowRankFisherOptions } from "./curvature/low-rank-fisher.js";
export { type MonteCarloFisherOptions, monteCarloFisher } from "./curvature/monte-carlo-fisher.js";
export {
  type Curvature,
  klDivergence,
  type NaturalGradientOptions,
  naturalGradient,
} from "./curvature/natural-gradient.js";
export { type FiniteDifferenceOptions, numericalHessian, scoreJacobian } from "./curvature/numerical-curvature.js";
export type { CurvatureOperator } from "./curvature/operator.js";
export {
  availableBackends,
  type BackendName,
  backend,
  createRuntime,
  defaultRuntime,
  type InitOptions,
  init,
  threads,
} from "./engine/init.js";
export { Runtime, type RuntimeOptions } from "./engine/runtime.js";
export { CholeskyFactor } from "./linalg/cholesky.js";
export {
  type DampingOptions,
  type Eigen,
  type FromDenseOptions,
  type OutOptions,
  type RankOptions,
  SymmetricMatrix,
} from "./linalg/symmetric-matrix.js";
export type { GlmFamilyName } from "./models/families.js";
export { type FitOptions, ModelFit } from "./models/fit.js";
export { GlmModel } from "./models/glm-model.js";
export { type GaussianOptions, type ModelOptions, models } from "./models/index.js";
export { Model, type ModelFamily } from "./models/model.js";
export { MultinomialModel } from "./models/multinomial-model.js";
export { chiSquareSurvival } from "./statistics/chi-square.js";
export {
  type ChiSquareTestResult,
  type InformationMatrixTestOptions,
  type InformationMatrixTestResult,
  informationMatrixTest,
} from "./statistics/information-matrix-test.js";
export { sandwichCovariance } from "./statistics/sandwich.js";
