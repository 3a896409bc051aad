// BENCH_BASELINE=<another build's dist/index.mjs>: the same kernels timed with another build of
// this library beside each of this build's columns, so a change can be shown not to slow
// any kernel down within one run (the same machine, load and inputs for old and new).
// The other build is loaded once here; each suite asks for the baseline twin of its columns.
//
// A build with createRuntime() gets a runtime per backend, as this build's columns do. An
// older build has one global active backend that its objects use at call time; its twin
// calls that build's own init({ backend }) in prepare(), right before the column is checked
// and again before it is timed, so no other column can have switched it in between.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BackendName } from "fisher-wasm";
import { fail, SKIPPED } from "./harness.js";

/** The label of a column's baseline twin. */
export function baselineColumn(column: string): string {
  return `${column} (baseline)`;
}

/** The part of the other build's API the suites call, in the shape both the old and the new API share. */
interface BuildMatrix {
  readonly packed: Float64Array;
  cholesky(): { readonly packed: Float64Array };
  eigenvalues(): Float64Array;
  eigh(): { readonly values: Float64Array };
}

interface FisherOptions {
  out?: Float64Array;
  reduction?: "mean" | "sum";
}

/** `runtime` is only passed to a build that has createRuntime(). */
interface RuntimeOption {
  runtime?: unknown;
}

interface BuildModule {
  availableBackends(): string[];
  init(options: { backend: string }): Promise<string>;
  createRuntime?: (options: { backend: string }) => Promise<unknown>;
  empiricalFisher(scores: Float64Array, dim: number, options?: FisherOptions & RuntimeOption): BuildMatrix;
  SymmetricMatrix: { fromDense(a: Float64Array, dim: number, options?: RuntimeOption): BuildMatrix };
  models: {
    logistic(
      x: Float64Array,
      y: Float64Array,
      p: number,
      options?: RuntimeOption,
    ): { expectedFisher(beta: Float64Array): { readonly packed: Float64Array } };
  };
}

/** One backend of the baseline build: the calls the suites time, computed in that backend. */
export interface BaselineBackend {
  /** Makes this backend the one the calls below compute in; await it right before checking and before timing. */
  prepare(): Promise<void>;
  empiricalFisher(scores: Float64Array, dim: number, options?: FisherOptions): Float64Array;
  /** The matrix in the baseline build, made once; its methods compute in this backend after prepare(). */
  fromDense(dense: Float64Array, dim: number): BuildMatrix;
  logistic(x: Float64Array, y: Float64Array, p: number): { expectedFisher(beta: Float64Array): Float64Array };
}

export interface Baseline {
  /** The backend `name` of the baseline build, or undefined when that build (or this engine) lacks it. */
  backend(name: BackendName): Promise<BaselineBackend | undefined>;
}

function isBuildModule(value: unknown): value is BuildModule {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  const symmetric = m.SymmetricMatrix as Record<string, unknown> | undefined;
  const models = m.models as Record<string, unknown> | undefined;
  return (
    typeof m.availableBackends === "function" &&
    typeof m.init === "function" &&
    typeof m.empiricalFisher === "function" &&
    typeof symmetric?.fromDense === "function" &&
    typeof models?.logistic === "function"
  );
}

function backendOf(build: BuildModule, name: BackendName, runtime: unknown): BaselineBackend {
  const withRuntime: RuntimeOption = runtime === undefined ? {} : { runtime };
  return {
    prepare: async () => {
      if (runtime === undefined) await build.init({ backend: name });
    },
    empiricalFisher: (scores, dim, options) =>
      build.empiricalFisher(scores, dim, { ...options, ...withRuntime }).packed,
    fromDense: (dense, dim) => build.SymmetricMatrix.fromDense(dense, dim, withRuntime),
    logistic: (x, y, p) => {
      const model = build.models.logistic(x, y, p, withRuntime);
      return { expectedFisher: (beta) => model.expectedFisher(beta).packed };
    },
  };
}

let loaded: Promise<Baseline | undefined> | undefined;

/** The build named by BENCH_BASELINE, loaded once; undefined when the variable is not set. */
export function loadBaseline(): Promise<Baseline | undefined> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<Baseline | undefined> {
  const source = process.env.BENCH_BASELINE;
  if (!source) return undefined;
  let build: unknown;
  try {
    build = await import(pathToFileURL(resolve(source)).href);
  } catch (error) {
    fail(`BENCH_BASELINE=${source} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isBuildModule(build)) fail(`BENCH_BASELINE=${source} is not a build of fisher-wasm (dist/index.mjs).`);
  const module = build;
  const available = module.availableBackends();
  const backends = new Map<BackendName, Promise<BaselineBackend>>();
  return {
    backend(name) {
      if (!available.includes(name)) return Promise.resolve(undefined);
      let found = backends.get(name);
      if (!found) {
        const createRuntime = module.createRuntime;
        found = createRuntime
          ? createRuntime({ backend: name }).then((runtime) => backendOf(module, name, runtime))
          : module.init({ backend: name }).then(() => backendOf(module, name, undefined));
        backends.set(name, found);
      }
      return found;
    },
  };
}

/** Mean seconds per call and Benchmark.js's relative margin of error (percent). */
export interface Timing {
  mean: number;
  rme: number;
}

/**
 * The new/baseline speed ratios of one suite (baseline time / new time: above 1 the new
 * build is faster), one row per shape and one column per kernel, as a second table.
 */
export class BaselineRatios {
  private readonly columns: string[] = [];
  private readonly rows = new Map<string, Map<string, string>>();

  record(row: string, column: string, current: Timing, baseline: Timing): void {
    if (!this.columns.includes(column)) this.columns.push(column);
    let cells = this.rows.get(row);
    if (!cells) {
      cells = new Map();
      this.rows.set(row, cells);
    }
    const ratio = baseline.mean / current.mean;
    const margin = Math.hypot(current.rme, baseline.rme);
    cells.set(column, `${ratio.toFixed(2)}× ±${margin.toFixed(1)}%`);
    console.error(`${row} ${column}: new/baseline ${ratio.toFixed(3)} ±${margin.toFixed(1)}%`);
  }

  /** The table for report(), or undefined when nothing was recorded. */
  table(first: string): ExtraTable | undefined {
    if (this.rows.size === 0) return undefined;
    return {
      title:
        "New / baseline (BENCH_BASELINE): speed ratio, baseline time / new time, above 1 when the new build is " +
        "faster; ± the two Benchmark.js margins of error combined",
      header: [first, ...this.columns],
      rows: [...this.rows].map(([row, cells]) => [row, ...this.columns.map((c) => cells.get(c) ?? SKIPPED)]),
    };
  }
}

/** A table printed after a suite's main table, in the same report. */
export interface ExtraTable {
  title: string;
  header: string[];
  rows: string[][];
}
