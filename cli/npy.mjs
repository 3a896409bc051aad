// Reading and writing .npy files (NumPy's np.save format; PyTorch tensors get there through
// t.detach().cpu().numpy()). The reader streams: it reads whole rows in blocks of a few MB
// into one reused buffer, so a file of any size needs memory for one block only.
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from "node:fs";
import { describeFsError, InputError } from "./errors.mjs";
import {
  describeDtype,
  encodeHeader,
  formatShape,
  HeaderError,
  PREAMBLE_BYTES,
  parseHeaderDict,
  parsePreamble,
} from "./npy-header.mjs";

/** Element types read, and their names; '<f4' is widened to float64 on the way in. */
const DTYPES = { "<f8": { name: "float64", size: 8 }, "<f4": { name: "float32", size: 4 } };
/** About this many bytes of the file are read per block. */
export const BLOCK_BYTES = 4 << 20;
// Typed-array views read the data in place, which assumes a little-endian host (every
// platform Node runs on today).
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Opens a file for reading, turning fs errors into one-line InputErrors. */
export function openForReading(path, display) {
  try {
    const fd = openSync(path, "r");
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("directory"), { code: "EISDIR" });
    }
    return fd;
  } catch (err) {
    throw new InputError(display, describeFsError(err));
  }
}

/** Reads exactly `length` bytes at `position`, or reports where the file ended. */
function readExactly(fd, bytes, length, position, onShort) {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, position + done);
    if (n === 0) onShort(position + done);
    done += n;
  }
}

/** An open .npy file of float64 or float32 elements in C order, checked against its size. */
export class NpyFile {
  /**
   * @param {string} path the file to open
   * @param {string} display the name to use in messages (as the user typed it)
   */
  constructor(path, display = path) {
    this.display = display;
    this.fd = openForReading(path, display);
    try {
      this.size = fstatSync(this.fd).size;
      this.readHeader();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  readHeader() {
    const fail = (what) => {
      throw new InputError(this.display, what);
    };
    const preamble = new Uint8Array(Math.min(PREAMBLE_BYTES, this.size));
    readSync(this.fd, preamble, 0, preamble.length, 0);
    let header;
    try {
      const { headerLength, dataOffset, utf8 } = parsePreamble(preamble);
      if (dataOffset + headerLength > this.size) {
        fail(`truncated .npy header: it needs ${dataOffset + headerLength} bytes but the file has ${this.size}`);
      }
      const text = new Uint8Array(headerLength);
      readSync(this.fd, text, 0, headerLength, dataOffset);
      header = parseHeaderDict(new TextDecoder(utf8 ? "utf-8" : "latin1").decode(text));
      this.dataOffset = dataOffset + headerLength;
    } catch (err) {
      if (err instanceof HeaderError) fail(err.message);
      throw err;
    }
    const { descr, fortranOrder, shape } = header;
    const dtype = DTYPES[descr];
    if (!dtype) {
      const hint = descr.startsWith(">") ? ".astype('<f8')" : ".astype(np.float64)";
      fail(`dtype ${describeDtype(descr)} is not supported: save float64 '<f8' or float32 '<f4' (e.g. ${hint})`);
    }
    if (fortranOrder && shape.length > 1) {
      fail(`fortran_order is True (column-major); save a C-order array (np.ascontiguousarray(a))`);
    }
    if (!LITTLE_ENDIAN) fail("this tool reads .npy data only on little-endian machines");
    this.descr = descr;
    this.dtype = dtype.name;
    this.itemSize = dtype.size;
    this.shape = shape;
    this.length = shape.reduce((a, b) => a * b, 1);
    this.checkSize();
  }

  /** A file shorter than its shape says fails here, before any work, naming where it ends. */
  checkSize() {
    const expected = this.dataOffset + this.length * this.itemSize;
    if (this.size >= expected) return;
    const rowLength = this.shape.slice(1).reduce((a, b) => a * b, 1);
    const rowBytes = rowLength * this.itemSize;
    const complete = rowBytes > 0 ? Math.floor((this.size - this.dataOffset) / rowBytes) : 0;
    const rows = this.shape[0];
    const where =
      this.dataOffset + complete * rowBytes === this.size
        ? `after ${complete} of ${rows} rows`
        : `inside row ${complete} (0-based) of ${rows}`;
    throw new InputError(
      this.display,
      `truncated: shape ${formatShape(this.shape)} of ${this.dtype} needs ${expected} bytes, but the file ends at byte ${this.size}, ${where}`,
    );
  }

  /**
   * Yields blocks of whole rows of `rowLength` elements as { data, rows, firstRow, bytesDone }.
   * `data` is a Float64Array view that the next block overwrites.
   */
  *blocks(rowLength, blockBytes = BLOCK_BYTES) {
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
      readExactly(this.fd, bytes, n * rowBytes, start, (at) => {
        throw new InputError(this.display, `truncated: the file ended at byte ${at} while reading row ${first}`);
      });
      if (narrow) wide.set(narrow.subarray(0, n * rowLength));
      yield { data: wide.subarray(0, n * rowLength), rows: n, firstRow: first, bytesDone: start + n * rowBytes };
    }
  }

  /** All elements as one new Float64Array (for small arrays such as weights). */
  readAll() {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const block of this.blocks(1)) {
      out.set(block.data, at);
      at += block.data.length;
    }
    return out;
  }

  close() {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a whole .npy file: { descr, dtype, shape, data } with data widened to float64. */
export function readNpy(path, display = path) {
  const file = new NpyFile(path, display);
  try {
    return { descr: file.descr, dtype: file.dtype, shape: file.shape, data: file.readAll() };
  } finally {
    file.close();
  }
}

/** The bytes of a float64 C-order .npy file holding `data` with `shape`. */
export function encodeNpy(data, shape) {
  const header = encodeHeader("<f8", shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/** Writes `data` (float64, row-major) as a .npy file of `shape`. */
export function writeNpy(path, data, shape) {
  writeFileSync(path, encodeNpy(data, shape));
}
