// Runtimes: init() compiles and instantiates a backend once and makes it the default
// runtime; createRuntime() makes an independent one (its own memory) to pass as
// `{ runtime }`. Compute is synchronous after either.

import { BackendUnavailableError, NotInitializedError } from "../base/errors.js";
import { assertOptions, describeValue } from "../base/validate.js";
import { createJsKernels } from "./backends/js-kernels.js";
import { JsMemory } from "./backends/js-memory.js";
import { type BackendName, Runtime } from "./runtime.js";
import { canRun, hasWebAssembly, instantiate } from "./wasm/instantiate.js";

export type { BackendName } from "./runtime.js";

/**
 * Options of init() and createRuntime().
 * @category Engine
 */
export interface InitOptions {
  /** Force a backend; by default the fastest one this engine can run. */
  backend?: BackendName;
}

const BACKENDS: readonly BackendName[] = ["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"];

/** The default runtime of each backend, made once; init() picks one of them. */
const defaults = new Map<BackendName, Promise<Runtime>>();
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

/** Validates the options and names the backend they ask for (or the fastest available). */
function chooseBackend(options: InitOptions | undefined): BackendName {
  assertOptions("options", options);
  const requested = options?.backend;
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new RangeError(`\`options.backend\` must be one of ${BACKENDS.join(", ")}; received ${String(requested)}.`);
  }
  const name = requested ?? (availableBackends()[0] as BackendName);
  if (name !== "js" && !(hasWebAssembly() && canRun(name)))
    throw new BackendUnavailableError(name, availableBackends());
  return name;
}

async function instantiateRuntime(name: BackendName): Promise<Runtime> {
  if (name === "js") {
    const memory = new JsMemory(1);
    return new Runtime("js", createJsKernels(memory), memory);
  }
  const { kernels, memory } = await instantiate(name);
  return new Runtime(name, kernels, memory);
}

/**
 * Compiles and instantiates a backend (once; later calls reuse it) and makes it the
 * default runtime: the one that objects and functions use when no `{ runtime }` is
 * passed. Resolves to its name. When calls overlap, the default is the backend of the last
 * call made (of those that succeed), whatever order they finish in.
 * @throws {RangeError} when `backend` is not a known name.
 * @throws {BackendUnavailableError} when the engine cannot run the requested backend.
 * @category Engine
 */
export async function init(options?: InitOptions): Promise<BackendName> {
  const name = chooseBackend(options);
  const call = ++calls;
  let pending = defaults.get(name);
  if (!pending) {
    pending = instantiateRuntime(name);
    defaults.set(name, pending);
    pending.catch(() => defaults.delete(name));
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
 * @throws {RangeError} when `backend` is not a known name.
 * @throws {BackendUnavailableError} when the engine cannot run the requested backend.
 * @category Engine
 */
export async function createRuntime(options?: InitOptions): Promise<Runtime> {
  return instantiateRuntime(chooseBackend(options));
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
