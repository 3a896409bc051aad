// Per-sample derivatives of log p for a few standard models, written out from their
// formulas, plus a Newton fit and dense solves: the inputs of the information matrix test.

/** Per-sample scores (n × dim), dense Hessians (n × dim × dim) and the Jacobian of the summed indicators (q × dim). */
export interface ModelDerivatives {
  dim: number;
  scores: Float64Array;
  hessians: Float64Array;
  /** ∂(Σᵢ dᵢ)/∂θ, rows in the row-major upper pair order (0,0),(0,1),…. */
  indicatorJacobian: Float64Array;
}

/** The pairs (j, k), j ≤ k, in row-major upper order. */
export function upperPairs(dim: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let j = 0; j < dim; j++) for (let k = j; k < dim; k++) pairs.push([j, k]);
  return pairs;
}

/**
 * A model whose log-likelihood depends on θ through η = xᵀθ only, with
 * ∂ log p/∂η = a, ∂² log p/∂η² = −w and ∂³ log p/∂η³ = −w′ per sample:
 * s = a x, H = −w x xᵀ, and ∂(s_j s_k + H_jk)/∂θ_m = (−2 a w − w′) x_j x_k x_m.
 */
function singleIndexModel(
  X: number[][],
  derivatives: (i: number, eta: number) => { a: number; w: number; dw: number },
  beta: ArrayLike<number>,
): ModelDerivatives {
  const n = X.length;
  const dim = beta.length;
  const pairs = upperPairs(dim);
  const scores = new Float64Array(n * dim);
  const hessians = new Float64Array(n * dim * dim);
  const indicatorJacobian = new Float64Array(pairs.length * dim);
  for (let i = 0; i < n; i++) {
    const x = X[i] as number[];
    let eta = 0;
    for (let j = 0; j < dim; j++) eta += (x[j] as number) * (beta[j] as number);
    const { a, w, dw } = derivatives(i, eta);
    for (let j = 0; j < dim; j++) {
      scores[i * dim + j] = a * (x[j] as number);
      for (let k = 0; k < dim; k++) hessians[i * dim * dim + j * dim + k] = -w * (x[j] as number) * (x[k] as number);
    }
    pairs.forEach(([j, k], t) => {
      for (let m = 0; m < dim; m++) {
        indicatorJacobian[t * dim + m] =
          (indicatorJacobian[t * dim + m] as number) +
          (-2 * a * w - dw) * (x[j] as number) * (x[k] as number) * (x[m] as number);
      }
    });
  }
  return { dim, scores, hessians, indicatorJacobian };
}

const sigmoid = (eta: number): number => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));

/** Logistic regression, y ∈ {0, 1}. */
export function logitDerivatives(X: number[][], y: ArrayLike<number>, beta: ArrayLike<number>): ModelDerivatives {
  return singleIndexModel(
    X,
    (i, eta) => {
      const p = sigmoid(eta);
      const w = p * (1 - p);
      return { a: (y[i] as number) - p, w, dw: w * (1 - 2 * p) };
    },
    beta,
  );
}

/** Poisson regression with log link. */
export function poissonDerivatives(X: number[][], y: ArrayLike<number>, beta: ArrayLike<number>): ModelDerivatives {
  return singleIndexModel(
    X,
    (i, eta) => {
      const mu = Math.exp(eta);
      return { a: (y[i] as number) - mu, w: mu, dw: mu };
    },
    beta,
  );
}

/** Gaussian linear model with the variance σ² fixed (not a parameter). */
export function gaussianDerivatives(
  X: number[][],
  y: ArrayLike<number>,
  beta: ArrayLike<number>,
  sigma2: number,
): ModelDerivatives {
  return singleIndexModel(X, (i, eta) => ({ a: ((y[i] as number) - eta) / sigma2, w: 1 / sigma2, dw: 0 }), beta);
}

/**
 * Multinomial logit with K classes, class 0 the reference, class-major parameters:
 * θ[(c − 1)·p + j] is the coefficient of regressor j for class c = 1..K−1; y holds labels 0..K−1.
 */
export function multinomialDerivatives(
  X: number[][],
  y: ArrayLike<number>,
  theta: ArrayLike<number>,
  K: number,
): ModelDerivatives {
  const n = X.length;
  const p = (X[0] as number[]).length;
  const dim = (K - 1) * p;
  const pairs = upperPairs(dim);
  const scores = new Float64Array(n * dim);
  const hessians = new Float64Array(n * dim * dim);
  const indicatorJacobian = new Float64Array(pairs.length * dim);
  const cls = (a: number): number => Math.floor(a / p) + 1;
  const reg = (a: number): number => a % p;
  const delta = (a: number, b: number): number => (a === b ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const x = X[i] as number[];
    const eta = [0];
    for (let c = 1; c < K; c++) {
      let e = 0;
      for (let j = 0; j < p; j++) e += (x[j] as number) * (theta[(c - 1) * p + j] as number);
      eta.push(e);
    }
    const top = Math.max(...eta);
    const exps = eta.map((e) => Math.exp(e - top));
    const total = exps.reduce((u, v) => u + v, 0);
    const prob = exps.map((e) => e / total);
    const pr = (c: number): number => prob[c] as number;
    const label = y[i] as number;
    const s = new Float64Array(dim);
    for (let a = 0; a < dim; a++) s[a] = (delta(label, cls(a)) - pr(cls(a))) * (x[reg(a)] as number);
    const h = (a: number, b: number): number =>
      -pr(cls(a)) * (delta(cls(a), cls(b)) - pr(cls(b))) * (x[reg(a)] as number) * (x[reg(b)] as number);
    // ∂H_ab/∂θ_f with ∂p_c/∂θ_(e,l) = p_c (δ_ce − p_e) x_l.
    const third = (a: number, b: number, f: number): number => {
      const c = cls(a);
      const c2 = cls(b);
      const e = cls(f);
      const dpc = pr(c) * (delta(c, e) - pr(e));
      const dpc2 = pr(c2) * (delta(c2, e) - pr(e));
      return (
        -(dpc * (delta(c, c2) - pr(c2)) - pr(c) * dpc2) *
        (x[reg(a)] as number) *
        (x[reg(b)] as number) *
        (x[reg(f)] as number)
      );
    };
    for (let a = 0; a < dim; a++) {
      scores[i * dim + a] = s[a] as number;
      for (let b = 0; b < dim; b++) hessians[i * dim * dim + a * dim + b] = h(a, b);
    }
    pairs.forEach(([a, b], t) => {
      for (let f = 0; f < dim; f++) {
        const value = h(a, f) * (s[b] as number) + (s[a] as number) * h(b, f) + third(a, b, f);
        indicatorJacobian[t * dim + f] = (indicatorJacobian[t * dim + f] as number) + value;
      }
    });
  }
  return { dim, scores, hessians, indicatorJacobian };
}

/** Solves the dense row-major system A x = b by Gaussian elimination with partial pivoting. */
export function denseSolve(A: Float64Array, b: Float64Array, size: number): Float64Array {
  const a = A.slice();
  const x = b.slice();
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) {
      if (Math.abs(a[r * size + col] as number) > Math.abs(a[pivot * size + col] as number)) pivot = r;
    }
    if (pivot !== col) {
      for (let c = 0; c < size; c++) {
        const t = a[col * size + c] as number;
        a[col * size + c] = a[pivot * size + c] as number;
        a[pivot * size + c] = t;
      }
      const t = x[col] as number;
      x[col] = x[pivot] as number;
      x[pivot] = t;
    }
    for (let r = col + 1; r < size; r++) {
      const factor = (a[r * size + col] as number) / (a[col * size + col] as number);
      for (let c = col; c < size; c++)
        a[r * size + c] = (a[r * size + c] as number) - factor * (a[col * size + c] as number);
      x[r] = (x[r] as number) - factor * (x[col] as number);
    }
  }
  for (let r = size - 1; r >= 0; r--) {
    let v = x[r] as number;
    for (let c = r + 1; c < size; c++) v -= (a[r * size + c] as number) * (x[c] as number);
    x[r] = v / (a[r * size + r] as number);
  }
  return x;
}

/** Maximum-likelihood fit by Newton's method for a model given by its derivatives at θ. */
export function newtonFit(derivatives: (theta: Float64Array) => ModelDerivatives, dim: number): Float64Array {
  let theta = new Float64Array(dim);
  for (let iteration = 0; iteration < 100; iteration++) {
    const { scores, hessians } = derivatives(theta);
    const n = scores.length / dim;
    const gradient = new Float64Array(dim);
    const negativeHessian = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        gradient[j] = (gradient[j] as number) + (scores[i * dim + j] as number);
        for (let k = 0; k < dim; k++) {
          negativeHessian[j * dim + k] =
            (negativeHessian[j * dim + k] as number) - (hessians[i * dim * dim + j * dim + k] as number);
        }
      }
    }
    const step = denseSolve(negativeHessian, gradient, dim);
    theta = theta.map((v, j) => v + (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-13 * (1 + Math.max(...theta.map(Math.abs)))) break;
  }
  return theta;
}
