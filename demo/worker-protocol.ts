// The messages between the demo page and its compute worker (compute-worker.ts). The page posts
// a request and awaits the reply with the same id; the worker answers one request at a time.
import type { BackendName } from "fisher-wasm";
import type { Throughput } from "../tools/gflops.js";

/** What the page asks of the worker. */
export type WorkerRequest =
  /** init() in the worker: `backend` as the page chose it, `threads` as ?threads= asks (else the default). */
  | { kind: "start"; backend: BackendName | undefined; threads: number | undefined }
  /** One large empiricalFisher on the worker's threads, timed, and the same on a 1-thread runtime. */
  | { kind: "large"; rows: number; dim: number; seed: number }
  /** The GFLOP/s timing loop of tools/gflops.ts on seeded scores. */
  | { kind: "speed"; rows: number; dim: number; seed: number; seconds: number };

/** The worker's answer to each request kind. */
export interface WorkerReplies {
  start: { backend: BackendName; threads: number; threadsNote: string; hardwareThreads: number };
  large: {
    /** When the threaded call began and ended, in ms since the epoch (performance.timeOrigin + now()). */
    startedAt: number;
    finishedAt: number;
    /** Whether the threaded result equals, bit for bit, the 1-thread runtime's. */
    sameBitsAsOneThread: boolean;
  };
  speed: Throughput;
}

/** A request as posted, with the id its reply carries. */
export type WorkerEnvelope = WorkerRequest & { id: number };

/** A reply: the result of request `id`, or the message of the error it threw. */
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Milliseconds since the epoch, comparable between the page and its workers (each has its own timeOrigin). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
