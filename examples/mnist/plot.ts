// The training plot as SVG markup, with no DOM: `npm run example:mnist` writes it to a file and the
// demo page puts it into the document as it trains. Two panels share a log-scale y axis (test loss):
// against epochs on the left, against training seconds on the right, one line per optimiser.
import type { EvaluationPoint } from "./train.js";

/** One optimiser's line. */
export interface PlotSeries {
  label: string;
  colour: string;
  points: readonly EvaluationPoint[];
}

const PANEL = { width: 360, height: 250 };
const MARGIN = { top: 30, right: 14, bottom: 42, left: 50 };
const LEGEND_ROW = 18;

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

/** About five round tick values covering [lo, hi]. */
function linearTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** 1-2-5 values per decade inside [lo, hi]: the grid of a log axis. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

const label = (v: number): string => String(Number(v.toPrecision(3)));

/** One panel: test loss against `x(point)`, with its axes, offset by `left` in the whole figure. */
function panel(
  series: readonly PlotSeries[],
  x: (p: EvaluationPoint) => number,
  xTitle: string,
  left: number,
  yRange: [number, number],
): string {
  const xs = series.flatMap((s) => s.points.map(x));
  const xHi = Math.max(1e-9, ...xs);
  const x0 = left + MARGIN.left;
  const x1 = left + PANEL.width - MARGIN.right;
  const y0 = PANEL.height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const toX = (v: number) => x0 + (v / xHi) * (x1 - x0);
  const [lo, hi] = yRange;
  const toY = (v: number) => y0 - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (y0 - y1);
  const parts: string[] = [];
  for (const v of logTicks(lo, hi)) {
    const y = toY(v).toFixed(1);
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${x0 - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="central">${label(v)}</text>`,
    );
  }
  for (const v of linearTicks(0, xHi)) {
    const xv = toX(v).toFixed(1);
    parts.push(`<line x1="${xv}" x2="${xv}" y1="${y1}" y2="${y0}" class="grid"/>`);
    parts.push(`<text x="${xv}" y="${y0 + 16}" class="tick" text-anchor="middle">${label(v)}</text>`);
  }
  parts.push(`<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" class="axis"/>`);
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y1}" y2="${y0}" class="axis"/>`);
  parts.push(`<text x="${(x0 + x1) / 2}" y="${PANEL.height - 8}" class="title" text-anchor="middle">${xTitle}</text>`);
  for (const s of series) {
    const d = s.points
      .map(
        (p, k) => `${k ? "L" : "M"}${toX(x(p)).toFixed(1)},${toY(Math.min(hi, Math.max(lo, p.testLoss))).toFixed(1)}`,
      )
      .join("");
    if (d) parts.push(`<path d="${d}" stroke="${s.colour}" class="series"/>`);
  }
  return parts.join("");
}

/**
 * The two-panel plot of test loss (log scale) against epochs and against training seconds, with
 * a legend of the series' labels. Series with no points are listed but not drawn.
 */
export function trainingPlot(series: readonly PlotSeries[], title = "Test loss on 2,000 held-out digits"): string {
  const losses = series.flatMap((s) => s.points.map((p) => p.testLoss)).filter((v) => v > 0 && Number.isFinite(v));
  const lo = losses.length ? 10 ** (Math.floor(Math.log10(Math.min(...losses)) * 5) / 5) : 0.1;
  const hi = losses.length ? 10 ** (Math.ceil(Math.log10(Math.max(...losses)) * 5) / 5) : 3;
  const width = 2 * PANEL.width;
  const legendTop = PANEL.height + 6;
  const height = legendTop + LEGEND_ROW * Math.ceil(series.length / 2) + 6;
  const legend = series
    .map((s, k) => {
      const lx = MARGIN.left + (k % 2) * PANEL.width;
      const ly = legendTop + LEGEND_ROW * Math.floor(k / 2) + 9;
      return (
        `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${s.colour}" class="series"/>` +
        `<text x="${lx + 28}" y="${ly}" class="legend" dominant-baseline="central">${escapeXml(s.label)}</text>`
      );
    })
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">`,
    "<style>",
    ".grid{stroke:#ddd;stroke-width:1}.axis{stroke:#444;stroke-width:1}",
    ".series{fill:none;stroke-width:2;stroke-linejoin:round}",
    "text{font-family:system-ui,sans-serif;fill:#222}.tick{font-size:11px}.title{font-size:12px}",
    ".legend{font-size:12px}.heading{font-size:13px;font-weight:600}",
    "</style>",
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="16" class="heading" text-anchor="middle">${escapeXml(title)}</text>`,
    panel(series, (p) => p.epoch, "epochs", 0, [lo, hi]),
    panel(series, (p) => p.seconds, "training time (s)", PANEL.width, [lo, hi]),
    legend,
    "</svg>",
  ].join("");
}
