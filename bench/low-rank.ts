// The low-rank Fisher at N = 256 score rows of d = 100 000 parameters (205 MB of scores; a
// dense Fisher would need 40 GB): solve() end to end (fromScores, the N × N Gram by SYRK over
// the transposed scores, its Cholesky factor, two passes), solve() with the Gram and the
// factor cached, and matvec() beside the row-dot kernel alone called twice on the same scores
// in the same runtime (two SIMD passes reading the scores, nothing else) and beside a plain
// JavaScript sum over the scores twice. Targets: solve end to end under 1 s, matvec within
// 1.5× of the two kernel passes. BENCH_QUICK: N = 32, d = 5000.
import type Benchmark from "benchmark";
import { LowRankFisher } from "fisher-wasm";
import { randomScores } from "../tools/random-scores.js";
import { fail, measure, QUICK, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";

const N = QUICK ? 32 : 256;
const D = QUICK ? 5000 : 100_000;
const TOLERANCE = 1e-10;
const SOLVE_TARGET_SECONDS = 1;
const MATVEC_TARGET_RATIO = 1.5;

/** The runtime's internals the reference column needs (not part of the public API). */
interface RuntimeInternals {
  alloc(n: number): number;
  free(ptr: number): void;
  write(ptr: number, data: Float64Array): void;
  read(ptr: number, n: number): Float64Array;
  kernels: { rowDots(y: number, a: number, rows: number, d: number, x: number): void };
}

/** F x by plain loops: (1/N) Σ s_i (s_i · x). */
function plainMatvec(scores: Float64Array, n: number, d: number, x: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += scores[i * d + j] * x[j];
    const c = t / n;
    for (let j = 0; j < d; j++) y[j] += c * scores[i * d + j];
  }
  return y;
}

/** Σ of every score, four accumulators: one plain pass reading the scores. */
function plainSum(scores: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = scores.length - (scores.length % 4);
  for (let k = 0; k < end; k += 4) {
    s0 += scores[k];
    s1 += scores[k + 1];
    s2 += scores[k + 2];
    s3 += scores[k + 3];
  }
  for (let k = end; k < scores.length; k++) s0 += scores[k];
  return s0 + s1 + s2 + s3;
}

const ms = (stats: Benchmark.Stats): string => (stats.mean * 1e3).toFixed(1);

export async function lowRankSuite(): Promise<void> {
  // The scalar and plain-TypeScript builds take tens of seconds for one Gram at this size.
  const runtimes = (await backendRuntimes()).filter(({ name }) => name === "wasm-relaxed-simd" || name === "wasm-simd");
  const scores = randomScores(N, D, N * 7919 + D);
  const x = randomScores(1, D, 17);
  const reference = plainMatvec(scores, N, D, x);
  const rows: string[][] = [];
  for (const { name, runtime } of runtimes) {
    const label = `${name}, ${N} × ${D}`;
    const fisher = LowRankFisher.fromScores(scores, D, { runtime });
    // Checks before timing: matvec against plain loops, solve by its residual (F + λI) x = b.
    const first = timeOnce(() => fisher.matvec(x));
    const matvecError = relativeError(first.result, reference);
    if (!(matvecError <= TOLERANCE)) fail(`${label}: matvec differs from plain loops by ${matvecError}.`);
    const damping = (0.01 * fisher.trace()) / N;
    const solution = fisher.solve(x, { damping });
    const residual = plainMatvec(scores, N, D, solution).map((v, j) => v + damping * solution[j]);
    const solveError = relativeError(residual, x);
    if (!(solveError <= TOLERANCE)) fail(`${label}: solve's residual is ${solveError} of b.`);

    const endToEnd = () => {
      const fresh = LowRankFisher.fromScores(scores, D, { runtime });
      const result = fresh.solve(x, { damping });
      fresh.dispose();
      return result;
    };
    let nextDamping = damping;
    const newDamping = () => {
      nextDamping *= 1.0001;
      return fisher.solve(x, { damping: nextDamping });
    };
    const cached = () => fisher.solve(x, { damping });
    const matvec = () => fisher.matvec(x);

    // The reference: the same scores in the same runtime, read by the row-dot kernel twice.
    const internals = runtime as unknown as RuntimeInternals;
    const sp = internals.alloc(N * D);
    const xp = internals.alloc(D);
    const yp = internals.alloc(N);
    internals.write(sp, scores);
    internals.write(xp, x);
    const twoPasses = () => {
      internals.kernels.rowDots(yp, sp, N, D, xp);
      internals.kernels.rowDots(yp, sp, N, D, xp);
      return internals.read(yp, 1);
    };
    const twoSums = () => [plainSum(scores) + plainSum(scores)];
    const probe = (v: ArrayLike<number>) => v[0] as number;

    const load = () => {
      const fresh = LowRankFisher.fromScores(scores, D, { runtime });
      const value = [fresh.totalWeight];
      fresh.dispose();
      return value;
    };
    const loadStats = measure(`fromScores ${label}`, load, timeOnce(load).seconds, probe);
    const endStats = measure(`solve end to end ${label}`, endToEnd, timeOnce(endToEnd).seconds, probe);
    const newStats = measure(`solve, new damping ${label}`, newDamping, timeOnce(newDamping).seconds, probe);
    const cachedStats = measure(`solve, cached ${label}`, cached, timeOnce(cached).seconds, probe);
    const matvecStats = measure(`matvec ${label}`, matvec, first.seconds, probe);
    const passStats = measure(`rowDots ×2 ${label}`, twoPasses, timeOnce(twoPasses).seconds, probe);
    const sumStats = measure(`plain JS sum ×2 ${label}`, twoSums, timeOnce(twoSums).seconds, probe);
    for (const p of [sp, xp, yp]) internals.free(p);
    fisher.dispose();

    // The Gram's share of the end-to-end solve: what remains without loading the scores
    // (fromScores: the copy into WebAssembly memory and the finiteness scan) and without a solve whose Gram is cached.
    const gramSeconds = endStats.mean - loadStats.mean - newStats.mean;
    const gramFlops = N * (N + 1) * D;
    const ratio = matvecStats.mean / passStats.mean;
    const verdict = (ok: boolean) => (ok ? "" : " (missed)");
    console.error(
      `${label}: solve end to end ${ms(endStats)} ms, matvec ${ms(matvecStats)} ms = ${ratio.toFixed(2)}× rowDots ×2`,
    );
    rows.push([
      name,
      `${ms(endStats)}${verdict(endStats.mean < SOLVE_TARGET_SECONDS)}`,
      ms(loadStats),
      gramSeconds > 0 ? (gramFlops / gramSeconds / 1e9).toFixed(1) : "—",
      ms(newStats),
      ms(cachedStats),
      ms(matvecStats),
      ms(passStats),
      `${ratio.toFixed(2)}${verdict(ratio <= MATVEC_TARGET_RATIO)}`,
      ms(sumStats),
    ]);
  }
  report(
    "low-rank",
    `LowRankFisher, N = ${N} rows × d = ${D} (${((N * D * 8) / 1e6).toFixed(0)} MB of scores): ms per call (Benchmark.js mean); targets: solve end to end < ${SOLVE_TARGET_SECONDS * 1e3} ms, matvec ≤ ${MATVEC_TARGET_RATIO}× the row-dot kernel run twice`,
    [
      "backend",
      "solve end to end",
      "fromScores",
      "Gram GFLOP/s (N(N+1)d flops, derived)",
      "solve, new damping (Gram cached)",
      "solve, factor cached",
      "matvec",
      "rowDots kernel ×2",
      "matvec / rowDots ×2",
      "plain JS sum ×2",
    ],
    rows,
  );
}
