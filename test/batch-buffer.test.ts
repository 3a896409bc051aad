// Zero-copy input: an accumulator hands out a view into its runtime's memory, the producer
// writes a batch into it and commits it. The state must equal, bit for bit, that of add() of the
// same rows (the same chunks and kernels, read in place), on every backend, at dims that hit every
// SIMD tail and batches below and above a chunk; bad input and a memory growth between hand-out
// and commit are typed errors that leave the accumulator as it was.
import { beforeAll, describe, expect, it } from "vitest";
import { CHUNK_ROWS } from "../src/engine/runtime.js";
import {
  BatchBufferError,
  createRuntime,
  DiagonalFisherAccumulator,
  DisposedError,
  FisherAccumulator,
  NonFiniteError,
  type Runtime,
} from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample, uniform } from "./helpers/random.js";

const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 129, 257];
const ROW_COUNTS = [1, CHUNK_ROWS - 57, 2 * CHUNK_ROWS + 37];

type Accumulator = FisherAccumulator | DiagonalFisherAccumulator;
const KINDS = [
  ["FisherAccumulator", (dim: number, runtime: Runtime): Accumulator => new FisherAccumulator(dim, { runtime })],
  [
    "DiagonalFisherAccumulator",
    (dim: number, runtime: Runtime): Accumulator => new DiagonalFisherAccumulator(dim, { runtime }),
  ],
] as const;

const bytesOf = (acc: Accumulator): number[] => Array.from(acc.serialize());

function weightsOf(rows: number, seed: number): Float64Array {
  const next = uniform(seed);
  return sample(rows, () => (next() < 0.1 ? 0 : 0.25 + next()));
}

/** A dim whose packed matrix is larger than the runtime's whole memory now, so creating it must grow the memory. */
function growingDim(runtime: Runtime): number {
  const values = runtime.memory.buffer.byteLength / 8;
  return Math.ceil(Math.sqrt(2 * values)) + 1;
}

describe.each(BACKENDS)("batchBuffer() and commit() on %s", (backend) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({ backend });
  });

  describe.each(KINDS)("%s", (_, make) => {
    it.each(DIMS)("dim %i: commit gives add()'s state bit for bit, with and without weights", (dim) => {
      const viaAdd = make(dim, runtime);
      const viaBuffer = make(dim, runtime);
      try {
        for (const rows of ROW_COUNTS) {
          const scores = sample(rows * dim, normal(dim * 7 + rows));
          const weights = weightsOf(rows, rows + dim);
          viaAdd.add(scores).add(scores, { weights });
          const view = viaBuffer.batchBuffer(rows);
          expect(view.length).toBe(rows * dim);
          // The view is the runtime's memory itself: nothing is copied on commit.
          expect(view.buffer).toBe(runtime.memory.buffer);
          view.set(scores);
          viaBuffer.commit();
          viaBuffer.batchBuffer(rows).set(scores);
          viaBuffer.commit(undefined, { weights });
        }
        expect(bytesOf(viaBuffer)).toEqual(bytesOf(viaAdd));
      } finally {
        viaAdd.dispose();
        viaBuffer.dispose();
      }
    });

    it.each([3, 16, 33])("dim %i: batches in a loop, a partial commit and float32 weights match add()", (dim) => {
      const viaAdd = make(dim, runtime);
      const viaBuffer = make(dim, runtime);
      try {
        for (const [asked, used] of [
          [600, 600],
          [40, 40],
          [700, 513],
          [300, 0],
          [5, 5],
        ] as const) {
          const scores = sample(used * dim, normal(asked + used + dim));
          const weights = Float32Array.from(weightsOf(used, used));
          viaAdd.add(scores, { weights });
          const view = viaBuffer.batchBuffer(asked);
          view.fill(Number.NaN); // rows past the committed ones are never read
          view.set(scores);
          viaBuffer.commit(used, { weights });
          expect(bytesOf(viaBuffer)).toEqual(bytesOf(viaAdd));
        }
      } finally {
        viaAdd.dispose();
        viaBuffer.dispose();
      }
    });

    it("a non-finite score: NonFiniteError naming the batch buffer's row and column, state unchanged, view still pending", () => {
      const dim = 9;
      const rows = 2 * CHUNK_ROWS + 37;
      const acc = make(dim, runtime).add(sample(3 * dim, normal(1)));
      try {
        const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
        for (const [k, value] of values.entries()) {
          const before = bytesOf(acc);
          const view = acc.batchBuffer(rows);
          view.set(sample(rows * dim, normal(2)));
          const [badRow, badColumn] = [CHUNK_ROWS + 5, 7];
          view[badRow * dim + badColumn] = value;
          try {
            acc.commit();
            expect.fail("no error");
          } catch (error) {
            expect(error).toBeInstanceOf(NonFiniteError);
            const e = error as NonFiniteError;
            expect([e.argument, e.row, e.column, e.value]).toEqual(["batchBuffer", badRow, badColumn, value]);
          }
          expect(bytesOf(acc)).toEqual(before);
          // The view is still pending: correct the value and commit.
          view[badRow * dim + badColumn] = 0;
          acc.commit();
          expect(acc.count).toBe(3 + rows * (k + 1));
        }
      } finally {
        acc.dispose();
      }
    });

    // One thread means an unshared memory, whose growth detaches the old views; a threaded
    // runtime's shared memory keeps them valid (the next test).
    it("a memory growth between hand-out and commit: BatchBufferError, nothing added, the next buffer works", async () => {
      const dim = 5;
      const runtime = await createRuntime({ backend, threads: 1 });
      const acc = make(dim, runtime);
      try {
        const view = acc.batchBuffer(10);
        view.fill(1);
        const big = new FisherAccumulator(growingDim(runtime), { runtime }); // grows the memory
        big.dispose();
        expect(runtime.memory.buffer).not.toBe(view.buffer);
        const before = bytesOf(acc);
        let caught: unknown;
        try {
          acc.commit();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(BatchBufferError);
        expect((caught as BatchBufferError).problem).toBe("memory-grew");
        expect((caught as Error).message).toMatch(/memory grew/);
        expect(bytesOf(acc)).toEqual(before);
        expect(() => acc.commit()).toThrow(/no batch buffer to commit/);
        acc.batchBuffer(10).fill(1);
        acc.commit();
        expect(acc.count).toBe(10);
        expect(acc.totalWeight).toBe(10);
      } finally {
        acc.dispose();
        runtime.dispose();
      }
    });

    it("a memory growth on a threaded runtime's shared memory keeps the view valid: commit adds it", () => {
      if (runtime.threads < 2) return; // no shared memory on this backend or engine
      const dim = 5;
      const acc = make(dim, runtime);
      try {
        acc.batchBuffer(10).fill(1);
        const big = new FisherAccumulator(growingDim(runtime), { runtime }); // grows the memory
        big.dispose();
        acc.commit();
        expect(acc.count).toBe(10);
        expect(acc.totalWeight).toBe(10);
      } finally {
        acc.dispose();
      }
    });

    it("bad calls: typed errors naming the argument and value, nothing added", () => {
      const acc = make(2, runtime);
      try {
        expect(() => acc.commit()).toThrow(BatchBufferError);
        for (const rows of [0, -1, 1.5, Number.NaN, "3"]) {
          expect(() => acc.batchBuffer(rows as number), String(rows)).toThrow(/`rows` must be a positive integer/);
        }
        acc.batchBuffer(4).fill(1);
        expect(() => acc.commit(5)).toThrow(/`rows` must be an integer from 0 to 4 .*received 5/);
        expect(() => acc.commit(4, { weights: new Float64Array(3) })).toThrow(/`options.weights` must have length 4/);
        expect(() => acc.commit(2, { weights: new Float64Array([1, -1]) })).toThrow(RangeError);
        expect(acc.count).toBe(0);
        acc.commit(2);
        expect(acc.count).toBe(2);
        expect(() => acc.commit()).toThrow(/no batch buffer/);
      } finally {
        acc.dispose();
      }
      expect(() => acc.batchBuffer(1)).toThrow(DisposedError);
      expect(() => acc.commit()).toThrow(DisposedError);
    });
  });

  it("DiagonalFisherAccumulator: rows wider than one staged column block (8192) match add()", () => {
    const dim = 8192 * 2 + 3;
    const rows = 9;
    const scores = sample(rows * dim, normal(5));
    const weights = weightsOf(rows, 5);
    const a = new DiagonalFisherAccumulator(dim, { runtime }).add(scores, { weights });
    const b = new DiagonalFisherAccumulator(dim, { runtime });
    try {
      b.batchBuffer(rows).set(scores);
      b.commit(undefined, { weights });
      expect(bytesOf(b)).toEqual(bytesOf(a));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
