// Fuzzing of the command-line tool's reading of .npy and CSV files: generated files, valid
// and mutated (headers, shapes, dtypes, truncations, trailing bytes, non-finite values, bad
// cells, ragged rows), run through the `fisher` command in-process (and a handful through the
// real binary). Every failure is one of the tool's own errors (a one-line message and an exit
// status, never a stack trace), and every success agrees with a Fisher computed here from the
// numbers the file holds, decoded independently of the tool.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fisherCommand } from "../../cli/fisher.js";
import { encodeHeader } from "../../cli/npy-header.js";
import { flatten, packRows, referenceFisher } from "../helpers/reference.js";
import { casesRun, checkAsync, expectAgrees, numbers, numbersArb, SEED } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "fisher-wasm-cli-fuzz-"));
const OUT = join(dir, "F.json");
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`CLI fuzz: ${casesRun()} generated cases with seed ${SEED}`);
});

/** The mean uncentered Fisher (1/N) Σ s sᵀ of the rows, packed, by compensated plain loops. */
function meanFisher(rows: number[][]): Float64Array {
  return referenceFisher(flatten(rows), rows[0]?.length ?? 0, { reduction: "mean" });
}

/** Runs `fisher-wasm fisher <file> --out F.json` in-process: its exit status and result, or the error it reports. */
async function runFisher(
  file: string,
): Promise<{ status: number; matrix?: Float64Array; count?: number; error?: unknown; stderr: string }> {
  let stderr = "";
  const io = {
    stdout: { write: () => true },
    stderr: {
      write: (t: string) => {
        stderr += t;
        return true;
      },
      isTTY: false,
      columns: 80,
    },
  };
  rmSync(OUT, { force: true });
  try {
    const status = await fisherCommand([file, "--out", OUT], io as never);
    const json = JSON.parse(readFileSync(OUT, "utf8")) as { matrix: number[][]; count: number };
    return { status, matrix: packRows(json.matrix), count: json.count, stderr };
  } catch (error) {
    return { status: (error as { exitCode?: number }).exitCode ?? -1, error, stderr };
  }
}

/** A failure is the tool's own: a message of one line and an exit status, not a bare exception. */
function expectToolError(result: Awaited<ReturnType<typeof runFisher>>, label: string): void {
  const error = result.error as { exitCode?: unknown; message?: unknown; name?: string } | undefined;
  if (error === undefined) expect.fail(`${label}: expected an error, but it succeeded`);
  if (typeof error.exitCode !== "number")
    expect.fail(`${label}: an error the tool did not recognise: ${String(error)}\n${(error as Error).stack}`);
  expect(String(error.message)).not.toContain("\n    at ");
}

/** The Fisher of the float data in `body` read as little-endian rows of d (float64 or float32), by DataView. */
function decodeRows(body: Uint8Array, rows: number, d: number, itemSize: 4 | 8): number[][] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: d }, (_, j) =>
      itemSize === 8 ? view.getFloat64((r * d + j) * 8, true) : view.getFloat32((r * d + j) * 4, true),
    ),
  );
}

const shapeArb = fc.record({
  rows: fc.integer({ min: 1, max: 40 }),
  dim: fc.integer({ min: 1, max: 9 }),
  values: numbersArb,
});

function body(rows: number, dim: number, values: Parameters<typeof numbers>[1], itemSize: 4 | 8): Uint8Array {
  const data = numbers(rows * dim, { ...values, scale: Math.min(values.scale, 1e3) });
  return itemSize === 8 ? new Uint8Array(data.buffer) : new Uint8Array(Float32Array.from(data).buffer);
}

function npy(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(header.length + payload.length);
  bytes.set(header);
  bytes.set(payload, header.length);
  return bytes;
}

/** Mutations of a .npy file, each with what it must give: the reference of the data, or an error. */
const npyMutationArb = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.record({ kind: fc.constant("body flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
  fc.record({ kind: fc.constant("extra bytes" as const), count: fc.integer({ min: 1, max: 9 }) }),
  fc.record({
    kind: fc.constant("descr" as const),
    descr: fc.constantFrom(">f8", "<i8", "<f2", "|u1", "|b1", "<c16", "O", "", "<f16", "f8", "<U8"),
  }),
  fc.record({
    kind: fc.constant("shape" as const),
    shape: fc.constantFrom(
      "()",
      "(3,)",
      "(2, 2, 2)",
      "(-1, 2)",
      "(1.5, 2)",
      "'a'",
      "(0, 3)",
      "(3, 0)",
      "(99999999999, 2)",
    ),
  }),
  fc.constant({ kind: "fortran" as const }),
  fc.record({
    kind: fc.constant("header text" as const),
    text: fc.constantFrom(
      "{}",
      "{'descr': '<f8'}",
      "[1, 2]",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)",
      "garbage",
      "",
    ),
  }),
  fc.record({
    kind: fc.constant("preamble flip" as const),
    at: fc.integer({ min: 0, max: 9 }),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("non-finite" as const),
    at: fc.nat(),
    value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE * 2),
  }),
);

describe("the fisher command on generated .npy files", () => {
  it("valid files agree with the reference; mutated ones fail with the tool's own one-line error", async () => {
    await checkAsync(
      700,
      fc.asyncProperty(
        shapeArb,
        fc.constantFrom<4 | 8>(8, 8, 4),
        npyMutationArb,
        async ({ rows, dim, values }, itemSize, m) => {
          const descr = itemSize === 8 ? "<f8" : "<f4";
          let payload = body(rows, dim, values, itemSize);
          let header = encodeHeader(descr, [rows, dim]);
          let valid = true;
          switch (m.kind) {
            case "none":
              break;
            case "body flip":
              payload = payload.slice();
              payload[m.at % payload.length] = (payload[m.at % payload.length] as number) ^ m.mask;
              break;
            case "truncate":
              payload = payload.subarray(0, Math.floor(m.keep * payload.length));
              valid = false;
              break;
            case "extra bytes":
              payload = npy(payload, new Uint8Array(m.count));
              valid = false;
              break;
            case "descr":
              header = encodeHeader(m.descr, [rows, dim]);
              valid = false;
              break;
            case "shape":
            case "fortran":
            case "header text": {
              const text =
                m.kind === "shape"
                  ? `{'descr': '${descr}', 'fortran_order': False, 'shape': ${m.shape}, }`
                  : m.kind === "fortran"
                    ? `{'descr': '${descr}', 'fortran_order': True, 'shape': (${rows}, ${dim}), }`
                    : m.text;
              header = rawHeader(text);
              valid = false;
              break;
            }
            case "preamble flip":
              header = header.slice();
              header[m.at] = (header[m.at] as number) ^ m.mask;
              valid = false;
              break;
            case "non-finite": {
              payload = payload.slice();
              const view = new DataView(payload.buffer);
              const k = m.at % (rows * dim);
              if (itemSize === 8) view.setFloat64(k * 8, m.value, true);
              else view.setFloat32(k * 4, m.value, true);
              valid = false;
              break;
            }
          }
          const file = join(dir, "scores.npy");
          writeFileSync(file, npy(header, payload));
          const result = await runFisher(file);
          const label = `${m.kind} ${JSON.stringify(m)} on ${rows} × ${dim} ${descr}`;
          const data = valid ? decodeRows(payload, rows, dim, itemSize) : undefined;
          // A flipped byte can make a value non-finite (an error is right), or so large that its
          // square overflows: then the tool refuses, or its answer is finite and agrees.
          const finite = data?.every((row) => row.every((v) => Number.isFinite(v)));
          const moderate = data?.every((row) => row.every((v) => Math.abs(v) < 1e150));
          if (data && finite && moderate) {
            if (result.error) expect.fail(`${label}: a valid file failed: ${String(result.error)}`);
            expect(result.status).toBe(0);
            expect(result.count, label).toBe(rows);
            expectAgrees(result.matrix as Float64Array, meanFisher(data), 1e-12, label);
          } else if (data && finite) {
            if (result.error) expectToolError(result, label);
            else expectAgrees(result.matrix as Float64Array, meanFisher(data), 1e-12, label);
          } else {
            expectToolError(result, label);
          }
        },
      ),
    );
  });
});

/** A copy of an encoded header with another format version in its preamble. */
function withVersion(header: Uint8Array, major: number, minor: number): Uint8Array {
  const copy = header.slice();
  copy[6] = major;
  copy[7] = minor;
  return copy;
}

/** A version 1.0 preamble around any header text, padded to 64 bytes as numpy pads. */
function rawHeader(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  const total = Math.ceil((10 + encoded.length + 1) / 64) * 64;
  const bytes = new Uint8Array(total).fill(0x20);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, total - 10, true);
  bytes.set(encoded, 10);
  bytes[total - 1] = 0x0a;
  return bytes;
}

/** Mutations of one data line (never the first line: whether it is a header is decided elsewhere). */
const csvMutationArb = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.record({
    kind: fc.constant("cell" as const),
    at: fc.nat(),
    text: fc.constantFrom("NA", "", " ", "1e", "0x10", "1,5", "--1", "1.2.3", "abc", "1e999", "nan", "-inf", "'1'"),
  }),
  fc.record({ kind: fc.constant("drop cell" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("extra cell" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("benign" as const),
    how: fc.constantFrom("crlf", "blank lines", "comment", "spaces", "header", "no final newline", "bom"),
  }),
);

describe("the fisher command on generated CSV files", () => {
  it("valid files agree with the reference; bad cells and ragged rows fail naming the line", async () => {
    await checkAsync(
      500,
      fc.asyncProperty(shapeArb, csvMutationArb, fc.nat(), async ({ rows, dim, values }, m, which) => {
        const data = Array.from({ length: rows }, (_, r) =>
          Array.from(numbers(dim, { ...values, seed: values.seed + r, scale: Math.min(values.scale, 1e3) })),
        );
        const lines = data.map((row) => row.map((v) => String(v)));
        let text: string;
        let valid = true;
        let badLine = 0;
        let skipped = -1;
        const target = 1 + (which % Math.max(1, rows - 1)); // a line after the first
        if (m.kind === "benign") {
          const joined = lines.map((cells) => (m.how === "spaces" ? cells.join(" , ") : cells.join(",")));
          if (m.how === "crlf") text = `${joined.join("\r\n")}\r\n`;
          else if (m.how === "blank lines") text = `${joined.join("\n\n")}\n\n`;
          else if (m.how === "comment") text = `# scores\n${joined.join("\n")}\n`;
          else if (m.how === "header")
            text = `${Array.from({ length: dim }, (_, j) => `theta_${j}`).join(",")}\n${joined.join("\n")}\n`;
          else if (m.how === "no final newline") text = joined.join("\n");
          else if (m.how === "bom") text = `\uFEFF${joined.join("\n")}\n`;
          else text = `${joined.join("\n")}\n`;
        } else {
          if (m.kind !== "none" && rows >= 2) {
            const cells = lines[target] as string[];
            const j = m.at % dim;
            if (m.kind === "cell" && dim === 1 && m.text.trim() === "") {
              // A line of one empty cell is a blank line, skipped as blank lines are: the file holds one row less.
              cells[j] = m.text;
              skipped = target;
            } else if (m.kind === "cell") {
              // Each is not a number, or a non-finite one (refused as a score), or a second cell ("1,5").
              cells[j] = m.text;
              valid = false;
            } else if (m.kind === "drop cell") {
              cells.splice(j, 1);
              valid = false;
              if (dim === 1) cells.push("x"); // an empty line would be skipped as blank
            } else {
              cells.splice(j, 0, "0");
              valid = false;
            }
            badLine = target + 1;
          }
          text = `${lines.map((cells) => cells.join(",")).join("\n")}\n`;
        }
        const file = join(dir, "scores.csv");
        writeFileSync(file, text);
        const result = await runFisher(file);
        const label = `${m.kind} ${JSON.stringify(m)} on ${rows} × ${dim}`;
        if (valid) {
          if (result.error) expect.fail(`${label}: a valid file failed: ${String(result.error)}`);
          const kept = data.filter((_, r) => r !== skipped);
          expect(result.count, label).toBe(kept.length);
          expectAgrees(result.matrix as Float64Array, meanFisher(kept), 1e-12, label);
        } else {
          expectToolError(result, label);
          expect(String((result.error as Error).message), label).toContain(`scores.csv:${badLine}`);
        }
      }),
    );
  });
});

describe("the real binary", () => {
  const cli = fileURLToPath(new URL("../../dist/cli.mjs", import.meta.url));
  it.each([
    ["a truncated .npy", npy(encodeHeader("<f8", [4, 2]), new Uint8Array(20)), "scores.npy"],
    ["a .npy of int64", npy(encodeHeader("<i8", [2, 2]), new Uint8Array(32)), "scores.npy"],
    ["a .npy with a broken header", npy(rawHeader("{'descr': '<f8', "), new Uint8Array(16)), "scores.npy"],
    [
      "a .npy of format version 1.1",
      npy(withVersion(encodeHeader("<f8", [2, 2]), 1, 1), new Uint8Array(32)),
      "scores.npy",
    ],
    ["a .npy with 8 bytes after its data", npy(encodeHeader("<f8", [2, 2]), new Uint8Array(40)), "scores.npy"],
    ["a CSV with a ragged row", new TextEncoder().encode("1,2\n3\n"), "scores.csv"],
    ["a CSV with a word in line 3", new TextEncoder().encode("1,2\n3,4\n5,x\n"), "scores.csv"],
  ])("%s: one line on stderr, exit 1, no stack", (_, bytes, name) => {
    const file = join(dir, `binary-${name}`);
    writeFileSync(file, bytes);
    const run = spawnSync(process.execPath, [cli, "fisher", file], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^fisher-wasm: .*binary-scores\.(npy|csv)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
