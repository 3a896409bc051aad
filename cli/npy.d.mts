// Types of npy.mjs, for the TypeScript tests.

export declare const BLOCK_BYTES: number;

export interface NpyBlock {
  /** Row-major float64 values of the block; overwritten by the next block. */
  data: Float64Array;
  rows: number;
  firstRow: number;
  bytesDone: number;
}

export declare function openForReading(path: string, display: string): number;

export declare class NpyFile {
  constructor(path: string, display?: string);
  readonly display: string;
  readonly size: number;
  readonly dataOffset: number;
  readonly descr: string;
  readonly dtype: "float64" | "float32";
  readonly itemSize: number;
  readonly shape: number[];
  readonly length: number;
  blocks(rowLength: number, blockBytes?: number): Generator<NpyBlock, void, undefined>;
  readAll(): Float64Array;
  close(): void;
}

export interface NpyArray {
  descr: string;
  dtype: "float64" | "float32";
  shape: number[];
  data: Float64Array;
}

export declare function readNpy(path: string, display?: string): NpyArray;
export declare function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array;
export declare function writeNpy(path: string, data: Float64Array, shape: readonly number[]): void;
