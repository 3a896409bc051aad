// The kernels of a runtime with a pool: syrk and choleskyPacked (the SYRK behind every Fisher and
// K-FAC factor, and the Cholesky's trailing updates) split their column tiles between the threads;
// everything else runs on the calling thread. Each entry of C is summed by one thread, in the
// same order as the single-threaded kernel, so results do not depend on the thread count.
import { ALL_FINITE, type Kernels } from "../kernels.js";
import type { ThreadKernels } from "../thread-kernels.js";
import { CONTROL_BYTES, MAX_PARTS } from "./control-block.js";
import { balancedTileBounds, PARTS_PER_THREAD, type WorkerPool } from "./pool.js";

/** The byte offset of the control block: the start of the module's heap, on a cache line. */
export function controlBlockPtr(base: Kernels): number {
  return Math.ceil(base.heapBase() / 64) * 64;
}

/** How many threads share a sweep of `rows` rows over `d` columns. */
function partsFor(pool: WorkerPool, rows: number, d: number): number {
  if (rows * d * (d + 1) < pool.minSharedFlops) return 1;
  return Math.min(pool.threads, (d + 3) >> 2);
}

/** `base` with syrk and choleskyPacked split between the pool's threads. */
export function threadedKernels(base: Kernels & ThreadKernels, pool: WorkerPool): Kernels & ThreadKernels {
  const sweep = base.syrkSweep;
  /** C[shift.., shift..] += the update of syrk, its tiles shared; returns the status of the packing. */
  const shared = (
    c: number,
    shift: number,
    a: number,
    rows: number,
    d: number,
    w: number,
    center: number,
    scratch: number,
  ): number => {
    if (rows <= 0 || d <= 0) return ALL_FINITE;
    const status = base.syrkPrepare(a, rows, d, w, center, scratch);
    if (status !== ALL_FINITE) return status;
    const tiles = (d + 3) >> 2;
    const parts = partsFor(pool, rows, d);
    if (parts <= 1) sweep(c, shift, a, rows, d, w, center, scratch, 0, tiles);
    else {
      const cuts = Math.min(tiles, parts * PARTS_PER_THREAD, MAX_PARTS);
      pool.sweep(sweep, [c, shift, a, rows, d, w, center, scratch], balancedTileBounds(tiles, cuts));
    }
    return ALL_FINITE;
  };
  return {
    ...base,
    // The arena starts after the control block.
    heapBase: () => controlBlockPtr(base) + CONTROL_BYTES,
    syrk(c, a, rows, d, w, center, scratch) {
      if (partsFor(pool, rows, d) <= 1) return base.syrk(c, a, rows, d, w, center, scratch);
      return shared(c, 0, a, rows, d, w, center, scratch);
    },
    choleskyPacked(ap, d, damping, work) {
      const b = base.choleskyBlockRows();
      if (partsFor(pool, b, d) <= 1) return base.choleskyPacked(ap, d, damping, work);
      // choleskyPacked's loop, with its trailing updates shared.
      base.choleskyBegin(ap, d, damping, work);
      const weights = base.choleskyTrailingWeights(d, work);
      const scratch = base.choleskyTrailingScratch(d, work);
      for (let k = 0; k < d; k += b) {
        const info = base.choleskyPanel(ap, d, k, work);
        if (info !== 0) return info;
        const m = d - k - Math.min(b, d - k);
        if (m === 0) break;
        shared(ap, k + b, work, b, m, weights, 0, scratch);
      }
      return 0;
    },
  };
}
