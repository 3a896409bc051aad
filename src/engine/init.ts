// Runtimes: init() compiles and instantiates a backend once and makes it the default
// runtime; createRuntime() makes an independent one (its own memory) to pass as
// `{ runtime }`. Compute is synchronous after either.

import { BackendUnavailableError, NotInitializedError } from "../base/errors.js";
import { assertOptions, assertPositiveInteger, describeValue, OPTION, type OptionSpec } from "../base/validate.js";
import { createJsKernels } from "./backends/js-kernels.js";
import { JsMemory } from "./backends/js-memory.js";
import { type BackendName, Runtime, type Threading } from "./runtime.js";
import { MAX_THREADS } from "./threads/control-block.js";
import { canBlock, hardwareThreads, singleThreadReason } from "./threads/platform.js";
import { WorkerPool } from "./threads/pool.js";
import { controlBlockPtr, threadedKernels } from "./threads/threaded-kernels.js";
import { canRun, hasWebAssembly, instantiate, instantiateShared, sharedBuildOf } from "./wasm/instantiate.js";

export type { BackendName } from "./runtime.js";

/**
 * Options of init() and createRuntime().
 * @category Engine
 */
export interface InitOptions {
  /** Force a backend; by default the fastest one this engine can run. */
  backend?: BackendName;
  /**
   * Threads that share each large computation (the calling thread included), at most 256.
   * Default: one per hardware thread where the engine has shared memory and workers (Node;
   * a cross-origin isolated page), else 1. Where threads cannot run (no shared memory, the
   * `js` or `wasm-scalar` backend) the runtime uses 1 and says why in `threadsNote`. Results
   * are bit-identical for every count.
   */
  threads?: number;
}

const BACKENDS: readonly BackendName[] = ["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"];

/** The default runtime of each backend, made once; init() picks one of them. */
const defaults = new Map<string, Promise<Runtime>>();
let active: Runtime | undefined;
/** Calls of init() so far, and the latest call whose runtime became the default. */
let calls = 0;
let activeCall = 0;

/**
 * The backends this engine can run, fastest first.
 * @category Engine
 */
export function availableBackends(): BackendName[] {
  return BACKENDS.filter((name) => name === "js" || canRun(name));
}

const INIT_OPTIONS: OptionSpec<InitOptions> = { backend: OPTION.oneOf(...BACKENDS), threads: OPTION.number };

/** Validates the options and names the backend they ask for (or the fastest available). */
function chooseBackend(options: InitOptions | undefined): BackendName {
  assertOptions("options", options, INIT_OPTIONS);
  const requested = options?.backend;
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new RangeError(`\`options.backend\` must be one of ${BACKENDS.join(", ")}; received ${String(requested)}.`);
  }
  const name = requested ?? (availableBackends()[0] as BackendName);
  if (name !== "js" && !(hasWebAssembly() && canRun(name)))
    throw new BackendUnavailableError(name, availableBackends());
  return name;
}

/** Validates the threads option; undefined means the default (decided per backend). */
function requestedThreads(options: InitOptions | undefined): number | undefined {
  const threads = options?.threads;
  if (threads === undefined) return undefined;
  assertPositiveInteger("options.threads", threads);
  if (threads > MAX_THREADS) {
    throw new RangeError(`\`options.threads\` must be at most ${MAX_THREADS}; received ${threads}.`);
  }
  return threads;
}

/** Why `name` runs one thread here, or undefined when it can run several. */
function singleThreadReasonOf(name: BackendName): string | undefined {
  if (name === "js") return "the js backend computes on the calling thread only";
  const shared = sharedBuildOf(name);
  if (shared === undefined) return `the ${name} backend has no shared-memory build`;
  return singleThreadReason() ?? (canRun(shared) ? undefined : "this engine cannot run WebAssembly threads");
}

/**
 * Said of a threaded runtime on a thread that may not block (a browser's main thread): there the
 * calling thread spins while the workers finish, and the page cannot paint meanwhile.
 */
const SPINS = "; this thread cannot block, so it spins while the workers finish (run the library in a Web Worker)";

async function instantiateRuntime(name: BackendName, requested: number | undefined): Promise<Runtime> {
  const reason = singleThreadReasonOf(name);
  const threads = reason === undefined ? (requested ?? hardwareThreads()) : 1;
  const one = (why: string): Threading => ({ threads: 1, note: `1 thread: ${why}` });
  if (name === "js") {
    const memory = new JsMemory(1);
    return new Runtime("js", createJsKernels(memory), memory, one(reason as string));
  }
  if (threads > 1) {
    const shared = await instantiateShared(sharedBuildOf(name) as NonNullable<ReturnType<typeof sharedBuildOf>>);
    try {
      const pool = await WorkerPool.start(shared.module, shared.memory, controlBlockPtr(shared.kernels), threads);
      const note = `${threads} threads: ${requested === undefined ? "one per hardware thread" : "asked for"}${canBlock() ? "" : SPINS}`;
      return new Runtime(name, threadedKernels(shared.kernels, pool), shared.memory, { threads, note, pool });
    } catch (error) {
      // Workers that cannot start (a Content-Security-Policy without blob:, for one) leave one thread.
      const { kernels, memory } = await instantiate(name);
      return new Runtime(name, kernels, memory, one(`the worker threads did not start (${String(error)})`));
    }
  }
  const { kernels, memory } = await instantiate(name);
  return new Runtime(name, kernels, memory, one(reason ?? (requested === 1 ? "asked for" : "one hardware thread")));
}

/**
 * Compiles and instantiates a backend (once; later calls reuse it) and makes it the
 * default runtime: the one that objects and functions use when no `{ runtime }` is
 * passed. Resolves to its name. When calls overlap, the default is the backend of the last
 * call made (of those that succeed), whatever order they finish in.
 * @throws {RangeError} when `backend` is not a known name, or `threads` is not an integer from 1 to 256.
 * @throws {BackendUnavailableError} when the engine cannot run the requested backend.
 * @category Engine
 */
export async function init(options?: InitOptions): Promise<BackendName> {
  const name = chooseBackend(options);
  const call = ++calls;
  const threads = requestedThreads(options);
  const key = `${name}/${threads ?? "default"}`;
  let pending = defaults.get(key);
  if (!pending) {
    pending = instantiateRuntime(name, threads);
    defaults.set(key, pending);
    pending.catch(() => defaults.delete(key));
  }
  const runtime = await pending;
  // The last call wins: an earlier call whose backend compiles more slowly must not
  // replace the default that a later one already set.
  if (call > activeCall) {
    active = runtime;
    activeCall = call;
  }
  return name;
}

/**
 * A new runtime of its own: a fresh instance of the backend with its own memory, apart
 * from the default one and from every other. Pass it as `{ runtime }` to create objects
 * in it; they use it for every computation, whatever the default is later.
 * @throws {RangeError} when `backend` is not a known name, or `threads` is not an integer from 1 to 256.
 * @throws {BackendUnavailableError} when the engine cannot run the requested backend.
 * @category Engine
 */
export async function createRuntime(options?: InitOptions): Promise<Runtime> {
  const name = chooseBackend(options);
  return instantiateRuntime(name, requestedThreads(options));
}

/**
 * The default runtime's backend name.
 * @throws {NotInitializedError} before init().
 * @category Engine
 */
export function backend(): BackendName {
  return defaultRuntime().name;
}

/**
 * How many threads the default runtime computes with (its `threadsNote` says why).
 * @throws {NotInitializedError} before init().
 * @category Engine
 */
export function threads(): number {
  return defaultRuntime().threads;
}

/**
 * The default runtime, set by the last init().
 * @throws {NotInitializedError} before init().
 * @category Engine
 */
export function defaultRuntime(): Runtime {
  if (!active) throw new NotInitializedError();
  return active;
}

/** The runtime a call uses: the one it was given, else the default. */
export function runtimeOf(given: unknown): Runtime {
  if (given === undefined) return defaultRuntime();
  if (!(given instanceof Runtime)) {
    throw new TypeError(
      `\`options.runtime\` must be a Runtime from createRuntime() or defaultRuntime(); received ${describeValue(given)}.`,
    );
  }
  return given;
}
