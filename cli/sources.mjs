// Scores and weights files, .npy or CSV, behind one interface: a source has `dim`, `rows`
// (known up front for .npy only), `size` in bytes, blocks() of whole rows, and names a row's
// position in the file for messages.
import { closeSync, readSync } from "node:fs";
import { CsvFile } from "./csv.mjs";
import { InputError } from "./errors.mjs";
import { NpyFile, openForReading } from "./npy.mjs";
import { formatShape, MAGIC } from "./npy-header.mjs";

/** "npy" or "csv": by extension, else by the file's first bytes. */
function formatOf(path, display) {
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
export function openScores(path, display = path) {
  if (formatOf(path, display) === "csv") return csvScores(new CsvFile(path, display));
  const file = new NpyFile(path, display);
  try {
    if (file.shape.length !== 2) {
      const hint = file.shape.length === 1 ? "; for one score per sample use a.reshape(-1, 1)" : "";
      throw new InputError(
        display,
        `shape ${formatShape(file.shape)} is ${file.shape.length}-D; scores must be 2-D (N samples × d)${hint}`,
      );
    }
    if (file.shape[1] === 0) throw new InputError(display, `shape ${formatShape(file.shape)} has no columns`);
    if (file.shape[0] === 0) throw new InputError(display, `shape ${formatShape(file.shape)} has no rows`);
  } catch (err) {
    file.close();
    throw err;
  }
  return {
    display,
    format: `.npy ${file.dtype}`,
    dim: file.shape[1],
    rows: file.shape[0],
    size: file.size,
    blocks: () => file.blocks(file.shape[1]),
    where: (block, r) => ({ at: display, row: block.firstRow + r }),
    close: () => file.close(),
  };
}

function csvScores(file) {
  return {
    display: file.display,
    format: "CSV",
    dim: file.dim,
    rows: undefined,
    size: file.size,
    blocks: () => file.blocks(),
    where: (block, r) => ({ at: `${file.display}:${block.lines[r]}`, row: block.firstRow + r }),
    close: () => file.close(),
  };
}

/** Reads a weights file (N values: a 1-D .npy, or a one-column CSV) and checks each weight. */
export function loadWeights(path, display = path) {
  let weights;
  let lines;
  if (formatOf(path, display) === "npy") {
    const file = new NpyFile(path, display);
    try {
      const { shape } = file;
      if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
        throw new InputError(display, `shape ${formatShape(shape)}: weights must be 1-D, one per sample (N,)`);
      }
      weights = file.readAll();
    } finally {
      file.close();
    }
  } else {
    ({ weights, lines } = readCsvColumn(path, display));
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(Number.isFinite(w) && w >= 0)) {
      const at = lines ? `${display}:${lines[i]}` : display;
      throw new InputError(at, `weight ${i} (0-based) is ${w}; weights must be finite and >= 0`);
    }
  }
  return weights;
}

function readCsvColumn(path, display) {
  const file = new CsvFile(path, display);
  try {
    if (file.dim !== 1) {
      throw new InputError(display, `weights must be one column, one per sample; ${file.shapeSource} has ${file.dim}`);
    }
    const weights = [];
    const lines = [];
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
