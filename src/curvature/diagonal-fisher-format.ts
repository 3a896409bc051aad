// The serialized form of a DiagonalFisherAccumulator in the shared state format
// (base/state-format.ts): magic "FWDG", version 1, shape [dim], scalars [count, totalWeight],
// arrays [the weighted sum of squared scores Σ w s_j² (dim)].
import { SerializationError } from "../base/errors.js";
import { decodeState as decode, encodeState as encode, type StateFormat } from "../base/state-format.js";

export interface DiagonalState {
  dim: number;
  count: number;
  totalWeight: number;
  sum: Float64Array;
}

function format(maxDim: number): StateFormat {
  return {
    magic: "FWDG",
    version: 1,
    writer: "DiagonalFisherAccumulator",
    shapeFields: 1,
    scalars: 2,
    arrayLengths: ([dim = 0]) => (dim >= 1 && dim <= maxDim ? [dim] : `dim ${dim} is out of range [1, ${maxDim}]`),
  };
}

export function encodeDiagonalState(state: DiagonalState, maxDim: number): Uint8Array {
  return encode(format(maxDim), {
    shape: [state.dim],
    scalars: [state.count, state.totalWeight],
    arrays: [state.sum],
  });
}

/**
 * @throws {SerializationError} on foreign, truncated or corrupted bytes, an invalid count or
 *   weight, or a negative sum of squares.
 */
export function decodeDiagonalState(bytes: Uint8Array, maxDim: number): DiagonalState {
  const { shape, scalars, arrays } = decode(format(maxDim), bytes);
  const [count = Number.NaN, totalWeight = Number.NaN] = scalars;
  if (!Number.isInteger(count) || count < 0 || !(totalWeight >= 0 && totalWeight < Number.POSITIVE_INFINITY)) {
    throw new SerializationError(
      `Corrupted DiagonalFisherAccumulator: count ${count} or totalWeight ${totalWeight} is invalid.`,
    );
  }
  const sum = arrays[0] as Float64Array;
  const negative = sum.findIndex((v) => v < 0);
  if (negative >= 0) {
    throw new SerializationError(
      `Corrupted DiagonalFisherAccumulator: sum entry ${negative} is ${sum[negative]}, but a sum of weighted squares is never negative.`,
    );
  }
  return { dim: shape[0] as number, count, totalWeight, sum };
}
