// The kernels that split one call between threads (every WebAssembly build exports them; the
// threaded runtime calls them in place of syrk and choleskyPacked). Pointers are byte offsets.
export interface ThreadKernels {
  /** The first half of syrk: packs the block into scratch (or checks rows read in place); returns -1 or the first non-finite index. */
  syrkPrepare(a: number, rows: number, d: number, w: number, center: number, scratch: number): number;
  /** The second half of syrk (with shift: into the trailing block from row and column shift), over column tiles [t0, t1) only. */
  syrkSweep(
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
  ): void;
  /** choleskyPacked's first step: the damping onto the diagonal, the work area set up. */
  choleskyBegin(ap: number, d: number, damping: number, work: number): void;
  /** One block step of choleskyPacked from row k, before its trailing update; 0 or the failing minor. */
  choleskyPanel(ap: number, d: number, k: number, work: number): number;
  /** Rows per block step. */
  choleskyBlockRows(): number;
  /** Where the trailing update's −1 weights are in the work area. */
  choleskyTrailingWeights(d: number, work: number): number;
  /** Where the trailing update's SYRK scratch is in the work area. */
  choleskyTrailingScratch(d: number, work: number): number;
}
