// Logistic regression pieces: P(y = 1 | x) = σ(xᵀβ), with X row-major (rows × d).

/** log σ(t), computed without overflow. */
function logSigmoid(t) {
  return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
}

/** Linear predictors η = X β. */
export function linearPredictor(x, d, beta) {
  const n = x.length / d;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * beta[j];
    eta[i] = s;
  }
  return eta;
}

/** Fitted probabilities p = σ(X β). */
export function probabilities(x, d, beta) {
  return linearPredictor(x, d, beta).map((t) => 1 / (1 + Math.exp(-t)));
}

/** Σ y log p + (1 − y) log(1 − p). */
export function logLikelihood(x, d, y, beta) {
  const eta = linearPredictor(x, d, beta);
  let sum = 0;
  for (let i = 0; i < eta.length; i++) sum += y[i] * logSigmoid(eta[i]) + (1 - y[i]) * logSigmoid(-eta[i]);
  return sum;
}

/** Per-sample scores s_i = (y_i − p_i) x_i, row-major (rows × d). */
export function scoreRows(x, d, y, beta) {
  const p = probabilities(x, d, beta);
  const s = new Float64Array(x.length);
  for (let i = 0; i < p.length; i++) {
    const r = y[i] - p[i];
    for (let j = 0; j < d; j++) s[i * d + j] = r * x[i * d + j];
  }
  return s;
}

/** Column sums of a row-major (rows × d) matrix. */
export function columnSums(m, d) {
  const out = new Float64Array(d);
  for (let k = 0; k < m.length; k++) out[k % d] += m[k];
  return out;
}
