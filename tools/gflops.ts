// The speed of a Fisher computation in GFLOP/s, counted the same way everywhere: by the
// benchmarks' tables, the example's speed section and the demo page.

/** Flops of Σ s sᵀ over N rows in packed storage: d(d+1)/2 entries, a multiply and an add each per row. */
export function fisherFlops(rows: number, d: number): number {
  return rows * d * (d + 1);
}

export interface Throughput {
  /** Timed calls, after the warm-up. */
  calls: number;
  seconds: number;
  msPerCall: number;
  gflops: number;
}

/**
 * A few warm-up calls of `run`, then as many calls as fit in `seconds` (at least one):
 * a plain timing loop that runs the same in Node and in a browser.
 */
export function measureGflops(run: () => unknown, flopsPerCall: number, seconds: number): Throughput {
  for (let k = 0; k < 3; k++) run();
  let calls = 0;
  let elapsed = 0;
  const start = performance.now();
  do {
    run();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return {
    calls,
    seconds: elapsed,
    msPerCall: (elapsed * 1000) / calls,
    gflops: (flopsPerCall * calls) / elapsed / 1e9,
  };
}
