// What every benchmark suite shares: Benchmark.js options sized to the work, a
// timed first call that doubles as the correctness check, error measures, and
// markdown output written to stdout and bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import Benchmark from "benchmark";

export const QUICK = process.env.BENCH_QUICK === "1";

export function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

/**
 * Benchmark.js options from the seconds one call took while verifying. Every sample
 * also pays one untimed pretest call (Benchmark.js re-checks the compiled loop per
 * cycle), so a multi-second call costs two calls per sample: those get the minimum
 * of three samples and no more, to keep a full run to a few minutes.
 */
export function optionsFor(secondsPerCall) {
  if (QUICK) return { initCount: 1, minSamples: 2, maxTime: 0.05 };
  if (secondsPerCall < 0.25) return { initCount: 1, minSamples: 3, maxTime: 2 };
  if (secondsPerCall < 1) return { initCount: 1, minSamples: 3, maxTime: 1 };
  return { initCount: 1, minSamples: 3, maxTime: 0.1 };
}

/** max |a − b| / max |b|. */
export function relativeError(a, b) {
  let err = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    err = Math.max(err, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return scale === 0 ? err : err / scale;
}

/** One timed call, which also warms the code up before Benchmark.js samples it. */
export function timeOnce(run) {
  const start = performance.now();
  const packed = run();
  return { packed, seconds: (performance.now() - start) / 1e3 };
}

/**
 * Times `run` with Benchmark.js. `observe` folds one number of each result into a
 * checksum that must come out finite and non-zero, so the work cannot be skipped.
 */
export function measure(name, run, secondsPerCall, observe) {
  let checksum = 0;
  const bench = new Benchmark(
    name,
    () => {
      checksum += observe(run());
    },
    optionsFor(secondsPerCall),
  );
  bench.run({ async: false });
  if (bench.error) fail(`${bench.name} failed: ${bench.error.message ?? bench.error}`);
  if (!Number.isFinite(checksum) || checksum === 0) fail(`${bench.name}: checksum ${checksum} is not plausible.`);
  return bench.stats;
}

export function environmentLine() {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores.`;
}

/** A markdown table with a title and the environment, printed and saved as bench/results/<name>.md. */
export function report(name, title, header, rows) {
  const lines = [
    `| ${header.join(" | ")} |`,
    `|---|${header
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ];
  const text = `${title}${QUICK ? " (BENCH_QUICK)" : ""}\n\n${lines.join("\n")}\n\n${environmentLine()}\n`;
  process.stdout.write(`${text}\n`);
  const dir = new URL("../results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.md`, dir), text);
}
