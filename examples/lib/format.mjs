// Compact text formatting for vectors, symmetric matrices and comparisons.

/** A number as toPrecision(digits), right-aligned to `width`. */
export function num(x, width = 12, digits = 6) {
  const v = Object.is(x, -0) ? 0 : x;
  return v.toPrecision(digits).padStart(width);
}

/** A small magnitude such as a difference, e.g. "3.55e-15". */
export function sci(x) {
  return x.toExponential(2);
}

/** max_k |a[k] − b[k]|. */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** max_k |a[k]|. */
export function maxAbs(a) {
  return maxAbsDiff(a, new Float64Array(a.length));
}

/** A vector on one line: "[a, b, c]". */
export function vector(v, digits = 3) {
  return `[${Array.from(v, (x) => (Object.is(x, -0) ? 0 : x).toExponential(digits - 1)).join(", ")}]`;
}

/**
 * A SymmetricMatrix as labelled rows, each line prefixed by `indent`.
 * @param {import("../../dist/index.mjs").SymmetricMatrix} m
 * @param {string[]} names
 */
export function matrix(m, names, indent = "    ") {
  const label = Math.max(...names.map((s) => s.length)) + 1;
  const lines = [indent + " ".repeat(label) + names.map((s) => s.padStart(12)).join("")];
  for (let i = 0; i < m.dim; i++) {
    let line = indent + names[i].padEnd(label);
    for (let j = 0; j < m.dim; j++) line += num(m.get(i, j));
    lines.push(line);
  }
  return lines.join("\n");
}
