// Tolerance checks as relative max-abs error, with a report of the entries that
// differ most, so a failure says where and by how much.
import { expect } from "vitest";

/**
 * max |a − e| / scale, where scale defaults to max |e| (1 when e is all zero).
 * Pass the scale of the inputs for quantities that cancel, such as a mean score near zero.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale?: number): number {
  let diff = 0;
  let maxExpected = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    maxExpected = Math.max(maxExpected, Math.abs(expected[i] as number));
  }
  return diff / (scale ?? (maxExpected || 1));
}

function worstEntries(actual: ArrayLike<number>, expected: ArrayLike<number>, count = 5): string {
  const rows = Array.from({ length: expected.length }, (_, i) => ({
    i,
    a: actual[i] as number,
    e: expected[i] as number,
    d: Math.abs((actual[i] as number) - (expected[i] as number)),
  }));
  rows.sort(
    (x, y) =>
      (Number.isNaN(y.d) ? Number.POSITIVE_INFINITY : y.d) - (Number.isNaN(x.d) ? Number.POSITIVE_INFINITY : x.d) || 0,
  );
  return rows
    .slice(0, count)
    .map((r) => `  [${r.i}] actual ${r.a} expected ${r.e} |diff| ${r.d}`)
    .join("\n");
}

/** Asserts relative max-abs error <= tolerance, printing the worst entries otherwise. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  label = "",
  scale?: number,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const err = relativeError(actual, expected, scale);
  if (!(err <= tolerance)) {
    expect.fail(`${label}: relative error ${err} > ${tolerance}\n${worstEntries(actual, expected)}`);
  }
}

/** Asserts that two float64 arrays hold the same bits, entry by entry (NaN payloads and the sign of zero included). */
export function expectSameBits(actual: Float64Array, expected: Float64Array, label = ""): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const a = new BigUint64Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new BigUint64Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) expect.fail(`${label}: entry ${i} is ${actual[i]}, expected ${expected[i]} bit for bit`);
  }
}
