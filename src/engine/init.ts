// Backend selection. init() compiles and instantiates once per backend; compute
// is synchronous after it.

import { assertOptions } from "../base/validate.js";
import { createJsKernels } from "./backends/js-kernels.js";
import { JsMemory } from "./backends/js-memory.js";
import { type BackendName, Runtime } from "./runtime.js";
import { canRun, hasWebAssembly, instantiate } from "./wasm/instantiate.js";

export type { BackendName } from "./runtime.js";

/** Options of init(). */
export interface InitOptions {
  /** Force a backend; by default the fastest one this engine can run. */
  backend?: BackendName;
}

const BACKENDS: readonly BackendName[] = ["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"];

const runtimes = new Map<BackendName, Promise<Runtime>>();
let active: Runtime | undefined;

async function createRuntime(name: BackendName): Promise<Runtime> {
  if (name === "js") {
    const memory = new JsMemory(1);
    return new Runtime("js", createJsKernels(memory), memory);
  }
  const { kernels, memory } = await instantiate(name);
  return new Runtime(name, kernels, memory);
}

/** The backends this engine can run, fastest first. */
export function availableBackends(): BackendName[] {
  return BACKENDS.filter((name) => name === "js" || canRun(name));
}

/**
 * Compiles and instantiates a backend (once; later calls reuse it) and makes it the
 * one new objects use. Resolves to its name.
 * @throws {RangeError} when `backend` is not a known name.
 * @throws {Error} when the engine cannot run the requested backend.
 */
export async function init(options?: InitOptions): Promise<BackendName> {
  assertOptions("options", options);
  const requested = options?.backend;
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new RangeError(`\`options.backend\` must be one of ${BACKENDS.join(", ")}; received ${String(requested)}.`);
  }
  const name = requested ?? (availableBackends()[0] as BackendName);
  if (name !== "js" && !(hasWebAssembly() && canRun(name))) {
    throw new Error(`Backend ${name} is not available in this engine; available: ${availableBackends().join(", ")}.`);
  }
  let pending = runtimes.get(name);
  if (!pending) {
    pending = createRuntime(name);
    runtimes.set(name, pending);
    pending.catch(() => runtimes.delete(name));
  }
  active = await pending;
  return name;
}

/** The active backend's name. @throws {Error} before init(). */
export function backend(): BackendName {
  return runtime().name;
}

/** The active runtime. @throws {Error} before init(). */
export function runtime(): Runtime {
  if (!active) throw new Error("fisher-wasm is not initialised: call `await init()` first.");
  return active;
}
