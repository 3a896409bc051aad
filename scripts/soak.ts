// npm run soak: the long runs that show nothing is lost. Streams 10⁶ rows at d = 256 and 10⁷ at
// d = 16 through accumulators (checked against sums kept here in plain JavaScript), creates and
// disposes 10⁴ objects of every kind that owns runtime memory, deserializes 10⁴ corrupted
// states, and kills a worker of a 2-thread runtime in the middle of calls, checking each time
// that the accumulator is as it was and the next call gives the single-threaded answer bit for
// bit. Prints what it did, the resident memory (RSS) at start and end, and anything lost; exits
// 1 if anything was. Not part of `npm test`. SOAK_SCALE=0.1 runs a tenth of every count.
import { cpus } from "node:os";
import {
  createRuntime,
  DiagonalFisherAccumulator,
  FisherAccumulator,
  HessianAccumulator,
  init,
  KroneckerFactoredFisher,
  LowRankFisher,
  type Runtime,
  SerializationError,
  WorkerFailedError,
} from "../src/index.js";
import { mulberry32 } from "../tools/seeded-random.js";

const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rss = () => process.memoryUsage().rss;
const count = (n: number) => Math.max(1, Math.round(n * SCALE));
const problems: string[] = [];

function say(line: string): void {
  console.log(line);
}

function time<T>(body: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = body();
  return { value, seconds: (performance.now() - start) / 1000 };
}

async function timeAsync<T>(body: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await body();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** Streams `rows` rows of dimension d in batches, half of them weighted, and checks the result against plain sums. */
function stream(runtime: Runtime, rows: number, d: number, batchRows: number): void {
  const next = mulberry32(d);
  const acc = new FisherAccumulator(d, { runtime });
  const batch = new Float64Array(batchRows * d);
  const weights = new Float64Array(batchRows);
  // Kept here: the row count, Σw, Σ w s and Σ w s_i s_j for a few fixed entries.
  const pairs = [
    [0, 0],
    [0, d - 1],
    [d >> 1, d >> 2],
    [d - 1, d - 1],
  ] as const;
  let added = 0;
  let totalWeight = 0;
  const sum = new Float64Array(d);
  const entries = new Float64Array(pairs.length);
  let rssPeak = rss();
  const { seconds } = time(() => {
    for (let b = 0; added < rows; b++) {
      const n = Math.min(batchRows, rows - added);
      const offset = b % 7; // a mean away from zero, varying between batches
      for (let k = 0; k < n * d; k++) batch[k] = next() - 0.5 + offset;
      const weighted = b % 2 === 1;
      for (let r = 0; r < n; r++) {
        const w = weighted ? next() * 2 : 1;
        weights[r] = w;
        totalWeight += w;
        for (let j = 0; j < d; j++) sum[j] = (sum[j] as number) + w * (batch[r * d + j] as number);
        pairs.forEach(([i, j], p) => {
          entries[p] = (entries[p] as number) + w * (batch[r * d + i] as number) * (batch[r * d + j] as number);
        });
      }
      acc.add(batch.subarray(0, n * d), weighted ? { weights: weights.subarray(0, n) } : undefined);
      added += n;
      if (b % 16 === 0) rssPeak = Math.max(rssPeak, rss());
    }
  });
  const F = acc.fisher();
  const mean = acc.meanScore();
  let error = 0;
  for (let j = 0; j < d; j++)
    error = Math.max(error, Math.abs((mean[j] as number) - (sum[j] as number) / totalWeight) / 4);
  pairs.forEach(([i, j], p) => {
    const expected = (entries[p] as number) / totalWeight;
    error = Math.max(error, Math.abs(F.get(i, j) - expected) / Math.abs(expected));
  });
  const weightError = Math.abs(acc.totalWeight - totalWeight) / totalWeight;
  say(
    `stream d = ${d}: ${added.toLocaleString("en")} rows in batches of ${batchRows} (half weighted) in ${seconds.toFixed(1)} s; ` +
      `count ${acc.count.toLocaleString("en")} of ${added.toLocaleString("en")}, Σw relative error ${weightError.toExponential(1)}, ` +
      `largest relative error of the mean and ${pairs.length} entries against plain sums ${error.toExponential(1)}; peak RSS ${MB(rssPeak)}`,
  );
  if (acc.count !== added) problems.push(`stream d = ${d}: count ${acc.count} of ${added}`);
  if (!(error < 1e-9 && weightError < 1e-12)) problems.push(`stream d = ${d}: relative error ${error}`);
  acc.dispose();
}

/** Creates, uses and disposes `n` objects of every kind that owns runtime memory; checks the memory comes back. */
function churn(runtime: Runtime, n: number): void {
  const next = mulberry32(7);
  const row = (length: number) => Float64Array.from({ length }, () => next() - 0.5);
  const kinds: [string, () => { dispose(): void }][] = [
    ["FisherAccumulator(256)", () => new FisherAccumulator(256, { runtime }).add(row(256 * 3))],
    ["DiagonalFisherAccumulator(10000)", () => new DiagonalFisherAccumulator(10_000, { runtime }).add(row(10_000))],
    [
      "HessianAccumulator(64)",
      () => new HessianAccumulator(64, { runtime }).add(row((64 * 65) / 2), { layout: "packed" }),
    ],
    [
      "KroneckerFactoredFisher(64 → 32)",
      () => {
        const layer = new KroneckerFactoredFisher(64, 32, { runtime }).add(row(4 * 64), row(4 * 32));
        layer.solve(row(32 * 65), { damping: 1e-2 }); // caches the factorisations too
        return layer;
      },
    ],
    ["LowRankFisher(8 × 1000)", () => LowRankFisher.fromScores(row(8 * 1000), 1000, { runtime })],
  ];
  // A leak shows as memory growth: every cycle of a kind needs the same blocks, so once the first
  // cycle has grown the runtime's memory to fit them, freed blocks must serve every later cycle.
  for (const [name, make] of kinds) {
    make().dispose();
    const memoryBefore = runtime.memory.buffer.byteLength;
    const rssBefore = rss();
    const { seconds } = time(() => {
      for (let k = 0; k < n; k++) make().dispose();
    });
    const grown = runtime.memory.buffer.byteLength - memoryBefore;
    say(
      `create, use, dispose ${n.toLocaleString("en")} × ${name}: ${seconds.toFixed(1)} s; runtime memory ` +
        `${MB(memoryBefore)} → ${MB(runtime.memory.buffer.byteLength)}, RSS ${MB(rssBefore)} → ${MB(rss())}`,
    );
    if (grown > 0) problems.push(`${name}: runtime memory grew by ${grown} bytes over ${n} cycles`);
  }
}

/** Deserializes `n` corrupted states of the three serializable kinds; every one must be refused. */
function corruptStates(runtime: Runtime, n: number): void {
  const next = mulberry32(11);
  const row = (length: number) => Float64Array.from({ length }, () => next() - 0.5);
  const states: [string, Uint8Array, (bytes: Uint8Array) => { dispose(): void }][] = [];
  for (const d of [1, 3, 17, 64]) {
    const a = new FisherAccumulator(d, { runtime }).add(row(5 * d));
    states.push([`FisherAccumulator(${d})`, a.serialize(), (b) => FisherAccumulator.deserialize(b, { runtime })]);
    a.dispose();
    const g = new DiagonalFisherAccumulator(d, { runtime }).add(row(5 * d));
    states.push([
      `DiagonalFisherAccumulator(${d})`,
      g.serialize(),
      (b) => DiagonalFisherAccumulator.deserialize(b, { runtime }),
    ]);
    g.dispose();
    const k = new KroneckerFactoredFisher(d, 2, { runtime }).add(row(5 * d), row(10));
    states.push([
      `KroneckerFactoredFisher(${d} → 2)`,
      k.serialize(),
      (b) => KroneckerFactoredFisher.deserialize(b, { runtime }),
    ]);
    k.dispose();
  }
  let refused = 0;
  let accepted = 0;
  let otherErrors = 0;
  const ways = ["flip a bit", "set a byte", "truncate", "extend", "swap two bytes", "another kind's bytes"];
  const { seconds } = time(() => {
    for (let t = 0; t < n; t++) {
      const [, bytes, load] = states[t % states.length] as (typeof states)[number];
      const bad = bytes.slice();
      const at = Math.floor(next() * bytes.length);
      let corrupted: Uint8Array = bad;
      switch (t % ways.length) {
        case 0:
          bad[at] = (bad[at] as number) ^ (1 << Math.floor(next() * 8));
          break;
        case 1:
          bad[at] = ((bad[at] as number) + 1 + Math.floor(next() * 255)) & 255;
          break;
        case 2:
          corrupted = bad.subarray(0, at);
          break;
        case 3:
          corrupted = Uint8Array.from([...bad, Math.floor(next() * 256)]);
          break;
        case 4: {
          const other = (at + 1 + Math.floor(next() * (bytes.length - 1))) % bytes.length;
          if (bad[at] === bad[other]) bad[at] = (bad[at] as number) ^ 1;
          else [bad[at], bad[other]] = [bad[other] as number, bad[at] as number];
          break;
        }
        case 5:
          corrupted = (states[(t + 1) % states.length] as (typeof states)[number])[1];
          break;
      }
      try {
        load(corrupted).dispose();
        accepted++;
      } catch (e) {
        if (e instanceof SerializationError) refused++;
        else otherErrors++;
      }
    }
  });
  say(
    `deserialize ${n.toLocaleString("en")} corrupted states (${ways.join(", ")}; ${states.length} states of 3 kinds, d = 1–64): ` +
      `${refused.toLocaleString("en")} refused with SerializationError, ${accepted} accepted, ${otherErrors} other errors, in ${seconds.toFixed(1)} s`,
  );
  if (accepted > 0 || otherErrors > 0)
    problems.push(`corrupted states: ${accepted} accepted, ${otherErrors} other errors`);
}

/** Byte offset of the first difference of two serialized states, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((byte, i) => byte !== b[i]);
}

/**
 * Kills a worker of a 2-thread runtime in the middle of `kills` calls (the pool's fault hook: the
 * worker sweeps half of its share, then its thread exits), alternating accumulator adds and
 * Cholesky factorizations. Each must raise WorkerFailedError and leave the accumulator byte for
 * byte as it was; the next call must work at once and agree bit for bit with a 1-thread runtime.
 */
async function killWorkers(kills: number): Promise<void> {
  const threaded = await createRuntime({ backend: "wasm-simd", threads: 2 });
  const single = await createRuntime({ backend: "wasm-simd", threads: 1 });
  const pool = threaded.pool;
  if (pool === undefined) {
    say(`kill workers: skipped, no 2-thread runtime here (${threaded.threadsNote})`);
    problems.push("kill workers: no 2-thread runtime");
    return;
  }
  pool.minSharedFlops = 0; // share every call, however small, so each one has a worker to kill
  const d = 129;
  const next = mulberry32(17);
  const rows = (n: number) => Float64Array.from({ length: n * d }, () => next() - 0.5);
  const acc = new FisherAccumulator(d, { runtime: threaded });
  const reference = new FisherAccumulator(d, { runtime: single });
  const first = rows(300);
  acc.add(first);
  reference.add(first);
  const matrix = acc.fisher();
  let raised = 0;
  let changed = 0;
  let wrongAfter = 0;
  const { seconds } = await timeAsync(async () => {
    for (let k = 0; k < kills; k++) {
      const batch = rows(50 + (k % 7) * 40);
      const before = acc.serialize();
      pool.injectFault(1);
      try {
        if (k % 4 === 3) matrix.cholesky({ damping: 1 });
        else acc.add(batch);
      } catch (e) {
        if (e instanceof WorkerFailedError) raised++;
        else throw e;
      }
      if (firstDifference(acc.serialize(), before) !== -1) changed++;
      // The next call, at once (the dead worker's share done by the calling thread).
      acc.add(batch);
      reference.add(batch);
      if (firstDifference(acc.serialize(), reference.serialize()) !== -1) wrongAfter++;
      // The pool replaces the worker before the next kill.
      for (let i = 0; i < 1000 && !pool.allReady(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      if (!pool.allReady()) {
        problems.push(`kill workers: worker not replaced after kill ${k + 1}`);
        break;
      }
    }
  });
  const factorsAgree = firstDifference(
    new Uint8Array(acc.fisher().cholesky({ damping: 1 }).packed.buffer),
    new Uint8Array(reference.fisher().cholesky({ damping: 1 }).packed.buffer),
  );
  say(
    `kill a worker mid-call ${kills} times (2-thread wasm-simd runtime, d = ${d}, accumulator add and Cholesky): ` +
      `${raised} WorkerFailedError, accumulator changed by a failed call ${changed} times, next call differs from 1 thread ` +
      `${wrongAfter} times; ${acc.count.toLocaleString("en")} rows kept of ${reference.count.toLocaleString("en")}, in ${seconds.toFixed(1)} s`,
  );
  if (raised !== kills || changed > 0 || wrongAfter > 0 || acc.count !== reference.count || factorsAgree !== -1) {
    problems.push(`kill workers: ${raised} of ${kills} raised, ${changed} changed, ${wrongAfter} wrong after`);
  }
  acc.dispose();
  reference.dispose();
  threaded.dispose();
}

const backend = await init();
const runtime = await createRuntime({ backend });
const rssStart = rss();
const started = performance.now();
say(
  `soak on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), backend ${backend} with ${runtime.threads} threads, scale ${SCALE}`,
);
say(`RSS at start: ${MB(rssStart)}`);
stream(runtime, count(1_000_000), 256, 10_000);
stream(runtime, count(10_000_000), 16, 100_000);
churn(runtime, count(10_000));
corruptStates(runtime, count(10_000));
say(
  `RSS after the streams, the churn and the corrupted states: ${MB(rss())} (runtime memory ${MB(runtime.memory.buffer.byteLength)})`,
);
await killWorkers(count(200));
say(`RSS at end: ${MB(rss())}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
say(problems.length === 0 ? "lost: nothing" : `LOST:\n  ${problems.join("\n  ")}`);
process.exitCode = problems.length === 0 ? 0 : 1;
