// A one-line progress bar on stderr for long reads. It draws only on a terminal (a file or
// pipe would collect a stream of carriage returns), only for inputs large enough to take a
// while, at most every 100 ms, and erases itself when the work ends.

/** Inputs at least this large get a bar. */
export const PROGRESS_MIN_BYTES = 16 << 20;
const INTERVAL_MS = 100;

/** Where the bar is drawn: process.stderr, or a recorder in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  update(bytesDone: number): void;
  finish(): void;
}

export interface ProgressOptions {
  total: number;
  label: string;
  stream?: ProgressStream;
  minBytes?: number;
  now?: () => number;
}

/** A progress reporter; a no-op unless `stream` is a TTY and `total` is at least `minBytes`. */
export function createProgress({
  total,
  label,
  stream = process.stderr,
  minBytes = PROGRESS_MIN_BYTES,
  now = () => performance.now(),
}: ProgressOptions): Progress {
  if (!stream.isTTY || !(total >= minBytes)) return { update() {}, finish() {} };
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done) {
      const t = now();
      if (t - last < INTERVAL_MS) return;
      last = t;
      drawn = true;
      stream.write(`\r${renderProgress(done, total, (t - start) / 1000, label, stream.columns || 80)}\x1b[K`);
    },
    finish() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

const MB = 1e6;

/** The text of the bar, at most `columns` − 1 characters: label [####----] 42% 21.5/51.2 MB 120 MB/s */
export function renderProgress(done: number, total: number, seconds: number, label: string, columns: number): string {
  const fraction = Math.min(1, Math.max(0, done / total));
  const of = (total / MB).toFixed(1);
  // Fixed-width numbers keep the bar from jumping as they grow.
  const rate = seconds > 0 ? `  ${(done / MB / seconds).toFixed(0).padStart(4)} MB/s` : "";
  const numbers = ` ${(fraction * 100).toFixed(0).padStart(3)}%  ${(done / MB).toFixed(1).padStart(of.length)}/${of} MB${rate}`;
  const room = columns - 1 - numbers.length - 3;
  const name = label.length > room / 2 ? `…${label.slice(-Math.max(0, Math.floor(room / 2) - 1))}` : label;
  const width = Math.max(0, Math.min(40, room - name.length));
  if (width < 5) return `${name}${numbers}`.slice(0, Math.max(0, columns - 1));
  const filled = Math.round(fraction * width);
  return `${name} [${"#".repeat(filled)}${"-".repeat(width - filled)}]${numbers}`;
}
