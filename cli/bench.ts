// `fisher-wasm bench`: a short speed check of empiricalFisher on this machine.
import { empiricalFisher, type SymmetricMatrix } from "fisher-wasm";
import { fisherFlops, measureGflops } from "../tools/gflops.js";
import { randomScores } from "../tools/random-scores.js";
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
    const scores = randomScores(n, d, SEED + d);
    checkTrace(empiricalFisher(scores, d), scores, n, d);
    const { calls, msPerCall, gflops } = measureGflops(() => empiricalFisher(scores, d), fisherFlops(n, d), seconds);
    const shape = `${n} × ${d}`.padEnd(12);
    stdout.write(
      `  ${shape}${gflops.toFixed(2).padStart(9)}${msPerCall.toFixed(2).padStart(10)}${String(calls).padStart(7)}\n`,
    );
  }
  stdout.write("flops = N·d·(d+1) per call; each result was checked against a plain-JavaScript trace.\n");
  return 0;
};

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
