// Symmetric eigen-decomposition through the active backend (placeholder until implemented).
export function symmetricEigenvalues(_packed: Float64Array, _dim: number): Float64Array {
  throw new Error("symmetricEigenvalues is not implemented yet.");
}

export function symmetricEigen(_packed: Float64Array, _dim: number): { values: Float64Array; vectors: Float64Array } {
  throw new Error("symmetricEigen is not implemented yet.");
}
