// The source of the pool's workers, one self-contained script for Node's worker_threads (started
// with `eval`) and for browsers' Web Workers (started from a Blob URL), so the one published
// bundle needs no separate worker file. The same script plays two roles:
// - supervisor: started by the calling thread; starts the compute workers and owns them, so their
//   'exit'/'error' events reach an event loop that is never blocked (the calling thread may be
//   waiting in Atomics.wait, where no event arrives). When a worker dies during a job it marks the
//   job failed, counts the worker as finished, wakes the caller and starts a replacement.
// - compute: instantiates the module on the shared memory and waits on the control block for
//   jobs; in a job it claims parts (ranges of column tiles of a SYRK sweep) until none is left,
//   running exactly the kernel the calling thread runs on its own claims.
// The word offsets come from control-block.ts and are substituted below.
import { CONTROL_WORDS } from "./control-block.js";

const SCRIPT = `"use strict";
const host = globalThis.process;
const wt = typeof host === "object" && host !== null && typeof host.getBuiltinModule === "function"
  ? host.getBuiltinModule("node:worker_threads") : undefined;
const port = wt ? wt.parentPort : self;
const listen = (fn) => { if (wt) port.on("message", fn); else self.onmessage = (e) => fn(e.data); };
const [GENERATION, REMAINING, FAILED, STOP, FAULT, NEXT, PARTS, ARGUMENTS, RANGES, STATES] =
  [$GENERATION, $REMAINING, $FAILED, $STOP, $FAULT, $NEXT, $PARTS, $ARGUMENTS, $RANGES, $STATES];
const [IDLE, BUSY, ABSENT, RUNNING] = [$IDLE, $BUSY, $ABSENT, $RUNNING];
// Milliseconds a worker watches for the next job before it sleeps: on a VM a sleeping core took
// longer to wake than the gap between two 256-row chunks of a streamed batch (measured at
// 10000 × 256 on 2 cores: the shared sweep 1–2 ms shorter of about 21 ms with 0.3–1 ms here).
const SPIN_MS = 0.5;

function compute(m) {
  const k = new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports;
  const c = new Int32Array(m.memory.buffer, m.control, STATES + m.threads);
  const i = m.index;
  const arg = (n) => c[ARGUMENTS + n];
  let seen = Atomics.load(c, GENERATION);
  port.postMessage({ ready: i });
  for (;;) {
    // Watch for the next job a little before sleeping: a caller streaming chunks posts the next
    // one within a fraction of a millisecond, sooner than a sleeping thread wakes.
    for (const end = performance.now() + SPIN_MS; Atomics.load(c, GENERATION) === seen && performance.now() < end; ) {
      for (let s = 0; s < 64 && Atomics.load(c, GENERATION) === seen; s++);
    }
    Atomics.wait(c, GENERATION, seen);
    seen = Atomics.load(c, GENERATION);
    if (Atomics.load(c, STOP) !== 0) return;
    // The calling thread may have taken the job back (it ran out of parts before this woke).
    if (Atomics.compareExchange(c, STATES + i, BUSY, RUNNING) !== BUSY) continue;
    const fault = Atomics.compareExchange(c, FAULT, i, 0) === i;
    const parts = c[PARTS];
    for (let p = Atomics.add(c, NEXT, 1); p < parts; p = Atomics.add(c, NEXT, 1)) {
      const t0 = c[RANGES + p];
      const t1 = fault ? t0 + ((c[RANGES + p + 1] - t0) >> 1) : c[RANGES + p + 1];
      k.syrkSweep(arg(0) >>> 0, arg(1), arg(2) >>> 0, arg(3), arg(4), arg(5) >>> 0, arg(6) >>> 0, arg(7) >>> 0, t0, t1);
      if (fault) break;
    }
    if (fault) throw new Error("worker " + i + ": injected fault");
    if (Atomics.compareExchange(c, STATES + i, RUNNING, IDLE) === RUNNING && Atomics.sub(c, REMAINING, 1) === 1) {
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
      // A worker that died while running may have claimed parts it did not finish: the job
      // failed. One that was given the job but had not started lost nothing.
      const state = Atomics.exchange(c, STATES + i, ABSENT);
      if (state === RUNNING) Atomics.compareExchange(c, FAILED, 0, i);
      if ((state === RUNNING || state === BUSY) && Atomics.sub(c, REMAINING, 1) === 1) Atomics.notify(c, REMAINING);
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

/** The worker script with the control block's word offsets filled in. */
export const WORKER_SOURCE: string = SCRIPT.replace(/\$([A-Z]+)/g, (_, name: string) => {
  const word = CONTROL_WORDS[name];
  if (word === undefined) throw new Error(`worker script: no control word ${name}`);
  return String(word);
});
