// The kernel's speed in this page: empiricalFisher end to end on seeded random scores,
// the same problem as the README's 20000 × 64 row, so the numbers can be compared.

import { mulberry32 } from "../tools/seeded-random.mjs";

export const ROWS = 20000;
export const DIM = 64;

/** Uniform scores on [−1, 1), ROWS × DIM, from a fixed seed. */
export function randomScores(seed = 42) {
  const next = mulberry32(seed);
  return Float64Array.from({ length: ROWS * DIM }, () => 2 * next() - 1);
}

/**
 * GFLOP/s of empiricalFisher on the active backend, with flops = N·d·(d+1) per call:
 * a few warm-up calls, then as many calls as fit in `seconds`.
 */
export function measure(lib, scores, seconds = 0.5) {
  for (let k = 0; k < 3; k++) lib.empiricalFisher(scores, DIM);
  let calls = 0;
  let elapsed = 0;
  const start = performance.now();
  do {
    lib.empiricalFisher(scores, DIM);
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  const flops = ROWS * DIM * (DIM + 1);
  return { calls, seconds: elapsed, msPerCall: (elapsed * 1000) / calls, gflops: (flops * calls) / elapsed / 1e9 };
}
