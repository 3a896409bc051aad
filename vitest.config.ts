import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Node 20 runs relaxed SIMD (the fused multiply-add build) only behind this flag; Node 22 and
    // later ship it and refuse the flag as a bad option.
    execArgv: Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [],
    hookTimeout: 60_000,
    // The JSON report lets CI print a one-line summary of what ran.
    reporters: ["default", "json"],
    outputFile: { json: "test/artifacts/vitest.json" },
  },
});
