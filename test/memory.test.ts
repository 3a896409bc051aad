// Memory: disposed accumulators are reused, and batches stream through a fixed
// staging area instead of being copied whole into the backend's memory.
import { beforeAll, describe, expect, it } from "vitest";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import { FisherAccumulator, init } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { normal, sample } from "./helpers/random.js";

describe.each(BACKENDS)("memory on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it("creates and disposes 2000 accumulators of dim 1000 (4 MB each) without running out", () => {
    const row = sample(1000, normal(1));
    for (let k = 0; k < 2000; k++) {
      const acc = new FisherAccumulator(1000);
      if (k % 500 === 0) acc.add(row);
      acc.dispose();
    }
    // 2000 × 4 MB would be 8 GB, twice what 32-bit memory can hold, had nothing been reused.
    expect(runtime().memory.buffer.byteLength).toBeLessThan(64 * 2 ** 20);
  });

  it("adds a 200000 × 32 batch (51 MB) with O(chunk·d + d²) memory", () => {
    const d = 32;
    const acc = new FisherAccumulator(d).add(sample(300 * d, normal(2)));
    const before = runtime().memory.buffer.byteLength;
    const batch = sample(200_000 * d, normal(3));
    acc.add(batch);
    const grown = runtime().memory.buffer.byteLength - before;
    expect(grown).toBeLessThan(1 << 20);
    expect(acc.count).toBe(200_300);
    acc.dispose();
  });
});
