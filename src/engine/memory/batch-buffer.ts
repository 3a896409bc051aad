// The region behind an accumulator's batchBuffer(): a block of the runtime's memory that a
// producer fills through a Float64Array view and the accumulator then folds in place, so a
// batch is copied once, by whoever produced it. The region holds the scores (capacity rows ×
// dim), one weight per row after them and `extra` f64 of kernel scratch; it is kept between
// batches (a larger request replaces it) and freed with its owner.
//
// A view of WebAssembly memory is only as good as the buffer it was made on: memory.grow()
// detaches a non-shared memory's ArrayBuffer (the view then reads as empty, and writes to it go
// nowhere) and the plain-TypeScript backend's memory copies itself into a new one. take() checks
// that the view handed out still sees the runtime's current memory before anything is read.
import { BatchBufferError } from "../../base/errors.js";
import { batchRowsOf, type FloatRows } from "../../base/validate.js";
import type { Runtime } from "../runtime.js";
import { ResidentBlock } from "./resident-block.js";

/** Where the pending batch lies: byte offsets of its scores, of room for one weight per row, and of the scratch. */
export interface BatchPlace {
  readonly scores: number;
  readonly weights: number;
  readonly scratch: number;
}

export class BatchBuffer {
  private block: ResidentBlock | undefined;
  private capacityRows = 0;
  /** The view handed out and not yet committed. */
  private pending: Float64Array | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly owner: object,
    private readonly dim: number,
    /** f64 of scratch the owner's kernel needs beside the batch. */
    private readonly extra: number,
  ) {}

  /** A view of `rows` × dim f64 for the caller to fill; replaces any view handed out before. */
  request(rows: number): Float64Array {
    if (!this.block || rows > this.capacityRows) {
      this.block?.dispose();
      this.block = undefined;
      this.pending = undefined;
      this.block = new ResidentBlock(this.rt, this.owner, "batch buffer", rows * this.dim + rows + this.extra, false);
      this.capacityRows = rows;
    }
    this.pending = new Float64Array(this.rt.memory.buffer, this.block.ptr, rows * this.dim);
    return this.pending;
  }

  /** Rows handed out by the last request(), or 0 when nothing is pending. */
  get pendingRows(): number {
    return this.pending ? this.pending.length / this.dim : 0;
  }

  /**
   * Where the pending batch lies, once its view is known to be live; the caller then folds it
   * and calls release() when it was absorbed.
   * @throws {BatchBufferError} "no-buffer" or "memory-grew" (the pending view is dropped then).
   */
  locate(): BatchPlace {
    const view = this.pending;
    if (!view || !this.block) throw new BatchBufferError("no-buffer");
    if (!viewIsLive(view, this.rt.memory.buffer)) {
      this.pending = undefined;
      throw new BatchBufferError("memory-grew");
    }
    const scores = this.block.ptr;
    const weights = scores + this.capacityRows * this.dim * 8;
    return { scores, weights, scratch: weights + this.capacityRows * 8 };
  }

  /** The runtime whose memory holds the buffer. */
  get runtime(): Runtime {
    return this.rt;
  }

  /** Ends the pending view's lifetime: the next commit needs a new batchBuffer(). */
  release(): void {
    this.pending = undefined;
  }

  dispose(): void {
    this.pending = undefined;
    this.block?.dispose();
    this.block = undefined;
  }
}

/**
 * Whether a view made on a runtime's memory still sees it: the same buffer, or, for a shared
 * memory (whose growth hands out a new SharedArrayBuffer over the same bytes and detaches
 * nothing), any SharedArrayBuffer of it.
 */
function viewIsLive(view: Float64Array, current: ArrayBufferLike): boolean {
  if (view.buffer === current) return true;
  return view.length > 0 && typeof SharedArrayBuffer !== "undefined" && view.buffer instanceof SharedArrayBuffer;
}

/** A batch being committed: how many rows, where they lie, its weights' address (0 for unit weights) and Σ w. */
export interface CommittedBatch {
  readonly rows: number;
  readonly place: BatchPlace;
  readonly weights: number;
  readonly total: number;
}

/**
 * The commit() of every accumulator with a batch buffer: checks that a view is pending and still
 * live, the number of rows to commit (all handed out by default) and their weights (`checkWeights`
 * validates them and returns Σ w), copies the weights beside the rows, lets `fold` absorb a
 * non-empty batch and then ends the view's lifetime. When `fold` throws (a bad score), the view
 * stays pending, to be corrected and committed again.
 * @throws {BatchBufferError} without a pending view, or when the memory grew since it was handed out.
 * @throws {RangeError} on a bad row count, and whatever `checkWeights` throws.
 */
export function commitPending(
  batch: BatchBuffer | undefined,
  rows: unknown,
  weights: FloatRows | undefined,
  checkWeights: (weights: FloatRows, rows: number) => number,
  fold: (committed: CommittedBatch) => void,
): void {
  if (!batch) throw new BatchBufferError("no-buffer");
  const place = batch.locate();
  const n = batchRowsOf("rows", rows, batch.pendingRows);
  const total = weights === undefined ? n : checkWeights(weights, n);
  if (n > 0) {
    if (weights !== undefined) batch.runtime.f64().set(weights, place.weights / 8);
    fold({ rows: n, place, weights: weights === undefined ? 0 : place.weights, total });
  }
  batch.release();
}
