// The .npy header: magic "\x93NUMPY", a version byte pair, the header length (2 bytes in
// version 1.0, 4 bytes in 2.0 and 3.0) and a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (32, 4), }
// padded with spaces and ended by "\n". The dict is parsed as a literal, never evaluated.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

export const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY
/** Bytes needed to know the header's length: magic, version, and a length of up to 4 bytes. */
export const PREAMBLE_BYTES = 12;

/** Raised for a header that is not a readable .npy header; the caller adds the file name. */
export class HeaderError extends Error {
  override name = "HeaderError";
}

export interface Preamble {
  version: string;
  headerLength: number;
  dataOffset: number;
  utf8: boolean;
}

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * Reads the preamble: the format version and where the header and the data start.
 * @param bytes at least the first PREAMBLE_BYTES of the file (fewer if the file is shorter)
 */
export function parsePreamble(bytes: Uint8Array): Preamble {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new HeaderError(`not a .npy file: ${describeStart(bytes)}`);
  if (bytes.length < 10) throw new HeaderError(`truncated .npy header: the file has only ${bytes.length} bytes`);
  const major = bytes[6];
  const minor = bytes[7];
  const version = `${major}.${minor}`;
  // numpy writes and reads only versions 1.0, 2.0 and 3.0: another minor version is a format
  // nobody has defined, so reading it as its major version could answer for the wrong bytes.
  if (minor !== 0) throw new HeaderError(`unsupported .npy format version ${version} (known: 1.0, 2.0, 3.0)`);
  if (major === 1) return { version, headerLength: bytes[8] | (bytes[9] << 8), dataOffset: 10, utf8: false };
  if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new HeaderError(`truncated .npy header: the file has only ${bytes.length} bytes`);
    const headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 2 ** 24;
    return { version, headerLength, dataOffset: 12, utf8: major === 3 };
  }
  throw new HeaderError(`unsupported .npy format version ${version} (known: 1.0, 2.0, 3.0)`);
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return "the file is empty";
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    return "it is a zip archive (.npz or torch.save); save one array with np.save(path, array)";
  }
  const hex = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `it starts with bytes ${hex}, not the magic 93 4e 55 4d 50 59 ("\\x93NUMPY")`;
}

/**
 * Parses the header dict into { descr, fortranOrder, shape }.
 * @param text the header text after the preamble
 */
export function parseHeaderDict(text: string): NpyHeader {
  const dict = parseLiteral(text.trimEnd());
  if (!(dict instanceof Map)) throw new HeaderError("malformed .npy header: it is not a dict");
  for (const key of ["descr", "fortran_order", "shape"]) {
    if (!dict.has(key)) throw new HeaderError(`malformed .npy header: no '${key}' key`);
  }
  const descr = dict.get("descr");
  if (Array.isArray(descr)) throw new HeaderError("structured dtype (record array) is not supported");
  if (typeof descr !== "string") throw new HeaderError("malformed .npy header: 'descr' is not a string");
  const fortranOrder = dict.get("fortran_order");
  if (typeof fortranOrder !== "boolean") throw new HeaderError("malformed .npy header: 'fortran_order' is not a bool");
  const shape = dict.get("shape");
  if (!(shape instanceof Tuple) || !shape.items.every(isSize)) {
    throw new HeaderError("malformed .npy header: 'shape' is not a tuple of sizes");
  }
  return { descr, fortranOrder, shape: shape.items };
}

function isSize(n: PyValue): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** A Python tuple, kept apart from lists (a list 'descr' means a structured dtype). */
class Tuple {
  constructor(readonly items: PyValue[]) {}
}

/** The Python values a header literal can hold. */
type PyValue = string | number | boolean | null | PyValue[] | Tuple | Map<PyValue, PyValue>;

const CLOSERS = { "{": "}", "(": ")", "[": "]" } as const;
type Opener = keyof typeof CLOSERS;
const isOpener = (c: string): c is Opener => Object.hasOwn(CLOSERS, c);

/** Parses a Python literal of dicts, tuples, lists, strings, ints, True, False and None. */
function parseLiteral(text: string): PyValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new HeaderError(`malformed .npy header: ${what} at character ${pos} of ${JSON.stringify(text)}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
  };
  const value = (): PyValue => {
    skipSpace();
    const c = text[pos];
    if (c === undefined) return fail("unexpected end");
    if (isOpener(c)) return container(c);
    if (c === "'" || c === '"') return string(c);
    const word = /^[-+]?\w+/.exec(text.slice(pos))?.[0];
    if (!word) return fail(`unexpected '${c}'`);
    pos += word.length;
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    if (/^[-+]?\d+L?$/.test(word)) return Number.parseInt(word, 10);
    return fail(`unexpected '${word}'`);
  };
  const string = (quote: string): string => {
    let out = "";
    for (pos++; text[pos] !== quote; pos++) {
      if (pos >= text.length) fail("unterminated string");
      if (text[pos] === "\\") pos++;
      out += text.charAt(pos);
    }
    pos++;
    return out;
  };
  const container = (open: Opener): PyValue => {
    const close = CLOSERS[open];
    const items: PyValue[] = [];
    const entries = new Map<PyValue, PyValue>();
    pos++;
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      const item = value();
      if (open === "{") {
        skipSpace();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        entries.set(item, value());
      } else {
        items.push(item);
      }
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
    }
    pos++;
    if (open === "{") return entries;
    return open === "(" ? new Tuple(items) : items;
  };
  const result = value();
  skipSpace();
  if (pos < text.length) fail("trailing text");
  return result;
}

const KINDS: Readonly<Record<string, string>> = {
  b: "bool",
  i: "int",
  u: "uint",
  f: "float",
  c: "complex",
  U: "str",
  S: "bytes",
  O: "object",
  V: "void",
};

/** A readable name for a dtype string, e.g. "'<i8' (int64)" or "'>f8' (float64, big-endian)". */
export function describeDtype(descr: string): string {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return `'${descr}'`;
  const [, order, kind, size] = m;
  const kindName = KINDS[kind] ?? kind;
  const bits = size && !["U", "S", "V", "O"].includes(kind) ? String(Number(size) * 8) : "";
  const name = kind === "b" ? "bool" : `${kindName}${bits}`;
  return `'${descr}' (${name}${order === ">" ? ", big-endian" : ""})`;
}

/** Formats a shape as Python prints it: (32,), (32, 4). */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The header bytes NumPy would write for a C-order little-endian array: version 1.0, 64-byte aligned. */
export function encodeHeader(descr: string, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  let length = MAGIC.length + 4 + dict.length + 1;
  length += (64 - (length % 64)) % 64;
  const headerLength = length - MAGIC.length - 4;
  if (headerLength > 0xffff) throw new RangeError("header too long for .npy version 1.0");
  const bytes = new Uint8Array(length).fill(0x20);
  bytes.set(MAGIC, 0);
  bytes.set([1, 0, headerLength & 0xff, headerLength >> 8], MAGIC.length);
  for (let i = 0; i < dict.length; i++) bytes[MAGIC.length + 4 + i] = dict.charCodeAt(i);
  bytes[length - 1] = 0x0a;
  return bytes;
}
