// The serialized form of a FisherAccumulator in the shared state format (base/state-format.ts):
// magic "FWAC", version 1, shape [dim], scalars [count, totalWeight], arrays [the weighted mean
// score (dim), the packed 'U' co-moment Σ w (s − mean)(s − mean)ᵀ (dim(dim+1)/2)].
import { SerializationError } from "../base/errors.js";
import { MAX_DIM, packedLength } from "../base/packed-layout.js";
import { decodeState as decode, encodeState as encode, type StateFormat } from "../base/state-format.js";

const FORMAT: StateFormat = {
  magic: "FWAC",
  version: 1,
  writer: "FisherAccumulator",
  shapeFields: 1,
  scalars: 2,
  arrayLengths: ([dim = 0]) =>
    dim >= 1 && dim <= MAX_DIM ? [dim, packedLength(dim)] : `dim ${dim} is out of range [1, ${MAX_DIM}]`,
};

export interface AccumulatorState {
  dim: number;
  count: number;
  totalWeight: number;
  mean: Float64Array;
  comoment: Float64Array;
}

export function encodeState(state: AccumulatorState): Uint8Array {
  return encode(FORMAT, {
    shape: [state.dim],
    scalars: [state.count, state.totalWeight],
    arrays: [state.mean, state.comoment],
  });
}

/** @throws {SerializationError} on foreign, truncated or corrupted bytes, or an invalid count or weight. */
export function decodeState(bytes: Uint8Array): AccumulatorState {
  const { shape, scalars, arrays } = decode(FORMAT, bytes);
  const [count = Number.NaN, totalWeight = Number.NaN] = scalars;
  if (!Number.isInteger(count) || count < 0 || !(totalWeight >= 0 && totalWeight < Number.POSITIVE_INFINITY)) {
    throw new SerializationError(
      `Corrupted FisherAccumulator: count ${count} or totalWeight ${totalWeight} is invalid.`,
    );
  }
  return {
    dim: shape[0] as number,
    count,
    totalWeight,
    mean: arrays[0] as Float64Array,
    comoment: arrays[1] as Float64Array,
  };
}
