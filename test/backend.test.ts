// Backend selection. This file starts with no backend initialised.
import { describe, expect, it } from "vitest";
import { availableBackends, backend, empiricalFisher, FisherAccumulator, init } from "../src/index.js";

describe("backend selection", () => {
  it("refuses to compute before init()", () => {
    expect(() => backend()).toThrow("fisher-wasm is not initialised: call `await init()` first.");
    expect(() => new FisherAccumulator(2)).toThrow(/call `await init\(\)` first/);
    expect(() => empiricalFisher(new Float64Array(2), 2)).toThrow(/not initialised/);
  });

  it("picks the SIMD build where the engine validates it (Node 20 does)", async () => {
    // Node 20 runs relaxed SIMD behind a flag, which vitest.config.ts passes to the test workers.
    expect(availableBackends()).toEqual(["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"]);
    expect(await init()).toBe("wasm-relaxed-simd");
    expect(backend()).toBe("wasm-relaxed-simd");
  });

  it("forces a backend, and says which is active", async () => {
    for (const name of ["js", "wasm-scalar", "wasm-simd", "wasm-relaxed-simd"] as const) {
      expect(await init({ backend: name })).toBe(name);
      expect(backend()).toBe(name);
      expect(new FisherAccumulator(2).backend).toBe(name);
    }
  });

  it("rejects an unknown backend name", async () => {
    await expect(init({ backend: "webgpu" as "js" })).rejects.toThrow(RangeError);
    await expect(init({ backend: "webgpu" as "js" })).rejects.toThrow(/received "webgpu"/);
    await expect(init("simd" as unknown as object)).rejects.toThrow(TypeError);
  });
});
