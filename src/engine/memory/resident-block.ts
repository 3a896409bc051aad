// A block of a runtime's memory owned by a long-lived object: allocated in the runtime the
// object was created in, freed by dispose(), or by a finalizer when the owner is dropped undisposed.
import { DisposedError } from "../../base/errors.js";
import type { Runtime } from "../runtime.js";

interface Allocation {
  readonly rt: Runtime;
  readonly ptr: number;
  readonly counted: boolean;
}

const reclaim =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Allocation>((a) => {
        if (a.counted) a.rt.countObject(-1);
        a.rt.free(a.ptr);
      })
    : undefined;

export class ResidentBlock {
  readonly rt: Runtime;
  /** Byte offset of the block's first f64. */
  readonly ptr: number;
  private disposed = false;

  /**
   * Allocates `length` zeroed f64 in `rt` for `owner`, named `what` in DisposedError messages.
   * `counted`: whether the block stands for a live object in the runtime's count (an owner's
   * further blocks, such as cached factorisations, do not).
   */
  constructor(
    rt: Runtime,
    owner: object,
    private readonly what: string,
    length: number,
    private readonly counted = true,
  ) {
    this.rt = rt;
    this.ptr = this.rt.alloc(length);
    if (counted) this.rt.countObject(1);
    reclaim?.register(owner, { rt: this.rt, ptr: this.ptr, counted }, this);
  }

  /** @throws {DisposedError} after dispose(). */
  assertLive(): void {
    if (this.disposed) throw new DisposedError(this.what);
  }

  /** Frees the block; later calls do nothing. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    reclaim?.unregister(this);
    if (this.counted) this.rt.countObject(-1);
    this.rt.free(this.ptr);
  }
}
