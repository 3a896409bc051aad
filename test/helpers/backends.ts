// Every test that computes runs on every backend.
import type { BackendName } from "../../src/index.js";

// Node 22 and later ship relaxed SIMD; vitest.config.ts gives Node 20 the flag that enables it in
// the test workers, so all four run on every supported Node.
export const BACKENDS: BackendName[] = ["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"];

/** The major version of the Node running the tests. */
export const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/**
 * The backend `init()` picks in a child `node` started without flags, as a user runs the command-line
 * tool: the fused multiply-add build where the engine ships relaxed SIMD (Node 22 and later), the plain
 * 128-bit SIMD build on Node 20, which has relaxed SIMD only behind a flag.
 */
export const CHILD_BACKEND: BackendName = NODE_MAJOR >= 22 ? "wasm-relaxed-simd" : "wasm-simd";
