// Decodes the embedded builds, picks the best one the engine validates, and
// instantiates it. Compilation is asynchronous; everything after it is synchronous.
import { MAX_PAGES } from "../../base/memory-limits.js";
import type { Kernels, LinearMemory } from "../kernels.js";
import type { ThreadKernels } from "../thread-kernels.js";
import {
  RELAXED_THREADS_WASM_BASE64,
  RELAXED_WASM_BASE64,
  SCALAR_WASM_BASE64,
  SIMD_THREADS_WASM_BASE64,
  SIMD_WASM_BASE64,
} from "./binaries.generated.js";

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

const bytesCache = new Map<string, Uint8Array<ArrayBuffer>>();

/** The shared-memory builds (imported shared memory, the same kernels) of the SIMD backends. */
export type SharedBuild = "wasm-relaxed-simd-threads" | "wasm-simd-threads";

const SHARED_BASE64: Record<SharedBuild, string> = {
  "wasm-relaxed-simd-threads": RELAXED_THREADS_WASM_BASE64,
  "wasm-simd-threads": SIMD_THREADS_WASM_BASE64,
};

/** The shared-memory build of a backend, if it has one (the scalar build has none). */
export function sharedBuildOf(build: WasmBuild): SharedBuild | undefined {
  if (build === "wasm-relaxed-simd") return "wasm-relaxed-simd-threads";
  if (build === "wasm-simd") return "wasm-simd-threads";
  return undefined;
}

function buildBytes(build: WasmBuild | SharedBuild): Uint8Array<ArrayBuffer> {
  let bytes = bytesCache.get(build);
  if (!bytes) {
    bytes = decodeBase64(build in BASE64 ? BASE64[build as WasmBuild] : SHARED_BASE64[build as SharedBuild]);
    bytesCache.set(build, bytes);
  }
  return bytes;
}

/** Whether this engine can run the given build. */
export function canRun(build: WasmBuild | SharedBuild): boolean {
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

/** A shared-memory instance: the compiled module (for the workers), its memory and kernels. */
export interface SharedInstance {
  kernels: Kernels & ThreadKernels;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
}

/** Pages of the shared memory at first (the build's declared minimum); it grows up to MAX_PAGES. */
const SHARED_INITIAL_PAGES = 2;

/** Compiles the shared-memory build and instantiates it on a new shared memory. */
export async function instantiateShared(build: SharedBuild): Promise<SharedInstance> {
  const module = await WebAssembly.compile(buildBytes(build));
  const memory = new WebAssembly.Memory({
    initial: SHARED_INITIAL_PAGES,
    maximum: MAX_PAGES,
    shared: true,
  });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { kernels: instance.exports as unknown as Kernels & ThreadKernels, memory, module };
}
