// A one-line progress bar on stderr for long reads. It draws only on a terminal (a file or
// pipe would collect a stream of carriage returns), only for inputs large enough to take a
// while, at most every 100 ms, and erases itself when the work ends.

/** Inputs at least this large get a bar. */
export const PROGRESS_MIN_BYTES = 16 << 20;
const INTERVAL_MS = 100;

/**
 * A progress reporter with update(bytesDone) and finish(); a no-op unless `stream` is a
 * TTY and `total` is at least `minBytes`.
 * @param {{ total: number, label: string, stream?: { isTTY?: boolean, columns?: number, write(s: string): unknown },
 *   minBytes?: number, now?: () => number }} options
 */
export function createProgress({ total, label, stream = process.stderr, minBytes = PROGRESS_MIN_BYTES, now }) {
  if (!stream.isTTY || !(total >= minBytes)) return { update() {}, finish() {} };
  const clock = now ?? (() => performance.now());
  const start = clock();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done) {
      const t = clock();
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
export function renderProgress(done, total, seconds, label, columns) {
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
