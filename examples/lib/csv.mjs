// A small reader for plain numeric CSV files (a header line, then comma-separated numbers).
import { readFileSync } from "node:fs";

/**
 * Reads a numeric CSV file.
 * @param {string | URL} path
 * @param {string[]} required column names that must be present in the header
 * @returns {{ columns: string[], rows: number[][], column: (name: string) => Float64Array }}
 */
export function readNumericCsv(path, required = []) {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  if (lines.length < 2) throw new Error(`${path}: expected a header and at least one data line`);
  const columns = lines[0].split(",").map((name) => name.trim());
  for (const name of required) {
    if (!columns.includes(name)) throw new Error(`${path}: missing column ${name} (header: ${columns.join(",")})`);
  }
  const rows = lines.slice(1).map((line, k) => {
    const cells = line.split(",");
    if (cells.length !== columns.length) {
      throw new Error(`${path}: line ${k + 2} has ${cells.length} fields, expected ${columns.length}`);
    }
    return cells.map((cell, j) => {
      const value = Number(cell);
      if (cell.trim() === "" || !Number.isFinite(value)) {
        throw new Error(`${path}: line ${k + 2}, column ${columns[j]}: not a number: ${JSON.stringify(cell)}`);
      }
      return value;
    });
  });
  const column = (name) => {
    const j = columns.indexOf(name);
    if (j < 0) throw new Error(`${path}: no column ${name}`);
    return Float64Array.from(rows, (row) => row[j]);
  };
  return { columns, rows, column };
}
