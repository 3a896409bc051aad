// The page's side of the compute worker: starts it as a module worker beside this script and
// turns each request into a promise of its reply.
import type { WorkerEnvelope, WorkerReplies, WorkerReply, WorkerRequest } from "./worker-protocol.js";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class ComputeWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    // The bundle puts compute-worker.mjs beside this page's main.mjs (rollup.config.mjs).
    this.worker = new Worker(new URL("./compute-worker.mjs", import.meta.url), { type: "module" });
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(`compute worker: ${reply.error}`));
    };
    // A script that fails to load or throws outside a request fails every request waiting.
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      const error = new Error(`compute worker failed: ${event.message || "its script did not load"}`);
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
  }

  /** Posts `request` and resolves to the worker's reply (rejects with the error it threw). */
  request<K extends WorkerRequest["kind"]>(request: Extract<WorkerRequest, { kind: K }>): Promise<WorkerReplies[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const envelope: WorkerEnvelope = { ...request, id };
      this.worker.postMessage(envelope);
    });
  }

  /** Ends the worker and, with it, the library's threads inside it. */
  terminate(): void {
    this.worker.terminate();
  }
}
