// Where eigh's time goes: the three phases of the eigen-decomposition timed one by one on the
// library's own internals (the same calls symmetricEigen makes, in the same order), and the
// previous algorithm (explicit basis rotated by QL) as a named variant. These reach into src/
// because the published API has one eigh and no phase hooks.
import type { BackendName } from "../../src/engine/init.js";
import { createRuntime } from "../../src/engine/init.js";
import type { Runtime } from "../../src/engine/runtime.js";
import { symmetricEigenByQL } from "../../src/linalg/eigen.js";
import { applyReflectors, backTransformLengths } from "../../src/linalg/householder-back-transform.js";
import { divideConquerLengths, tridiagonalDivideConquer } from "../../src/linalg/tridiagonal-divide-conquer.js";

export interface EigenPhases {
  /** Householder reduction to tridiagonal form (packed copy in included), ms. */
  reduction: number;
  /** Divide and conquer on the tridiagonal matrix, ms. */
  divideConquer: number;
  /** Transpose and blocked application of the reflectors, ms. */
  backTransform: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** One runtime of the source tree per backend, made on first use. */
const runtimes = new Map<BackendName, Promise<Runtime>>();
export function sourceRuntime(name: BackendName): Promise<Runtime> {
  let rt = runtimes.get(name);
  if (!rt) {
    rt = createRuntime({ backend: name });
    runtimes.set(name, rt);
  }
  return rt;
}

/** Median milliseconds of each phase over `repeats` runs on the packed matrix. */
export function eigenPhases(rt: Runtime, packed: Float64Array, d: number, repeats: number): EigenPhases {
  const times: EigenPhases[] = [];
  const n = packed.length;
  const lengths = [n, d, d, d, 2 * d + 2, ...divideConquerLengths(d), ...backTransformLengths(d)];
  rt.scoped(lengths, (ap, diagPtr, offPtr, tauPtr, work, ...regions) => {
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      rt.write(ap as number, packed);
      rt.kernels.tridiagonalize(ap as number, d, diagPtr as number, offPtr as number, tauPtr as number, work as number);
      const t1 = performance.now();
      const diag = rt.read(diagPtr as number, d);
      const offdiag = rt.read(offPtr as number, d - 1);
      tridiagonalDivideConquer(rt, diag, offdiag, d, regions);
      const t2 = performance.now();
      const [rows, columns] = regions as [number, number];
      rt.kernels.transposeBlock(columns, rows, d, d, d);
      applyReflectors(
        rt,
        rt.read(ap as number, n),
        rt.read(tauPtr as number, d - 1),
        d,
        columns,
        regions.slice(divideConquerLengths(d).length),
      );
      const t3 = performance.now();
      times.push({ reduction: t1 - t0, divideConquer: t2 - t1, backTransform: t3 - t2 });
    }
  });
  return {
    reduction: median(times.map((t) => t.reduction)),
    divideConquer: median(times.map((t) => t.divideConquer)),
    backTransform: median(times.map((t) => t.backTransform)),
  };
}

/** The previous eigh (explicit basis Q rotated by QL), ascending values, for the named variant. */
export function eighByQL(rt: Runtime, packed: Float64Array, d: number): () => Float64Array {
  return () => symmetricEigenByQL(rt, packed, d).values;
}
