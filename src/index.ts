// The public face of fisher-wasm.
export { type AddOptions, FisherAccumulator } from "./accumulator.js";
export { type EmpiricalFisherOptions, empiricalFisher } from "./empirical-fisher.js";
export { DisposedError, EmptyAccumulatorError, NonFiniteError, SerializationError } from "./errors.js";
export { availableBackends, type BackendName, backend, type InitOptions, init } from "./init.js";
export { MAX_DIM, packedIndex, packedLength } from "./packed.js";
export { type FromDenseOptions, SymmetricMatrix } from "./symmetric-matrix.js";
