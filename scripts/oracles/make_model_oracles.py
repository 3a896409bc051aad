#!/usr/bin/env python3
"""Reference values ("oracles") for model curvature, computed with statsmodels, numpy and scipy.

Writes, into test/fixtures/models/:
  gaussian_statecrime.json   Gaussian linear model, sigma^2 fixed at its ML value
  multinomial_anes96.json    multinomial logit, class-major parameter order
  im_test.json               information matrix test (OPG and White forms), four models
  chi_square.json            chi-square survival function values

Usage (from the repository root):  python3 scripts/oracles/make_model_oracles.py

Deterministic: real datasets shipped with statsmodels, no random numbers, no network.
Every quantity that statsmodels provides is recomputed with numpy and the two are asserted to
agree; analytic derivatives are asserted against central finite differences.
"""

import json
import math
import os
import platform
import sys

import numpy as np
import scipy
import scipy.stats
import statsmodels
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import Logit, MNLogit

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "models")
SPECTOR = os.path.join(ROOT, "test", "fixtures", "logit_spector.json")
GENERATOR = "scripts/oracles/make_model_oracles.py"

META = {
    "generator": GENERATOR,
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "float_format": "Python repr (shortest round-trip decimal of the float64)",
    "matrix_layout": "nested lists, row-major (list of rows)",
}

CHECKS = []  # (label, value) pairs printed at the end
FD_REL = {}  # IM test: analytic indicator Jacobian vs finite differences, per model
INV_REL = {}  # IM test: statistics with standardised regressors vs original, per model


# ----------------------------------------------------------------------------------------------
# helpers


def py(x):
    """numpy -> plain Python (floats stay float64, so json.dumps writes shortest round-trip)."""
    if isinstance(x, np.ndarray):
        return [py(v) for v in x] if x.ndim > 1 else [float(v) for v in x]
    if isinstance(x, dict):
        return {k: py(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [py(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def rel(a, b, scale=None):
    """max-abs difference over max-abs reference (or over the given scale)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if scale is None:
        scale = np.max(np.abs(b))
    d = np.max(np.abs(a - b))
    return float(d / scale) if scale > 0 else float(d)


def check(label, a, b, tol, scale=None):
    r = rel(a, b, scale)
    CHECKS.append((label, r))
    assert r <= tol, f"{label}: relative difference {r:.3e} > {tol:.1e}"
    return r


def score_scale(S):
    """scale for comparing a score sum that may be ~0 (at the MLE): max_j sum_i |s_ij|."""
    return float(np.max(np.abs(S).sum(axis=0)))


def fd_grad(f, theta, h_rel=1e-5):
    """central differences of a (vector-valued) function; returns array with last axis = param."""
    theta = np.asarray(theta, dtype=float)
    cols = []
    for m in range(theta.size):
        h = h_rel * max(1.0, abs(theta[m]))
        tp = theta.copy()
        tm = theta.copy()
        tp[m] += h
        tm[m] -= h
        cols.append((np.asarray(f(tp)) - np.asarray(f(tm))) / (tp[m] - tm[m]))
    return np.stack(cols, axis=-1)


def write(name, obj):
    path = os.path.join(OUT, name)
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.write("\n")
    print(f"wrote test/fixtures/models/{name} ({len(text) + 1} bytes)")


def common_blocks(S, H, F_exp):
    """the quantities that every model block shares (same names as the top-level fixtures)."""
    n = S.shape[0]
    g = S.sum(axis=0)
    opg = S.T @ S
    Sc = S - S.mean(axis=0)
    Hinv = np.linalg.inv(H)
    return {
        "score_sum": g,
        "score_mean": g / n,
        "opg_sum": opg,
        "fisher_emp_mean": opg / n,
        "score_cov_centered_mean": Sc.T @ Sc / n,
        "score_cov_centered_ddof1": np.cov(S, rowvar=False),
        "hessian_sum": H,
        "neg_hessian_mean": -H / n,
        "fisher_expected_sum": F_exp,
        "fisher_expected_mean": F_exp / n,
        "inv_neg_hessian_sum": np.linalg.inv(-H),
        "sandwich_sum": Hinv @ opg @ Hinv,
    }


def vech_pairs(P):
    return [(j, k) for j in range(P) for k in range(j, P)]


def covariance_block(cov, hc0):
    """The at-MLE covariances and standard errors, model-based and HC0."""
    return {
        "cov_nonrobust": cov,
        "bse_nonrobust": np.sqrt(np.diag(cov)),
        "cov_hc0": hc0,
        "bse_hc0": np.sqrt(np.diag(hc0)),
    }


def vech_indicators(S, H, P):
    """n x q matrix of d_i = vech(s_i s_i^T + H_i) from scores S (n x P) and Hessians H (n x P x P)."""
    M = S[:, :, None] * S[:, None, :] + H
    return np.stack([M[:, j, k] for j, k in vech_pairs(P)], axis=1)


# ----------------------------------------------------------------------------------------------
# per-observation derivatives of the models


class GLMType:
    """Models with log p(y_i|x_i) depending on theta only through eta_i = x_i . beta.

    s_i = a_i x_i, H_i = -w_i x_i x_i^T, and the IM indicator d_i,jk = c_i x_ij x_ik with
    c_i = a_i^2 - w_i; d c_i / d eta_i = dc_i (analytic, per family)."""

    def __init__(self, kind, X, y, sigma2=None):
        self.kind = kind
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.sigma2 = sigma2
        self.n, self.P = self.X.shape

    def parts(self, beta):
        eta = self.X @ beta
        y = self.y
        if self.kind == "logit":
            mu = 1.0 / (1.0 + np.exp(-eta))
            a = y - mu
            w = mu * (1.0 - mu)
            dc = -2.0 * a * w - w * (1.0 - 2.0 * mu)  # d/d eta of (y-mu)^2 - mu(1-mu)
        elif self.kind == "poisson":
            mu = np.exp(eta)
            a = y - mu
            w = mu
            dc = -2.0 * a * mu - mu  # d/d eta of (y-mu)^2 - mu
        elif self.kind == "gaussian":
            s2 = self.sigma2
            mu = eta
            a = (y - mu) / s2
            w = np.full_like(eta, 1.0 / s2)
            dc = -2.0 * (y - mu) / s2**2  # d/d eta of (y-mu)^2/s2^2 - 1/s2
        else:
            raise ValueError(self.kind)
        return mu, a, w, a * a - w, dc

    def loglike_obs(self, beta):
        eta = self.X @ beta
        y = self.y
        if self.kind == "logit":
            return y * eta - np.logaddexp(0.0, eta)
        if self.kind == "poisson":
            return y * eta - np.exp(eta) - np.array([math.lgamma(v + 1.0) for v in y])
        s2 = self.sigma2
        return -0.5 * np.log(2.0 * np.pi * s2) - (y - eta) ** 2 / (2.0 * s2)

    def score_obs(self, beta):
        _, a, _, _, _ = self.parts(beta)
        return a[:, None] * self.X

    def hess_obs(self, beta):
        _, _, w, _, _ = self.parts(beta)
        return -w[:, None, None] * self.X[:, :, None] * self.X[:, None, :]

    def indicators(self, beta):
        """n x q matrix of d_i = vech(s_i s_i^T + H_i), row-major upper order."""
        _, _, _, c, _ = self.parts(beta)
        X = self.X
        return np.stack([c * X[:, j] * X[:, k] for j, k in vech_pairs(self.P)], axis=1)

    def indicators_direct(self, beta):
        return vech_indicators(self.score_obs(beta), self.hess_obs(beta), self.P)

    def indicator_jacobian_sum(self, beta):
        """q x P: d (sum_i d_i,jk) / d beta_m = sum_i c_i'(eta_i) x_ij x_ik x_im."""
        _, _, _, _, dc = self.parts(beta)
        X = self.X
        rows = [(dc * X[:, j] * X[:, k]) @ X for j, k in vech_pairs(self.P)]
        return np.array(rows)


class Multinomial:
    """Multinomial logit, class 0 reference, theta class-major: theta[c*p + j] = beta_{c+1, j}."""

    def __init__(self, X, y, K):
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y).astype(int)
        self.K = K
        self.n, self.p = self.X.shape
        self.P = (K - 1) * self.p
        self.E = np.eye(K)[self.y]  # one-hot n x K

    def probs(self, theta):
        B = theta.reshape(self.K - 1, self.p)  # row c = coefficients of class c+1
        eta = np.concatenate([np.zeros((self.n, 1)), self.X @ B.T], axis=1)
        eta = eta - eta.max(axis=1, keepdims=True)
        e = np.exp(eta)
        return e / e.sum(axis=1, keepdims=True)

    def loglike_obs(self, theta):
        B = theta.reshape(self.K - 1, self.p)
        eta = np.concatenate([np.zeros((self.n, 1)), self.X @ B.T], axis=1)
        m = eta.max(axis=1, keepdims=True)
        lse = (m + np.log(np.exp(eta - m).sum(axis=1, keepdims=True)))[:, 0]
        return eta[np.arange(self.n), self.y] - lse

    def score_obs(self, theta):
        pr = self.probs(theta)
        R = self.E[:, 1:] - pr[:, 1:]  # n x (K-1)
        return (R[:, :, None] * self.X[:, None, :]).reshape(self.n, self.P)

    def weights(self, pr):
        q = pr[:, 1:]
        return np.einsum("ic,cd->icd", q, np.eye(self.K - 1)) - q[:, :, None] * q[:, None, :]

    def hess_obs(self, theta):
        """H_i = -(diag p_i - p_i p_i^T) kron x_i x_i^T (non-reference classes)."""
        W = self.weights(self.probs(theta))  # n x (K-1) x (K-1)
        X = self.X
        H = -np.einsum("icd,ij,ik->icjdk", W, X, X)
        return H.reshape(self.n, self.P, self.P)

    def fisher_expected_sum(self, theta):
        W = self.weights(self.probs(theta))
        X = self.X
        return np.einsum("icd,ij,ik->cjdk", W, X, X).reshape(self.P, self.P)

    def third_obs(self, theta):
        """n x P x P x P: d H_i[a, b] / d theta_m (analytic)."""
        pr = self.probs(theta)
        q = pr[:, 1:]
        X = self.X
        Km1 = self.K - 1
        I = np.eye(Km1)
        # G[i, c, e, m] = d p_ic / d theta_{e,m} = p_ic (delta_ce - p_ie) x_im
        G = (q[:, :, None] * (I[None] - q[:, None, :]))[:, :, :, None] * X[:, None, None, :]
        G = G.reshape(self.n, Km1, self.P)
        # T[i, c, d, t] = d W_i[c, d] / d theta_t,  W = diag(q) - q q^T
        T = (
            np.einsum("cd,ict->icdt", I, G)
            - G[:, :, None, :] * q[:, None, :, None]
            - q[:, :, None, None] * G[:, None, :, :]
        )
        D3 = -np.einsum("icdt,ij,ik->icjdkt", T, X, X)
        return D3.reshape(self.n, self.P, self.P, self.P)

    def indicators(self, theta):
        return vech_indicators(self.score_obs(theta), self.hess_obs(theta), self.P)

    def indicator_jacobian_sum(self, theta):
        """q x P: d/d theta of sum_i (s_i s_i^T + H_i)[j, k]; uses d s_i / d theta = H_i."""
        S = self.score_obs(theta)
        H = self.hess_obs(theta)
        D3 = self.third_obs(theta)
        dM = S[:, None, :, None] * H[:, :, None, :] + S[:, :, None, None] * H[:, None, :, :] + D3
        dM = dM.sum(axis=0)
        return np.array([dM[j, k, :] for j, k in vech_pairs(self.P)])


# ----------------------------------------------------------------------------------------------
# 1. Gaussian linear model on statecrime


def gaussian_statecrime():
    data = sm.datasets.statecrime.load_pandas().data
    regs = ["poverty", "hs_grad", "urban", "single"]
    X = sm.add_constant(data[regs], prepend=False).to_numpy(dtype=float)
    y = data["violent"].to_numpy(dtype=float)
    n, p = X.shape
    names = regs + ["const"]

    ols = sm.OLS(y, X).fit()
    beta = np.asarray(ols.params)
    beta_np = np.linalg.lstsq(X, y, rcond=None)[0]
    check("gaussian: OLS params vs numpy lstsq", beta, beta_np, 1e-10)
    resid = y - X @ beta
    sigma2 = float(resid @ resid / n)
    check("gaussian: sigma2_ml = ols.ssr/n", sigma2, ols.ssr / n, 1e-13)

    model = GLMType("gaussian", X, y, sigma2)
    glm = sm.GLM(y, X, family=sm.families.Gaussian())
    XtX = X.T @ X

    def block(b, at_mle):
        S = model.score_obs(b)
        H = model.hess_obs(b).sum(axis=0)
        ll = float(model.loglike_obs(b).sum())
        check("gaussian: loglike_sum vs GLM.loglike(scale=sigma2_ml)",
              ll, glm.loglike(b, scale=sigma2), 1e-13)
        check("gaussian: score_obs vs GLM.score_obs(scale=sigma2_ml)",
              S, glm.score_obs(b, scale=sigma2), 1e-12)
        check("gaussian: hessian_sum vs -X^T X/sigma2", H, -XtX / sigma2, 1e-13)
        check("gaussian: hessian_sum vs GLM.hessian(scale=sigma2_ml)",
              H, glm.hessian(b, scale=sigma2), 1e-12)
        check("gaussian: score_sum vs finite differences of loglike_sum",
              S.sum(axis=0), fd_grad(lambda t: model.loglike_obs(t).sum(), b), 1e-6, score_scale(S))
        out = {"params": b, "loglike_sum": ll, "mu": X @ b, "score_obs": S}
        out.update(common_blocks(S, H, XtX / sigma2))
        if at_mle:
            cov = sigma2 * np.linalg.inv(XtX)
            check("gaussian: cov_nonrobust vs ols.cov_params()*(n-p)/n",
                  cov, np.asarray(ols.cov_params()) * (n - p) / n, 1e-10)
            check("gaussian: cov_nonrobust vs inv(-hessian_sum)", cov, np.linalg.inv(-H), 1e-10)
            hc0 = np.asarray(sm.OLS(y, X).fit(cov_type="HC0").cov_params())
            check("gaussian: OLS HC0 vs sandwich H^-1 S^T S H^-1", hc0, out["sandwich_sum"], 1e-10)
            mean_score = float(np.max(np.abs(S.mean(axis=0))))
            CHECKS.append(("gaussian: max |mean score| at MLE", mean_score))
            out.update(covariance_block(cov, hc0))
        return out

    cond = float(np.linalg.cond(X))
    cond_scaled = float(np.linalg.cond(X / np.linalg.norm(X, axis=0)))
    CHECKS.append(("gaussian: cond(X) raw / column-scaled", (cond, cond_scaled)))

    fix = {
        "name": "gaussian_statecrime",
        "description": ("Gaussian linear model (identity link) on the statecrime dataset: "
                        "violent ~ poverty + hs_grad + urban + single + const. Parameters are the "
                        "regression coefficients only; the variance is fixed at its maximum-"
                        "likelihood value sigma2_ml."),
        "dataset": "statsmodels.datasets.statecrime, all 51 rows (50 US states and DC)",
        "model": ("statsmodels OLS(y, X).fit() for beta_hat; sigma2_ml = RSS(beta_hat)/n; "
                  "log-likelihood as statsmodels GLM(family=Gaussian()).loglike(params, scale=sigma2_ml)"),
        "n": n,
        "p": p,
        "param_names": names,
        "sigma2_ml": sigma2,
        "X": X,
        "y": y,
        "at_mle": block(beta, True),
        "at_half_mle": block(0.5 * beta, False),
        "conventions": {
            "sigma2_ml": "RSS(beta_hat)/n = sum_i (y_i - x_i.beta_hat)^2 / n (divisor n, not n-p); held fixed in BOTH blocks",
            "params": "beta (p values); sigma^2 is not a parameter",
            "loglike_sum": "sum_i [-0.5 log(2 pi sigma2_ml) - (y_i - x_i.beta)^2 / (2 sigma2_ml)] (= statsmodels GLM Gaussian loglike(params, scale=sigma2_ml))",
            "mu": "x_i.beta",
            "score_obs": "row i = x_i (y_i - x_i.beta) / sigma2_ml (= statsmodels GLM.score_obs(params, scale=sigma2_ml))",
            "score_sum/score_mean": "column sums / means of score_obs",
            "opg_sum": "S^T S = sum_i s_i s_i^T (not divided by n)",
            "fisher_emp_mean": "(1/n) S^T S (uncentered)",
            "score_cov_centered_mean": "(1/n) sum_i (s_i - s_bar)(s_i - s_bar)^T",
            "score_cov_centered_ddof1": "numpy.cov(S, rowvar=False), divided by n-1",
            "hessian_sum": "-X^T X / sigma2_ml (Hessian of the summed log-likelihood in beta; = statsmodels GLM.hessian(params, scale=sigma2_ml)); does not depend on beta",
            "neg_hessian_mean": "-hessian_sum / n",
            "fisher_expected_sum": "X^T X / sigma2_ml (= -hessian_sum at any beta)",
            "fisher_expected_mean": "fisher_expected_sum / n",
            "inv_neg_hessian_sum": "inv(-hessian_sum) = sigma2_ml (X^T X)^-1",
            "sandwich_sum": "H^-1 (S^T S) H^-1 with H = hessian_sum",
            "cov_nonrobust": "sigma2_ml (X^T X)^-1 = inv(-hessian_sum). NOT statsmodels OLS cov_params(), which uses RSS/(n-p): cov_nonrobust = OLS cov_params() * (n-p)/n",
            "cov_hc0": "statsmodels OLS(y, X).fit(cov_type='HC0').cov_params() = (X^T X)^-1 X^T diag(e_i^2) X (X^T X)^-1 = sandwich_sum at the MLE",
            "bse_*": "sqrt(diag(cov_*))",
        },
        "notes": [
            "Constant is the LAST column.",
            "sigma2_ml is the same number in at_mle and at_half_mle: at_half_mle only changes beta (to 0.5 * beta_hat), the variance is not re-estimated.",
            "Because sigma^2 is fixed, hessian_sum, fisher_expected_sum and inv_neg_hessian_sum are identical in both blocks.",
            "At the MLE the score sums to zero and sum_i (r_i^2/sigma2_ml^2 - 1/sigma2_ml) = 0 exactly (up to rounding), by the definition of sigma2_ml.",
            f"cond(X) = {cond:.4g} with raw columns, {cond_scaled:.4g} after scaling columns to unit norm.",
            "Checked: loglike, score_obs and hessian against statsmodels GLM(Gaussian) with scale=sigma2_ml; score_sum against finite differences; cov_nonrobust against OLS cov_params()*(n-p)/n; cov_hc0 against the sandwich.",
        ],
        "meta": META,
    }
    write("gaussian_statecrime.json", py(fix))
    return {"X": X, "y": y, "params": beta, "sigma2": sigma2, "names": names}


# ----------------------------------------------------------------------------------------------
# 2. Multinomial logit on anes96


def anes96_data(regs):
    data = sm.datasets.anes96.load_pandas().data
    pid = data["PID"].to_numpy(dtype=float)
    y = np.where(pid <= 2, 0.0, np.where(pid == 3, 1.0, 2.0))
    X = sm.add_constant(data[regs], prepend=False).to_numpy(dtype=float)
    return X, y


def fit_mnlogit(X, y, **kw):
    res = MNLogit(y, X).fit(method="newton", tol=1e-14, maxiter=500, disp=0, **kw)
    return res


def multinomial_anes96():
    regs = ["logpopul", "selfLR", "age", "educ", "income"]
    X, y = anes96_data(regs)
    K = 3
    n, p = X.shape
    P = (K - 1) * p
    classes = ["Democrat (PID 0-2)", "Independent (PID 3)", "Republican (PID 4-6)"]
    names = [f"{c + 1}:{r}" for c in range(K - 1) for r in regs + ["const"]]

    res = fit_mnlogit(X, y)
    assert np.asarray(res.params).shape == (p, K - 1)
    theta = np.asarray(res.params).T.ravel()
    mod = Multinomial(X, y, K)
    smm = res.model
    # statsmodels' internal flat vector: params.reshape(p, K-1, order='F') -> class-major too
    theta_sm = np.asarray(res.params).ravel(order="F")
    assert np.array_equal(theta, theta_sm)

    def block(t, at_mle):
        pr = mod.probs(t)
        S = mod.score_obs(t)
        Hobs = mod.hess_obs(t)
        H = Hobs.sum(axis=0)
        ll = float(mod.loglike_obs(t).sum())
        F = mod.fisher_expected_sum(t)
        tag = "at_mle" if at_mle else "at_half_mle"
        check(f"multinomial {tag}: loglike_sum vs statsmodels loglike", ll, smm.loglike(t), 1e-13)
        check(f"multinomial {tag}: probs vs statsmodels cdf",
              pr, smm.cdf(X @ t.reshape(K - 1, p).T), 1e-13)
        check(f"multinomial {tag}: score_obs vs statsmodels score_obs (same flat order)",
              S, smm.score_obs(t), 1e-12)
        check(f"multinomial {tag}: score_sum vs statsmodels score", S.sum(0), smm.score(t), 1e-12, score_scale(S))
        check(f"multinomial {tag}: hessian_sum vs statsmodels hessian", H, smm.hessian(t), 1e-12)
        check(f"multinomial {tag}: score_sum vs finite differences of loglike (class-major)",
              S.sum(0), fd_grad(lambda u: mod.loglike_obs(u).sum(), t), 1e-6, score_scale(S))
        check(f"multinomial {tag}: hessian_sum vs finite differences of score_sum",
              H, fd_grad(lambda u: mod.score_obs(u).sum(0), t), 1e-6)
        check(f"multinomial {tag}: fisher_expected_sum vs -hessian_sum", F, -H, 1e-14)
        out = {"params": t, "loglike_sum": ll, "probs": pr, "score_obs": S}
        out.update(common_blocks(S, H, F))
        if at_mle:
            cov = np.linalg.inv(-H)
            check("multinomial: cov_nonrobust vs statsmodels cov_params()",
                  cov, np.asarray(res.cov_params()), 1e-9)
            hc0 = np.asarray(fit_mnlogit(X, y, cov_type="HC0").cov_params())
            check("multinomial: statsmodels HC0 vs sandwich H^-1 S^T S H^-1", hc0, out["sandwich_sum"], 1e-9)
            ms = float(np.max(np.abs(S.mean(axis=0))))
            CHECKS.append(("multinomial: max |mean score| at MLE", ms))
            assert ms <= 1e-10, ms
            out.update(covariance_block(cov, hc0))
        return out

    counts = [int((y == k).sum()) for k in range(K)]
    fix = {
        "name": "multinomial_anes96",
        "description": ("Multinomial logit (softmax, class 0 = reference) on the anes96 dataset: party "
                        "identification in 3 classes ~ logpopul + selfLR + age + educ + income + const."),
        "dataset": ("statsmodels.datasets.anes96, all 944 rows; PID recoded: 0 = Democrat (PID 0, 1, 2), "
                    "1 = Independent (PID 3), 2 = Republican (PID 4, 5, 6)"),
        "model": "statsmodels MNLogit(y, X).fit(method='newton', tol=1e-14, maxiter=500)",
        "n": n,
        "p": p,
        "K": K,
        "P": P,
        "classes": classes,
        "class_counts": counts,
        "regressor_names": regs + ["const"],
        "param_names": names,
        "X": X,
        "y": y,
        "at_mle": block(theta, True),
        "at_half_mle": block(0.5 * theta, False),
        "conventions": {
            "params": "theta, length P = (K-1)*p, CLASS-MAJOR: theta[c*p + j] = coefficient of regressor j for class c+1 (all of class 1, then all of class 2). Equals statsmodels res.params.T.ravel() (res.params is p x (K-1)).",
            "param_names": "'<class>:<regressor>' in the order of params",
            "y": "class labels 0..K-1 stored as floats",
            "probs": "n x K softmax probabilities p_ik = exp(x_i.beta_k) / sum_l exp(x_i.beta_l) with beta_0 = 0; column 0 is the reference class",
            "loglike_sum": "sum_i log p_{i, y_i}",
            "score_obs": "n x P, row i = (e_{y_i} - p_i)[1:] kron x_i (class-major; = statsmodels MNLogit.score_obs, whose flat order is also class-major)",
            "score_sum/score_mean": "column sums / means of score_obs",
            "opg_sum": "S^T S (not divided by n)",
            "fisher_emp_mean": "(1/n) S^T S (uncentered)",
            "score_cov_centered_mean": "(1/n) sum_i (s_i - s_bar)(s_i - s_bar)^T",
            "score_cov_centered_ddof1": "numpy.cov(S, rowvar=False), divided by n-1",
            "hessian_sum": "sum_i H_i, H_i = -(diag(q_i) - q_i q_i^T) kron x_i x_i^T with q_i = p_i[1:] (non-reference classes); = statsmodels MNLogit.hessian; negative definite",
            "neg_hessian_mean": "-hessian_sum / n",
            "fisher_expected_sum": "sum_i (diag(q_i) - q_i q_i^T) kron x_i x_i^T (= -hessian_sum at any params: canonical link)",
            "fisher_expected_mean": "fisher_expected_sum / n",
            "inv_neg_hessian_sum": "inv(-hessian_sum)",
            "sandwich_sum": "H^-1 (S^T S) H^-1 with H = hessian_sum",
            "cov_nonrobust": "inv(-hessian_sum) = statsmodels res.cov_params()",
            "cov_hc0": "statsmodels MNLogit(...).fit(cov_type='HC0').cov_params() = sandwich_sum at the MLE",
            "bse_*": "sqrt(diag(cov_*))",
        },
        "notes": [
            "Constant is the LAST regressor.",
            "statsmodels MNLogit flattens its p x (K-1) params array in Fortran order (params.reshape(p, K-1, order='F')), which is the class-major order used here; score, score_obs and hessian of statsmodels therefore agree entry for entry with the numpy values (checked), and the score and Hessian were also checked against central finite differences of the log-likelihood in class-major order.",
            "at_half_mle uses params = 0.5 * MLE params; the mean score is clearly non-zero there.",
            "The Independent class is small (see class_counts), so its coefficients have large standard errors.",
        ],
        "meta": META,
    }
    write("multinomial_anes96.json", py(fix))


# ----------------------------------------------------------------------------------------------
# 3. Information matrix test


def select_columns(D, tol=1e-9):
    """Keep column k unless ||residual of D[:,k] after projection on kept columns||^2 <= tol*||D[:,k]||^2."""
    n, q = D.shape
    Q = np.zeros((n, 0))
    kept, dropped, ratios_kept, ratios_dropped = [], [], [], []
    for k in range(q):
        v = D[:, k].copy()
        nrm2 = float(v @ v)
        r = v - Q @ (Q.T @ v)
        r = r - Q @ (Q.T @ r)  # re-orthogonalise
        ratio = float(r @ r) / nrm2 if nrm2 > 0 else 0.0
        if nrm2 == 0 or ratio <= tol:
            dropped.append(k)
            ratios_dropped.append(ratio)
        else:
            kept.append(k)
            ratios_kept.append(ratio)
            Q = np.column_stack([Q, r / math.sqrt(float(r @ r))])
    return kept, dropped, (min(ratios_kept) if ratios_kept else None), (max(ratios_dropped) if ratios_dropped else None)


def im_stats(model, theta, D=None, Jfull=None):
    """both forms of the IM test; D and the analytic Jacobian may be passed in."""
    n = model.n
    S = model.score_obs(theta)
    Hobs = model.hess_obs(theta)
    if D is None:
        D = model.indicators(theta)
    if Jfull is None:
        Jfull = model.indicator_jacobian_sum(theta)
    kept, dropped, min_kept_ratio, max_dropped_ratio = select_columns(D)
    Dk = D[:, kept]

    # OPG (Chesher-Lancaster) form
    Z = np.column_stack([Dk, S])
    assert np.linalg.matrix_rank(Z) == Z.shape[1], "[D_kept, S] rank deficient"
    ones = np.ones(n)
    coef = np.linalg.lstsq(Z, ones, rcond=None)[0]
    rss = float(np.sum((ones - Z @ coef) ** 2))
    opg_stat = n - rss
    Qz, _ = np.linalg.qr(Z)  # same via a QR projection, as a check
    opg_qr = float(np.sum((Qz.T @ ones) ** 2))

    # White form
    Dbar = Dk.mean(axis=0)
    J = Jfull[kept] / n
    A = Hobs.mean(axis=0)
    Vi = Dk - S @ np.linalg.solve(A, J.T)  # v_i = d_i - J A^-1 s_i (A symmetric)
    V = Vi.T @ Vi / n
    white_stat = float(n * Dbar @ np.linalg.solve(V, Dbar))
    return {
        "kept": kept, "dropped": dropped, "min_kept_ratio": min_kept_ratio,
        "max_dropped_ratio": max_dropped_ratio, "opg_stat": opg_stat, "opg_qr": opg_qr,
        "white_stat": white_stat,
    }


def standardised(model, theta):
    """same model with non-constant regressors standardised: X' = X T, params mapped accordingly."""
    X = model.X
    p = X.shape[1]
    T = np.eye(p)
    const = [j for j in range(p) if np.all(X[:, j] == 1.0)]
    assert len(const) == 1
    c = const[0]
    for j in range(p):
        if j != c:
            m, sd = X[:, j].mean(), X[:, j].std()
            T[j, j] = 1.0 / sd
            T[c, j] = -m / sd
    X2 = X @ T
    if isinstance(model, GLMType):
        return GLMType(model.kind, X2, model.y, model.sigma2), np.linalg.solve(T, theta)
    B = theta.reshape(model.K - 1, p)
    return Multinomial(X2, model.y, model.K), np.linalg.solve(T, B.T).T.ravel()


def im_test(label, model, theta):
    n, P = model.n, model.P
    pairs = vech_pairs(P)
    q = len(pairs)
    S = model.score_obs(theta)
    Hobs = model.hess_obs(theta)
    D = model.indicators(theta)
    if isinstance(model, GLMType):
        check(f"im {label}: indicators c_i x_ij x_ik vs vech(s s^T + H)", D, model.indicators_direct(theta), 1e-12)
        check(f"im {label}: score_sum vs finite differences of loglike",
              S.sum(0), fd_grad(lambda u: model.loglike_obs(u).sum(), theta), 1e-6, score_scale(S))
    else:
        check(f"im {label}: score_sum vs finite differences of loglike",
              S.sum(0), fd_grad(lambda u: model.loglike_obs(u).sum(), theta), 1e-6, score_scale(S))
        check(f"im {label}: hessian_sum vs finite differences of score",
              Hobs.sum(0), fd_grad(lambda u: model.score_obs(u).sum(0), theta), 1e-6)
        D3 = model.third_obs(theta).sum(0)
        check(f"im {label}: third derivative vs finite differences of hessian_sum",
              D3, fd_grad(lambda u: model.hess_obs(u).sum(0), theta), 1e-6)
        check(f"im {label}: third derivative symmetric in all indices",
              D3, np.transpose(D3, (2, 0, 1)), 1e-12)
    Jfull = model.indicator_jacobian_sum(theta)
    Jfd = fd_grad(lambda u: model.indicators(u).sum(0), theta)
    FD_REL[label] = check(f"im {label}: analytic indicator Jacobian vs central finite differences", Jfull, Jfd, 1e-6)

    r = im_stats(model, theta, D=D, Jfull=Jfull)
    kept, dropped = r["kept"], r["dropped"]
    CHECKS.append((f"im {label}: min residual ratio kept / max dropped",
                   (r["min_kept_ratio"], r["max_dropped_ratio"])))
    df = len(kept)
    opg_stat, white_stat = r["opg_stat"], r["white_stat"]
    check(f"im {label}: OPG n-RSS vs QR projection", opg_stat, r["opg_qr"], 1e-9)

    # invariance: the test is unchanged by an invertible affine recoding of the regressors
    # (here: standardise the non-constant columns), evaluated at the correspondingly mapped params
    m2, t2 = standardised(model, theta)
    r2 = im_stats(m2, t2)
    assert len(r2["kept"]) == df, (label, r2["kept"], kept)
    INV_REL[label] = max(
        check(f"im {label}: OPG statistic invariant under standardised regressors", r2["opg_stat"], opg_stat, 1e-8),
        check(f"im {label}: White statistic invariant under standardised regressors", r2["white_stat"], white_stat, 1e-8))

    out = {
        "name": label,
        "n": n,
        "dim": P,
        "X": model.X,
        "y": model.y.astype(float),
        "params": theta,
        "indicator_pairs": [list(pq) for pq in pairs],
        "kept_indicators": kept,
        "dropped_indicators": dropped,
        "indicators_mean": D.mean(axis=0),
        "indicator_jacobian_sum": Jfull,
        "collinearity_ratio_min_kept": r["min_kept_ratio"],
        "collinearity_ratio_max_dropped": r["max_dropped_ratio"],
        "opg": {"statistic": opg_stat, "df": df, "pValue": float(scipy.stats.chi2.sf(opg_stat, df))},
        "white": {"statistic": white_stat, "df": df, "pValue": float(scipy.stats.chi2.sf(white_stat, df))},
    }
    CHECKS.append((f"im {label}: q, kept, dropped", (q, len(kept), dropped)))
    CHECKS.append((f"im {label}: OPG stat/df/p", (opg_stat, df, out["opg"]["pValue"])))
    CHECKS.append((f"im {label}: White stat/df/p", (white_stat, df, out["white"]["pValue"])))
    mean_score = float(np.max(np.abs(S.mean(axis=0))))
    CHECKS.append((f"im {label}: max |mean score|", mean_score))
    return out


def im_tests(gauss):
    models = {}

    # logit on spector: X, y, params exactly from the existing fixture
    with open(SPECTOR, encoding="utf-8") as fh:
        sp = json.load(fh)
    Xs = np.array(sp["X"], dtype=float)
    ys = np.array(sp["y"], dtype=float)
    ts = np.array(sp["at_mle"]["params"], dtype=float)
    lm = Logit(ys, Xs)
    check("im logit_spector: score_obs vs statsmodels Logit.score_obs",
          GLMType("logit", Xs, ys).score_obs(ts), lm.score_obs(ts), 1e-12)
    check("im logit_spector: hessian vs statsmodels Logit.hessian",
          GLMType("logit", Xs, ys).hess_obs(ts).sum(0), lm.hessian(ts), 1e-12)
    e = im_test("logit_spector", GLMType("logit", Xs, ys), ts)
    e["param_names"] = sp["param_names"]
    models["logit_spector"] = e

    # Poisson on randhie, first 2000 rows
    rh = sm.datasets.randhie.load_pandas().data.iloc[:2000]
    regs = ["lncoins", "idp", "lpi"]
    Xp = sm.add_constant(rh[regs], prepend=False).to_numpy(dtype=float)
    yp = rh["mdvis"].to_numpy(dtype=float)
    gres = sm.GLM(yp, Xp, family=sm.families.Poisson()).fit(tol=1e-14, maxiter=500)
    tp = np.asarray(gres.params)
    pm = GLMType("poisson", Xp, yp)
    check("im poisson: score_obs vs statsmodels GLM.score_obs",
          pm.score_obs(tp), gres.model.score_obs(tp), 1e-12)
    check("im poisson: hessian vs statsmodels GLM.hessian",
          pm.hess_obs(tp).sum(0), gres.model.hessian(tp), 1e-12)
    check("im poisson: loglike vs statsmodels GLM.loglike",
          pm.loglike_obs(tp).sum(), gres.model.loglike(tp), 1e-13)
    e = im_test("poisson_randhie", pm, tp)
    e["param_names"] = regs + ["const"]
    models["poisson_randhie"] = e

    # Gaussian on statecrime (file 1), sigma2 fixed at sigma2_ml
    gm = GLMType("gaussian", gauss["X"], gauss["y"], gauss["sigma2"])
    e = im_test("gaussian_statecrime", gm, gauss["params"])
    e["sigma2"] = gauss["sigma2"]
    e["param_names"] = gauss["names"]
    models["gaussian_statecrime"] = e

    # Multinomial on anes96 with fewer regressors
    regs = ["selfLR", "educ"]
    Xm, ym = anes96_data(regs)
    K = 3
    res = fit_mnlogit(Xm, ym)
    tm = np.asarray(res.params).T.ravel()
    mm = Multinomial(Xm, ym, K)
    check("im multinomial: score_obs vs statsmodels MNLogit.score_obs", mm.score_obs(tm), res.model.score_obs(tm), 1e-12)
    check("im multinomial: hessian vs statsmodels MNLogit.hessian", mm.hess_obs(tm).sum(0), res.model.hessian(tm), 1e-12)
    ms = float(np.max(np.abs(mm.score_obs(tm).mean(0))))
    assert ms <= 1e-10, ms
    e = im_test("multinomial_anes96", mm, tm)
    e["classes"] = ["Democrat (PID 0-2)", "Independent (PID 3)", "Republican (PID 4-6)"]
    e["K"] = K
    e["param_names"] = [f"{c + 1}:{r}" for c in range(K - 1) for r in regs + ["const"]]
    models["multinomial_anes96"] = e

    fix = {
        "name": "im_test",
        "description": ("Information matrix test (White 1982) at the MLE of four models, in the OPG "
                        "(Chesher 1983, Lancaster 1984) form and in White's form, computed with numpy; "
                        "p-values from scipy.stats.chi2.sf."),
        "models": models,
        "datasets": {
            "logit_spector": "X, y and params exactly as in ../logit_spector.json (statsmodels spector, 32 rows; GRADE ~ GPA + TUCE + PSI + const)",
            "poisson_randhie": "statsmodels.datasets.randhie, first 2000 rows; mdvis ~ lncoins + idp + lpi + const; statsmodels GLM(family=Poisson()).fit(tol=1e-14, maxiter=500)",
            "gaussian_statecrime": "as gaussian_statecrime.json: statecrime, violent ~ poverty + hs_grad + urban + single + const; params = OLS beta_hat; sigma2 = sigma2_ml = RSS/n, fixed",
            "multinomial_anes96": "statsmodels.datasets.anes96, all 944 rows, PID recoded to 3 classes as in multinomial_anes96.json; regressors selfLR, educ, const (p = 3, P = 6); MNLogit fit(method='newton', tol=1e-14, maxiter=500); params class-major",
        },
        "conventions": {
            "n": "number of observations",
            "dim": "P = number of parameters (for the multinomial (K-1)*p, class-major: theta[c*p + j] = coefficient of regressor j for class c+1)",
            "params": "the MLE at which everything is evaluated",
            "param_names": "names in the order of params (multinomial: '<class>:<regressor>')",
            "K/classes": "multinomial only: number of classes and their labels (class 0 is the reference)",
            "sigma2": "gaussian only: the fixed variance (= sigma2_ml = RSS/n); only beta are parameters",
            "s_i": "score of observation i, d log p(y_i|x_i,theta)/d theta (length P)",
            "H_i": "Hessian of log p(y_i|x_i,theta) (P x P); gaussian: -x_i x_i^T / sigma2",
            "indicator_pairs": "the q = P(P+1)/2 index pairs (j, k), j <= k, in row-major upper order: (0,0),(0,1),...,(0,P-1),(1,1),(1,2),...,(P-1,P-1)",
            "d_i": "indicator vector of observation i: d_i[t] = (s_i s_i^T + H_i)[j][k] for indicator_pairs[t] = (j, k)",
            "collinearity_ratio_min_kept/collinearity_ratio_max_dropped": "smallest squared-residual ratio among kept indicators and largest among dropped ones (null if none dropped), in the selection rule above: any relative tolerance strictly between the two gives the same selection",
            "kept_indicators/dropped_indicators": "0-based indices into the q indicators. Columns of the n x q matrix D (rows d_i) are visited in order; column t is dropped if its squared residual after orthogonal projection on the columns kept before it is <= 1e-9 times its squared norm (exact collinearity only), otherwise kept",
            "indicators_mean": "(1/n) sum_i d_i, all q entries",
            "indicator_jacobian_sum": "q x P, ALL q rows: entry [t][m] = d (sum_i d_i[t]) / d theta_m, analytic",
            "opg": "Chesher-Lancaster OPG form: least-squares regression (no intercept) of the n-vector of ones on Z = [D_kept, S] (S = n x P scores); statistic = n * uncentered R^2 = n - RSS; df = number of kept indicators; pValue = scipy.stats.chi2.sf(statistic, df)",
            "white": "White's form: Dbar = (1/n) sum_i d_i[kept]; J = indicator_jacobian_sum[kept] / n (q_kept x P); A = (1/n) sum_i H_i; v_i = d_i[kept] - J A^-1 s_i; V = (1/n) sum_i v_i v_i^T (uncentered); statistic = n * Dbar^T V^-1 Dbar; df = number of kept indicators; pValue = scipy.stats.chi2.sf(statistic, df)",
        },
        "notes": [
            "For logit, Poisson and Gaussian, s_i = a_i x_i and H_i = -w_i x_i x_i^T, so d_i[(j,k)] = c_i x_ij x_ik with c_i = a_i^2 - w_i, and d d_i[(j,k)] / d beta_m = c_i'(eta_i) x_ij x_ik x_im. logit: a = y - mu, w = mu(1-mu), c' = -w(2(y-mu) + 1 - 2mu). Poisson: a = y - mu, w = mu, c' = -mu(2(y-mu) + 1). Gaussian: a = (y - eta)/sigma2, w = 1/sigma2, c' = -2(y - eta)/sigma2^2.",
            "Multinomial: d s_i / d theta = H_i, and d H_i / d theta_{e,m} = -(d W_i / d theta_{e,m}) kron x_i x_i^T with W_i = diag(q_i) - q_i q_i^T, q_i = p_i[1:], d p_ic / d theta_{e,m} = p_ic (delta_ce - p_ie) x_im.",
            "Every analytic indicator_jacobian_sum was checked against central finite differences of sum_i d_i (step 1e-5 * max(1, |theta_m|)); max-abs difference over max-abs entry: "
            + ", ".join(f"{k} {v:.1e}" for k, v in FD_REL.items()) + ".",
            "Both statistics were recomputed with the non-constant regressors standardised (an invertible affine recoding, params mapped accordingly), under which the test is invariant; relative agreement: "
            + ", ".join(f"{k} {v:.1e}" for k, v in INV_REL.items()) + ".",
            f"gaussian_statecrime (n = 51, q = 15) has no exact collinearity but a near one: the (const,const) indicator keeps only a fraction {models['gaussian_statecrime']['collinearity_ratio_min_kept']:.1e} of its squared norm after projection on the 14 before it (kept: well above the 1e-9 rule); rounding therefore moves its White statistic by about 1e-9 relative (previous note), so compare it with a tolerance near 1e-8.",
            "Dropped indicators are exact duplicates: a binary regressor b has b*b = b*1, so the (b,b) and (b,const) indicators coincide (PSI in logit_spector, idp in poisson_randhie; the later one, (b,const), is dropped). In the multinomial, the cross-class indicator for (class 1, regressor j; class 2, regressor k) equals the one for (class 1, k; class 2, j), so 3 of the 9 cross-class indicators are dropped.",
            "Gaussian with sigma2 = RSS/n fixed: the (const,const) indicator sums to zero at the MLE (sum_i r_i^2/sigma2^2 - n/sigma2 = 0), so its entry of indicators_mean is rounding noise.",
            "The two forms are asymptotically equivalent under the model but differ in finite samples; the OPG form is known to over-reject.",
        ],
        "meta": META,
    }
    write("im_test.json", py(fix))


# ----------------------------------------------------------------------------------------------
# 4. chi-square survival function


def chi_square():
    dfs = [1, 2, 3, 5, 9, 10, 21, 50, 100, 300]
    rows = []
    for df in dfs:
        xs = [1e-6, 0.01, 0.5, 1.0, df / 2, df - 1, df, df + 1, 2 * df, 5 * df + 10, 100.0, 1000.0]
        seen = set()
        for x in xs:
            x = float(x)
            if x <= 0 or x in seen:
                continue
            seen.add(x)
            rows.append({"df": df, "x": x, "sf": float(scipy.stats.chi2.sf(x, df)),
                         "cdf": float(scipy.stats.chi2.cdf(x, df))})
    rows.sort(key=lambda r: (r["df"], r["x"]))
    tiny = [r for r in rows if 0 < r["sf"] < 1e-100]
    ones = [r for r in rows if r["sf"] == 1.0]
    assert tiny, "expected some tiny sf values"
    assert all(r["sf"] > 0 for r in rows)
    # cross-check with the regularized upper incomplete gamma function
    from scipy.special import gammaincc
    from scipy.special import gammainc
    check("chi_square: cdf vs gammainc(df/2, x/2)",
          [r["cdf"] for r in rows], [gammainc(r["df"] / 2, r["x"] / 2) for r in rows], 1e-15)
    check("chi_square: sf vs gammaincc(df/2, x/2)",
          [r["sf"] for r in rows], [gammaincc(r["df"] / 2, r["x"] / 2) for r in rows], 1e-15)
    worst = max(abs(r["sf"] - gammaincc(r["df"] / 2, r["x"] / 2)) / r["sf"] for r in rows)
    CHECKS.append(("chi_square: max per-entry relative diff sf vs gammaincc", worst))
    fix = {
        "name": "chi_square",
        "description": "Chi-square survival function values (upper tail probabilities) from scipy.stats.chi2.sf.",
        "values": rows,
        "conventions": {
            "values": "list of {df, x, sf, cdf}, sorted by df then x",
            "df": "degrees of freedom (integer)",
            "x": "argument, > 0",
            "sf": "scipy.stats.chi2.sf(x, df) = P(X > x) for X ~ chi2(df) = Q(df/2, x/2), the regularized upper incomplete gamma function",
            "cdf": "scipy.stats.chi2.cdf(x, df) = P(X <= x) = P(df/2, x/2), the regularized lower incomplete gamma function (accurate where sf rounds to 1)",
        },
        "notes": [
            "Grid: df in {1, 2, 3, 5, 9, 10, 21, 50, 100, 300}; x in {1e-6, 0.01, 0.5, 1, df/2, df-1 (if > 0), df, df+1, 2df, 5df+10, 100, 1000}, duplicates removed.",
            f"{len(tiny)} entries have sf < 1e-100 (far upper tail); compare those with a relative tolerance, and values near 1 (small x, large df) with an absolute one on 1 - sf.",
            f"No sf is 0; {len(ones)} entries have sf == 1.0 exactly in float64 (small x, large df); their cdf holds the small lower-tail probability.",
        ],
        "meta": META,
    }
    write("chi_square.json", py(fix))


# ----------------------------------------------------------------------------------------------


def main():
    os.makedirs(OUT, exist_ok=True)
    gauss = gaussian_statecrime()
    multinomial_anes96()
    im_tests(gauss)
    chi_square()
    print("checks (max-abs difference / max-abs reference unless stated):")
    for label, value in CHECKS:
        print(f"  {label}: {value}")


if __name__ == "__main__":
    sys.exit(main())
