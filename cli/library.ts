// The library, by its package name: the bundled tool sits in dist/ next to the library's
// own bundle and imports it from there, as any user of the package would.
import { type BackendName, init } from "fisher-wasm";
import { oneOf } from "./args.js";

export const BACKEND_OPTION = {
  type: "string",
  parse: oneOf<BackendName>(["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"]),
} as const;

/** Initialises the library (the fastest backend unless one is named); resolves to the backend's name. */
export function initLibrary(backend: BackendName | undefined): Promise<BackendName> {
  return init(backend === undefined ? undefined : { backend });
}
