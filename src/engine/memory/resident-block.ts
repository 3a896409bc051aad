// A block of a runtime's memory owned by a long-lived object: allocated in the runtime the
// object was created in, freed by dispose(), or by a finalizer when the owner is dropped undisposed.
import { DisposedError } from "../../base/errors.js";
import type { Runtime } from "../runtime.js";

interface Allocation {
  readonly rt: Runtime;
  readonly ptr: number;
}

const reclaim =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Allocation>((a) => a.rt.free(a.ptr))
    : undefined;

export class ResidentBlock {
  readonly rt: Runtime;
  /** Byte offset of the block's first f64. */
  readonly ptr: number;
  private disposed = false;

  /** Allocates `length` zeroed f64 in `rt` for `owner`, named `what` in DisposedError messages. */
  constructor(
    rt: Runtime,
    owner: object,
    private readonly what: string,
    length: number,
  ) {
    this.rt = rt;
    this.ptr = this.rt.alloc(length);
    reclaim?.register(owner, { rt: this.rt, ptr: this.ptr }, this);
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
    this.rt.free(this.ptr);
  }
}
