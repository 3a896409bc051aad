// The Kronecker-factored Fisher of one dense layer (784 → 256 with a bias, batch 256: the
// issue's shape; BENCH_QUICK: 96 → 32, batch 64), on each backend, end to end (copies
// included):
//  - add(activations, outputGradients), GFLOP/s with B·a(a+1) + B·o(o+1) flops (a = 785,
//    o = 256), beside the bare SYRK kernel on the same rows (empiricalFisher of the ã rows
//    and of the g rows, sums), its ceiling;
//  - solve(V, { damping }) with the factorisations cached (π-split: the dense damped
//    inverses, two GEMMs), GFLOP/s with 2·o²·a + 2·o·a² flops, beside the same two products
//    by the plain-JavaScript i-p-j triple loop on Float64Arrays (the `plain JS GEMM` row);
//  - solve with split "exact" (four GEMMs, credited with twice the flops) and matvec (G V A).
// The js backend runs in BENCH_QUICK only (an exact solve takes seconds at the full size).
// Targets: add ≥ 15 GFLOP/s, cached solve ≥ 10 GFLOP/s.
import type Benchmark from "benchmark";
import { empiricalFisher, KroneckerFactoredFisher, type Runtime } from "fisher-wasm";
import { mulberry32 } from "../tools/seeded-random.js";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";

const [IN, OUT, BATCH] = QUICK ? [96, 32, 64] : [784, 256, 256];
const A_DIM = IN + 1;
const DAMPING = 1e-2;
const ADD_FLOPS = BATCH * A_DIM * (A_DIM + 1) + BATCH * OUT * (OUT + 1);
const SOLVE_FLOPS = 2 * OUT * OUT * A_DIM + 2 * OUT * A_DIM * A_DIM;

function uniformArray(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  return Float64Array.from({ length: n }, () => 2 * next() - 1);
}

/** Row-major C = A B, the plain i-p-j loop. */
function plainGemm(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      const row = p * n;
      const out = i * n;
      for (let j = 0; j < n; j++) C[out + j] += aip * B[row + j];
    }
  }
  return C;
}

/** The π-split damped inverses, dense, from the factors (Cholesky inverses, not the GEMM path). */
function dampedInverses(kf: KroneckerFactoredFisher): { Ginv: Float64Array; Ainv: Float64Array } {
  const { A, G } = kf.factors();
  const pi = Math.sqrt(A.trace() / A.dim / (G.trace() / G.dim));
  const root = Math.sqrt(DAMPING);
  return {
    Ainv: A.inverse({ damping: pi * root }).toDense(),
    Ginv: G.inverse({ damping: root / pi }).toDense(),
  };
}

function withBias(acts: Float64Array): Float64Array {
  const out = new Float64Array(BATCH * A_DIM);
  for (let r = 0; r < BATCH; r++) {
    out.set(acts.subarray(r * IN, (r + 1) * IN), r * A_DIM);
    out[r * A_DIM + IN] = 1;
  }
  return out;
}

const cell = (flops: number, stats: Benchmark.Stats): string =>
  `${(flops / stats.mean / 1e9).toFixed(2)} (${(stats.mean * 1e3).toFixed(1)} ms)`;

export async function kfacSuite(): Promise<void> {
  const acts = uniformArray(BATCH * IN, 1);
  const grads = uniformArray(BATCH * OUT, 2);
  const actsBias = withBias(acts);
  const V = uniformArray(OUT * A_DIM, 3);
  const rows: string[][] = [];
  let reference: { Ginv: Float64Array; Ainv: Float64Array; X: Float64Array } | undefined;
  const check = (what: string, error: number, tolerance: number): void => {
    if (!(error <= tolerance)) fail(`kfac ${what}: relative error ${error} > ${tolerance}.`);
  };
  // The plain-TypeScript backend takes seconds per exact solve at the full size: QUICK runs only.
  const runtimes = (await backendRuntimes()).filter(({ name }) => QUICK || name !== "js");
  for (const { name, runtime } of runtimes) {
    const fresh = (): KroneckerFactoredFisher => new KroneckerFactoredFisher(IN, OUT, { runtime });
    const kf = fresh().add(acts, grads);
    // add: the factors against the bare kernel's sums of the same rows.
    const bare = (rt: Runtime) => [
      empiricalFisher(actsBias, A_DIM, { reduction: "sum", runtime: rt }).packed,
      empiricalFisher(grads, OUT, { reduction: "sum", runtime: rt }).packed,
    ];
    const [sumA, sumG] = bare(runtime) as [Float64Array, Float64Array];
    const { A, G } = kf.factors();
    check(
      `${name} A`,
      relativeError(
        A.packed,
        sumA.map((v) => v / BATCH),
      ),
      1e-12,
    );
    check(
      `${name} G`,
      relativeError(
        G.packed,
        sumG.map((v) => v / BATCH),
      ),
      1e-12,
    );
    // solve: against the plain triple loop with Cholesky inverses (computed once, on the first backend).
    if (!reference) {
      const inverses = dampedInverses(kf);
      const X = plainGemm(plainGemm(inverses.Ginv, V, OUT, OUT, A_DIM), inverses.Ainv, OUT, A_DIM, A_DIM);
      reference = { ...inverses, X };
    }
    const solvePi = () => kf.solve(V, { damping: DAMPING });
    const solveExact = () => kf.solve(V, { damping: DAMPING, split: "exact" });
    const matvec = () => kf.matvec(V);
    const firstPi = timeOnce(solvePi); // builds the cache
    check(`${name} solve`, relativeError(firstPi.result, reference.X), 1e-9);
    const firstExact = timeOnce(solveExact);
    const back = kf.matvec(firstExact.result).map((v, i) => v + DAMPING * firstExact.result[i]);
    check(`${name} exact solve residual`, relativeError(back, V), 1e-9);
    timeOnce(matvec);
    // One accumulator per timed add would leak; one reused object adds the batch again and again.
    const timedAdd = fresh();
    const add = () => timedAdd.add(acts, grads);
    const addStats = measure(`kfac add ${name}`, add, timeOnce(add).seconds, (k) => k.count);
    const bareRun = () => bare(runtime);
    const bareStats = measure(`kfac bare syrk ${name}`, bareRun, timeOnce(bareRun).seconds, (u) => u[0]?.[0] ?? 0);
    const piStats = measure(`kfac solve ${name}`, solvePi, timeOnce(solvePi).seconds, (x) => x[0]);
    const exactStats = measure(`kfac exact ${name}`, solveExact, timeOnce(solveExact).seconds, (x) => x[0]);
    const matvecStats = measure(`kfac matvec ${name}`, matvec, timeOnce(matvec).seconds, (x) => x[0]);
    console.error(`kfac ${name}: add ${cell(ADD_FLOPS, addStats)}, solve ${cell(SOLVE_FLOPS, piStats)} GFLOP/s`);
    rows.push([
      name,
      cell(ADD_FLOPS, addStats),
      cell(ADD_FLOPS, bareStats),
      cell(SOLVE_FLOPS, piStats),
      cell(2 * SOLVE_FLOPS, exactStats),
      cell(SOLVE_FLOPS, matvecStats),
    ]);
    for (const k of [kf, timedAdd]) k.dispose();
  }
  if (!reference) fail("kfac: no backend ran.");
  const { Ginv, Ainv, X } = reference;
  const plain = () => plainGemm(plainGemm(Ginv, V, OUT, OUT, A_DIM), Ainv, OUT, A_DIM, A_DIM);
  const first = timeOnce(plain);
  check("plain JS GEMM", relativeError(first.result, X), 0);
  const plainStats = measure("kfac plain JS GEMM", plain, first.seconds, (x) => x[0]);
  rows.push(["plain JS GEMM (Ginv·V·Ainv)", SKIPPED, SKIPPED, cell(SOLVE_FLOPS, plainStats), SKIPPED, SKIPPED]);
  report(
    "kfac",
    `K-FAC for a ${IN} → ${OUT} layer with a bias (a = ${A_DIM}, o = ${OUT}), batch ${BATCH}, end to end: GFLOP/s (ms per call). ` +
      `add and the bare SYRK of the same ã and g rows with B·a(a+1) + B·o(o+1) flops; solve (π-split, damped inverses cached) ` +
      `and matvec with 2·o²·a + 2·o·a² flops, the exact split with twice that. Targets: add ≥ 15, cached solve ≥ 10`,
    ["backend", "add", "bare SYRK (ceiling)", "solve, π cached", "solve, exact cached", "matvec"],
    rows,
  );
}
