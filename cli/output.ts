// What the fisher command gives back: a .npy or JSON file, or a summary for a person.
import { writeFileSync } from "node:fs";
import type { SymmetricMatrix } from "fisher-wasm";
import { describeFsError, InputError } from "./errors.js";
import { encodeNpy } from "./npy.js";

/** Largest dim whose matrix the summary prints. */
const SHOW_MATRIX_MAX_DIM = 8;

export type OutputFormat = "npy" | "json";

/** The mean Fisher (or covariance) and what it was computed from. */
export interface FisherResult {
  matrix: SymmetricMatrix;
  centered: boolean;
  count: number;
  totalWeight: number;
}

/** "npy" or "json" from the --out file name, or undefined for another extension. */
export function outputFormat(path: string): OutputFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext === "npy" || ext === "json" ? ext : undefined;
}

/** Writes the matrix to `path` as .npy (float64, d × d or packed) or JSON. */
export function writeResult(path: string, format: OutputFormat, result: FisherResult, packed: boolean): void {
  const { matrix } = result;
  const d = matrix.dim;
  const values = packed ? matrix.packed : matrix.toDense();
  const bytes =
    format === "npy"
      ? encodeNpy(values, packed ? [values.length] : [d, d])
      : new TextEncoder().encode(toJson(result, values, packed));
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    throw new InputError(path, `cannot write: ${describeFsError(err)}`);
  }
}

/** The JSON document, with one matrix row per line so that it stays readable. */
function toJson({ matrix, centered, count, totalWeight }: FisherResult, values: Float64Array, packed: boolean): string {
  const d = matrix.dim;
  const head = {
    dim: d,
    reduction: "mean",
    centered,
    count,
    totalWeight,
    layout: packed ? "packed-upper-column-major" : "dense-row-major",
  };
  const fields = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const rows = packed
    ? JSON.stringify(Array.from(values))
    : `[\n${Array.from({ length: d }, (_, i) => `    ${JSON.stringify(Array.from(values.subarray(i * d, (i + 1) * d)))}`).join(",\n")}\n  ]`;
  return `{\n${fields.join(",\n")},\n  "matrix": ${rows}\n}\n`;
}

export interface Summary extends FisherResult {
  /** The scores file as given, and its format (".npy float64", "CSV"). */
  source: { display: string; format: string };
  weightsFile: string | undefined;
  backend: string;
}

/** The summary printed when there is no --out. */
export function formatSummary({ source, weightsFile, backend, matrix, centered, count, totalWeight }: Summary): string {
  const d = matrix.dim;
  const dense = matrix.toDense();
  let trace = 0;
  for (let i = 0; i < d; i++) trace += dense[i * d + i];
  const what = centered
    ? "score covariance (centered), a mean: (1/Σw) Σ w (s − s̄)(s − s̄)ᵀ"
    : "empirical Fisher (uncentered), a mean: (1/Σw) Σ w s sᵀ";
  const lines = [
    `scores        ${source.display} (${source.format})`,
    `N             ${count} rows${weightsFile ? `, weights from ${weightsFile}, total weight ${num(totalWeight)}` : ""}`,
    `d             ${d}`,
    `backend       ${backend}`,
    `matrix        ${what}`,
    `trace         ${num(trace)}`,
  ];
  if (d <= SHOW_MATRIX_MAX_DIM) {
    const cells = Array.from(dense, num);
    const width = Math.max(...cells.map((c) => c.length));
    lines.push("");
    for (let i = 0; i < d; i++) {
      lines.push(
        `  ${cells
          .slice(i * d, (i + 1) * d)
          .map((c) => c.padStart(width))
          .join("  ")}`,
      );
    }
  } else {
    lines.push(
      `(the ${d} × ${d} matrix is not shown for d > ${SHOW_MATRIX_MAX_DIM}; write it with --out F.npy or F.json)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Seven significant digits, as short as they allow. */
function num(x: number): string {
  return String(Number(x.toPrecision(7)));
}
