// Streaming reader of numeric CSV: comma-separated, one row per line, an optional first
// line of column names (every cell a name, see isColumnName), '#' comment lines and blank
// lines ignored. Lines are decoded from 64 KB reads and parsed into one reused block of rows, so memory stays flat.
import { closeSync, fstatSync, readSync } from "node:fs";
import type { RowBlock } from "./block.js";
import { InputError } from "./errors.js";
import { openForReading } from "./open-file.js";

// Small reads keep the strings that split() makes short-lived: with 1 MB reads the peak
// memory was over twice as high and parsing twice as slow (V8 on 160 MB of text).
const CHUNK_BYTES = 64 << 10;
/** Rows are handed to the accumulator in blocks of about this many bytes of float64. */
const BLOCK_BYTES = 1 << 20;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// What NumPy, pandas and JavaScript print for non-finite values; they parse here so that
// the library reports them with their row and column like any other non-finite score.
const SPECIAL = new Map([
  ["nan", Number.NaN],
  ["+nan", Number.NaN],
  ["-nan", Number.NaN],
  ["inf", Number.POSITIVE_INFINITY],
  ["+inf", Number.POSITIVE_INFINITY],
  ["infinity", Number.POSITIVE_INFINITY],
  ["+infinity", Number.POSITIVE_INFINITY],
  ["-inf", Number.NEGATIVE_INFINITY],
  ["-infinity", Number.NEGATIVE_INFINITY],
]);

// Cells that mean "no value" in the tools that write CSV (R, pandas, spreadsheets): never a
// column name, so a first line holding one is a data row with a missing value, an error.
const MISSING = new Set(["na", "n/a", "nan", "null", "none", "nil", "-", "?", "."]);

/**
 * Whether a cell of the first line is a column name: non-empty, not a missing-value marker,
 * and not starting like a number (a digit, a sign or a point), so that a data row with a
 * typo ("2.o"), a number in another notation ("0x10") or a missing value ("NA", "") is an
 * error rather than a header that silently drops the row.
 */
export function isColumnName(field: string): boolean {
  const text = field.trim();
  return text !== "" && !MISSING.has(text.toLowerCase()) && !/^[\d+\-.]/.test(text) && parseNumber(text) === undefined;
}

const HEADER_HINT = " (a first line is a header only when every cell is a column name)";

/** A cell as messages show it: quoted, or "empty". */
function shownCell(field: string): string {
  const text = field.trim();
  return text ? `'${text}'` : "empty";
}

/** The number in a field, or undefined when it is not one. */
export function parseNumber(field: string): number | undefined {
  const text = field.trim();
  if (NUMBER.test(text)) return Number(text);
  return SPECIAL.get(text.toLowerCase());
}

interface Line {
  text: string;
  /** 1-based. */
  line: number;
  /** Bytes of the file read when the line was complete. */
  bytesDone: number;
}

/** A block of parsed rows; `lines[r]` is the line number of row r of the block. */
export interface CsvBlock extends RowBlock {
  lines: Float64Array;
}

/** Yields each line of the file ("\r\n" or "\n" endings). */
function* readLines(fd: number): Generator<Line, void, undefined> {
  const decoder = new TextDecoder("utf-8"); // drops a leading byte-order mark
  const chunk = new Uint8Array(CHUNK_BYTES);
  let rest = "";
  let line = 0;
  let position = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
    position += n;
    const text = rest + decoder.decode(chunk.subarray(0, n), { stream: n > 0 });
    if (n === 0 && text === "") return;
    const parts = text.split("\n");
    rest = n > 0 ? (parts.pop() ?? "") : "";
    for (const part of parts) {
      yield { text: part.endsWith("\r") ? part.slice(0, -1) : part, line: ++line, bytesDone: position };
    }
    if (n === 0) return;
  }
}

/** Lines that hold data: not blank, not a '#' comment. */
function* contentLines(fd: number): Generator<Line, void, undefined> {
  for (const line of readLines(fd)) {
    const start = line.text.trimStart();
    if (start !== "" && !start.startsWith("#")) yield line;
  }
}

function* prepend<T>(first: T, rest: Iterable<T>): Generator<T, void, undefined> {
  yield first;
  yield* rest;
}

/** An open numeric CSV file; the first data line is read on opening to learn the column count. */
export class CsvFile {
  readonly display: string;
  readonly size: number;
  /** Columns per row. */
  readonly dim: number;
  /** What fixed the column count, for messages: "the header (line 1)" or "line 3". */
  readonly shapeSource: string;
  #fd: number | undefined;
  #lines: Generator<Line, void, undefined> | undefined;
  /** The first line, when it holds data rather than names. */
  #pending: Line | undefined;

  constructor(path: string, display = path) {
    this.display = display;
    const fd = openForReading(path, display);
    this.#fd = fd;
    try {
      this.size = fstatSync(fd).size;
      this.#lines = contentLines(fd);
      const first = this.#lines.next();
      if (first.done) throw this.error(undefined, "no data: the file is empty");
      const fields = first.value.text.split(",");
      // A header is a line of names only; a line mixing names and numbers, or holding an
      // empty or missing cell, is a data row whose bad cell the row parser reports.
      const named = fields.every(isColumnName);
      this.#pending = named ? undefined : first.value;
      this.dim = fields.length;
      this.shapeSource = named ? `the header (line ${first.value.line})` : `line ${first.value.line}`;
      // Checked now, so that a first line which is neither names nor numbers fails on opening
      // and says that it is not a header either.
      if (!named) this.#checkFirstLine(fields, first.value.line);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** An InputError at `line` of the file, or at the file itself. */
  error(line: number | undefined, what: string): InputError {
    return new InputError(line === undefined ? this.display : `${this.display}:${line}`, what);
  }

  /** Yields blocks of whole rows, each row checked to have `dim` numbers. */
  *blocks(blockBytes = BLOCK_BYTES): Generator<CsvBlock, void, undefined> {
    const lines = this.#lines;
    if (lines === undefined) throw new Error(`${this.display} is closed`);
    const d = this.dim;
    const rowsPerBlock = Math.max(1, Math.floor(blockBytes / (8 * d)));
    const data = new Float64Array(rowsPerBlock * d);
    const lineNumbers = new Float64Array(rowsPerBlock);
    let firstRow = 0;
    let rows = 0;
    let bytesDone = 0;
    const source = this.#pending ? prepend(this.#pending, lines) : lines;
    this.#pending = undefined;
    for (const { text, line, bytesDone: done } of source) {
      this.#parseRow(text, line, data, rows * d);
      lineNumbers[rows] = line;
      bytesDone = done;
      if (++rows === rowsPerBlock) {
        yield { data, rows, firstRow, bytesDone, lines: lineNumbers };
        firstRow += rows;
        rows = 0;
      }
    }
    if (rows > 0) yield { data: data.subarray(0, rows * d), rows, firstRow, bytesDone, lines: lineNumbers };
    else if (firstRow === 0) throw this.error(undefined, `no data rows after ${this.shapeSource}`);
  }

  /**
   * Reports the cell that keeps a first line from being a header or a data row: the first
   * non-name when most cells are names (a header with a missing or numeric name), else the
   * first non-number (a data row with a typo or a missing value).
   */
  #checkFirstLine(fields: string[], line: number): void {
    const names = fields.filter(isColumnName).length;
    const numbers = fields.filter((f) => parseNumber(f) !== undefined).length;
    const j = names > numbers ? fields.findIndex((f) => !isColumnName(f)) : -1;
    if (j >= 0)
      throw this.error(line, `column ${j} (0-based) is ${shownCell(fields[j] ?? "")}, not a column name${HEADER_HINT}`);
    this.#parseRow(fields.join(","), line, new Float64Array(this.dim), 0, HEADER_HINT);
  }

  #parseRow(text: string, line: number, out: Float64Array, offset: number, hint = ""): void {
    const fields = text.split(",");
    if (fields.length !== this.dim) {
      throw this.error(line, `ragged row: ${fields.length} fields, but ${this.shapeSource} has ${this.dim}`);
    }
    for (let j = 0; j < fields.length; j++) {
      const field = fields[j];
      const value = parseNumber(field);
      if (value === undefined) {
        throw this.error(line, `column ${j} (0-based) is ${shownCell(field)}, not a number${hint}`);
      }
      out[offset + j] = value;
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.#lines?.return();
    closeSync(this.#fd);
    this.#fd = undefined;
    this.#lines = undefined;
  }
}
