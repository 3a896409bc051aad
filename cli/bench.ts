// `fisher-wasm bench`: a short speed check of empiricalFisher on this machine.
import { empiricalFisher, type SymmetricMatrix } from "fisher-wasm";
import { mulberry32 } from "../tools/seeded-random.js";
import { parseArgs, positiveNumber } from "./args.js";
import type { Command } from "./command.js";
import { BENCH_HELP } from "./help.js";
import { BACKEND_OPTION, initLibrary } from "./library.js";

const HELP = "fisher-wasm bench --help";
const OPTIONS = {
  seconds: { type: "string", parse: positiveNumber },
  backend: BACKEND_OPTION,
  help: { type: "boolean", short: "h" },
} as const;
/** A tall skinny shape, where copying rows in matters, and a wide one, where the kernel does. */
const SHAPES = [
  [20000, 64],
  [2000, 512],
] as const;
const SEED = 20240611;
const TOLERANCE = 1e-12;

export const benchCommand: Command = async (argv, { stdout }) => {
  const { options } = parseArgs(argv, OPTIONS, HELP);
  if (options.help) {
    stdout.write(BENCH_HELP);
    return 0;
  }
  const backend = await initLibrary(options.backend);
  const seconds = options.seconds ?? 1;
  stdout.write(`empiricalFisher on seeded random scores; backend ${backend}, Node ${process.version}\n`);
  stdout.write(`  ${"N × d".padEnd(12)}${"GFLOP/s".padStart(9)}${"ms/call".padStart(10)}${"calls".padStart(7)}\n`);
  for (const [n, d] of SHAPES) {
    const scores = randomScores(n * d, SEED + d);
    checkTrace(empiricalFisher(scores, d), scores, n, d);
    const { calls, elapsed } = time(() => empiricalFisher(scores, d), seconds);
    const gflops = (calls * n * d * (d + 1)) / elapsed / 1e9;
    const shape = `${n} × ${d}`.padEnd(12);
    stdout.write(
      `  ${shape}${gflops.toFixed(2).padStart(9)}${((elapsed / calls) * 1e3).toFixed(2).padStart(10)}${String(calls).padStart(7)}\n`,
    );
  }
  stdout.write("flops = N·d·(d+1) per call; each result was checked against a plain-JavaScript trace.\n");
  return 0;
};

/** Calls `run` until `seconds` have passed (at least once); returns the count and the seconds taken. */
function time(run: () => unknown, seconds: number): { calls: number; elapsed: number } {
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    run();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return { calls, elapsed };
}

/** trace F = (1/N) Σ |s|²: a timing of a wrong result would be worthless. */
function checkTrace(matrix: SymmetricMatrix, scores: Float64Array, n: number, d: number): void {
  let expected = 0;
  for (let k = 0; k < scores.length; k++) expected += scores[k] * scores[k];
  expected /= n;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += matrix.get(i, i);
  if (!(Math.abs(trace - expected) <= TOLERANCE * expected)) {
    throw new Error(`result check failed for ${n} × ${d}: trace ${trace}, expected ${expected}`);
  }
}

/** Uniform scores on [−1, 1) from mulberry32 (the generator the repository's benchmarks use). */
function randomScores(length: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  return Float64Array.from({ length }, () => 2 * next() - 1);
}
