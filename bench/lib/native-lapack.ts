// The native LAPACK reference: bench/native/lapack.c compiled with gcc against the system's
// OpenBLAS and LAPACKE, run on one thread (OPENBLAS_NUM_THREADS=1) on the very matrix a suite
// times, so its column sits beside fisher-wasm's in the same run. Where gcc or the libraries
// are missing the suites leave the column out after one line saying why; the tests never
// build or run it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fail, QUICK } from "./harness.js";

/** The LAPACK calls the harness times (see bench/native/lapack.c). */
export type LapackOperation = "pptrf" | "pptrf-pptri" | "syevd-vectors" | "syevd-values" | "sytrd" | "syrk";

/** A native timing: mean seconds per call, Benchmark.js-style relative margin of error (percent), the samples. */
export interface NativeTiming {
  mean: number;
  rme: number;
  sample: number[];
  /**
   * The first call's result: pptrf the packed factor U, pptrf-pptri the packed inverse,
   * syevd-* the eigenvalues ascending, sytrd the diagonal then the off-diagonal of T, syrk the packed sum Sᵀ S.
   */
  result: Float64Array;
}

export interface NativeLapack {
  /** The column label, e.g. "LAPACK (OpenBLAS 0.3.21, 1 thread)". */
  readonly label: string;
  /**
   * Times `operation` on the packed 'U' matrix of dimension d (the input is copied afresh for every call, as
   * fisher-wasm's calls copy it in); for "syrk", on the row-major N × d scores (read in place, the result reused).
   */
  time(operation: LapackOperation, packed: Float64Array, d: number): NativeTiming;
}

const SOURCE = fileURLToPath(new URL("../native/lapack.c", import.meta.url));
const BINARY = fileURLToPath(new URL("../results/native/lapack", import.meta.url));
// As long as Benchmark.js samples a short call (lib/harness.ts); the harness takes 5 samples at least.
const MIN_SECONDS = QUICK ? 0.05 : 1;

// Student's t at 95% for 1..30 degrees of freedom, and the normal value beyond: Benchmark.js's table.
const T_TABLE = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean and relative margin of error as Benchmark.js computes them. */
function statistics(sample: number[]): { mean: number; rme: number } {
  const n = sample.length;
  const mean = sample.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sample.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sem = Math.sqrt(variance / n);
  const critical = T_TABLE[n - 2] ?? 1.96;
  return { mean, rme: ((critical * sem) / mean) * 100 };
}

/** "OpenBLAS 0.3.21" from openblas_get_config()'s "OpenBLAS 0.3.21 DYNAMIC_ARCH …". */
function libraryName(config: string): string {
  const match = /^OpenBLAS\s+(\S+)/.exec(config);
  return match ? `OpenBLAS ${match[1]}` : config.split(/\s+/).slice(0, 2).join(" ");
}

function run(operation: LapackOperation, packed: Float64Array, d: number, minSeconds: number) {
  const dir = mkdtempSync(join(tmpdir(), "fisher-wasm-lapack-"));
  try {
    const input = join(dir, "input.f64");
    const output = join(dir, "output.f64");
    writeFileSync(input, new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
    const stdout = execFileSync(BINARY, [operation, `${d}`, input, output, `${minSeconds}`], {
      encoding: "utf8",
      env: { ...process.env, OPENBLAS_NUM_THREADS: "1" },
      maxBuffer: 64 << 20,
    });
    const line = JSON.parse(stdout) as { library: string; seconds: number[] };
    const bytes = readFileSync(output);
    const result = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { library: line.library, sample: line.seconds, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compile(): string | undefined {
  try {
    mkdirSync(fileURLToPath(new URL("../results/native/", import.meta.url)), { recursive: true });
    execFileSync("gcc", ["-O2", "-o", BINARY, SOURCE, "-llapacke", "-lopenblas"], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split("\n")[0];
    return stderr || (error instanceof Error ? error.message : String(error));
  }
}

let loaded: NativeLapack | null | undefined;

/**
 * The native LAPACK reference, compiled once per run; undefined (after one line on stderr)
 * where gcc, OpenBLAS or LAPACKE is missing. BENCH_NATIVE=0 leaves it out.
 */
export function nativeLapack(): NativeLapack | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (process.env.BENCH_NATIVE === "0") {
    console.error("bench: native LAPACK reference left out (BENCH_NATIVE=0).");
    return undefined;
  }
  const problem = compile();
  if (problem !== undefined) {
    console.error(`bench: native LAPACK reference skipped: gcc with OpenBLAS and LAPACKE failed (${problem}).`);
    return undefined;
  }
  const probe = run("pptrf", Float64Array.of(4), 1, 0);
  if (probe.result[0] !== 2) fail(`the native LAPACK harness factored [4] as [${probe.result[0]}], not [2].`);
  const label = `LAPACK (${libraryName(probe.library)}, 1 thread)`;
  loaded = {
    label,
    time(operation, packed, d) {
      const { sample, result } = run(operation, packed, d, MIN_SECONDS);
      return { ...statistics(sample), sample, result };
    },
  };
  return loaded;
}
