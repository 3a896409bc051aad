// Compact text formatting for vectors, symmetric matrices and comparisons.
import type { SymmetricMatrix } from "fisher-wasm";

/** A number as toPrecision(digits), right-aligned to `width`. */
export function num(x: number, width = 12, digits = 6): string {
  const v = Object.is(x, -0) ? 0 : x;
  return v.toPrecision(digits).padStart(width);
}

/** A small magnitude such as a difference, e.g. "3.55e-15". */
export function sci(x: number): string {
  return x.toExponential(2);
}

/** max_k |a[k] − b[k]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** max_k |a[k]|. */
export function maxAbs(a: ArrayLike<number>): number {
  return maxAbsDiff(a, new Float64Array(a.length));
}

/** A vector on one line: "[a, b, c]". */
export function vector(v: ArrayLike<number>, digits = 3): string {
  return `[${Array.from(v, (x) => (Object.is(x, -0) ? 0 : x).toExponential(digits - 1)).join(", ")}]`;
}

/** A SymmetricMatrix as rows labelled by `names`, each line prefixed by `indent`. */
export function matrix(m: SymmetricMatrix, names: readonly string[], indent = "    "): string {
  const label = Math.max(...names.map((s) => s.length)) + 1;
  const lines = [indent + " ".repeat(label) + names.map((s) => s.padStart(12)).join("")];
  for (let i = 0; i < m.dim; i++) {
    let line = indent + names[i].padEnd(label);
    for (let j = 0; j < m.dim; j++) line += num(m.get(i, j));
    lines.push(line);
  }
  return lines.join("\n");
}
