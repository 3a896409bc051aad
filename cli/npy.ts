// Reading and writing .npy files (NumPy's np.save format; PyTorch tensors get there through
// t.detach().cpu().numpy()). The reader streams: it reads whole rows in blocks of a few MB
// into one reused buffer, so a file of any size needs memory for one block only.
import { closeSync, fstatSync, readSync, writeFileSync } from "node:fs";
import type { RowBlock } from "./block.js";
import { InputError } from "./errors.js";
import {
  describeDtype,
  encodeHeader,
  formatShape,
  HeaderError,
  type NpyHeader,
  PREAMBLE_BYTES,
  parseHeaderDict,
  parsePreamble,
} from "./npy-header.js";
import { openForReading } from "./open-file.js";

export type NpyDtype = "float64" | "float32";

/** Element types read, and their names; '<f4' is widened to float64 on the way in. */
const DTYPES = new Map<string, { name: NpyDtype; size: 8 | 4 }>([
  ["<f8", { name: "float64", size: 8 }],
  ["<f4", { name: "float32", size: 4 }],
]);
/** About this many bytes of the file are read per block. */
export const BLOCK_BYTES = 4 << 20;
// Typed-array views read the data in place, which assumes a little-endian host (every
// platform Node runs on today).
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reads exactly `length` bytes at `position`, or reports where the file ended. */
function readExactly(
  fd: number,
  bytes: Uint8Array,
  length: number,
  position: number,
  onShort: (at: number) => never,
): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, position + done);
    if (n === 0) onShort(position + done);
    done += n;
  }
}

/** What the header says about the data: where it starts, its element type and its shape. */
interface Layout {
  dataOffset: number;
  descr: string;
  dtype: NpyDtype;
  itemSize: number;
  shape: number[];
  length: number;
}

/** Reads and checks the header of an open file of `size` bytes; errors name `display`. */
function readLayout(fd: number, size: number, display: string): Layout {
  const fail = (what: string): never => {
    throw new InputError(display, what);
  };
  const preamble = new Uint8Array(Math.min(PREAMBLE_BYTES, size));
  readSync(fd, preamble, 0, preamble.length, 0);
  let header: NpyHeader;
  let dataOffset: number;
  try {
    const { headerLength, dataOffset: headerOffset, utf8 } = parsePreamble(preamble);
    if (headerOffset + headerLength > size) {
      fail(`truncated .npy header: it needs ${headerOffset + headerLength} bytes but the file has ${size}`);
    }
    const text = new Uint8Array(headerLength);
    readSync(fd, text, 0, headerLength, headerOffset);
    header = parseHeaderDict(new TextDecoder(utf8 ? "utf-8" : "latin1").decode(text));
    dataOffset = headerOffset + headerLength;
  } catch (err) {
    if (err instanceof HeaderError) return fail(err.message);
    throw err;
  }
  const { descr, fortranOrder, shape } = header;
  const dtype = DTYPES.get(descr);
  if (!dtype) {
    const hint = descr.startsWith(">") ? ".astype('<f8')" : ".astype(np.float64)";
    return fail(`dtype ${describeDtype(descr)} is not supported: save float64 '<f8' or float32 '<f4' (e.g. ${hint})`);
  }
  if (fortranOrder && shape.length > 1) {
    fail(`fortran_order is True (column-major); save a C-order array (np.ascontiguousarray(a))`);
  }
  if (!LITTLE_ENDIAN) fail("this tool reads .npy data only on little-endian machines");
  const length = shape.reduce((a, b) => a * b, 1);
  return { dataOffset, descr, dtype: dtype.name, itemSize: dtype.size, shape, length };
}

/**
 * A file shorter than its shape says fails here, before any work, naming where it ends; so does
 * one with bytes after the data, which its header does not account for (a header that lost rows,
 * or two files run together): reading only the rows the shape names would answer for part of the file.
 */
function checkSize({ dataOffset, dtype, itemSize, shape, length }: Layout, size: number, display: string): void {
  const expected = dataOffset + length * itemSize;
  if (size === expected) return;
  if (size > expected) {
    throw new InputError(
      display,
      `${size - expected} bytes after the data: shape ${formatShape(shape)} of ${dtype} accounts for ${expected} bytes, but the file has ${size}`,
    );
  }
  const rowLength = shape.slice(1).reduce((a, b) => a * b, 1);
  const rowBytes = rowLength * itemSize;
  const complete = rowBytes > 0 ? Math.floor((size - dataOffset) / rowBytes) : 0;
  const rows = shape[0];
  const where =
    dataOffset + complete * rowBytes === size
      ? `after ${complete} of ${rows} rows`
      : `inside row ${complete} (0-based) of ${rows}`;
  throw new InputError(
    display,
    `truncated: shape ${formatShape(shape)} of ${dtype} needs ${expected} bytes, but the file ends at byte ${size}, ${where}`,
  );
}

/** An open .npy file of float64 or float32 elements in C order, checked against its size. */
export class NpyFile implements Layout {
  readonly display: string;
  readonly size: number;
  readonly dataOffset: number;
  readonly descr: string;
  readonly dtype: NpyDtype;
  readonly itemSize: number;
  readonly shape: number[];
  readonly length: number;
  #fd: number | undefined;

  /**
   * @param path the file to open
   * @param display the name to use in messages (as the user typed it)
   */
  constructor(path: string, display = path) {
    this.display = display;
    const fd = openForReading(path, display);
    try {
      this.size = fstatSync(fd).size;
      const layout = readLayout(fd, this.size, display);
      checkSize(layout, this.size, display);
      this.dataOffset = layout.dataOffset;
      this.descr = layout.descr;
      this.dtype = layout.dtype;
      this.itemSize = layout.itemSize;
      this.shape = layout.shape;
      this.length = layout.length;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.#fd = fd;
  }

  /**
   * Yields blocks of whole rows of `rowLength` elements.
   * `data` is a Float64Array view that the next block overwrites.
   */
  *blocks(rowLength: number, blockBytes = BLOCK_BYTES): Generator<RowBlock, void, undefined> {
    const fd = this.#openFd();
    const rowBytes = rowLength * this.itemSize;
    const rows = this.length / rowLength;
    const rowsPerBlock = Math.max(1, Math.min(rows, Math.floor(blockBytes / rowBytes)));
    const buffer = new ArrayBuffer(rowsPerBlock * rowBytes);
    const bytes = new Uint8Array(buffer);
    const wide = this.itemSize === 8 ? new Float64Array(buffer) : new Float64Array(rowsPerBlock * rowLength);
    const narrow = this.itemSize === 4 ? new Float32Array(buffer) : undefined;
    for (let first = 0; first < rows; first += rowsPerBlock) {
      const n = Math.min(rowsPerBlock, rows - first);
      const start = this.dataOffset + first * rowBytes;
      readExactly(fd, bytes, n * rowBytes, start, (at) => {
        throw new InputError(this.display, `truncated: the file ended at byte ${at} while reading row ${first}`);
      });
      if (narrow) wide.set(narrow.subarray(0, n * rowLength));
      yield { data: wide.subarray(0, n * rowLength), rows: n, firstRow: first, bytesDone: start + n * rowBytes };
    }
  }

  /** All elements as one new Float64Array (for small arrays such as weights). */
  readAll(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const block of this.blocks(1)) {
      out.set(block.data, at);
      at += block.data.length;
    }
    return out;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #openFd(): number {
    if (this.#fd === undefined) throw new Error(`${this.display} is closed`);
    return this.#fd;
  }
}

/** A whole .npy file, its data widened to float64. */
export interface NpyArray {
  descr: string;
  dtype: NpyDtype;
  shape: number[];
  data: Float64Array;
}

/** Reads a whole .npy file. */
export function readNpy(path: string, display = path): NpyArray {
  const file = new NpyFile(path, display);
  try {
    return { descr: file.descr, dtype: file.dtype, shape: file.shape, data: file.readAll() };
  } finally {
    file.close();
  }
}

/** The bytes of a float64 C-order .npy file holding `data` with `shape`. */
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  const header = encodeHeader("<f8", shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/** Writes `data` (float64, row-major) as a .npy file of `shape`. */
export function writeNpy(path: string, data: Float64Array, shape: readonly number[]): void {
  writeFileSync(path, encodeNpy(data, shape));
}
