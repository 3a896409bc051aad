// The source of the pool's workers, one self-contained script for Node's worker_threads (started
// with `eval`) and for browsers' Web Workers (started from a Blob URL), so the one published
// bundle needs no separate worker file. The same script plays two roles:
// - supervisor: started by the calling thread; starts the compute workers and owns them, so their
//   'exit'/'error' events reach an event loop that is never blocked (the calling thread may be
//   waiting in Atomics.wait, where no event arrives). When a worker dies during a job it marks the
//   job failed, counts the worker's share as finished, wakes the caller and starts a replacement.
// - compute: instantiates the module on the shared memory and waits on the control block for
//   jobs: a range of column tiles of a SYRK sweep, exactly the kernel the calling thread runs.
// The word offsets come from control-block.ts and are substituted below.
import {
  ABSENT,
  ARGUMENTS,
  BUSY,
  FAILED,
  FAULT,
  GENERATION,
  IDLE,
  RANGES,
  REMAINING,
  STATES,
  STOP,
} from "./control-block.js";

const SCRIPT = `"use strict";
const host = globalThis.process;
const wt = typeof host === "object" && host !== null && typeof host.getBuiltinModule === "function"
  ? host.getBuiltinModule("node:worker_threads") : undefined;
const port = wt ? wt.parentPort : self;
const listen = (fn) => { if (wt) port.on("message", fn); else self.onmessage = (e) => fn(e.data); };
const [GENERATION, REMAINING, FAILED, STOP, FAULT, ARGUMENTS, RANGES, STATES, IDLE, BUSY, ABSENT] =
  [$GENERATION, $REMAINING, $FAILED, $STOP, $FAULT, $ARGUMENTS, $RANGES, $STATES, $IDLE, $BUSY, $ABSENT];

function compute(m) {
  const k = new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports;
  const c = new Int32Array(m.memory.buffer, m.control, STATES + m.threads);
  const i = m.index;
  const arg = (n) => c[ARGUMENTS + n];
  let seen = Atomics.load(c, GENERATION);
  port.postMessage({ ready: i });
  for (;;) {
    Atomics.wait(c, GENERATION, seen);
    seen = Atomics.load(c, GENERATION);
    if (Atomics.load(c, STOP) !== 0) return;
    if (Atomics.load(c, STATES + i) !== BUSY) continue;
    const t0 = c[RANGES + 2 * i];
    let t1 = c[RANGES + 2 * i + 1];
    const fault = Atomics.compareExchange(c, FAULT, i, 0) === i;
    if (fault) t1 = t0 + ((t1 - t0) >> 1);
    k.syrkSweep(arg(0) >>> 0, arg(1), arg(2) >>> 0, arg(3), arg(4), arg(5) >>> 0, arg(6) >>> 0, arg(7) >>> 0, t0, t1);
    if (fault) throw new Error("worker " + i + ": injected fault");
    if (Atomics.compareExchange(c, STATES + i, BUSY, IDLE) === BUSY && Atomics.sub(c, REMAINING, 1) === 1) {
      Atomics.notify(c, REMAINING);
    }
  }
}

function supervise(m) {
  const c = new Int32Array(m.memory.buffer, m.control, STATES + m.threads);
  const url = wt ? undefined : URL.createObjectURL(new Blob([m.source], { type: "text/javascript" }));
  const workers = [];
  let waiting = m.threads - 1;
  const spawn = (i) => {
    Atomics.store(c, STATES + i, ABSENT);
    const w = wt ? new wt.Worker(m.source, { eval: true }) : new Worker(url);
    workers[i] = w;
    let gone = false;
    const died = () => {
      if (gone) return;
      gone = true;
      if (Atomics.compareExchange(c, STATES + i, BUSY, ABSENT) === BUSY) {
        Atomics.compareExchange(c, FAILED, 0, i);
        if (Atomics.sub(c, REMAINING, 1) === 1) Atomics.notify(c, REMAINING);
      } else {
        Atomics.store(c, STATES + i, ABSENT);
      }
      if (!wt) w.terminate();
      if (Atomics.load(c, STOP) === 0) spawn(i);
    };
    const ready = (r) => {
      if (gone || !r || r.ready !== i) return;
      Atomics.store(c, STATES + i, IDLE);
      if (waiting > 0 && --waiting === 0) port.postMessage({ ready: true });
    };
    if (wt) {
      w.on("message", ready);
      w.on("error", () => {});
      w.on("exit", died);
    } else {
      w.onmessage = (e) => ready(e.data);
      w.onerror = (e) => { e.preventDefault(); died(); };
    }
    w.postMessage({ role: "compute", module: m.module, memory: m.memory, control: m.control, threads: m.threads, index: i });
  };
  for (let i = 1; i < m.threads; i++) spawn(i);
  return () => {
    for (const w of workers) w.terminate();
    if (url) URL.revokeObjectURL(url);
  };
}

let stop;
listen((m) => {
  if (m.role === "supervisor") stop = supervise(m);
  else if (m.role === "compute") compute(m);
  else if (m.role === "stop") {
    if (stop) stop();
    if (wt) port.close(); else self.close();
  }
});
`;

const WORDS: Record<string, number> = {
  $GENERATION: GENERATION,
  $REMAINING: REMAINING,
  $FAILED: FAILED,
  $STOP: STOP,
  $FAULT: FAULT,
  $ARGUMENTS: ARGUMENTS,
  $RANGES: RANGES,
  $STATES: STATES,
  $IDLE: IDLE,
  $BUSY: BUSY,
  $ABSENT: ABSENT,
};

/** The worker script with the control block's word offsets filled in. */
export const WORKER_SOURCE: string = SCRIPT.replace(/\$[A-Z]+/g, (name) => String(WORDS[name]));
