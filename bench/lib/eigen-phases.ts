// Where eigh's time goes: the three phases of the eigen-decomposition timed one by one on the
// library's own internals (the same calls symmetricEigen makes, in the same order), and the
// previous algorithm (explicit basis rotated by QL) as a named variant. These reach into src/
// because the published API has one eigh and no phase hooks.
import type { BackendName } from "../../src/engine/init.js";
import { createRuntime } from "../../src/engine/init.js";
import type { Runtime } from "../../src/engine/runtime.js";
import { symmetricEigenByQL, withPackedTridiagonal, withTridiagonal } from "../../src/linalg/eigen.js";
import { applyReflectors, backTransformLengths } from "../../src/linalg/householder-back-transform.js";
import { divideConquerLengths, tridiagonalDivideConquer } from "../../src/linalg/tridiagonal-divide-conquer.js";

export interface EigenPhases {
  /** Householder reduction to tridiagonal form in panels (unpacking the copy included), ms. */
  reduction: number;
  /** The previous reduction, packed and one column at a time (packed copy in included), ms. */
  packedReduction: number;
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
  const split = divideConquerLengths(d);
  rt.scoped([...split, ...backTransformLengths(d)], (...regions) => {
    for (let r = 0; r < repeats; r++) {
      const t = { start: performance.now(), reduced: 0, conquered: 0, end: 0 };
      withTridiagonal(rt, packed, d, (rt, reduced) => {
        t.reduced = performance.now();
        const diag = rt.read(reduced.diag, d);
        const offdiag = rt.read(reduced.offdiag, d - 1);
        tridiagonalDivideConquer(rt, diag, offdiag, d, regions);
        t.conquered = performance.now();
        const [rows, columns] = regions as [number, number];
        rt.kernels.transposeBlock(columns, rows, d, d, d);
        applyReflectors(rt, reduced.a, rt.read(reduced.tau, d - 1), d, columns, regions.slice(split.length));
        t.end = performance.now();
      });
      const packedStart = performance.now();
      withPackedTridiagonal(rt, packed, d, 0, () => undefined);
      times.push({
        reduction: t.reduced - t.start,
        packedReduction: performance.now() - packedStart,
        divideConquer: t.conquered - t.reduced,
        backTransform: t.end - t.conquered,
      });
    }
  });
  return {
    reduction: median(times.map((t) => t.reduction)),
    packedReduction: median(times.map((t) => t.packedReduction)),
    divideConquer: median(times.map((t) => t.divideConquer)),
    backTransform: median(times.map((t) => t.backTransform)),
  };
}

/** The previous eigh (explicit basis Q rotated by QL), ascending values, for the named variant. */
export function eighByQL(rt: Runtime, packed: Float64Array, d: number): () => Float64Array {
  return () => symmetricEigenByQL(rt, packed, d).values;
}
