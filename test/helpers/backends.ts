// Every test that computes runs on every backend.
import type { BackendName } from "../../src/index.js";

// vitest.config.ts gives Node 20 the flag that enables relaxed SIMD, so all four run.
export const BACKENDS: BackendName[] = ["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"];
