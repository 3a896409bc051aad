// The shared machinery of the property fuzzers: one seed per run (printed on failure, set
// with FUZZ_SEED to replay), runtimes of every backend with the plain-TypeScript one as the
// reference, inputs generated from small shrinkable descriptions, and the checks every
// property makes: agreement with the reference, a typed error naming the argument, and
// state byte-identical after a rejected call.
import fc from "fast-check";
import { expect } from "vitest";
import { availableBackends, createRuntime, type Runtime } from "../../src/index.js";
import { BACKENDS } from "../helpers/backends.js";
import { normal } from "../helpers/random.js";

function seedFromEnvironment(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer; received ${given}.`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** The seed of this run: random unless FUZZ_SEED is set. Every property of the run uses it. */
export const SEED = seedFromEnvironment();
/** FUZZ_RUNS scales every property's number of runs (default 1). */
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

let generated = 0;

/** Generated cases run so far in this file. */
export function casesRun(): number {
  return generated;
}

/**
 * Runs `runs` generated cases of a property with the run's seed. On failure the error says
 * how to replay exactly the failing case: FUZZ_SEED and FUZZ_PATH (with -t to pick the test).
 */
export function check<Ts extends [unknown, ...unknown[]]>(runs: number, property: fc.IProperty<Ts>): void {
  report(fc.check(property, parameters<Ts>(runs)));
}

/** The run's seed, `runs` scaled by FUZZ_RUNS, and FUZZ_PATH when set (to replay one case). */
function parameters<Ts>(runs: number): fc.Parameters<Ts> {
  const path = process.env.FUZZ_PATH;
  return { seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), ...(path ? { path } : {}) };
}

/** Counts the cases run and turns a failure into an error that says how to replay it. */
function report<Ts>(details: fc.RunDetails<Ts>): void {
  generated += details.numRuns;
  if (details.failed) {
    const cause = details.errorInstance;
    throw new Error(
      `${fc.defaultReportMessage(details)}\nReplay it: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx vitest run <this file> -t "<this test>"\nThe failure: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
      { cause },
    );
  }
}

/** check() for a property whose predicate is async (fc.asyncProperty): awaits every case. */
export async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  runs: number,
  property: fc.IAsyncProperty<Ts>,
): Promise<void> {
  report(await fc.check(property, parameters<Ts>(runs)));
}

/** Byte-for-byte equality of two serialized states, reporting the first byte that differs (fast, unlike toEqual). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  if (actual.length !== expected.length) expect.fail(`${label}: ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) expect.fail(`${label}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Every backend's runtime, the plain-TypeScript reference first. */
export interface Runtimes {
  /** The plain-TypeScript backend: every other runtime must agree with it. */
  readonly reference: Runtime;
  /** Every other available backend on one thread, then wasm-simd on two threads sharing every call. */
  readonly others: readonly Runtime[];
  /** Every runtime, the reference first: where bad input is tried. */
  readonly all: readonly Runtime[];
}

/** A runtime's name in messages: its backend, and its thread count when more than one. */
export function label(runtime: Runtime): string {
  return runtime.threads > 1 ? `${runtime.name} × ${runtime.threads} threads` : runtime.name;
}

export async function makeRuntimes(): Promise<Runtimes> {
  const available = availableBackends();
  const names = BACKENDS.filter((name) => name !== "js" && available.includes(name));
  const others = await Promise.all(names.map((backend) => createRuntime({ backend, threads: 1 })));
  if (available.includes("wasm-simd")) {
    const threaded = await createRuntime({ backend: "wasm-simd", threads: 2 });
    // Small generated inputs stay on one thread by default; this runtime shares every call.
    if (threaded.pool) threaded.pool.minSharedFlops = 0;
    others.push(threaded);
  }
  const reference = await createRuntime({ backend: "js" });
  return { reference, others, all: [reference, ...others] };
}

/** Ends the runtimes' worker threads. */
export function disposeRuntimes(rt: Runtimes | undefined): void {
  for (const runtime of rt?.all ?? []) runtime.dispose();
}

/** Dimensions that hit the SIMD tails (2-wide f64 lanes, 4-wide tiles), the larger ones less often. */
export const dimArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17) },
  { weight: 1, arbitrary: fc.constantFrom(31, 33, 64) },
);

/** Most values a generated batch holds: keeps every case small, so thousands run in seconds. */
export const MAX_BATCH_VALUES = 3_000;

/** Row counts below, at and above the 256-row staging chunk, small ones more often. */
export const rowsArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: 13, max: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom(256, 257, 513) },
);

/** A description of a block of numbers: shrinks on its seed, scale and offset rather than on each value. */
export interface Numbers {
  readonly seed: number;
  readonly scale: number;
  readonly offset: number;
}

export const numbersArb: fc.Arbitrary<Numbers> = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  scale: fc.constantFrom(1, 1e-3, 1e3, 1e-150, 1e100),
  offset: fc.constantFrom(0, 0, 0, 1, -50),
});

/** n numbers from a description: offset + scale · N(0, 1). */
export function numbers(n: number, d: Numbers): Float64Array {
  const next = normal(d.seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = d.offset * d.scale + d.scale * next();
  return out;
}

/** n weights, non-negative, some exactly zero when `zeros`. */
export function weightsOf(n: number, seed: number, zeros: boolean): Float64Array {
  const next = normal(seed ^ 0x5bd1e995);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = zeros && i % 3 === 1 ? 0 : Math.abs(next()) + 0.01;
  return out;
}

/** Where and what a non-finite value is put. */
export const nonFiniteArb = fc.record({
  position: fc.nat(),
  value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
});

/** A copy of `array` with a non-finite value at some position (taken modulo its length). */
export function withNonFinite(array: Float64Array, bad: { position: number; value: number }): Float64Array {
  const copy = array.slice();
  copy[bad.position % copy.length] = bad.value;
  return copy;
}

/** Things that are not a float array where one is asked for (score rows may also be Float32Arrays). */
export const notFloat64ArrayArb = fc.constantFrom<unknown>(
  null,
  undefined,
  3,
  "1,2",
  [1, 2, 3],
  new Int32Array(4),
  new Uint8Array(8),
  { length: 2, 0: 1, 1: 2 },
);

/** Things that are not a positive integer where a dim or a count is asked for. */
export const notPositiveIntegerArb = fc.constantFrom<unknown>(
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "3",
  null,
  2 ** 53,
);

/** Things that are not an options object. */
export const notOptionsArb = fc.constantFrom<unknown>(3, "mean", true, null, [], [1]);

/**
 * Asserts that `call` throws a TypeError or RangeError (the typed errors of bad input all
 * extend one of them) whose message names `argument` in backquotes, and returns it.
 */
export function expectInputError(call: () => unknown, argument: string): Error {
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof TypeError || thrown instanceof RangeError)) {
    expect.fail(
      `expected a TypeError or RangeError naming \`${argument}\`; got ${thrown === undefined ? "no error" : String(thrown)}`,
    );
  }
  expect(thrown.message, "the message names the argument").toContain(`\`${argument}`);
  return thrown;
}

/** max |a − b| / max(max |b|, tiny): the relative difference the agreement properties bound. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  if (Number.isNaN(difference)) return Number.POSITIVE_INFINITY;
  return scale === 0 ? difference : difference / scale;
}

/** Asserts every value is finite and agrees with the reference to `tolerance` relative. */
export function expectAgrees(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
  tolerance: number,
  label: string,
): void {
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i] as number)) expect.fail(`${label}: entry ${i} is ${actual[i]}`);
  }
  const difference = relativeDifference(actual, reference);
  if (!(difference <= tolerance)) expect.fail(`${label}: relative difference ${difference} > ${tolerance}`);
}
