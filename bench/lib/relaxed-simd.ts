// Node 20 runs the relaxed-SIMD build only behind a V8 flag, which later Nodes no longer
// need (and a future V8 may drop, as it dropped --experimental-wasm-simd). So the benchmarks
// pass it only where it is needed, by running themselves again with it.
import { spawnSync } from "node:child_process";

const FLAG = "--experimental-wasm-relaxed-simd";
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/**
 * On Node < 22 without the flag, runs this script again in a child Node with the flag and
 * the same loader, arguments and environment, then exits with its status; otherwise returns.
 */
export function ensureRelaxedSimd(): void {
  if (NODE_MAJOR >= 22 || process.execArgv.includes(FLAG)) return;
  const child = spawnSync(process.execPath, [FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}
