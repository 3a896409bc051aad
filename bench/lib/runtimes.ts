// One runtime per available backend, side by side. A matrix computes in the runtime it was
// made in, whatever init() makes the default later, so each column gets its own runtime
// rather than switching the default between columns.
import { availableBackends, type BackendName, createRuntime, type Runtime } from "fisher-wasm";

export interface BackendRuntime {
  name: BackendName;
  runtime: Runtime;
}

/**
 * A fresh runtime of every backend this engine runs, fastest first, each on one thread: the
 * suites compare backends and peers per core; the threads suite measures the thread scaling.
 */
export function backendRuntimes(): Promise<BackendRuntime[]> {
  return Promise.all(
    availableBackends().map(async (name) => ({ name, runtime: await createRuntime({ backend: name, threads: 1 }) })),
  );
}

/** The runtime of `name` among `runtimes`; fails the run when the engine lacks that backend. */
export function runtimeOf(runtimes: readonly BackendRuntime[], name: BackendName): Runtime {
  const found = runtimes.find((r) => r.name === name);
  if (!found) throw new Error(`the ${name} backend is not available in this engine`);
  return found.runtime;
}
