// Plain-JavaScript peers for the packed SYRK C = Σ_r s_r s_rᵀ (packed 'U': C[i][j] at i + j(j+1)/2, i <= j).
// They are the baseline the wasm kernels must beat, so the tiled one is tuned, not naive.

/** Packed length d(d+1)/2. */
function packedLength(d: number): number {
  return (d * (d + 1)) / 2;
}

function outputFor(d: number, out?: Float64Array): Float64Array {
  const p = packedLength(d);
  if (out === undefined) return new Float64Array(p);
  if (out.length !== p) {
    throw new RangeError(`out must be a Float64Array of length ${p}`);
  }
  return out.fill(0);
}

/**
 * The textbook loop: one packed rank-1 update per row. Every update streams the whole
 * packed matrix through memory for two flops per entry, which is why it is slow.
 */
export function rank1JsFisherSum(scores: Float64Array, rows: number, d: number, out?: Float64Array): Float64Array {
  const c = outputFor(d, out);
  for (let r = 0; r < rows; r++) {
    const row = r * d;
    for (let j = 0; j < d; j++) {
      const sj = scores[row + j];
      const col = (j * (j + 1)) / 2;
      for (let i = 0; i <= j; i++) c[col + i] += scores[row + i] * sj;
    }
  }
  return c;
}

// Rows per block. A block is re-read once per tile of C, so it must stay in L1/L2
// (16 rows × 2048 × 8 B = 256 KiB at the largest d); each tile's inner loop runs once
// per row of the block, amortising its eight read-modify-writes of C. Measured with
// 16 to 128 rows on the benchmark shapes: 16 was as fast or faster everywhere.
const ROW_BLOCK = 16;

/**
 * Register-tiled packed SYRK. For each block of rows, C is swept in 4×2 tiles
 * (rows i0..i0+3, columns j0, j0+1); each tile keeps its 8 sums in locals across the
 * block, so the inner loop does 6 loads for 16 flops and never touches C. Scores are
 * read in place (no packing copy), row-major with stride d. Returns packed 'U' Σ_r s_r s_rᵀ
 * in `out` (overwritten) when given, else in a new array.
 */
export function tiledJsFisherSum(scores: Float64Array, rows: number, d: number, out?: Float64Array): Float64Array {
  const c = outputFor(d, out);
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    accumulateBlock(scores, r0 * d, Math.min(rows, r0 + ROW_BLOCK) * d, d, c);
  }
  return c;
}

/** Adds the rows in scores[start, end) to c. */
function accumulateBlock(s: Float64Array, start: number, end: number, d: number, c: Float64Array): void {
  let j0 = 0;
  for (; j0 + 2 <= d; j0 += 2) {
    const c0 = (j0 * (j0 + 1)) / 2; // column j0
    const c1 = c0 + j0 + 1; // column j0 + 1
    // Rows 0..j0+1 of the column pair: whole 4-row tiles, then a 2×2 diagonal tile when j0 ≡ 0 (mod 4).
    let i0 = 0;
    for (; i0 + 4 <= j0 + 2; i0 += 4) {
      let a00 = 0;
      let a10 = 0;
      let a20 = 0;
      let a30 = 0;
      let a01 = 0;
      let a11 = 0;
      let a21 = 0;
      let a31 = 0;
      for (let p = start; p < end; p += d) {
        const x0 = s[p + i0];
        const x1 = s[p + i0 + 1];
        const x2 = s[p + i0 + 2];
        const x3 = s[p + i0 + 3];
        const y0 = s[p + j0];
        const y1 = s[p + j0 + 1];
        a00 += x0 * y0;
        a10 += x1 * y0;
        a20 += x2 * y0;
        a30 += x3 * y0;
        a01 += x0 * y1;
        a11 += x1 * y1;
        a21 += x2 * y1;
        a31 += x3 * y1;
      }
      c[c0 + i0] += a00;
      c[c0 + i0 + 1] += a10;
      c[c0 + i0 + 2] += a20;
      // On the diagonal tile (i0 + 3 = j0 + 1) this entry lies below the diagonal: computed, not stored.
      if (i0 + 3 <= j0) c[c0 + i0 + 3] += a30;
      c[c1 + i0] += a01;
      c[c1 + i0 + 1] += a11;
      c[c1 + i0 + 2] += a21;
      c[c1 + i0 + 3] += a31;
    }
    if (i0 < j0 + 2) {
      // i0 = j0: the 2×2 diagonal block, whose upper triangle is three entries.
      let a00 = 0;
      let a01 = 0;
      let a11 = 0;
      for (let p = start + i0; p < end; p += d) {
        const x0 = s[p];
        const x1 = s[p + 1];
        a00 += x0 * x0;
        a01 += x0 * x1;
        a11 += x1 * x1;
      }
      c[c0 + i0] += a00;
      c[c1 + i0] += a01;
      c[c1 + i0 + 1] += a11;
    }
  }
  if (j0 < d) {
    // Odd d: the last column on its own, one dot product per entry.
    const col = (j0 * (j0 + 1)) / 2;
    for (let i = 0; i <= j0; i++) {
      let acc = 0;
      for (let p = start; p < end; p += d) acc += s[p + i] * s[p + j0];
      c[col + i] += acc;
    }
  }
}
