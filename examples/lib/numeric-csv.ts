// The one reader of plain numeric CSV text (a header line, then comma-separated numbers)
// for the examples and the demo page. It takes text, not a path, so it runs in browsers too.

export interface NumericCsv {
  columns: string[];
  rows: number[][];
  /** The values of one named column. */
  column(name: string): Float64Array;
}

/**
 * Parses numeric CSV text. `source` names it in error messages (a file name or URL);
 * `required` lists the columns the header must have. Blank lines are skipped; line
 * numbers in errors count them, as an editor does.
 */
export function parseNumericCsv(text: string, source: string, required: readonly string[] = []): NumericCsv {
  const lines = text
    .split(/\r?\n/)
    .map((line, k) => ({ line, number: k + 1 }))
    .filter(({ line }) => line.trim() !== "");
  const [header, ...data] = lines;
  if (header === undefined || data.length === 0) {
    throw new Error(`${source}: expected a header and at least one data line`);
  }
  const columns = header.line.split(",").map((name) => name.trim());
  for (const name of required) {
    if (!columns.includes(name)) throw new Error(`${source}: missing column ${name} (header: ${columns.join(",")})`);
  }
  const rows = data.map(({ line, number }) => {
    const cells = line.split(",");
    if (cells.length !== columns.length) {
      throw new Error(`${source}: line ${number} has ${cells.length} fields, expected ${columns.length}`);
    }
    return cells.map((cell, j) => {
      const value = Number(cell);
      if (cell.trim() === "" || !Number.isFinite(value)) {
        throw new Error(`${source}: line ${number}, column ${columns[j]}: not a number: ${JSON.stringify(cell)}`);
      }
      return value;
    });
  });
  const column = (name: string): Float64Array => {
    const j = columns.indexOf(name);
    if (j < 0) throw new Error(`${source}: no column ${name}`);
    return Float64Array.from(rows, (row) => row[j]);
  };
  return { columns, rows, column };
}
