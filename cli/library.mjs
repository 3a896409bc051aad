// The library itself, from the bundle built next to this folder (dist/ ships with the package).
import { oneOf } from "./args.mjs";

export const BACKEND_OPTION = { type: "string", parse: oneOf(["wasm-relaxed-simd", "wasm-simd", "wasm-scalar", "js"]) };

/** Imports the bundle and initialises it (the fastest backend unless one is named); returns { lib, backend }. */
export async function loadLibrary(backend) {
  let lib;
  try {
    lib = await import("../dist/index.mjs");
  } catch (err) {
    if (err?.code === "ERR_MODULE_NOT_FOUND") throw new Error("dist/index.mjs is missing: run `npm run build` first");
    throw err;
  }
  const name = await lib.init(backend === undefined ? undefined : { backend });
  return { lib, backend: name };
}
