// The two plots with log axes: the eigenvalue spectra (grouped bars) and the optimisers'
// convergence (‖∇ℓ‖ against iteration).
import type { HistoryPoint } from "./logistic.js";
import { decades, log10Scale, powerOfTen, short, svg } from "./svg.js";

const MARGIN = { top: 16, right: 16, bottom: 40, left: 52 };

/** Horizontal grid lines and labels at the powers of ten of a log y axis. */
function logYAxis(lo: number, hi: number, toY: (v: number) => number, x0: number, x1: number): SVGElement[] {
  return decades(lo, hi)
    .filter((e) => 10 ** e >= lo * (1 - 1e-9) && 10 ** e <= hi * (1 + 1e-9))
    .flatMap((e) => [
      svg("line", { x1: x0, x2: x1, y1: toY(10 ** e), y2: toY(10 ** e), class: "grid" }),
      svg(
        "text",
        { x: x0 - 6, y: toY(10 ** e), class: "tick", "text-anchor": "end", "dominant-baseline": "central" },
        powerOfTen(e),
      ),
    ]);
}

/** One matrix's ascending eigenvalues, drawn as one bar of each group. */
export interface Spectrum {
  label: string;
  colour: string;
  values: ArrayLike<number>;
}

/** Eigenvalues λ₁ ≤ … ≤ λ_d of several matrices (at least one) as grouped bars on a log scale. */
export function spectrumChart({
  series,
  width = 420,
  height = 280,
}: {
  series: Spectrum[];
  width?: number;
  height?: number;
}): SVGElement {
  const all = series.flatMap((s) => Array.from(s.values));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)) + 0.3);
  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const toY = log10Scale(lo, hi, y0, MARGIN.top);
  const count = series[0].values.length;
  const group = (x1 - x0) / count;
  const bar = Math.min(34, (group * 0.7) / series.length);
  const bars: SVGElement[] = [];
  for (let k = 0; k < count; k++) {
    const left = x0 + k * group + (group - bar * series.length) / 2;
    series.forEach((s, m) => {
      const v = s.values[k];
      const x = left + m * bar;
      const y = toY(v);
      bars.push(
        svg(
          "rect",
          { x, y, width: bar - 2, height: y0 - y, fill: s.colour, rx: 2 },
          svg("title", {}, `${s.label}: ${v}`),
        ),
        svg("text", { x: x + (bar - 2) / 2, y: y - 4, class: "value small", "text-anchor": "middle" }, short(v, 2)),
      );
    });
    bars.push(
      svg(
        "text",
        { x: x0 + (k + 0.5) * group, y: y0 + 18, class: "label", "text-anchor": "middle" },
        `λ${"₁₂₃₄₅₆₇₈₉"[k] ?? k + 1}`,
      ),
    );
  }
  return svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, width, role: "img", "aria-label": "eigenvalue spectra", class: "chart" },
    ...logYAxis(lo, hi, toY, x0, x1),
    svg("line", { x1: x0, x2: x1, y1: y0, y2: y0, class: "axis" }),
    ...bars,
    svg("text", { x: (x0 + x1) / 2, y: height - 4, class: "tick", "text-anchor": "middle" }, "eigenvalue, ascending"),
  );
}

/** One optimiser's run: its ‖∇ℓ‖ history and the steps it took to reach the tolerance (null: it did not). */
export interface ConvergenceRun {
  label: string;
  colour: string;
  iterations: number | null;
  history: readonly HistoryPoint[];
}

/**
 * ‖∇ℓ‖ against iteration on log–log axes, one line per run, each ending in a dot at the
 * step where it reached the tolerance (drawn as a dashed line).
 */
export function convergenceChart({
  runs,
  tolerance,
  width = 640,
  height = 300,
}: {
  runs: ConvergenceRun[];
  tolerance: number;
  width?: number;
  height?: number;
}): SVGElement {
  const points = runs.flatMap((r) => r.history.filter((p) => p.iteration >= 1));
  const xHi = 10 ** Math.ceil(Math.log10(Math.max(...points.map((p) => p.iteration))));
  const yLo = 10 ** Math.floor(Math.log10(Math.min(tolerance, ...points.map((p) => p.gradNorm))) - 0.5);
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...points.map((p) => p.gradNorm))));
  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const toX = log10Scale(1, xHi, x0, x1);
  const toY = log10Scale(yLo, yHi, y0, MARGIN.top);
  const xTicks = decades(1, xHi).flatMap((e) => [
    svg("line", { x1: toX(10 ** e), x2: toX(10 ** e), y1: MARGIN.top, y2: y0, class: "grid" }),
    svg("text", { x: toX(10 ** e), y: y0 + 16, class: "tick", "text-anchor": "middle" }, powerOfTen(e)),
  ]);
  const lines = runs.flatMap((r) => {
    const pts = r.history.filter((p) => p.iteration >= 1);
    const path = pts.map((p, k) => `${k ? "L" : "M"}${toX(p.iteration).toFixed(1)},${toY(p.gradNorm).toFixed(1)}`);
    const last = pts[pts.length - 1];
    const end =
      r.iterations === null || last === undefined
        ? []
        : [
            svg("circle", { cx: toX(last.iteration), cy: toY(last.gradNorm), r: 4, fill: r.colour }),
            svg(
              "text",
              { x: toX(last.iteration), y: toY(last.gradNorm) + 16, class: "value", "text-anchor": "middle" },
              r.iterations.toLocaleString("en-US"),
            ),
          ];
    return [svg("path", { d: path.join(""), stroke: r.colour, class: "series" }), ...end];
  });
  return svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, width, role: "img", "aria-label": "convergence", class: "chart" },
    ...logYAxis(yLo, yHi, toY, x0, x1),
    ...xTicks,
    svg("line", { x1: x0, x2: x1, y1: y0, y2: y0, class: "axis" }),
    svg("line", { x1: x0, x2: x1, y1: toY(tolerance), y2: toY(tolerance), class: "tolerance" }),
    // Below the line between 10³ and 10⁵, where no curve comes near it.
    svg(
      "text",
      { x: toX(1000) + 4, y: toY(tolerance) + 14, class: "tick" },
      `tolerance ${powerOfTen(Math.round(Math.log10(tolerance)))}`,
    ),
    ...lines,
    svg("text", { x: (x0 + x1) / 2, y: height - 4, class: "tick", "text-anchor": "middle" }, "iteration"),
    svg(
      "text",
      {
        x: 12,
        y: (MARGIN.top + y0) / 2,
        class: "tick",
        "text-anchor": "middle",
        transform: `rotate(-90 12 ${(MARGIN.top + y0) / 2})`,
      },
      "‖∇ℓ(β)‖₂",
    ),
  );
}
