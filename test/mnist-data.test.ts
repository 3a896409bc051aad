// The digits of the MNIST runs: the fixed split and the byte form the demo page downloads.
import { describe, expect, it } from "vitest";
import { epochBatches } from "../examples/mnist/batches.js";
import { CLASSES, decodeDigits, encodeDigits, PIXELS, pick } from "../tools/mnist/digits.js";
import { loadAllDigits, mnistSplit, mnistSubset } from "../tools/mnist/split.js";

/** The first index where two arrays differ, or -1 when they are equal (vitest's deep equality is slow on millions). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

/** A digit's pixels as a string key, to find it in another set. */
const key = (images: Float32Array, row: number): string => images.subarray(row * PIXELS, (row + 1) * PIXELS).join(",");

describe("the seeded MNIST split", () => {
  const all = loadAllDigits();
  const { train, test } = mnistSplit();

  it("holds the package's 10,000 digits, 784 pixels in [0, 1] each", () => {
    expect(all.count).toBe(10_000);
    expect(all.images.length).toBe(10_000 * PIXELS);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of all.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
  });

  it("is 8,000 / 2,000, stratified: each class's test share within one digit of 20%", () => {
    expect([train.count, test.count]).toEqual([8000, 2000]);
    for (let id = 0; id < CLASSES; id++) {
      const inAll = all.labels.filter((l) => l === id).length;
      const inTest = test.labels.filter((l) => l === id).length;
      expect(Math.abs(inTest - 0.2 * inAll), `class ${id}`).toBeLessThanOrEqual(0.5);
      expect(train.labels.filter((l) => l === id).length + inTest).toBe(inAll);
    }
  });

  it("partitions the digits: every digit once, with its own label, none in both sets", () => {
    const labelOf = new Map<string, number[]>();
    for (let r = 0; r < all.count; r++)
      labelOf.set(key(all.images, r), [...(labelOf.get(key(all.images, r)) ?? []), all.labels[r]]);
    const seen = new Map<string, number>();
    for (const set of [train, test]) {
      for (let r = 0; r < set.count; r++) {
        const k = key(set.images, r);
        expect(labelOf.get(k)).toContain(set.labels[r]);
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
    }
    for (const [k, labels] of labelOf) expect(seen.get(k)).toBe(labels.length);
  });

  it("is the same on every call and changes with the seed", () => {
    const again = mnistSplit();
    expect(firstDifference(again.test.labels, test.labels)).toBe(-1);
    expect(firstDifference(again.train.images, train.images)).toBe(-1);
    expect(firstDifference(mnistSplit(1).test.labels, test.labels)).not.toBe(-1);
  });

  it("mixes the classes in both sets (no run of one class longer than 20)", () => {
    for (const set of [train, test]) {
      let run = 1;
      let longest = 1;
      for (let r = 1; r < set.count; r++) {
        run = set.labels[r] === set.labels[r - 1] ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
      expect(longest).toBeLessThan(20);
    }
  });

  it("the demo's subset is the split's first digits", () => {
    const sub = mnistSubset(300, 100);
    expect(firstDifference(sub.train.images, train.images.subarray(0, 300 * PIXELS))).toBe(-1);
    expect(firstDifference(sub.test.labels, test.labels.subarray(0, 100))).toBe(-1);
  });
});

describe("the digits' byte form", () => {
  const { test } = mnistSplit();

  it("round-trips every pixel exactly, one byte each", () => {
    const bytes = encodeDigits(test);
    expect(bytes.length).toBe(8 + test.count * (1 + PIXELS));
    const back = decodeDigits(bytes);
    expect(back.count).toBe(test.count);
    expect(firstDifference(back.labels, test.labels)).toBe(-1);
    expect(firstDifference(back.images, test.images)).toBe(-1);
  });

  it("rejects a value that is no grey level, and bytes that are not a digit file", () => {
    const one = pick(test, [0]);
    const images = one.images.slice();
    images[5] = 0.5;
    expect(() => encodeDigits({ ...one, images })).toThrow(/pixel 5 is 0.5/);
    expect(() => decodeDigits(new Uint8Array([1, 2, 3]))).toThrow(RangeError);
    expect(() => decodeDigits(encodeDigits(one).subarray(0, 100))).toThrow(/not a digit file \(100 bytes\)/);
  });
});

describe("the batch order", () => {
  it("is a seeded permutation of the rows per epoch, cut into batches", () => {
    const batches = epochBatches(1000, 128, 0);
    expect(batches.map((b) => b.length)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
    const rows = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(rows).toEqual(Array.from({ length: 1000 }, (_, k) => k));
    expect(epochBatches(1000, 128, 0)[3]).toEqual(batches[3]);
    expect(epochBatches(1000, 128, 1)[0]).not.toEqual(batches[0]);
  });
});
