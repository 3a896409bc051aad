// The serialized form of a FisherAccumulator in the shared state format (base/state-format.ts):
// magic "FWAC", version 2, shape [dim], scalars [count, totalWeight], arrays [the shift K (dim),
// the offset o = mean − K of the weighted mean score (dim), the packed 'U' co-moment
// Σ w (s − mean)(s − mean)ᵀ (dim(dim+1)/2)]. Version 1, written before the mean was held as a
// shift and an offset, stored the mean itself in place of K and o; it reads as K = mean, o = 0.
import { SerializationError } from "../base/errors.js";
import { MAX_DIM, packedLength } from "../base/packed-layout.js";
import { decodeState as decode, encodeState as encode, type StateFormat } from "../base/state-format.js";

const dimRange = (dim: number): string | undefined =>
  dim >= 1 && dim <= MAX_DIM ? undefined : `dim ${dim} is out of range [1, ${MAX_DIM}]`;

const FORMAT: StateFormat = {
  magic: "FWAC",
  version: 2,
  writer: "FisherAccumulator",
  shapeFields: 1,
  scalars: 2,
  arrayLengths: ([dim = 0]) => dimRange(dim) ?? [dim, dim, packedLength(dim)],
};

const FORMAT_V1: StateFormat = {
  ...FORMAT,
  version: 1,
  arrayLengths: ([dim = 0]) => dimRange(dim) ?? [dim, packedLength(dim)],
};

export interface AccumulatorState {
  dim: number;
  count: number;
  totalWeight: number;
  shift: Float64Array;
  offset: Float64Array;
  comoment: Float64Array;
}

export function encodeState(state: AccumulatorState): Uint8Array {
  return encode(FORMAT, {
    shape: [state.dim],
    scalars: [state.count, state.totalWeight],
    arrays: [state.shift, state.offset, state.comoment],
  });
}

/** The format version in bytes 4–5 (little-endian), for choosing the reader; the reader checks the rest. */
function versionOf(bytes: Uint8Array): number {
  return bytes instanceof Uint8Array && bytes.length >= 6 ? (bytes[4] as number) | ((bytes[5] as number) << 8) : 0;
}

/** @throws {SerializationError} on foreign, truncated or corrupted bytes, or an invalid count or weight. */
export function decodeState(bytes: Uint8Array): AccumulatorState {
  const old = versionOf(bytes) === FORMAT_V1.version;
  const { shape, scalars, arrays } = decode(old ? FORMAT_V1 : FORMAT, bytes);
  const [count = Number.NaN, totalWeight = Number.NaN] = scalars;
  if (!Number.isInteger(count) || count < 0 || !(totalWeight >= 0 && totalWeight < Number.POSITIVE_INFINITY)) {
    throw new SerializationError(
      `Corrupted FisherAccumulator: count ${count} or totalWeight ${totalWeight} is invalid.`,
    );
  }
  const dim = shape[0] as number;
  return {
    dim,
    count,
    totalWeight,
    shift: arrays[0] as Float64Array,
    offset: old ? new Float64Array(dim) : (arrays[1] as Float64Array),
    comoment: arrays[old ? 1 : 2] as Float64Array,
  };
}
