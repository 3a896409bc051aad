// The serialized form of a FisherAccumulator, little-endian:
//   0  magic "FWAC"          4 bytes
//   4  format version        u16 (1)
//   6  reserved              u16 (0)
//   8  dim                   u32
//  12  reserved              u32 (0)
//  16  count                 f64 (rows added)
//  24  totalWeight           f64 (Σ w)
//  32  mean                  dim × f64 (weighted mean score)
//   …  comoment              dim(dim+1)/2 × f64 (packed 'U' Σ w (s − mean)(s − mean)ᵀ)
//   …  CRC-32 of all bytes before it, u32
import { crc32 } from "../base/crc32.js";
import { SerializationError } from "../base/errors.js";
import { MAX_DIM, packedLength } from "../base/packed-layout.js";
import { describeValue } from "../base/validate.js";

const MAGIC = [0x46, 0x57, 0x41, 0x43]; // "FWAC"
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;

export interface AccumulatorState {
  dim: number;
  count: number;
  totalWeight: number;
  mean: Float64Array;
  comoment: Float64Array;
}

function byteLength(dim: number): number {
  return HEADER_BYTES + 8 * (dim + packedLength(dim)) + 4;
}

export function encodeState(state: AccumulatorState): Uint8Array {
  const { dim } = state;
  const bytes = new Uint8Array(byteLength(dim));
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint32(8, dim, true);
  view.setFloat64(16, state.count, true);
  view.setFloat64(24, state.totalWeight, true);
  let offset = HEADER_BYTES;
  for (const values of [state.mean, state.comoment]) {
    for (let i = 0; i < values.length; i++, offset += 8) view.setFloat64(offset, values[i] as number, true);
  }
  view.setUint32(offset, crc32(bytes.subarray(0, offset)), true);
  return bytes;
}

export function decodeState(bytes: Uint8Array): AccumulatorState {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `\`bytes\` must be a Uint8Array written by FisherAccumulator.serialize(); received ${describeValue(bytes)}.`,
    );
  }
  if (bytes.length < HEADER_BYTES + 4) {
    throw new SerializationError(
      `Not a fisher-wasm accumulator: ${bytes.length} bytes is shorter than the ${HEADER_BYTES + 4}-byte minimum (truncated?).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (MAGIC.some((b, i) => view.getUint8(i) !== b)) {
    throw new SerializationError('Not a fisher-wasm accumulator: the bytes do not start with the magic "FWAC".');
  }
  const version = view.getUint16(4, true);
  if (version !== FORMAT_VERSION) {
    throw new SerializationError(
      `Unsupported accumulator format version ${version}; this build reads version ${FORMAT_VERSION}.`,
    );
  }
  const dim = view.getUint32(8, true);
  if (dim < 1 || dim > MAX_DIM) throw new SerializationError(`Corrupted accumulator: dim ${dim} is out of range.`);
  const expected = byteLength(dim);
  if (bytes.length !== expected) {
    throw new SerializationError(
      `Corrupted accumulator: dim ${dim} needs ${expected} bytes but ${bytes.length} were given (truncated or padded?).`,
    );
  }
  const stored = view.getUint32(expected - 4, true);
  const actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) {
    throw new SerializationError(
      `Corrupted accumulator: checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}).`,
    );
  }
  const count = view.getFloat64(16, true);
  const totalWeight = view.getFloat64(24, true);
  if (!Number.isInteger(count) || count < 0 || !(totalWeight >= 0 && totalWeight < Number.POSITIVE_INFINITY)) {
    throw new SerializationError(`Corrupted accumulator: count ${count} or totalWeight ${totalWeight} is invalid.`);
  }
  const read = (offset: number, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, true);
    return out;
  };
  const mean = read(HEADER_BYTES, dim);
  const comoment = read(HEADER_BYTES + 8 * dim, packedLength(dim));
  return { dim, count, totalWeight, mean, comoment };
}
