// The packed inverse (A + λI)⁻¹ end to end, SymmetricMatrix.inverse(): the Cholesky factor and
// the inverse from it, copies in and out included, on every backend, beside the same on the
// SIMD builds with the previous, unblocked inverse kernel (the named variant "unblocked
// inverse", called through the runtime's kernels) and native LAPACK's dpptrf + dpptri on the
// same matrix (lib/native-lapack.ts, where the machine has it). GFLOP/s with d³ flops (d³/3 for
// the factor, d³/3 for U⁻¹, d³/3 for U⁻¹U⁻ᵀ), and ms per call.
import { type Runtime, SymmetricMatrix } from "fisher-wasm";
import { fail, measure, QUICK, SKIPPED, timeOnce } from "./lib/harness.js";
import { nativeLapack } from "./lib/native-lapack.js";
import { relativeError } from "./lib/relative-error.js";
import { report } from "./lib/report.js";
import { backendRuntimes } from "./lib/runtimes.js";
import { diagonallyDominantSpd } from "./lib/spd-matrices.js";

const DIMS = QUICK ? [64, 256] : [256, 1024, 2048];
// The inverse of a matrix with condition number below 10 from two backward-stable methods.
const TOLERANCE = 1e-10;
// One plain-TypeScript inverse at d = 1024 takes several seconds; it runs at the smallest size only.
const JS_MAX_DIM = 256;

/** The runtime's internals the unblocked variant needs (not part of the public API). */
interface RuntimeInternals {
  scoped<T>(lengths: readonly number[], body: (...ptrs: number[]) => T): T;
  write(ptr: number, data: Float64Array): void;
  read(ptr: number, n: number): Float64Array;
  kernels: { choleskyInverseUnblocked(u: number, d: number): void };
}

/** inverse() as it was before the blocked kernel: the factor, then the unblocked kernel on a copy of it. */
function unblockedInverse(matrix: SymmetricMatrix, runtime: Runtime): () => Float64Array {
  const internals = runtime as unknown as RuntimeInternals;
  const d = matrix.dim;
  return () => {
    const u = matrix.cholesky().packed;
    return internals.scoped([u.length], (p) => {
      internals.write(p, u);
      internals.kernels.choleskyInverseUnblocked(p, d);
      return internals.read(p, u.length);
    });
  };
}

interface Contender {
  column: string;
  skip?: boolean;
  /** The matrix, made in this column's runtime. */
  matrix: SymmetricMatrix;
  /** The packed inverse. */
  run: () => Float64Array;
}

function cell(d: number, seconds: number): string {
  return `${(d ** 3 / seconds / 1e9).toFixed(2)} (${(seconds * 1e3).toFixed(1)} ms)`;
}

export async function inverseSuite(): Promise<void> {
  const runtimes = await backendRuntimes();
  const lapack = nativeLapack();
  let columns: string[] = [];
  const rows: string[][] = [];
  for (const d of DIMS) {
    const dense = diagonallyDominantSpd(d, d);
    const contenders: Contender[] = [];
    for (const { name, runtime } of runtimes) {
      const matrix = SymmetricMatrix.fromDense(dense, d, { runtime });
      contenders.push({
        column: name,
        skip: name === "js" && d > JS_MAX_DIM,
        matrix,
        run: () => matrix.inverse().packed,
      });
      if (name === "wasm-simd" || name === "wasm-relaxed-simd") {
        contenders.push({ column: `${name}, unblocked inverse`, matrix, run: unblockedInverse(matrix, runtime) });
      }
    }
    const simd = contenders.find((c) => c.column === "wasm-simd");
    if (!simd) fail("the wasm-simd backend, the reference, is not available in this engine.");
    const reference = simd.run();
    columns = contenders.map((c) => c.column);
    const cells = [`${d}`];
    for (const c of contenders) {
      if (c.skip) {
        cells.push(SKIPPED);
        continue;
      }
      const first = timeOnce(c.run);
      const error = relativeError(first.result, reference);
      if (!(error <= TOLERANCE)) fail(`d=${d}: ${c.column} inverse differs from wasm-simd (relative error ${error}).`);
      const stats = measure(`inverse ${c.column} d=${d}`, c.run, first.seconds, (x) => x[0] as number);
      console.error(`inverse d=${d} ${c.column}: ${(stats.mean * 1e3).toFixed(2)} ms ±${stats.rme.toFixed(1)}%`);
      cells.push(cell(d, stats.mean));
    }
    if (lapack) {
      const native = lapack.time("pptrf-pptri", simd.matrix.packed, d);
      const error = relativeError(native.result, reference);
      if (!(error <= TOLERANCE))
        fail(`d=${d}: LAPACK dpptrf + dpptri differs from wasm-simd (relative error ${error}).`);
      console.error(`inverse d=${d} ${lapack.label}: ${(native.mean * 1e3).toFixed(2)} ms ±${native.rme.toFixed(1)}%`);
      cells.push(cell(d, native.mean));
      columns.push(`${lapack.label} dpptrf + dpptri`);
    }
    rows.push(cells);
  }
  report(
    "inverse",
    "Packed inverse end to end (Cholesky factor, then the inverse from it): GFLOP/s (ms per call), flops = d³, mean from Benchmark.js",
    ["d", ...columns],
    rows,
  );
}
