// Spector and Mazzeo's (1980) data as a logistic-regression design: the example and the
// demo page fit GRADE on GPA, TUCE, PSI and a constant, in this column order.
import { parseNumericCsv } from "./numeric-csv.js";

/** The design's columns, the constant last. */
export const SPECTOR_NAMES = ["GPA", "TUCE", "PSI", "const"] as const;

export interface SpectorDesign {
  /** Row-major n × 4: GPA, TUCE, PSI, 1. */
  x: Float64Array;
  /** GRADE, 0 or 1. */
  y: Float64Array;
  n: number;
}

/** X and y from the text of data/spector.csv; `source` names it in error messages. */
export function spectorDesign(csvText: string, source = "spector.csv"): SpectorDesign {
  const csv = parseNumericCsv(csvText, source, ["GPA", "TUCE", "PSI", "GRADE"]);
  const n = csv.rows.length;
  const gpa = csv.column("GPA");
  const tuce = csv.column("TUCE");
  const psi = csv.column("PSI");
  const d = SPECTOR_NAMES.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) x.set([gpa[i], tuce[i], psi[i], 1], i * d);
  return { x, y: csv.column("GRADE"), n };
}
