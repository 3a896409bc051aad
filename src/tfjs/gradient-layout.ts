// Between tfjs's layout of a Dense layer's weights (kernel inputDim × outputDim, bias outputDim)
// and fisher-wasm's K-FAC layout (V = outputDim × (inputDim + bias), row-major, bias last).

/** V[o][i] = kernel[i][o], V[o][inputDim] = bias[o]. */
export function toKroneckerLayout(
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  inputDim: number,
  outputDim: number,
): Float64Array {
  const width = inputDim + (bias === undefined ? 0 : 1);
  const V = new Float64Array(outputDim * width);
  for (let i = 0; i < inputDim; i++) {
    for (let o = 0; o < outputDim; o++) V[o * width + i] = kernel[i * outputDim + o] as number;
  }
  if (bias !== undefined) for (let o = 0; o < outputDim; o++) V[o * width + inputDim] = bias[o] as number;
  return V;
}

/** The inverse of toKroneckerLayout: the kernel (inputDim × outputDim) and bias parts of V. */
export function fromKroneckerLayout(
  V: Float64Array,
  hasBias: boolean,
  inputDim: number,
  outputDim: number,
): { kernel: Float32Array; bias: Float32Array | undefined } {
  const width = inputDim + (hasBias ? 1 : 0);
  const kernel = new Float32Array(inputDim * outputDim);
  for (let i = 0; i < inputDim; i++) {
    for (let o = 0; o < outputDim; o++) kernel[i * outputDim + o] = V[o * width + i] as number;
  }
  if (!hasBias) return { kernel, bias: undefined };
  const bias = new Float32Array(outputDim);
  for (let o = 0; o < outputDim; o++) bias[o] = V[o * width + inputDim] as number;
  return { kernel, bias };
}
