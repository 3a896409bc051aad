// The command-line tool, run as a user runs it (a child `node dist/cli.mjs`, the built bin), on
// files that NumPy wrote (test/fixtures/cli/make_npy.py) and on large files written here.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNpy } from "../cli/npy.js";
import { createProgress, renderProgress } from "../cli/progress.js";
import { empiricalFisher, init } from "../src/index.js";
import { CHILD_BACKEND } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample } from "./helpers/random.js";
import { flatten, packRows, referenceFisher } from "./helpers/reference.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIX = "test/fixtures/cli";
const TOLERANCE = 1e-12;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the tool from the repository root, so that messages show the relative paths given. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, ["dist/cli.mjs", ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface FisherJson {
  dim: number;
  reduction: string;
  centered: boolean;
  count: number;
  totalWeight: number;
  layout: string;
  matrix: number[][] | number[];
}

let tmp: string;
const readJson = (path: string): FisherJson => JSON.parse(readFileSync(path, "utf8"));

/** Runs `fisher` with --out F.json and returns the parsed document. */
function fisherJson(...args: string[]): FisherJson {
  const out = join(tmp, `F-${Math.random().toString(36).slice(2)}.json`);
  const r = cli("fisher", ...args, "--out", out);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return readJson(out);
}

type ModelBlock = { score_obs: number[][]; fisher_emp_mean: number[][]; score_cov_centered_mean: number[][] };
const spector: { at_mle: ModelBlock; at_half_mle: ModelBlock } = JSON.parse(
  readFileSync(new URL("./fixtures/logit_spector.json", import.meta.url), "utf8"),
);
const numpy: { weights: number[]; weighted_fisher_mean: number[][]; weighted_cov_centered_mean: number[][] } =
  JSON.parse(readFileSync(new URL("./fixtures/cli/expected.json", import.meta.url), "utf8"));

/** A C-order little-endian .npy header, written here independently of the tool's writer. */
function npyHeader(descr: string, shape: number[], version: 1 | 2 = 1): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}), }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, " ");
  header.write("\x93NUMPY", 0, "latin1");
  header[6] = version;
  header[7] = 0;
  if (version === 1) header.writeUInt16LE(total - prefix, 8);
  else header.writeUInt32LE(total - prefix, 8);
  header.write(dict, prefix, "latin1");
  header[total - 1] = 0x0a;
  return header;
}

function writeNpyFile(path: string, data: Float64Array, shape: number[], version: 1 | 2 = 1): number {
  const fd = openSync(path, "w");
  try {
    const header = npyHeader("<f8", shape, version);
    writeSync(fd, header);
    writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return header.length + data.byteLength;
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "fisher-cli-"));
  await init();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("fisher on NumPy-written files", () => {
  it("gives the fixture's empirical Fisher and centered covariance (at the MLE and away from it)", () => {
    for (const [file, block] of [
      ["spector_mle.npy", spector.at_mle],
      ["spector_half.npy", spector.at_half_mle],
    ] as const) {
      const fisher = fisherJson(`${FIX}/${file}`);
      expect(fisher).toMatchObject({
        dim: 4,
        reduction: "mean",
        centered: false,
        count: 32,
        totalWeight: 32,
        layout: "dense-row-major",
      });
      expectClose((fisher.matrix as number[][]).flat(), flatten(block.fisher_emp_mean), TOLERANCE, file);
      const cov = fisherJson(`${FIX}/${file}`, "--centered");
      expect(cov.centered).toBe(true);
      expectClose((cov.matrix as number[][]).flat(), flatten(block.score_cov_centered_mean), TOLERANCE, file);
    }
  });

  it("reads .npy format versions 2.0 and 3.0 (4-byte header lengths)", () => {
    for (const v of [2, 3]) {
      const { matrix } = fisherJson(`${FIX}/spector_half_v${v}.npy`);
      expectClose((matrix as number[][]).flat(), flatten(spector.at_half_mle.fisher_emp_mean), TOLERANCE, `v${v}`);
    }
  });

  it("widens float32 files to float64", () => {
    const rounded = Float64Array.from(spector.at_half_mle.score_obs.flat(), Math.fround);
    const expected = referenceFisher(rounded, 4, { reduction: "mean" });
    const { matrix } = readNpyOut(`${FIX}/spector_half_f4.npy`, "--packed");
    expectClose(matrix.data, expected, TOLERANCE, "float32");
  });

  it("applies weights from .npy and CSV files (against NumPy's weighted results)", () => {
    const total = numpy.weights.reduce((a, b) => a + b, 0);
    for (const weights of ["weights.npy", "weights.csv"]) {
      const fisher = fisherJson(`${FIX}/spector_half.npy`, "--weights", `${FIX}/${weights}`);
      expect(fisher.count).toBe(32);
      expect(fisher.totalWeight).toBeCloseTo(total, 12);
      expectClose((fisher.matrix as number[][]).flat(), flatten(numpy.weighted_fisher_mean), TOLERANCE, weights);
      const cov = fisherJson(`${FIX}/spector_half.csv`, "--weights", `${FIX}/${weights}`, "--centered");
      expectClose((cov.matrix as number[][]).flat(), flatten(numpy.weighted_cov_centered_mean), TOLERANCE, weights);
    }
  });

  it("reads CSV with and without a header exactly as the .npy of the same numbers", () => {
    const npy = fisherJson(`${FIX}/spector_half.npy`);
    expect(fisherJson(`${FIX}/spector_half.csv`)).toEqual(npy);
    expect(fisherJson(`${FIX}/spector_half_noheader.csv`)).toEqual(npy);
  });
});

/** Runs `fisher` with --out F.npy and reads the file back with the tool's own reader. */
function readNpyOut(...args: string[]) {
  const out = join(tmp, `F-${Math.random().toString(36).slice(2)}.npy`);
  const r = cli("fisher", ...args, "--out", out);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return { matrix: readNpy(out), stdout: r.stdout };
}

describe("output", () => {
  const expected = spector.at_mle.fisher_emp_mean;

  it("--out F.npy round-trips a dense float64 d × d matrix", () => {
    const { matrix, stdout } = readNpyOut(`${FIX}/spector_mle.npy`);
    expect(matrix.descr).toBe("<f8");
    expect(matrix.shape).toEqual([4, 4]);
    expectClose(matrix.data, flatten(expected), TOLERANCE, "dense npy");
    // Bit for bit what the JSON output holds: both come from the same computation.
    const json = fisherJson(`${FIX}/spector_mle.npy`);
    expect(Array.from(matrix.data)).toEqual((json.matrix as number[][]).flat());
    expect(stdout).toMatch(/^wrote .*\.npy: 4 × 4 Fisher \(mean\) of 32 rows\n$/);
  });

  it("--packed writes LAPACK packed 'U' to .npy and JSON", () => {
    const { matrix } = readNpyOut(`${FIX}/spector_mle.npy`, "--packed");
    expect(matrix.shape).toEqual([10]);
    expectClose(matrix.data, packRows(expected), TOLERANCE, "packed npy");
    const json = fisherJson(`${FIX}/spector_mle.npy`, "--packed");
    expect(json.layout).toBe("packed-upper-column-major");
    expect(json.matrix).toEqual(Array.from(matrix.data));
  });

  it("prints a summary without --out", () => {
    const r = cli("fisher", `${FIX}/spector_mle.npy`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^scores +test\/fixtures\/cli\/spector_mle\.npy \(\.npy float64\)$/m);
    expect(r.stdout).toMatch(/^N +32 rows$/m);
    expect(r.stdout).toMatch(/^d +4$/m);
    expect(r.stdout).toMatch(new RegExp(`^backend +${CHILD_BACKEND}$`, "m"));
    const trace = Number(/^trace +(\S+)$/m.exec(r.stdout)?.[1]);
    const diagonal = expected.reduce((sum, row, i) => sum + (row[i] as number), 0);
    expect(Math.abs(trace - diagonal)).toBeLessThan(1e-6 * diagonal);
    // The matrix closes the summary, one row per line, to seven significant digits.
    const rows = r.stdout.trimEnd().split("\n").slice(-4);
    rows.forEach((line, i) => {
      const values = line.trim().split(/\s+/).map(Number);
      expectClose(values, expected[i] as number[], 1e-6, `printed row ${i}`);
    });
  });
});

describe("large inputs stream", () => {
  const N = 200_000;
  const D = 32;
  let big: string;
  let size: number;
  let scores: Float64Array;

  beforeAll(() => {
    scores = sample(N * D, normal(7));
    big = join(tmp, "big.npy");
    size = writeNpyFile(big, scores, [N, D]);
  });

  /** Peak resident set size of the child, from the hidden --report-memory flag. */
  const peakRss = (r: Run): number => Number(/^peak-rss-bytes (\d+)$/m.exec(r.stderr)?.[1]);

  it("a 51 MB .npy gives the in-process empiricalFisher, in memory far below the file size", () => {
    const out = join(tmp, "big-F.npy");
    const r = cli("fisher", big, "--out", out, "--report-memory");
    expect(r.code).toBe(0);
    const F = readNpy(out);
    expectClose(F.data, empiricalFisher(scores, D).toDense(), TOLERANCE, "200000 × 32");
    // Against the same tool on 32 rows: what the data adds to Node's own footprint.
    const small = cli("fisher", `${FIX}/spector_mle.npy`, "--out", join(tmp, "small.npy"), "--report-memory");
    const growth = peakRss(r) - peakRss(small);
    expect(peakRss(small)).toBeGreaterThan(0);
    expect(growth, `peak RSS grew by ${growth} bytes for a ${size}-byte file`).toBeLessThan(size / 4);
  });

  it("names the row of a NaN counted across blocks (.npy, format 2.0)", () => {
    const rows = 40_000; // 10 MB: three 4 MB blocks
    const data = scores.slice(0, rows * D);
    data[39_000 * D + 17] = Number.NaN;
    const file = join(tmp, "nan.npy");
    writeNpyFile(file, data, [rows, D], 2);
    const r = cli("fisher", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fisher-wasm: ${file}: row 39000, column 17 (0-based) is NaN; scores must be finite\n`);
  });

  it("names the line and row of an infinity counted across blocks (CSV)", () => {
    const rows = 10_000; // 1 MB blocks of 4096 rows
    const lines = ["# written by the test", Array.from({ length: D }, (_, j) => `s${j}`).join(",")];
    for (let i = 0; i < rows; i++) {
      const row = Array.from(scores.subarray(i * D, (i + 1) * D), (v) => v.toFixed(3));
      if (i === 9_000) row[5] = "-inf";
      lines.push(row.join(","));
    }
    const file = join(tmp, "inf.csv");
    writeFileSync(file, `${lines.join("\r\n")}\r\n`);
    const r = cli("fisher", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `fisher-wasm: ${file}:9003: row 9000, column 5 (0-based) is -Infinity; scores must be finite\n`,
    );
  });
});

describe("bad input: one line on stderr naming the file and the position, exit 1", () => {
  it.each([
    [["scores_i8.npy"], "scores_i8.npy: dtype '<i8' (int64) is not supported"],
    [["scores_be.npy"], "scores_be.npy: dtype '>f8' (float64, big-endian) is not supported"],
    [["scores_fortran.npy"], "scores_fortran.npy: fortran_order is True (column-major)"],
    [["scores_3d.npy"], "scores_3d.npy: shape (2, 4, 4) is 3-D; scores must be 2-D"],
    [
      ["truncated.npy"],
      "truncated.npy: truncated: shape (32, 4) of float64 needs 1152 bytes, but the file ends at byte 1132, inside row 31 (0-based) of 32",
    ],
    [["bad_magic.npy"], "bad_magic.npy: not a .npy file: it starts with bytes 4e 55 4d 50 59 01"],
    [["bad_header.npy"], "bad_header.npy: malformed .npy header: no 'shape' key"],
    [["ragged.csv"], "ragged.csv:6: ragged row: 3 fields, but the header (line 1) has 4"],
    [["scores_nan.npy"], "scores_nan.npy: row 20, column 2 (0-based) is NaN; scores must be finite"],
    [["scores_inf.csv"], "scores_inf.csv:11: row 9, column 1 (0-based) is -Infinity; scores must be finite"],
    [["spector_half.npy", "--weights", "weights_short.npy"], "weights_short.npy: 31 weights for 32 rows of scores"],
    [["spector_half.csv", "--weights", "weights_short.npy"], "spector_half.csv:33 is row 31"],
    [["missing.npy"], "missing.npy: no such file or directory"],
  ])("%j", (args, message) => {
    const r = cli("fisher", ...args.map((a) => (a.startsWith("--") ? a : `${FIX}/${a}`)));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^fisher-wasm: test\/fixtures\/cli\/[^\n]*\n$/);
    expect(r.stderr).toContain(message);
  });
});

describe("a first CSV line is a header only when every cell is a name", () => {
  /** Runs `fisher` on a CSV written from `text` in the temporary folder. */
  const fisherCsv = (text: string): Run & { json: () => FisherJson } => {
    const name = join(tmp, `first-line-${Math.random().toString(36).slice(2)}`);
    writeFileSync(`${name}.csv`, text);
    return { ...cli("fisher", `${name}.csv`, "--out", `${name}.json`), json: () => readJson(`${name}.json`) };
  };

  it.each([
    ["1,NA,3\n4,5,6\n7,8,9\n", ":1: column 1 (0-based) is 'NA'"],
    ["1,,3\n4,5,6\n", ":1: column 1 (0-based) is empty"],
    ["0x10,2,3\n4,5,6\n", ":1: column 0 (0-based) is '0x10'"],
    ["1.5,2.o,3\n4,5,6\n", ":1: column 1 (0-based) is '2.o'"],
    ["a,NA,c\n4,5,6\n", ":1: column 1 (0-based) is 'NA'"],
    ["a,,c\n4,5,6\n", ":1: column 1 (0-based) is empty"],
    ["x,0x10\n4,5\n", ":1: column 1 (0-based) is '0x10'"],
    ["# comment\n\n2,x1,3\n4,5,6\n", ":3: column 1 (0-based) is 'x1'"],
    ["inf,nan\n4,5\n", ":1: row 0, column 0 (0-based) is Infinity"],
  ])("%j is an error naming the line and the column", (text, message) => {
    const r = fisherCsv(text);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^fisher-wasm: [^\n]*\n$/);
    expect(r.stderr).toContain(message);
  });

  it("takes a line of names as the header, and its column count as the width", () => {
    const named = fisherCsv('GPA, x_1 ,"β 2",log(y)\n1,2,3,4\n5,6,7,8\n');
    expect(named.stderr).toBe("");
    expect(named.code).toBe(0);
    expect(named.json().count).toBe(2);
    const bare = fisherCsv("1,2,3,4\n5,6,7,8\n");
    expect(bare.code).toBe(0);
    expect(bare.json()).toEqual(named.json());
    const wide = fisherCsv("a,b,c\n1,2\n");
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain(":2: ragged row: 2 fields, but the header (line 1) has 3");
  });
});

describe("command line", () => {
  it.each([
    [["frobnicate"], "unknown command 'frobnicate'"],
    [["--bogus"], "unknown option '--bogus'"],
    [["fisher", `${FIX}/spector_mle.npy`, "--bogus=1"], "unknown option '--bogus'"],
    [["fisher"], "missing the scores file"],
    [["fisher", `${FIX}/spector_mle.npy`, "--out"], "option '--out' needs a value"],
    [["fisher", `${FIX}/spector_mle.npy`, "--out", "F.txt"], "--out must name a .npy or .json file"],
    [["fisher", `${FIX}/spector_mle.npy`, "--packed"], "--packed applies to the --out file"],
    [["bench", "--seconds", "-1"], "option '--seconds' needs a positive number"],
  ])("%j is a usage error (exit 2) with a hint to --help", (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fisher-wasm: [^\n]*--help[^\n]*\n$/);
    expect(r.stderr).toContain(message);
  });

  it("--help of the tool and of each command", () => {
    const main = cli("--help");
    expect(main.code).toBe(0);
    expect(main.stdout).toContain("fisher-wasm fisher <scores.npy|scores.csv>");
    expect(main.stdout).toContain("fisher-wasm bench");
    const fisher = cli("fisher", "--help");
    expect(fisher.code).toBe(0);
    for (const option of ["--weights", "--centered", "--out", "--packed", "--backend"]) {
      expect(fisher.stdout).toContain(option);
    }
    expect(fisher.stdout).not.toContain("--report-memory");
    const bench = cli("bench", "-h");
    expect(bench.code).toBe(0);
    expect(bench.stdout).toContain("GFLOP/s");
    const none = cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage:");
  });

  it("bench prints GFLOP/s for both shapes and the backend", () => {
    const r = cli("bench", "--seconds", "0.05");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`backend ${CHILD_BACKEND}`);
    for (const shape of ["20000 × 64", "2000 × 512"]) {
      const gflops = Number(new RegExp(`^  ${shape} +(\\S+)`, "m").exec(r.stdout)?.[1]);
      expect(gflops, shape).toBeGreaterThan(0);
    }
  });
});

describe("progress bar", () => {
  const recorder = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 60, write: (s: string) => writes.push(s) } };
  };

  it("draws only on a terminal, only for large inputs, at most every 100 ms, and erases itself", () => {
    let t = 0;
    const now = () => t;
    const pipe = recorder(false);
    const quiet = createProgress({ total: 1e9, label: "f.npy", stream: pipe.stream, now });
    quiet.update(1);
    quiet.finish();
    expect(pipe.writes).toEqual([]);
    const tty = recorder(true);
    const small = createProgress({ total: 1e6, label: "f.npy", stream: tty.stream, now });
    small.update(1);
    small.finish();
    expect(tty.writes).toEqual([]);
    const bar = createProgress({ total: 1e9, label: "f.npy", stream: tty.stream, now });
    for (const [time, done] of [
      [0, 1e8],
      [50, 2e8],
      [100, 3e8],
      [150, 4e8],
      [260, 5e8],
    ]) {
      t = time as number;
      bar.update(done as number);
    }
    bar.finish();
    expect(tty.writes).toHaveLength(4);
    expect(tty.writes[1]?.startsWith("\r")).toBe(true);
    expect(tty.writes[1]?.endsWith("\x1b[K")).toBe(true);
    expect(tty.writes[1]).toMatch(/f\.npy \[#+-+\] {2}30% +300\.0\/1000\.0 MB /);
    expect(tty.writes[3]).toBe("\r\x1b[K");
  });

  it("fits the terminal width", () => {
    for (const columns of [20, 40, 80, 200]) {
      const text = renderProgress(5e7, 1e8, 1, "a/rather/long/path/to/scores.npy", columns);
      expect(text.length, `${columns} columns: ${text}`).toBeLessThan(columns);
    }
    expect(renderProgress(1e8, 1e8, 1, "f", 80)).toMatch(/\[#+\] 100%/);
  });
});
