// Whether the page's main thread stayed free while its worker computed: a chain of zero-delay
// timers runs on the main thread whenever nothing else holds it, so the timestamps of their
// ticks show every pause. A call that ran on the main thread itself would show no tick at all
// during it, and one pause as long as the call.
import { epochNow } from "./worker-protocol.js";

/** The main thread during one call in the worker. */
export interface Responsiveness {
  /** The call's length in the worker. */
  callMs: number;
  /** Main-thread timer ticks while it ran. */
  ticks: number;
  /** The longest time without a tick, from the last tick before the call to the first after it. */
  longestPauseMs: number;
}

/** Starts ticking; the returned function stops and gives the ticks' times (ms since the epoch). */
export function startTicking(): () => number[] {
  const times: number[] = [epochNow()];
  let timer = 0;
  const tick = () => {
    times.push(epochNow());
    timer = window.setTimeout(tick, 0);
  };
  timer = window.setTimeout(tick, 0);
  return () => {
    window.clearTimeout(timer);
    times.push(epochNow());
    return times;
  };
}

/** What `times` (from startTicking, covering the call) say about the call from startedAt to finishedAt. */
export function responsivenessDuring(times: readonly number[], startedAt: number, finishedAt: number): Responsiveness {
  const before = times.filter((t) => t <= startedAt);
  const during = times.filter((t) => t > startedAt && t < finishedAt);
  const after = times.filter((t) => t >= finishedAt);
  const span = [before.at(-1) ?? startedAt, ...during, after[0] ?? finishedAt];
  let longestPauseMs = 0;
  for (let k = 1; k < span.length; k++)
    longestPauseMs = Math.max(longestPauseMs, (span[k] as number) - (span[k - 1] as number));
  return { callMs: finishedAt - startedAt, ticks: during.length, longestPauseMs };
}
