// Times empiricalFisher end to end on every backend against plain-JS peers and prints
// GFLOP/s as a markdown table (also written to bench/results/latest.md).
// Env: BENCH_QUICK=1 for a smoke run, BENCH_SHAPES=16,256 to pick shapes by d.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import Benchmark from "benchmark";
import { availableBackends, empiricalFisher, init } from "../dist/index.mjs";
import { rank1JsFisherSum, tiledJsFisherSum } from "./peers/tiled-js.mjs";
import { flops, randomScores, SHAPES } from "./shapes.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const TOLERANCE = 1e-12;
// The rank-1 loop runs at about 1 GFLOP/s; above this many flops a call takes over a second.
const RANK1_MAX_FLOPS = 1e9;
// Rows of each shape on which the tiled peer, the reference for everything else, is checked against rank-1.
const PEER_CHECK_ROWS = 32;
const SKIPPED = "—";

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function selectShapes() {
  let shapes = SHAPES;
  const wanted = process.env.BENCH_SHAPES;
  if (wanted) {
    const ds = wanted.split(",").map((v) => Number(v.trim()));
    const known = SHAPES.map(([, d]) => d);
    const unknown = ds.filter((d) => !known.includes(d));
    if (unknown.length > 0) fail(`BENCH_SHAPES has unknown d ${unknown.join(", ")}; known: ${known.join(", ")}.`);
    shapes = SHAPES.filter(([, d]) => ds.includes(d));
  }
  return QUICK ? shapes.slice(0, 2) : shapes;
}

/**
 * Benchmark.js options from the seconds one call took while verifying. Every sample
 * also pays one untimed pretest call (Benchmark.js re-checks the compiled loop per
 * cycle), so a multi-second call costs two calls per sample: those get the minimum
 * of three samples and no more, to keep a full run to a few minutes.
 */
function optionsFor(secondsPerCall) {
  if (QUICK) return { initCount: 1, minSamples: 2, maxTime: 0.05 };
  if (secondsPerCall < 0.25) return { initCount: 1, minSamples: 3, maxTime: 2 };
  if (secondsPerCall < 1) return { initCount: 1, minSamples: 3, maxTime: 1 };
  return { initCount: 1, minSamples: 3, maxTime: 0.1 };
}

/** max |a − b| / max |b|. */
function relativeError(a, b) {
  let err = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    err = Math.max(err, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return scale === 0 ? err : err / scale;
}

/** One timed call, which also warms the code up before Benchmark.js samples it. */
function timeOnce(run) {
  const start = performance.now();
  const packed = run();
  return { packed, seconds: (performance.now() - start) / 1e3 };
}

/** What runs in each column for a shape: library backends first, then the peers. */
function contenders(scores, rows, d) {
  const list = availableBackends().map((name) => ({
    column: name,
    backend: name,
    // empiricalFisher returns the mean; the peers return the sum.
    toMean: 1,
    run: () => empiricalFisher(scores, d).packed,
  }));
  list.push({ column: "tiled JS", toMean: 1 / rows, run: () => tiledJsFisherSum(scores, rows, d) });
  list.push({
    column: "rank-1 JS",
    toMean: 1 / rows,
    skip: flops(rows, d) > RANK1_MAX_FLOPS,
    run: () => rank1JsFisherSum(scores, rows, d),
  });
  return list;
}

async function activate(contender) {
  if (contender.backend) await init({ backend: contender.backend });
}

/** Checks every contender against the tiled peer before anything is timed; returns seconds per call. */
async function verify(list, scores, rows, d, label) {
  const head = Math.min(rows, PEER_CHECK_ROWS);
  const headScores = scores.subarray(0, head * d);
  const peerError = relativeError(tiledJsFisherSum(headScores, head, d), rank1JsFisherSum(headScores, head, d));
  if (!(peerError <= TOLERANCE)) fail(`${label}: tiled JS disagrees with rank-1 JS (relative error ${peerError}).`);

  const reference = tiledJsFisherSum(scores, rows, d).map((v) => v / rows);
  const seconds = new Map();
  for (const contender of list) {
    if (contender.skip) continue;
    await activate(contender);
    const { packed, seconds: s } = timeOnce(contender.run);
    const error = relativeError(
      packed.map((v) => v * contender.toMean),
      reference,
    );
    if (!(error <= TOLERANCE)) {
      fail(`${label}: ${contender.column} disagrees with tiled JS (relative max-abs error ${error} > ${TOLERANCE}).`);
    }
    seconds.set(contender.column, s);
  }
  return seconds;
}

function measure(contender, label, secondsPerCall, probe) {
  // Folding one entry of every result into a checksum that is checked afterwards keeps the work observable.
  let checksum = 0;
  const bench = new Benchmark(
    `${contender.column} ${label}`,
    () => {
      checksum += contender.run()[probe];
    },
    optionsFor(secondsPerCall),
  );
  bench.run({ async: false });
  if (bench.error) fail(`${bench.name} failed: ${bench.error.message ?? bench.error}`);
  if (!Number.isFinite(checksum) || checksum === 0) fail(`${bench.name}: checksum ${checksum} is not plausible.`);
  return bench.stats;
}

function markdown(columns, rows, environment) {
  const lines = [
    `| N × d | ${columns.join(" | ")} |`,
    `|---|${columns.map(() => "---:").join("|")}|`,
    ...rows.map((row) => `| ${row.label} | ${row.cells.join(" | ")} |`),
  ];
  const title = `GFLOP/s, flops = N·d·(d+1), mean time per call from Benchmark.js${QUICK ? " (BENCH_QUICK)" : ""}`;
  return `${title}\n\n${lines.join("\n")}\n\n${environment}\n`;
}

async function main() {
  const shapes = selectShapes();
  const table = [];
  let columns = [];
  for (const [rows, d] of shapes) {
    const label = `${rows} × ${d}`;
    const scores = randomScores(rows, d);
    const list = contenders(scores, rows, d);
    columns = list.map((c) => c.column);
    const seconds = await verify(list, scores, rows, d, label);
    // The last diagonal entry, C[d-1][d-1]: a sum of squares, so never zero for random scores.
    const probe = (d * (d + 1)) / 2 - 1;
    const cells = [];
    for (const contender of list) {
      if (contender.skip) {
        cells.push(SKIPPED);
        continue;
      }
      await activate(contender);
      const stats = measure(contender, label, seconds.get(contender.column), probe);
      const gflops = flops(rows, d) / stats.mean / 1e9;
      const spread = `±${stats.rme.toFixed(1)}% over ${stats.sample.length} samples`;
      console.error(`${label} ${contender.column}: ${gflops.toFixed(2)} GFLOP/s ${spread}`);
      cells.push(gflops.toFixed(1));
    }
    table.push({ label, cells });
  }
  const cpus = os.cpus();
  const environment = `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores.`;
  const text = markdown(columns, table, environment);
  process.stdout.write(text);
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("latest.md", dir), text);
}

await main();
