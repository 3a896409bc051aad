// 4 × 4 heatmaps on one shared log colour scale, so equal colours mean equal values
// across the two matrices, and a colour bar for that scale.
import { type Colour, decades, log10Scale, powerOfTen, short, svg, viridis } from "./svg.js";

const CELL = 62;
const LEFT = 46;
const TOP = 40;

/** A range of positive values, the ends of a log scale. */
export interface PositiveRange {
  lo: number;
  hi: number;
}

/** The positive range [lo, hi] of all entries of the given dense matrices. */
export function positiveRange(...matrices: Iterable<number>[]): PositiveRange {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const m of matrices) {
    for (const v of m) {
      if (v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return { lo, hi };
}

/** The colour-scale position in [0, 1] of a positive value. */
function position(range: PositiveRange, v: number): number {
  return log10Scale(range.lo, range.hi, 0, 1)(v);
}

export interface HeatmapOptions {
  title: string;
  /** Row-major dim × dim, dim = names.length. */
  values: ArrayLike<number>;
  names: readonly string[];
  range: PositiveRange;
}

/** A heatmap of a dense row-major dim × dim matrix with its values in the cells. */
export function heatmap({ title, values, names, range }: HeatmapOptions): SVGElement {
  const dim = names.length;
  const size = dim * CELL;
  const cells: SVGElement[] = [];
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      const v = values[i * dim + j];
      const x = LEFT + j * CELL;
      const y = TOP + i * CELL;
      // Only positive entries are on the log scale; others (none here: all x ≥ 0) are grey.
      const colour: Colour = v > 0 ? viridis(position(range, v)) : { fill: "#d9d9d9", darkText: true };
      cells.push(
        svg("rect", { x, y, width: CELL - 2, height: CELL - 2, rx: 3, fill: colour.fill }, svg("title", {}, String(v))),
        svg(
          "text",
          {
            x: x + (CELL - 2) / 2,
            y: y + (CELL - 2) / 2,
            class: colour.darkText ? "cell dark" : "cell light",
            "text-anchor": "middle",
            "dominant-baseline": "central",
          },
          short(v),
        ),
      );
    }
  }
  const labels = names.flatMap((name, k) => [
    svg("text", { x: LEFT - 8, y: TOP + k * CELL + CELL / 2, class: "label", "text-anchor": "end" }, name),
    svg("text", { x: LEFT + k * CELL + CELL / 2 - 1, y: TOP - 8, class: "label", "text-anchor": "middle" }, name),
  ]);
  return svg(
    "svg",
    {
      viewBox: `0 0 ${LEFT + size + 4} ${TOP + size + 4}`,
      width: LEFT + size + 4,
      role: "img",
      "aria-label": title,
      class: "heatmap",
    },
    svg("text", { x: LEFT + size / 2, y: 14, class: "plot-title", "text-anchor": "middle" }, title),
    ...labels,
    ...cells,
  );
}

/** A vertical colour bar for the shared log scale, with a tick at every power of ten inside it. */
export function colourBar(range: PositiveRange): SVGElement {
  const height = 4 * CELL - 2;
  const width = 16;
  const stops = Array.from({ length: 11 }, (_, k) =>
    svg("stop", { offset: `${k * 10}%`, "stop-color": viridis(1 - k / 10).fill }),
  );
  const toY = log10Scale(range.lo, range.hi, TOP + height, TOP);
  const ticks = decades(range.lo, range.hi)
    .filter((e) => 10 ** e >= range.lo && 10 ** e <= range.hi)
    .flatMap((e) => {
      const y = toY(10 ** e);
      return [
        svg("line", { x1: 4 + width, x2: 8 + width, y1: y, y2: y, class: "axis" }),
        svg("text", { x: 11 + width, y, class: "tick", "dominant-baseline": "central" }, powerOfTen(e)),
      ];
    });
  return svg(
    "svg",
    {
      viewBox: `0 0 64 ${TOP + height + 4}`,
      width: 64,
      role: "img",
      "aria-label": "colour scale (log)",
      class: "colour-bar",
    },
    svg("defs", {}, svg("linearGradient", { id: "viridis-bar", x1: 0, x2: 0, y1: 0, y2: 1 }, ...stops)),
    svg("text", { x: 4, y: 14, class: "tick" }, "log scale"),
    svg("rect", { x: 4, y: TOP, width, height, fill: "url(#viridis-bar)", rx: 2 }),
    ...ticks,
  );
}
