// Engines without WebAssembly (and without Node's Buffer) fall back to the
// plain-TypeScript backend with the same results.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { backend, empiricalFisher, init } from "../src/index.js";

describe("without WebAssembly", () => {
  beforeAll(() => {
    vi.stubGlobal("WebAssembly", undefined);
    vi.stubGlobal("Buffer", undefined);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  it("init() falls back to the js backend and computes", async () => {
    expect(await init()).toBe("js");
    expect(backend()).toBe("js");
    const F = empiricalFisher(new Float64Array([1, 2, 3, 4]), 2);
    expect(Array.from(F.packed)).toEqual([5, 7, 10]);
  });

  it("a forced wasm backend says it is unavailable", async () => {
    await expect(init({ backend: "wasm-simd" })).rejects.toThrow(
      "Backend wasm-simd is not available in this engine; available: js.",
    );
  });
});
