// Regions fenced by sentinels, to prove a kernel writes nothing outside its output.
import { defaultRuntime as runtime } from "../../src/engine/init.js";

const GUARD = 8;
const SENTINEL = -12345.678;

/** Allocates n f64 between two guard zones of sentinels; returns the pointer and a check. */
export function guarded(n: number) {
  const rt = runtime();
  const base = rt.alloc(n + 2 * GUARD);
  const ptr = base + GUARD * 8;
  rt.f64().fill(SENTINEL, base / 8, ptr / 8);
  rt.f64().fill(SENTINEL, ptr / 8 + n, ptr / 8 + n + GUARD);
  const guardsIntact = (): boolean => {
    const m = rt.f64();
    for (let k = 0; k < GUARD; k++) {
      if (m[base / 8 + k] !== SENTINEL || m[ptr / 8 + n + k] !== SENTINEL) return false;
    }
    return true;
  };
  return { ptr, guardsIntact, release: () => rt.free(base) };
}
