// The `mnist` package's 10,000 digits, read in Node, and the one fixed split of them every run
// uses. The package's own set() draws with Math.random, so it is never called: the split is
// stratified (20% of each class to the test set) and seeded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { mulberry32, shuffleInPlace } from "../seeded-random.js";
import { CLASSES, type Digits, PIXELS, pick } from "./digits.js";

/** The split's seed: change it and every published number changes. */
export const SPLIT_SEED = 20_240_613;
/** The share of each class that goes to the test set. */
export const TEST_SHARE = 0.2;

let cached: Digits | undefined;

/** All 10,000 digits in the package's order: class 0 first, then 1, …, 9. */
export function loadAllDigits(): Digits {
  if (cached) return cached;
  const root = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
  const parts = Array.from({ length: CLASSES }, (_, id) => {
    const { data } = JSON.parse(readFileSync(join(root, "src", "digits", `${id}.json`), "utf8")) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`mnist digit ${id}: ${data.length} values, not a multiple of 784`);
    return data;
  });
  const count = parts.reduce((n, data) => n + data.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let row = 0;
  parts.forEach((data, id) => {
    images.set(data, row * PIXELS);
    labels.fill(id, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  cached = { count, images, labels };
  return cached;
}

/** A train and a test set. */
export interface DigitSplit {
  train: Digits;
  test: Digits;
}

/**
 * The fixed split: each class is shuffled with `seed` and its first round(20%) go to the test set
 * (2,000 of 10,000), the rest to the training set (8,000); each set is then shuffled once more so
 * the classes are mixed. The same seed gives the same split on every machine.
 */
export function mnistSplit(seed = SPLIT_SEED): DigitSplit {
  const all = loadAllDigits();
  const next = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  let start = 0;
  for (let id = 0; id < CLASSES; id++) {
    let end = start;
    while (end < all.count && all.labels[end] === id) end++;
    const members = shuffleInPlace(
      Array.from({ length: end - start }, (_, k) => start + k),
      next,
    );
    const nTest = Math.round(TEST_SHARE * members.length);
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
    start = end;
  }
  return { train: pick(all, shuffleInPlace(train, next)), test: pick(all, shuffleInPlace(test, next)) };
}

/** The first `trainCount` and `testCount` digits of the fixed split (the demo page's subset). */
export function mnistSubset(trainCount: number, testCount: number, seed = SPLIT_SEED): DigitSplit {
  const { train, test } = mnistSplit(seed);
  const first = (n: number) => Array.from({ length: n }, (_, k) => k);
  return { train: pick(train, first(trainCount)), test: pick(test, first(testCount)) };
}
