// Fills the page's panels from the results of analyse() and measure().
import type { BackendName } from "fisher-wasm";
import { relativeError } from "../bench/lib/relative-error.js";
import type { Throughput } from "../tools/gflops.js";
import { convergenceChart, spectrumChart } from "./charts.js";
import { colourBar, heatmap, positiveRange } from "./heatmap.js";
import { type Analysis, DAMPING, type Run, TOLERANCE } from "./logistic.js";
import type { Responsiveness } from "./responsiveness.js";
import { html, powerOfTen, short } from "./svg.js";

// One colour per curvature, used in every panel: the empirical Fisher, and I = −H.
export const COLOURS = { fisher: "#d95f02", information: "#1b9e77", gd: "#7570b3" };

const byId = (id: string): HTMLElement => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`demo/index.html has no #${id}`);
  return node;
};

export function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

export function renderFit(result: Analysis): void {
  setText(
    "fit-summary",
    `ℓ = ${result.logLikelihood.toFixed(6)} after ${result.fitIterations} Fisher-scoring steps (n = ${result.n})`,
  );
  const rows = result.names.map((name, j) =>
    html(
      "tr",
      {},
      html("th", { scope: "row" }, name),
      html("td", {}, result.beta[j].toFixed(4)),
      html("td", {}, result.standardErrors[j].toFixed(4)),
      html("td", {}, result.robustStandardErrors[j].toFixed(4)),
      html("td", {}, (result.beta[j] / result.standardErrors[j]).toFixed(2)),
    ),
  );
  byId("coefficients").replaceChildren(
    html("thead", {}, html("tr", {}, ...["", "β̂", "SE", "robust SE", "z"].map((h) => html("th", { scope: "col" }, h)))),
    html("tbody", {}, ...rows),
  );
}

export function renderMatrices(result: Analysis): void {
  const f = result.fisher.toDense();
  const h = result.negHessian.toDense();
  const range = positiveRange(f, h);
  byId("heatmaps").replaceChildren(
    heatmap({ title: "F = Σ sᵢ sᵢᵀ", values: f, names: result.names, range }),
    heatmap({ title: "−H = Σ pᵢ(1 − pᵢ) xᵢ xᵢᵀ", values: h, names: result.names, range }),
    colourBar(range),
  );
  const gap = relativeError(result.fisher.packed, result.negHessian.packed);
  const same = relativeError(result.information.packed, result.negHessian.packed);
  byId("matrix-notes").replaceChildren(
    html(
      "li",
      {},
      `F and −H differ by up to ${(100 * gap).toFixed(0)}% of the largest entry: they agree only in `,
      html("em", {}, "expectation"),
      ` (E[(y − p)²] = p(1 − p)), and n = ${result.n} is small.`,
    ),
    html(
      "li",
      {},
      `−H, written out in plain JavaScript, equals the Fisher information I = XᵀWX from model.expectedFisher(β) (the weighted rank-k kernel, W = p(1 − p)) ${same === 0 ? "exactly" : `to ${short(same, 2)} relative`}.`,
    ),
  );
}

export function renderSpectrum(result: Analysis): void {
  const cond = (v: Float64Array) => v[v.length - 1] / v[0];
  byId("spectrum").replaceChildren(
    spectrumChart({
      series: [
        { label: "F", colour: COLOURS.fisher, values: result.fisherEigenvalues },
        { label: "−H", colour: COLOURS.information, values: result.negHessianEigenvalues },
      ],
    }),
  );
  byId("spectrum-notes").replaceChildren(
    html(
      "li",
      {},
      html("span", { class: "swatch", style: `background:${COLOURS.fisher}` }),
      ` F: condition number ${short(cond(result.fisherEigenvalues))}`,
    ),
    html(
      "li",
      {},
      html("span", { class: "swatch", style: `background:${COLOURS.information}` }),
      ` −H: condition number ${short(cond(result.negHessianEigenvalues))}`,
    ),
    html("li", {}, "TUCE (scores near 20) dominates λ₄; the small λ₁ is the slow direction for gradient descent."),
  );
}

export function renderConvergence(result: Analysis): void {
  const runs = [
    {
      label: "natural gradient, empirical Fisher",
      colour: COLOURS.fisher,
      formula: "(F(β) + λI)⁻¹ ∇ℓ",
      ...result.natural,
    },
    {
      label: "natural gradient, Fisher information",
      colour: COLOURS.information,
      formula: "(I(β) + λI)⁻¹ ∇ℓ",
      ...result.scoring,
    },
    {
      label: "gradient descent, fixed step",
      colour: COLOURS.gd,
      formula: `${short(result.gd.step)} · ∇ℓ`,
      ...result.gd,
    },
  ];
  byId("convergence").replaceChildren(convergenceChart({ runs, tolerance: TOLERANCE }));
  const steps = (r: Run) => (r.iterations === null ? "not reached" : r.iterations.toLocaleString("en-US"));
  byId("runs").replaceChildren(
    html(
      "thead",
      {},
      html(
        "tr",
        {},
        html("th", { scope: "col" }, "method"),
        html("th", { scope: "col" }, "step"),
        html("th", { scope: "col" }, `steps to ‖∇ℓ‖ ≤ ${powerOfTen(Math.round(Math.log10(TOLERANCE)))}`),
      ),
    ),
    html(
      "tbody",
      {},
      ...runs.map((r) =>
        html(
          "tr",
          {},
          html("td", {}, html("span", { class: "swatch", style: `background:${r.colour}` }), ` ${r.label}`),
          html("td", { class: "formula" }, r.formula),
          html("td", { class: "number" }, steps(r)),
        ),
      ),
    ),
  );
  setText(
    "convergence-notes",
    `From β = 0, λ = ${powerOfTen(Math.round(Math.log10(DAMPING)))}. With I = −H the natural gradient is Newton's method; the empirical Fisher F is not −H, even at the MLE, so its steps converge only linearly. Gradient descent's step 1/L, L = λmax(XᵀX)/4, guarantees ascent but crawls along λ₁.`,
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function renderSpeed(backend: BackendName, speed: Throughput, rows: number, dim: number, threads: number): void {
  setText("gflops", `${speed.gflops.toFixed(2)} GFLOP/s`);
  setText(
    "gflops-detail",
    `empiricalFisher on seeded random ${rows.toLocaleString("en-US")} × ${dim} scores, ${backend}, ${plural(threads, "thread")} in a Web Worker: ${speed.calls} calls in ${speed.seconds.toFixed(2)} s, ${speed.msPerCall.toFixed(2)} ms each; flops = N·d·(d + 1).`,
  );
}

export function renderResponsiveness(r: Responsiveness, threads: number, rows: number, dim: number): void {
  setText(
    "responsiveness",
    `free: ${plural(r.ticks, "timer tick")} during a ${r.callMs.toFixed(0)} ms ${rows.toLocaleString("en-US")} × ${dim} empiricalFisher on ${plural(threads, "thread")} in the worker (longest pause ${r.longestPauseMs.toFixed(0)} ms)`,
  );
}
