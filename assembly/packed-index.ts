// Packed symmetric storage, LAPACK 'U': column-major upper triangle, 0-based.
// Column j is the contiguous run AP[j(j+1)/2 .. j(j+1)/2 + j].

/** Offset (in elements) of column j's first entry, A[0][j]. */
// @ts-ignore: decorator
@inline
export function columnStart(j: usize): usize {
  return (j * (j + 1)) >> 1;
}

/** Offset (in elements) of A[i][j] for i <= j. */
// @ts-ignore: decorator
@inline
export function packedIndex(i: usize, j: usize): usize {
  return i + columnStart(j);
}

/** Number of elements in a packed matrix of dimension d. */
// @ts-ignore: decorator
@inline
export function packedLength(d: usize): usize {
  return columnStart(d);
}
