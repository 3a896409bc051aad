// A pool of worker threads that share one WebAssembly memory with the calling thread and split
// the column tiles of a SYRK sweep between them. The calling thread computes the first share
// itself, then waits on the control block until every worker has finished its own (blocking in
// Atomics.wait where allowed, spinning on a browser's main thread). A supervisor worker owns the
// compute workers and reports their death through the same block (see worker-source.ts).
import { WorkerFailedError } from "../../base/errors.js";
import {
  ABSENT,
  ARGUMENTS,
  BUSY,
  FAILED,
  FAULT,
  GENERATION,
  IDLE,
  RANGES,
  REMAINING,
  STATES,
  STOP,
} from "./control-block.js";
import { canBlock, startWorker, type WorkerHandle } from "./platform.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** The syrkSweep export that every thread runs over its range of column tiles. */
export type SweepKernel = (
  c: number,
  shift: number,
  a: number,
  rows: number,
  d: number,
  w: number,
  center: number,
  scratch: number,
  t0: number,
  t1: number,
) => void;

/**
 * Below this many flops a call runs on the calling thread alone: waking the workers and waiting
 * for them costs tens of microseconds, the work of a 256-row chunk at d ≈ 64 (rows·d·(d+1) = 2²⁰).
 */
export const MIN_SHARED_FLOPS = 1 << 22;

/** Stops the pools of runtimes that were dropped without dispose(). */
const orphans = new FinalizationRegistry<WorkerHandle>((supervisor) => stopSupervisor(supervisor));

function stopSupervisor(supervisor: WorkerHandle): void {
  supervisor.postMessage({ role: "stop" });
  supervisor.terminate();
}

/**
 * Splits `tiles` column tiles into `parts` consecutive ranges of about equal work (tile t
 * costs t + 1 tile products: the upper triangle above and including its diagonal tile).
 * Returns parts + 1 boundaries, from 0 to tiles.
 */
export function balancedTileBounds(tiles: number, parts: number): number[] {
  const total = (tiles * (tiles + 1)) / 2;
  const bounds = [0];
  let t = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (t < tiles && ((t + 1) * (t + 2)) / 2 <= target) t++;
    bounds.push(Math.max(t, bounds[p - 1] as number));
  }
  bounds.push(tiles);
  return bounds;
}

export class WorkerPool {
  /**
   * @internal Below this many flops (rows·d·(d+1)) a call runs on the calling thread alone;
   * tests lower it to share even the smallest calls.
   */
  minSharedFlops: number = MIN_SHARED_FLOPS;
  private readonly control: Int32Array;
  private readonly block: boolean = canBlock();
  private disposed = false;

  private constructor(
    /** Threads that share a call, the calling one included. */
    readonly threads: number,
    memory: WebAssembly.Memory,
    controlPtr: number,
    private readonly supervisor: WorkerHandle,
  ) {
    this.control = new Int32Array(memory.buffer, controlPtr, STATES + threads);
  }

  /**
   * Starts threads − 1 compute workers (and their supervisor) on `memory`, with the control
   * block at byte offset `controlPtr`; resolves when all of them are ready.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    controlPtr: number,
    threads: number,
  ): Promise<WorkerPool> {
    const control = new Int32Array(memory.buffer, controlPtr, STATES + threads);
    control.fill(0);
    for (let i = 1; i < threads; i++) control[STATES + i] = ABSENT;
    const { worker, ready } = startWorker(WORKER_SOURCE);
    worker.postMessage({ role: "supervisor", module, memory, control: controlPtr, threads, source: WORKER_SOURCE });
    try {
      await ready;
    } catch (error) {
      worker.terminate();
      throw error;
    }
    const pool = new WorkerPool(threads, memory, controlPtr, worker);
    return pool;
  }

  /** Registers the pool to be stopped when `owner` is garbage collected. */
  stopWith(owner: object): void {
    orphans.register(owner, this.supervisor, this);
  }

  /**
   * Runs sweep over the tile ranges between consecutive `bounds` (one range per thread, the
   * calling thread the first), the arguments but the range being `args`.
   * @throws {WorkerFailedError} when a worker died during its share (the others have finished).
   */
  sweep(kernel: SweepKernel, args: readonly number[], bounds: readonly number[]): void {
    const c = this.control;
    const parts = bounds.length - 1;
    let claimed = 0;
    for (let i = 0; i < args.length; i++) c[ARGUMENTS + i] = args[i] as number;
    // Ranges that no live worker takes are the calling thread's: a dead or not yet replaced
    // worker costs speed, never a result (every range is summed the same way by any thread).
    const mine: number[] = [0];
    for (let i = 1; i < parts; i++) {
      c[RANGES + 2 * i] = bounds[i] as number;
      c[RANGES + 2 * i + 1] = bounds[i + 1] as number;
      if (!this.disposed && Atomics.compareExchange(c, STATES + i, IDLE, BUSY) === IDLE) claimed++;
      else mine.push(i);
    }
    if (claimed > 0) {
      Atomics.store(c, REMAINING, claimed);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
    }
    const [a0, a1, a2, a3, a4, a5, a6, a7] = args as [number, number, number, number, number, number, number, number];
    for (const i of mine) kernel(a0, a1, a2, a3, a4, a5, a6, a7, bounds[i] as number, bounds[i + 1] as number);
    if (claimed === 0) return;
    for (let r = Atomics.load(c, REMAINING); r !== 0; r = Atomics.load(c, REMAINING)) {
      if (this.block) Atomics.wait(c, REMAINING, r);
    }
    const failed = Atomics.exchange(c, FAILED, 0);
    if (failed !== 0) throw new WorkerFailedError(failed);
  }

  /** @internal Test hook: worker `index` (1-based) sweeps half of its next share and dies. */
  injectFault(index: number): void {
    Atomics.store(this.control, FAULT, index);
  }

  /** @internal Whether every worker is started and idle (after a fault: replaced). */
  allReady(): boolean {
    for (let i = 1; i < this.threads; i++) if (Atomics.load(this.control, STATES + i) !== IDLE) return false;
    return true;
  }

  /** Whether dispose() ended the workers. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Ends the workers; later sweeps run on the calling thread alone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    orphans.unregister(this);
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    stopSupervisor(this.supervisor);
  }
}
