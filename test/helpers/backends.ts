// Every test that computes runs on every backend.
import type { BackendName } from "../../src/index.js";

export const BACKENDS: BackendName[] = ["wasm-simd", "wasm-scalar", "js"];
