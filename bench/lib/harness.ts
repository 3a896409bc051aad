// What every benchmark suite shares: Benchmark.js options sized to the work, a timed
// first call that doubles as the correctness check, and a checksum that proves the work ran.
import Benchmark from "benchmark";

export const QUICK = process.env.BENCH_QUICK === "1";

/** The cell of a contender left out at a size where one call would take too long. */
export const SKIPPED = "—";

export function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

/**
 * Benchmark.js options from the seconds one call took while verifying. Every sample
 * also pays one untimed pretest call (Benchmark.js re-checks the compiled loop per
 * cycle), so a multi-second call costs two calls per sample: those get the minimum
 * of three samples and no more, to keep a full run to a few minutes.
 */
export function optionsFor(secondsPerCall: number): Benchmark.Options {
  if (QUICK) return { initCount: 1, minSamples: 2, maxTime: 0.05 };
  if (secondsPerCall < 0.25) return { initCount: 1, minSamples: 3, maxTime: 2 };
  if (secondsPerCall < 1) return { initCount: 1, minSamples: 3, maxTime: 1 };
  return { initCount: 1, minSamples: 3, maxTime: 0.1 };
}

/** One timed call, which also warms the code up before Benchmark.js samples it. */
export function timeOnce<T>(run: () => T): { result: T; seconds: number } {
  const start = performance.now();
  const result = run();
  return { result, seconds: (performance.now() - start) / 1e3 };
}

/**
 * Times `run` with Benchmark.js. `observe` folds one number of each result into a
 * checksum that must come out finite and non-zero, so the work cannot be skipped.
 */
export function measure<T>(
  name: string,
  run: () => T,
  secondsPerCall: number,
  observe: (result: T) => number,
): Benchmark.Stats {
  let checksum = 0;
  const bench = new Benchmark(
    name,
    () => {
      checksum += observe(run());
    },
    optionsFor(secondsPerCall),
  );
  bench.run({ async: false });
  // Benchmark.js records a throwing test here instead of rethrowing it.
  const error: unknown = bench.error;
  if (error) fail(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!Number.isFinite(checksum) || checksum === 0) fail(`${name}: checksum ${checksum} is not plausible.`);
  return bench.stats;
}
