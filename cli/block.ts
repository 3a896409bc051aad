// Rows read from a file are handed on in blocks of a few MB, in one buffer that each block
// reuses, so that memory does not grow with the file.

export interface RowBlock {
  /** Row-major float64 values of the block; overwritten by the next block. */
  data: Float64Array;
  rows: number;
  /** 0-based index in the file of the block's first row. */
  firstRow: number;
  /** Bytes of the file read so far, for progress. */
  bytesDone: number;
}
