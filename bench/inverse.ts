// The packed inverse (A + λI)⁻¹ end to end, SymmetricMatrix.inverse(): the Cholesky factor and
// the inverse from it, copies in and out included, on every backend, beside native LAPACK's
// dpptrf + dpptri on the same matrix (lib/native-lapack.ts, where the machine has it). GFLOP/s
// with d³ flops (d³/3 for the factor, d³/3 for U⁻¹, d³/3 for U⁻¹U⁻ᵀ), and ms per call.
import { SymmetricMatrix } from "fisher-wasm";
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
    const contenders: Contender[] = runtimes.map(({ name, runtime }) => {
      const matrix = SymmetricMatrix.fromDense(dense, d, { runtime });
      return { column: name, skip: name === "js" && d > JS_MAX_DIM, matrix, run: () => matrix.inverse().packed };
    });
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
