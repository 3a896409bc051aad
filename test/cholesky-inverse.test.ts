// The packed inverse from a Cholesky factor, blocked (choleskyInverse) and unblocked
// (choleskyInverseUnblocked), on every backend: its backward error against the dense matrix,
// agreement with the unblocked algorithm and the plain-TypeScript backend, and no write
// outside the packed array or the work area, at sizes that hit every SIMD tail and every
// block boundary of the kernels (64-column blocks, 32-row and 128-column product blocks).
import { beforeAll, describe, expect, it } from "vitest";
import { packedLength } from "../src/base/packed-layout.js";
import { createRuntime, defaultRuntime as runtime } from "../src/engine/init.js";
import type { Runtime } from "../src/engine/runtime.js";
import { init, SymmetricMatrix } from "../src/index.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { guarded } from "./helpers/guarded.js";
import { randomSpd } from "./helpers/reference.js";

const DIMS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 127, 128, 129, 191, 192, 193, 257, 300,
];
const EPSILON = 2 ** -52;

/** The factor U of A, packed, computed in `rt`. */
function factorOf(dense: Float64Array, d: number, rt: Runtime): Float64Array {
  return SymmetricMatrix.fromDense(dense, d, { runtime: rt }).cholesky().packed;
}

/** The packed inverse from the packed factor u by the plain-TypeScript backend. */
function plainInverse(js: Runtime, u: Float64Array, d: number): Float64Array {
  return js.scoped([u.length], (a) => {
    js.write(a, u);
    js.kernels.choleskyInverseUnblocked(a, d);
    return js.read(a, u.length);
  });
}

/** The packed inverse from the packed factor u by the blocked or the unblocked kernel of the default runtime, with guards around u and the work area. */
function inverseOf(rt: Runtime, u: Float64Array, d: number, blocked: boolean): Float64Array {
  const k = rt.kernels;
  const p = packedLength(d);
  const a = guarded(p);
  const workLength = Math.ceil(k.choleskyInverseWorkBytes(d) / 8);
  const work = guarded(workLength);
  try {
    rt.write(a.ptr, u);
    if (blocked) k.choleskyInverse(a.ptr, d, work.ptr);
    else k.choleskyInverseUnblocked(a.ptr, d);
    expect(a.guardsIntact(), `d=${d}: writes outside the packed array`).toBe(true);
    expect(work.guardsIntact(), `d=${d}: writes outside the work area of ${workLength} f64`).toBe(true);
    return rt.read(a.ptr, p);
  } finally {
    a.release();
    work.release();
  }
}

/** ‖A X − I‖_F / (‖A‖_F ‖X‖_F) for dense A and packed symmetric X. */
function backwardError(dense: Float64Array, inverse: Float64Array, d: number): number {
  const x = SymmetricMatrix.fromPacked(inverse, d).toDense();
  let residual = 0;
  let normA = 0;
  let normX = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (dense[i * d + t] as number) * (x[t * d + j] as number);
      residual += (s - (i === j ? 1 : 0)) ** 2;
      normA += (dense[i * d + j] as number) ** 2;
      normX += (x[i * d + j] as number) ** 2;
    }
  }
  return Math.sqrt(residual) / Math.sqrt(normA * normX);
}

describe.each(BACKENDS)("Cholesky inverse on %s", (name) => {
  let js: Runtime;
  beforeAll(async () => {
    await init({ backend: name });
    js = await createRuntime({ backend: "js" });
  });

  it.each(DIMS)("d=%i: backward error <= d·ε, blocked = unblocked = plain TypeScript, no write outside", (d) => {
    const rt = runtime();
    const dense = randomSpd(d, 1000 + d);
    const u = factorOf(dense, d, rt);
    const blocked = inverseOf(rt, u, d, true);
    const unblocked = inverseOf(rt, u, d, false);
    expect(backwardError(dense, blocked, d), "blocked").toBeLessThanOrEqual(d * EPSILON);
    expect(backwardError(dense, unblocked, d), "unblocked").toBeLessThanOrEqual(d * EPSILON);
    // A's condition number is below 100 here: the two algorithms agree to a few hundred ε.
    expectClose(blocked, unblocked, 1e-13, "blocked vs unblocked");
    expectClose(blocked, plainInverse(js, u, d), 1e-13, "blocked vs plain TypeScript");
  });

  it("inverse() of an ill-conditioned matrix (condition 1e10): backward error as the unblocked algorithm's", () => {
    const rt = runtime();
    const d = 129;
    // Q diag(λ) Qᵀ with λ from 1 to 1e-10, Q from the eigenvectors of a random SPD matrix.
    const { vectors } = SymmetricMatrix.fromDense(randomSpd(d, 5), d, { runtime: rt }).eigh();
    const dense = new Float64Array(d * d);
    for (let t = 0; t < d; t++) {
      const lambda = 10 ** (-10 * (t / (d - 1)));
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++)
          dense[i * d + j] =
            (dense[i * d + j] as number) + lambda * (vectors[i * d + t] as number) * (vectors[j * d + t] as number);
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) dense[j * d + i] = dense[i * d + j] as number;
    const u = factorOf(dense, d, rt);
    const blocked = backwardError(dense, inverseOf(rt, u, d, true), d);
    const unblocked = backwardError(dense, inverseOf(rt, u, d, false), d);
    expect(blocked).toBeLessThanOrEqual(Math.max(4 * unblocked, d * EPSILON));
  });
});
