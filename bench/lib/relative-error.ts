// The one measure of agreement used by the benchmarks' checks and the demo's notes.

/** max |a − b| / max |b| (the absolute difference when b is all zeros). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    err = Math.max(err, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return scale === 0 ? err : err / scale;
}
