// Decodes the embedded builds, picks the best one the engine validates, and
// instantiates it. Compilation is asynchronous; everything after it is synchronous.
import type { Kernels, LinearMemory } from "../kernels.js";
import { RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "./binaries.generated.js";

export type WasmBuild = "wasm-relaxed-simd" | "wasm-simd" | "wasm-scalar";

const BASE64: Record<WasmBuild, string> = {
  "wasm-relaxed-simd": RELAXED_WASM_BASE64,
  "wasm-simd": SIMD_WASM_BASE64,
  "wasm-scalar": SCALAR_WASM_BASE64,
};

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function hasWebAssembly(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function";
}

const bytesCache = new Map<WasmBuild, Uint8Array<ArrayBuffer>>();

function buildBytes(build: WasmBuild): Uint8Array<ArrayBuffer> {
  let bytes = bytesCache.get(build);
  if (!bytes) {
    bytes = decodeBase64(BASE64[build]);
    bytesCache.set(build, bytes);
  }
  return bytes;
}

/** Whether this engine can run the given build. */
export function canRun(build: WasmBuild): boolean {
  return hasWebAssembly() && WebAssembly.validate(buildBytes(build));
}

export interface WasmInstance {
  kernels: Kernels;
  memory: LinearMemory;
}

export async function instantiate(build: WasmBuild): Promise<WasmInstance> {
  const { instance } = await WebAssembly.instantiate(buildBytes(build), {});
  const exports = instance.exports as unknown as Kernels & { memory: WebAssembly.Memory };
  return { kernels: exports, memory: exports.memory };
}
