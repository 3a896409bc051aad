// Scores and weights files, .npy or CSV, behind one interface: a source has `dim`, `rows`
// (known up front for .npy only), `size` in bytes, and blocks() of whole rows that name a
// row's position in the file for messages.
import { closeSync, readSync } from "node:fs";
import type { RowBlock } from "./block.js";
import { CsvFile } from "./csv.js";
import { InputError } from "./errors.js";
import { NpyFile } from "./npy.js";
import { formatShape, MAGIC } from "./npy-header.js";
import { openForReading } from "./open-file.js";

/** Where a row is: "file" or "file:line" for messages, and its 0-based row in the file. */
export interface RowPosition {
  at: string;
  row: number;
}

export interface ScoresBlock extends RowBlock {
  /** Where row `r` of the block is. */
  where(r: number): RowPosition;
}

export interface ScoresSource {
  /** The file name as the user typed it. */
  display: string;
  /** ".npy float64", ".npy float32" or "CSV". */
  format: string;
  dim: number;
  /** Known before reading for .npy only. */
  rows: number | undefined;
  /** Bytes, for progress. */
  size: number;
  blocks(): Generator<ScoresBlock, void, undefined>;
  close(): void;
}

/** "npy" or "csv": by extension, else by the file's first bytes. */
function formatOf(path: string, display: string): "npy" | "csv" {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === "npy") return "npy";
  if (ext === "csv" || ext === "txt") return "csv";
  const fd = openForReading(path, display);
  try {
    const start = new Uint8Array(MAGIC.length);
    const n = readSync(fd, start, 0, start.length, 0);
    return n === MAGIC.length && MAGIC.every((b, i) => start[i] === b) ? "npy" : "csv";
  } finally {
    closeSync(fd);
  }
}

/** Opens a scores file (N × d): a .npy 2-D float array or a numeric CSV. */
export function openScores(path: string, display = path): ScoresSource {
  return formatOf(path, display) === "csv"
    ? csvScores(new CsvFile(path, display))
    : npyScores(new NpyFile(path, display));
}

function npyScores(file: NpyFile): ScoresSource {
  const { display, shape } = file;
  const [rows = 0, dim = 0] = shape;
  try {
    if (shape.length !== 2) {
      const hint = shape.length === 1 ? "; for one score per sample use a.reshape(-1, 1)" : "";
      throw new InputError(
        display,
        `shape ${formatShape(shape)} is ${shape.length}-D; scores must be 2-D (N samples × d)${hint}`,
      );
    }
    if (dim === 0) throw new InputError(display, `shape ${formatShape(shape)} has no columns`);
    if (rows === 0) throw new InputError(display, `shape ${formatShape(shape)} has no rows`);
  } catch (err) {
    file.close();
    throw err;
  }
  return {
    display,
    format: `.npy ${file.dtype}`,
    dim,
    rows,
    size: file.size,
    *blocks() {
      for (const block of file.blocks(dim))
        yield { ...block, where: (r) => ({ at: display, row: block.firstRow + r }) };
    },
    close: () => file.close(),
  };
}

function csvScores(file: CsvFile): ScoresSource {
  const { display } = file;
  return {
    display,
    format: "CSV",
    dim: file.dim,
    rows: undefined,
    size: file.size,
    *blocks() {
      for (const block of file.blocks()) {
        yield { ...block, where: (r) => ({ at: `${display}:${block.lines[r]}`, row: block.firstRow + r }) };
      }
    },
    close: () => file.close(),
  };
}

/** Reads a weights file (N values: a 1-D .npy, or a one-column CSV) and checks each weight. */
export function loadWeights(path: string, display = path): Float64Array {
  const { weights, lines } =
    formatOf(path, display) === "npy" ? readNpyColumn(path, display) : readCsvColumn(path, display);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(Number.isFinite(w) && w >= 0)) {
      const at = lines ? `${display}:${lines[i]}` : display;
      throw new InputError(at, `weight ${i} (0-based) is ${w}; weights must be finite and >= 0`);
    }
  }
  return weights;
}

/** The values of a one-column file and, for text, the line each came from. */
interface Column {
  weights: Float64Array;
  lines?: number[];
}

function readNpyColumn(path: string, display: string): Column {
  const file = new NpyFile(path, display);
  try {
    const { shape } = file;
    if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
      throw new InputError(display, `shape ${formatShape(shape)}: weights must be 1-D, one per sample (N,)`);
    }
    return { weights: file.readAll() };
  } finally {
    file.close();
  }
}

function readCsvColumn(path: string, display: string): Column {
  const file = new CsvFile(path, display);
  try {
    if (file.dim !== 1) {
      throw new InputError(display, `weights must be one column, one per sample; ${file.shapeSource} has ${file.dim}`);
    }
    const weights: number[] = [];
    const lines: number[] = [];
    for (const block of file.blocks()) {
      for (let r = 0; r < block.rows; r++) {
        weights.push(block.data[r]);
        lines.push(block.lines[r]);
      }
    }
    return { weights: Float64Array.from(weights), lines };
  } finally {
    file.close();
  }
}
