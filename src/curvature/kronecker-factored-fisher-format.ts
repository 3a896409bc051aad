// The serialized form of a KroneckerFactoredFisher in the shared state format
// (base/state-format.ts): magic "FWKF", version 1, shape [inputDim, outputDim, bias (0 or 1)],
// scalars [count, totalWeight], arrays [the packed 'U' sum behind A (a(a+1)/2 with
// a = inputDim + bias), the packed 'U' sum behind G (outputDim(outputDim+1)/2)].
import { SerializationError } from "../base/errors.js";
import { MAX_DIM, packedLength } from "../base/packed-layout.js";
import { decodeState as decode, encodeState as encode, type StateFormat } from "../base/state-format.js";

const FORMAT: StateFormat = {
  magic: "FWKF",
  version: 1,
  writer: "KroneckerFactoredFisher",
  shapeFields: 3,
  scalars: 2,
  arrayLengths: ([inputDim = 0, outputDim = 0, bias = 2]) => {
    if (bias !== 0 && bias !== 1) return `bias ${bias} is not 0 or 1`;
    const a = inputDim + bias;
    if (inputDim < 1 || a > MAX_DIM) return `inputDim ${inputDim} is out of range [1, ${MAX_DIM - bias}]`;
    if (outputDim < 1 || outputDim > MAX_DIM) return `outputDim ${outputDim} is out of range [1, ${MAX_DIM}]`;
    return [packedLength(a), packedLength(outputDim)];
  },
};

export interface KroneckerState {
  inputDim: number;
  outputDim: number;
  bias: boolean;
  count: number;
  totalWeight: number;
  /** Packed Σ w ã ãᵀ. */
  sumA: Float64Array;
  /** Packed Σ w g gᵀ. */
  sumG: Float64Array;
}

export function encodeKroneckerState(state: KroneckerState): Uint8Array {
  return encode(FORMAT, {
    shape: [state.inputDim, state.outputDim, state.bias ? 1 : 0],
    scalars: [state.count, state.totalWeight],
    arrays: [state.sumA, state.sumG],
  });
}

/** @throws {SerializationError} on foreign, truncated or corrupted bytes, or an invalid count or weight. */
export function decodeKroneckerState(bytes: Uint8Array): KroneckerState {
  const { shape, scalars, arrays } = decode(FORMAT, bytes);
  const [count = Number.NaN, totalWeight = Number.NaN] = scalars;
  if (!Number.isInteger(count) || count < 0 || !(totalWeight >= 0 && totalWeight < Number.POSITIVE_INFINITY)) {
    throw new SerializationError(
      `Corrupted KroneckerFactoredFisher: count ${count} or totalWeight ${totalWeight} is invalid.`,
    );
  }
  return {
    inputDim: shape[0] as number,
    outputDim: shape[1] as number,
    bias: shape[2] === 1,
    count,
    totalWeight,
    sumA: arrays[0] as Float64Array,
    sumG: arrays[1] as Float64Array,
  };
}
