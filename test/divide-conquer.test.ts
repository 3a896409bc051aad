// The eigenvectors by divide and conquer on the matrices that are hard for it: eigenvalues equal
// to 1e-14 relative (Givens deflation), exactly repeated ones, Wilkinson matrices (pairs agreeing
// to many digits), glued Wilkinson matrices (clusters of them), a rank-deficient Fisher (a block
// of zero eigenvalues), diagonal and zero matrices (everything deflates), and dimensions on both
// sides of the leaf size and the SIMD tails. On every backend the residual ‖A V − V Λ‖₁ / ‖A‖₁
// and the orthogonality ‖VᵀV − I‖₁ must be at most 10·d·ε, and the values must be ascending and
// agree with the values-only path.
import { beforeAll, describe, expect, it } from "vitest";
import { packedIndex, packedLength } from "../src/base/packed-layout.js";
import { defaultRuntime as runtime } from "../src/engine/init.js";
import { secularRoot } from "../src/engine/secular-equation.js";
import { init } from "../src/index.js";
import { symmetricEigen, symmetricEigenvalues } from "../src/linalg/eigen.js";
import { LEAF_SIZE } from "../src/linalg/tridiagonal-divide-conquer.js";
import { BACKENDS } from "./helpers/backends.js";
import { expectClose } from "./helpers/compare.js";
import { normal, sample, uniform } from "./helpers/random.js";

const EPS = 2 ** -53;
const DIMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, LEAF_SIZE, LEAF_SIZE + 1, 64, 65, 129, 257];

/** Dense symmetric matrix from a function of (i, j), i ≤ j. */
function symmetric(d: number, entry: (i: number, j: number) => number): Float64Array {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = entry(i, j);
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
  }
  return a;
}

function packed(a: Float64Array, d: number): Float64Array {
  const ap = new Float64Array(packedLength(d));
  for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) ap[packedIndex(i, j)] = a[i * d + j] as number;
  return ap;
}

/** H diag(λ) H with H = I − 2 v vᵀ for a seeded unit v: a full matrix with the given spectrum. */
function withSpectrum(values: Float64Array, seed: number): Float64Array {
  const d = values.length;
  const v = sample(d, normal(seed));
  const norm = Math.hypot(...v);
  for (let i = 0; i < d; i++) v[i] = (v[i] as number) / norm;
  // H Λ H = Λ − 2 v (Λv)ᵀ − 2 (Λv) vᵀ + 4 (vᵀΛv) v vᵀ.
  const lv = values.map((l, i) => l * (v[i] as number));
  const vlv = lv.reduce((s, x, i) => s + x * (v[i] as number), 0);
  return symmetric(d, (i, j) => {
    const vi = v[i] as number;
    const vj = v[j] as number;
    const diag = i === j ? (values[i] as number) : 0;
    return diag - 2 * vi * (lv[j] as number) - 2 * (lv[i] as number) * vj + 4 * vlv * vi * vj;
  });
}

/** Wilkinson's W⁺ of odd order d: diagonal |i − (d−1)/2|, off-diagonal ones. */
const wilkinson = (d: number): Float64Array =>
  symmetric(d, (i, j) => (i === j ? Math.abs(i - (d - 1) / 2) : j === i + 1 ? 1 : 0));

/** `copies` Wilkinson W⁺₂₁ blocks along the diagonal, glued by off-diagonal `glue`. */
function gluedWilkinson(copies: number, glue: number): Float64Array {
  const w = 21;
  const d = copies * w;
  return symmetric(d, (i, j) => {
    if (i === j) return Math.abs((i % w) - (w - 1) / 2);
    if (j !== i + 1) return 0;
    return j % w === 0 ? glue : 1;
  });
}

/** A Fisher from fewer samples than parameters: rank ⌈d/4⌉, the rest of the spectrum zero. */
function rankDeficientFisher(d: number, seed: number): Float64Array {
  const n = Math.ceil(d / 4);
  const s = sample(n * d, normal(seed));
  return symmetric(d, (i, j) => {
    let sum = 0;
    for (let r = 0; r < n; r++) sum += (s[r * d + i] as number) * (s[r * d + j] as number);
    return sum / n;
  });
}

const norm1 = (m: Float64Array, d: number): number => {
  let best = 0;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < d; i++) sum += Math.abs(m[i * d + j] as number);
    best = Math.max(best, sum);
  }
  return best;
};

/** Decomposes a (dense, row-major) on the current backend and checks every bound. */
function expectAccurate(a: Float64Array, d: number, label: string): Float64Array {
  const { values, vectors } = symmetricEigen(runtime(), packed(a, d), d);
  for (let k = 1; k < d; k++) {
    if (!((values[k - 1] as number) <= (values[k] as number))) expect.fail(`${label}: values not ascending at ${k}`);
  }
  const residual = new Float64Array(d * d);
  const gram = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      let av = 0;
      let vv = 0;
      for (let j = 0; j < d; j++) {
        av += (a[i * d + j] as number) * (vectors[j * d + k] as number);
        vv += (vectors[j * d + i] as number) * (vectors[j * d + k] as number);
      }
      residual[i * d + k] = av - (vectors[i * d + k] as number) * (values[k] as number);
      gram[i * d + k] = vv - (i === k ? 1 : 0);
    }
  }
  const bound = 10 * d * EPS;
  const scale = norm1(a, d) || 1;
  const r = norm1(residual, d) / scale;
  const o = norm1(gram, d);
  if (!(r <= bound)) expect.fail(`${label}: ‖AV − VΛ‖₁/‖A‖₁ = ${r / (d * EPS)}·dε`);
  if (!(o <= bound)) expect.fail(`${label}: ‖VᵀV − I‖₁ = ${o / (d * EPS)}·dε`);
  const alone = symmetricEigenvalues(runtime(), packed(a, d), d);
  expectClose(values, alone, 1e-12, `${label}: eigh values vs eigenvalues()`, scale);
  return values;
}

describe.each(BACKENDS)("eigenvectors by divide and conquer on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each(DIMS)("d=%i: random, clustered to 1e-14, repeated, rank-deficient Fisher", (d) => {
    const next = uniform(d);
    expectAccurate(
      symmetric(d, () => 2 * next() - 1),
      d,
      `random d=${d}`,
    );
    // Two clusters whose members differ by 1e-14 relative: the merges deflate them by rotations.
    const clustered = Float64Array.from({ length: d }, (_, k) => (k % 2 === 0 ? 1 : 3) * (1 + 1e-14 * k));
    expectAccurate(withSpectrum(clustered, d + 1), d, `clustered d=${d}`);
    const repeated = Float64Array.from({ length: d }, (_, k) => [-1, 0, 2][k % 3] as number);
    const values = expectAccurate(withSpectrum(repeated, d + 2), d, `repeated d=${d}`);
    expectClose(values, repeated.slice().sort(), 1e-14 * d, `repeated d=${d} values`, 2);
    expectAccurate(rankDeficientFisher(d, d + 3), d, `rank-deficient Fisher d=${d}`);
  });

  it.each([21, 41, 101, 201])("Wilkinson W⁺ of order %i", (d) => {
    const values = expectAccurate(wilkinson(d), d, `W${d}`);
    // The top pair agrees to many digits; both must be found, each with its own vector.
    expect(Math.abs((values[d - 1] as number) - (values[d - 2] as number))).toBeLessThan(1e-6);
  });

  it.each([
    [3, 1e-14],
    [5, 1e-10],
    [12, 1e-14],
  ])("%i glued Wilkinson W⁺₂₁ blocks, glue %f", (copies, glue) => {
    expectAccurate(gluedWilkinson(copies, glue), 21 * copies, `glued ${copies}×W21 by ${glue}`);
  });

  it("diagonal, zero, 1×1 and 2×2 matrices, and a diagonal with ties past the leaf size", () => {
    const d = 3 * LEAF_SIZE;
    const diagonal = Float64Array.from({ length: d }, (_, k) => ((k * 37) % 11) - 5);
    const values = expectAccurate(
      symmetric(d, (i, j) => (i === j ? (diagonal[i] as number) : 0)),
      d,
      "diagonal",
    );
    expect(Array.from(values)).toEqual(Array.from(diagonal).sort((x, y) => x - y));
    expect(Array.from(expectAccurate(new Float64Array(d * d), d, "zero"))).toEqual(new Array(d).fill(0));
    expect(Array.from(expectAccurate(Float64Array.of(-2.5), 1, "1×1"))).toEqual([-2.5]);
    expectClose(expectAccurate(Float64Array.of(2, 1, 1, 2), 2, "2×2"), [1, 3], 1e-15, "2×2 values");
  });
});

/** Poles with ties to 1e-13, 1e-12 and spread ones, and their weights. */
const CLOSE_POLES = Float64Array.of(-1, 0, 1e-13, 2, 2 + 1e-12, 5);
const CLOSE_WEIGHTS = Float64Array.of(0.3, 0.5, 0.2, 0.6, 0.1, 0.5);

/** The secular equation's value at the differences δ of one root, and the sum of its terms' magnitudes. */
function secularResidual(z: Float64Array, rho: number, delta: ArrayLike<number>): { g: number; terms: number } {
  let g = 1 / rho;
  let terms = 1 / rho;
  for (let i = 0; i < z.length; i++) {
    g += (z[i] as number) ** 2 / (delta[i] as number);
    terms += Math.abs((z[i] as number) ** 2 / (delta[i] as number));
  }
  return { g, terms };
}

describe.each(BACKENDS)("the secular roots kernel on %s", (name) => {
  beforeAll(async () => {
    await init({ backend: name });
  });

  it.each([1, 2, 3, 5, 6, 17, 64])("k=%i: roots interlace, residuals at a few ulps, as the reference", (k) => {
    const next = uniform(7 * k + 1);
    const d = k === 6 ? CLOSE_POLES : Float64Array.from({ length: k }, (_, i) => i + 0.9 * next());
    const z = k === 6 ? CLOSE_WEIGHTS : Float64Array.from({ length: k }, () => 0.05 + next());
    const norm = Math.hypot(...z);
    if (k !== 6) for (let i = 0; i < k; i++) z[i] = (z[i] as number) / norm;
    const rho = 0.7;
    const rt = runtime();
    rt.scoped([k, k, k * k, k], (dPtr, zPtr, deltaPtr, rootsPtr) => {
      rt.write(dPtr as number, d);
      rt.write(zPtr as number, z);
      expect(
        rt.kernels.secularRoots(dPtr as number, zPtr as number, k, rho, deltaPtr as number, rootsPtr as number),
      ).toBe(0);
      const roots = rt.read(rootsPtr as number, k);
      const delta = rt.read(deltaPtr as number, k * k);
      const reference = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        const root = roots[j] as number;
        expect(root).toBeGreaterThan(d[j] as number);
        if (j < k - 1) expect(root).toBeLessThan(d[j + 1] as number);
        const { g, terms } = secularResidual(z, rho, delta.subarray(j * k, (j + 1) * k));
        expect(Math.abs(g)).toBeLessThan(20 * k * EPS * terms);
        expect(secularRoot(d, 0, z, 0, k, rho, j, reference, 0)).toBeCloseTo(root, 12);
      }
    });
  });
});

describe("secular equation roots", () => {
  it("interlace the poles and make every difference exact to a few ulps, even for poles 1e-13 apart", () => {
    const d = Float64Array.of(-1, 0, 1e-13, 2, 2 + 1e-12, 5);
    const z = Float64Array.of(0.3, 0.5, 0.2, 0.6, 0.1, 0.5);
    const rho = 0.7;
    const k = d.length;
    const delta = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const root = secularRoot(d, 0, z, 0, k, rho, j, delta, 0);
      expect(root).toBeGreaterThan(d[j] as number);
      if (j < k - 1) expect(root).toBeLessThan(d[j + 1] as number);
      // The residual of the secular equation at the differences returned, relative to its terms.
      let g = 1 / rho;
      let terms = 1 / rho;
      for (let i = 0; i < k; i++) {
        g += (z[i] as number) ** 2 / (delta[i] as number);
        terms += Math.abs((z[i] as number) ** 2 / (delta[i] as number));
      }
      expect(Math.abs(g)).toBeLessThan(20 * k * EPS * terms);
    }
  });
});
