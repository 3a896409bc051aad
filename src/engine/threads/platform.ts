// What the engine offers for threads: a way to start a worker from a script's source (Node's
// worker_threads, a browser's Web Workers), shared WebAssembly memory (everywhere in Node; in a
// browser only on a cross-origin isolated page), the number of hardware threads, and whether
// this thread may block in Atomics.wait (not a browser's main thread).

/** The part of a worker (Node or Web) that the pool uses. */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** A started supervisor: its handle, and a promise that settles when its workers are ready. */
export interface StartedWorker {
  readonly worker: WorkerHandle;
  readonly ready: Promise<void>;
}

interface NodeWorker extends WorkerHandle {
  on(event: "message", listener: (message: unknown) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  unref(): void;
}

interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true }) => NodeWorker;
}

interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

interface NodeProcess {
  getBuiltinModule?: (name: string) => unknown;
}

function nodeModule<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.getBuiltinModule === "function" ? (proc.getBuiltinModule(name) as T) : undefined;
}

/** Why this engine runs one thread, or undefined when it can run several. */
export function singleThreadReason(): string | undefined {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
    return "this engine has no SharedArrayBuffer (in a browser: the page is not cross-origin isolated)";
  }
  if (nodeModule<NodeWorkerThreads>("node:worker_threads")) return undefined;
  if (typeof Worker !== "function") return "this engine has no worker threads";
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return "the page is not cross-origin isolated (serve it with the COOP/COEP headers), so there is no shared memory";
  }
  return undefined;
}

/** Hardware threads of this machine (1 where the engine does not say). */
export function hardwareThreads(): number {
  const os = nodeModule<NodeOs>("node:os");
  if (os) return Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? Math.floor(n) : 1;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not: it spins instead). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a worker from `source`, unreferenced in Node (it never keeps a process alive), and
 * resolves `ready` at its first message { ready: true }; rejects if it fails before that.
 */
export function startWorker(source: string): StartedWorker {
  const threads = nodeModule<NodeWorkerThreads>("node:worker_threads");
  if (threads) {
    const worker = new threads.Worker(source, { eval: true });
    const ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m) => {
        if ((m as { ready?: unknown }).ready !== true) return;
        // Referenced until it is ready (so an awaiting process stays up), never after; this comes
        // after the listeners, since adding a 'message' listener references the worker again.
        worker.unref();
        resolve();
      });
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`the thread pool's supervisor exited with code ${code}`)));
    });
    return { worker, ready };
  }
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent) => {
      if ((e.data as { ready?: unknown }).ready === true) {
        URL.revokeObjectURL(url);
        resolve();
      }
    };
    worker.onerror = (e: ErrorEvent) => reject(new Error(`the thread pool's supervisor failed: ${e.message}`));
  });
  return { worker, ready };
}
