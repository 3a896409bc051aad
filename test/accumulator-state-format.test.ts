// The serialized FisherAccumulator: version 2 holds the mean as a shift K and an offset o, and a
// version-1 state (the mean itself) written before that change is still read, as K = mean, o = 0.
// The version-1 bytes are a committed fixture written by the version-1 code, and its mean and
// co-moment were computed in exact rational arithmetic.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createRuntime, FisherAccumulator, type Runtime, SerializationError } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal } from "./helpers/random.js";
import { referenceFisher } from "./helpers/reference.js";

interface StateFixture {
  scores: number[];
  weights: number[];
  count: number;
  totalWeight: number;
  state_v1_hex: string;
  mean: number[];
  comoment_packed: number[];
}

const V1: StateFixture = JSON.parse(
  readFileSync(new URL("./fixtures/accumulator_state_v1_d3.json", import.meta.url), "utf8"),
);
const v1Bytes = (): Uint8Array => Uint8Array.from(Buffer.from(V1.state_v1_hex, "hex"));
const versionOf = (bytes: Uint8Array): number => (bytes[4] as number) | ((bytes[5] as number) << 8);

/** n rows of 1e8 + N(0, 1) at dim d: a mean far from zero, where the shift and the offset both matter. */
function largeMeanScores(n: number, d: number, seed: number): Float64Array {
  const next = normal(seed);
  return Float64Array.from({ length: n * d }, (_, t) => 1e8 * (1 + (t % d) / 8) + next());
}

describe.each(BACKENDS)("%s: FisherAccumulator state format", (name) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createRuntime({ backend: name });
  });

  it.each([1, 2, 3, 5, 8, 17])(
    "version 2 at dim %i round-trips bit for bit and keeps accumulating identically",
    (d) => {
      const first = largeMeanScores(300, d, d);
      const more = largeMeanScores(40, d, d + 100);
      const acc = new FisherAccumulator(d, { runtime: rt }).add(first);
      const bytes = acc.serialize();
      expect(versionOf(bytes)).toBe(2);
      // Magic and version (8) + dim, padded (8) + count and weight (16) + shift, offset and co-moment + CRC (4).
      expect(bytes.length).toBe(8 + 8 + 16 + 8 * (2 * d + (d * (d + 1)) / 2) + 4);
      const copy = FisherAccumulator.deserialize(bytes, { runtime: rt });
      expect(copy.serialize()).toEqual(bytes);
      expect(Array.from(copy.meanScore())).toEqual(Array.from(acc.meanScore()));
      expect(Array.from(copy.covariance().packed)).toEqual(Array.from(acc.covariance().packed));
      acc.add(more);
      copy.add(more);
      expect(copy.serialize()).toEqual(acc.serialize());
      const all = new Float64Array([...first, ...more]);
      expectClose(
        copy.covariance().packed,
        referenceFisher(all, d, { centered: true, reduction: "mean" }),
        1e-12,
        "covariance",
      );
      acc.dispose();
      copy.dispose();
    },
  );

  it("reads a version-1 state: the same count, weight, mean and co-moment", () => {
    const acc = FisherAccumulator.deserialize(v1Bytes(), { runtime: rt });
    expect(acc.dim).toBe(3);
    expect(acc.count).toBe(V1.count);
    expect(acc.totalWeight).toBe(V1.totalWeight);
    expectClose(acc.meanScore(), V1.mean, 1e-15, "mean");
    expectClose(acc.comoment().packed, V1.comoment_packed, 1e-15, "co-moment");
    acc.dispose();
  });

  it("a version-1 state is written back as version 2 and keeps accumulating like a fresh one", () => {
    const acc = FisherAccumulator.deserialize(v1Bytes(), { runtime: rt });
    const upgraded = acc.serialize();
    expect(versionOf(upgraded)).toBe(2);
    const again = FisherAccumulator.deserialize(upgraded, { runtime: rt });
    expect(again.serialize()).toEqual(upgraded);
    expect(Array.from(again.meanScore())).toEqual(Array.from(acc.meanScore()));

    const more = largeMeanScores(700, 3, 9).map((x) => x - 1e8);
    acc.add(more);
    const fresh = new FisherAccumulator(3, { runtime: rt })
      .add(Float64Array.from(V1.scores), { weights: Float64Array.from(V1.weights) })
      .add(more);
    expect(acc.count).toBe(fresh.count);
    expectClose(acc.meanScore(), fresh.meanScore(), 1e-13, "mean");
    expectClose(acc.covariance().packed, fresh.covariance().packed, 1e-13, "covariance");
    for (const a of [acc, again, fresh]) a.dispose();
  });

  it("a corrupted version-1 state or an unknown version → SerializationError", () => {
    const flipped = v1Bytes();
    flipped[40] = (flipped[40] as number) ^ 1;
    expect(() => FisherAccumulator.deserialize(flipped, { runtime: rt })).toThrow(/checksum mismatch/);
    const truncated = v1Bytes().subarray(0, 60);
    const future = v1Bytes();
    future[4] = 3;
    expect(() => FisherAccumulator.deserialize(future, { runtime: rt })).toThrow(/version 3/);
    for (const bytes of [flipped, truncated, future]) {
      expect(() => FisherAccumulator.deserialize(bytes, { runtime: rt })).toThrow(SerializationError);
    }
  });
});
