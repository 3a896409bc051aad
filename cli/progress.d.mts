// Types of progress.mjs, for the TypeScript tests.

export declare const PROGRESS_MIN_BYTES: number;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  update(bytesDone: number): void;
  finish(): void;
}

export declare function createProgress(options: {
  total: number;
  label: string;
  stream?: ProgressStream;
  minBytes?: number;
  now?: () => number;
}): Progress;

export declare function renderProgress(
  done: number,
  total: number,
  seconds: number,
  label: string,
  columns: number,
): string;
