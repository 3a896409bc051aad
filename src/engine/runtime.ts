// One backend instance: its kernels, its linear memory and the arena that owns it.
// Objects remember the runtime that created them, so switching backends with
// init() never strands live accumulators.
import { CHUNK_ROWS } from "../base/memory-limits.js";
import type { Kernels, LinearMemory } from "./kernels.js";
import { Arena } from "./memory/arena.js";
import type { WorkerPool } from "./threads/pool.js";

/**
 * The compute backends: WebAssembly with 128-bit SIMD and relaxed-SIMD fused multiply-add
 * (engines that ship relaxed SIMD: Chromium, Node >= 22), with plain 128-bit SIMD, without
 * SIMD, and plain TypeScript.
 * @category Engine
 */
export type BackendName = "wasm-relaxed-simd" | "wasm-simd" | "wasm-scalar" | "js";

/**
 * The `runtime` option shared by every function and constructor that computes.
 * @category Engine
 */
export interface RuntimeOptions {
  /** The runtime to compute in (from createRuntime()); default the default runtime set by init(). */
  runtime?: Runtime;
}

export { CHUNK_ROWS };

/** How many threads a runtime computes with, and why (internal: given by init() and createRuntime()). */
export interface Threading {
  readonly threads: number;
  readonly note: string;
  readonly pool?: WorkerPool | undefined;
}

/** Where one staged chunk and its work areas live (byte offsets). */
export interface Staging {
  readonly dim: number;
  readonly scores: number;
  readonly weights: number;
  readonly mean: number;
  readonly scratch: number;
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;
const CACHE_LINE = 64;

/**
 * Where computation happens: one instance of a backend with its own memory. `init()` sets
 * the default runtime; `createRuntime()` makes others. Objects that hold backend memory
 * (accumulators) live in the runtime they were created in and must be disposed (or are
 * reclaimed by a finalizer); everything else a function returns is a plain JavaScript value
 * that remembers the runtime that computed it and computes there again.
 * @category Engine
 */
export class Runtime {
  /** @internal */
  readonly arena: Arena;
  private view: Float64Array;
  private staged: { ptr: number; bytes: number; layout: Staging } | undefined;
  private residents = 0;

  /** @internal Use init() or createRuntime(). */
  constructor(
    /** The backend that computes. */
    readonly name: BackendName,
    /** @internal */
    readonly kernels: Kernels,
    /** @internal */
    readonly memory: LinearMemory,
    threading: Threading = { threads: 1, note: "1 thread: asked for" },
  ) {
    this.arena = new Arena(memory, kernels.heapBase(), () => this.residents);
    this.view = new Float64Array(memory.buffer);
    this.threadCount = threading.threads;
    this.threadsNote = threading.note;
    this.pool = threading.pool;
    this.pool?.stopWith(this);
  }

  /**
   * Threads that share each large SYRK and Cholesky call: the calling thread and threads − 1
   * workers on the runtime's shared memory. Results are the same, bit for bit, for any count.
   */
  get threads(): number {
    return this.pool?.isDisposed ? 1 : this.threadCount;
  }

  private readonly threadCount: number;

  /**
   * Why the runtime uses that many threads, e.g. "1 thread: the page is not cross-origin isolated …";
   * on a thread that may not block (a browser's main thread) a threaded runtime adds that it spins.
   */
  readonly threadsNote: string;

  /** @internal The workers, when threads > 1. */
  readonly pool: WorkerPool | undefined;

  /**
   * Ends the runtime's worker threads (a runtime of one thread has none). The runtime keeps
   * computing, on the calling thread alone and with the same results. A runtime that is
   * dropped without dispose() ends its workers when it is garbage collected, and the workers
   * never keep a Node process alive.
   */
  dispose(): void {
    this.pool?.dispose();
  }

  /**
   * Objects with dispose() alive in this runtime: created here and neither disposed nor yet
   * reclaimed by a finalizer. Each holds runtime memory until then.
   */
  get liveObjects(): number {
    return this.residents;
  }

  /** Bytes of this runtime's memory in use now (objects' state, staging and work areas). */
  get liveBytes(): number {
    return this.arena.liveBytes;
  }

  /** @internal Counts an object that holds memory here (+1) or one that gave it back (−1). */
  countObject(delta: 1 | -1): void {
    this.residents += delta;
  }

  /** @internal A view of the whole memory; valid until the next alloc(). */
  f64(): Float64Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float64Array(this.memory.buffer);
    return this.view;
  }

  /** @internal Allocates n zeroed f64 and returns the byte offset. */
  alloc(n: number): number {
    const ptr = this.arena.alloc(n * 8);
    this.f64().fill(0, ptr / 8, ptr / 8 + n);
    return ptr;
  }

  /** @internal */
  free(ptr: number): void {
    this.arena.free(ptr);
  }

  /** @internal Copies n f64 out of memory into a new array. */
  read(ptr: number, n: number): Float64Array {
    return this.f64().slice(ptr / 8, ptr / 8 + n);
  }

  /** @internal Copies out.length f64 out of memory into `out`. */
  readInto(ptr: number, out: Float64Array): Float64Array {
    out.set(this.f64().subarray(ptr / 8, ptr / 8 + out.length));
    return out;
  }

  /** @internal */
  write(ptr: number, data: Float64Array): void {
    this.f64().set(data, ptr / 8);
  }

  /**
   * @internal
   * Allocates zeroed regions of the given f64 lengths, runs `body` with their byte
   * offsets, and frees them whatever happens.
   */
  scoped<T>(lengths: readonly number[], body: (...ptrs: number[]) => T): T {
    const ptrs: number[] = [];
    try {
      for (const n of lengths) ptrs.push(this.alloc(n));
      return body(...ptrs);
    } finally {
      for (const p of ptrs) this.free(p);
    }
  }

  /** @internal The shared staging area for chunks of dimension `dim`, grown on demand. */
  staging(dim: number): Staging {
    if (this.staged && this.staged.layout.dim === dim) return this.staged.layout;
    const scoresBytes = align16(CHUNK_ROWS * dim * 8);
    const weightsBytes = align16(CHUNK_ROWS * 8);
    const meanBytes = align16(dim * 8);
    const scratchBytes = align16(this.kernels.syrkScratchBytes(CHUNK_ROWS, dim));
    // Room to start on a cache line whatever the arena hands out: the kernel's speed depends on
    // where the staged rows and panels fall relative to 64-byte lines (up to 20% at d = 64).
    const bytes = scoresBytes + weightsBytes + meanBytes + scratchBytes + CACHE_LINE - 16;
    if (!this.staged || this.staged.bytes < bytes) {
      if (this.staged) this.arena.free(this.staged.ptr);
      this.staged = undefined;
      const ptr = this.arena.alloc(bytes);
      this.staged = { ptr, bytes, layout: { dim, scores: 0, weights: 0, mean: 0, scratch: 0 } };
    }
    const base = Math.ceil(this.staged.ptr / CACHE_LINE) * CACHE_LINE;
    const layout: Staging = {
      dim,
      scores: base,
      weights: base + scoresBytes,
      mean: base + scoresBytes + weightsBytes,
      scratch: base + scoresBytes + weightsBytes + meanBytes,
    };
    this.staged.layout = layout;
    return layout;
  }
}
