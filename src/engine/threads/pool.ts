// A pool of worker threads that share one WebAssembly memory with the calling thread and split
// the column tiles of a SYRK sweep between them. A job is cut into more parts than threads and
// every thread, the calling one included, claims the next unclaimed part until none is left:
// a worker that wakes late or runs on a slower (or busier) core takes fewer parts instead of
// holding the call up. Which thread sums a tile column never changes its bits. The calling thread
// then waits on the control block until every worker has finished (blocking in Atomics.wait where
// allowed, spinning on a browser's main thread). A supervisor worker owns the compute workers and
// reports their death through the same block (see worker-source.ts).
import { WorkerFailedError } from "../../base/errors.js";
import type { ThreadKernels } from "../thread-kernels.js";
import {
  ABSENT,
  ARGUMENTS,
  BUSY,
  FAILED,
  FAULT,
  GENERATION,
  IDLE,
  MAX_PARTS,
  NEXT,
  PARTS,
  RANGES,
  REMAINING,
  STATES,
  STOP,
} from "./control-block.js";
import { canBlock, startWorker, type WorkerHandle } from "./platform.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** The syrkSweep export that every thread runs over the column tiles of the parts it claims. */
export type SweepKernel = ThreadKernels["syrkSweep"];

/**
 * Below this many flops a call runs on the calling thread alone: waking the workers and waiting
 * for them costs tens of microseconds, the work of a 256-row chunk at d ≈ 64 (rows·d·(d+1) = 2²⁰).
 */
export const MIN_SHARED_FLOPS = 1 << 22;

/**
 * Parts per thread in a job: enough that a late or slow thread costs at most a small part of
 * the call, few enough that claiming them (one atomic add each) costs nothing measurable.
 */
export const PARTS_PER_THREAD = 6;

/**
 * Load checks of the finishing workers before the calling thread blocks: the last parts end
 * within microseconds of each other, less than a wake-up from Atomics.wait takes.
 */
const SPINS_BEFORE_WAIT = 1 << 14;

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
   * Runs sweep over the tile ranges between consecutive `bounds` (at most MAX_PARTS of them), the
   * arguments but the range being `args`: each range by whichever thread claims it first.
   * @throws {WorkerFailedError} when a worker died during the job (the others have finished).
   */
  sweep(kernel: SweepKernel, args: readonly number[], bounds: readonly number[]): void {
    const c = this.control;
    const parts = bounds.length - 1;
    if (parts > MAX_PARTS) throw new RangeError(`a job has at most ${MAX_PARTS} parts, not ${parts}`);
    for (let i = 0; i < args.length; i++) c[ARGUMENTS + i] = args[i] as number;
    for (let p = 0; p <= parts; p++) c[RANGES + p] = bounds[p] as number;
    c[PARTS] = parts;
    Atomics.store(c, NEXT, 0);
    // Counted before the worker can see the job, so it can never count itself out first.
    const given: number[] = [];
    for (let i = 1; i < this.threads && !this.disposed; i++) {
      Atomics.add(c, REMAINING, 1);
      if (Atomics.compareExchange(c, STATES + i, IDLE, BUSY) === IDLE) given.push(i);
      else Atomics.sub(c, REMAINING, 1);
    }
    if (given.length > 0) {
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
    }
    const [a0, a1, a2, a3, a4, a5, a6, a7] = args as [number, number, number, number, number, number, number, number];
    for (let p = Atomics.add(c, NEXT, 1); p < parts; p = Atomics.add(c, NEXT, 1)) {
      kernel(a0, a1, a2, a3, a4, a5, a6, a7, bounds[p] as number, bounds[p + 1] as number);
    }
    if (given.length === 0) return;
    // Workers that have not started by now would find no part left: take the job back from them
    // (except a worker told to fail, so that its test fault always happens).
    const faulty = Atomics.load(c, FAULT);
    for (const i of given) {
      if (i !== faulty && Atomics.compareExchange(c, STATES + i, BUSY, IDLE) === BUSY) Atomics.sub(c, REMAINING, 1);
    }
    for (let spin = 0; spin < SPINS_BEFORE_WAIT && Atomics.load(c, REMAINING) !== 0; spin++);
    for (let r = Atomics.load(c, REMAINING); r !== 0; r = Atomics.load(c, REMAINING)) {
      if (this.block) Atomics.wait(c, REMAINING, r);
    }
    const failed = Atomics.exchange(c, FAILED, 0);
    if (failed !== 0) throw new WorkerFailedError(failed);
  }

  /** @internal Test hook: worker `index` (1-based) sweeps half of its first part of its next job and dies. */
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
