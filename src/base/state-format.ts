// The one byte format every serializable state uses (accumulators of every curvature form),
// little-endian:
//   0  magic                 4 ASCII bytes naming the kind of state (e.g. "FWAC")
//   4  format version        u16
//   6  reserved              u16 (0)
//   8  shape                 u32 each (e.g. dim), padded with a zero u32 to a multiple of 8 bytes
//   …  scalars               f64 each (e.g. count, total weight)
//   …  arrays                f64 each, lengths given by the shape
//   …  CRC-32 of all bytes before it, u32
// A reader checks the magic, the version, the shape, the length and the checksum before it
// trusts a single value, so foreign, truncated or corrupted bytes are refused whole.
import { crc32 } from "./crc32.js";
import { SerializationError } from "./errors.js";
import { describeValue } from "./validate.js";

/** What one kind of state looks like on the wire. */
export interface StateFormat {
  /** Four ASCII characters, different for every kind. */
  readonly magic: string;
  readonly version: number;
  /** The class whose serialize() writes it, for messages. */
  readonly writer: string;
  /** The number of u32 shape fields. */
  readonly shapeFields: number;
  /** The number of f64 scalars. */
  readonly scalars: number;
  /** The length of each array for a shape, or a message saying why the shape is out of range. */
  arrayLengths(shape: readonly number[]): number[] | string;
}

/** The values of one state. */
export interface State {
  readonly shape: readonly number[];
  readonly scalars: readonly number[];
  readonly arrays: readonly Float64Array[];
}

const PREFIX_BYTES = 8;

function headerBytes(format: StateFormat): number {
  return PREFIX_BYTES + Math.ceil(format.shapeFields / 2) * 8 + 8 * format.scalars;
}

/** Writes a state; its shape, scalars and arrays must match the format (callers own them). */
export function encodeState(format: StateFormat, state: State): Uint8Array {
  const lengths = format.arrayLengths(state.shape) as number[];
  const total = headerBytes(format) + 8 * lengths.reduce((a, b) => a + b, 0) + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = format.magic.charCodeAt(i);
  view.setUint16(4, format.version, true);
  for (let i = 0; i < state.shape.length; i++) view.setUint32(PREFIX_BYTES + 4 * i, state.shape[i] as number, true);
  let offset = PREFIX_BYTES + Math.ceil(format.shapeFields / 2) * 8;
  for (const v of state.scalars) {
    view.setFloat64(offset, v, true);
    offset += 8;
  }
  for (const values of state.arrays) {
    for (let i = 0; i < values.length; i++, offset += 8) view.setFloat64(offset, values[i] as number, true);
  }
  view.setUint32(offset, crc32(bytes.subarray(0, offset)), true);
  return bytes;
}

/**
 * Reads a state written by encodeState() with the same format; the arrays are checked to be
 * finite, the scalars are the caller's to check.
 * @throws {TypeError} when bytes is not a Uint8Array.
 * @throws {SerializationError} on foreign, truncated, padded or corrupted bytes.
 */
export function decodeState(format: StateFormat, bytes: Uint8Array): State {
  const what = `a fisher-wasm ${format.writer}`;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `\`bytes\` must be a Uint8Array written by ${format.writer}.serialize(); received ${describeValue(bytes)}.`,
    );
  }
  const minimum = headerBytes(format) + 4;
  if (bytes.length < minimum) {
    throw new SerializationError(
      `Not ${what}: ${bytes.length} bytes is shorter than the ${minimum}-byte minimum (truncated?).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < 4; i++) {
    if (view.getUint8(i) !== format.magic.charCodeAt(i)) {
      throw new SerializationError(`Not ${what}: the bytes do not start with the magic "${format.magic}".`);
    }
  }
  const version = view.getUint16(4, true);
  if (version !== format.version) {
    throw new SerializationError(
      `Unsupported ${format.writer} format version ${version}; this build reads version ${format.version}.`,
    );
  }
  const shape = Array.from({ length: format.shapeFields }, (_, i) => view.getUint32(PREFIX_BYTES + 4 * i, true));
  const lengths = format.arrayLengths(shape);
  if (typeof lengths === "string") throw new SerializationError(`Corrupted ${format.writer}: ${lengths}.`);
  const expected = headerBytes(format) + 8 * lengths.reduce((a, b) => a + b, 0) + 4;
  if (bytes.length !== expected) {
    throw new SerializationError(
      `Corrupted ${format.writer}: shape ${shape.join(" × ")} needs ${expected} bytes but ${bytes.length} were given (truncated or padded?).`,
    );
  }
  const stored = view.getUint32(expected - 4, true);
  const actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) {
    throw new SerializationError(
      `Corrupted ${format.writer}: checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}).`,
    );
  }
  let offset = PREFIX_BYTES + Math.ceil(format.shapeFields / 2) * 8;
  const scalars: number[] = [];
  for (let i = 0; i < format.scalars; i++, offset += 8) scalars.push(view.getFloat64(offset, true));
  const arrays = lengths.map((n, k) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++, offset += 8) {
      const v = view.getFloat64(offset, true);
      if (v - v !== 0) throw new SerializationError(`Corrupted ${format.writer}: array ${k}, entry ${i} is ${v}.`);
      out[i] = v;
    }
    return out;
  });
  return { shape, scalars, arrays };
}
