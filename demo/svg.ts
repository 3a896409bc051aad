// Small helpers for building inline SVG (and a little HTML) without a framework.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Attribute values; undefined and null leave the attribute out. */
export type Attributes = Record<string, string | number | undefined | null>;
export type Child = Node | string;

/** An SVG element with attributes and children (nodes or strings). */
export function svg(tag: string, attrs: Attributes = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** An HTML element with attributes and children. */
export function html(tag: string, attrs: Attributes = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** A log10 map from [d0, d1] (both > 0) to [r0, r1]. */
export function log10Scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const to = linear(Math.log10(d0), Math.log10(d1), r0, r1);
  return (v) => to(Math.log10(v));
}

/** The powers of ten from ⌊log10 lo⌋ to ⌈log10 hi⌉. */
export function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(e);
  return out;
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  0: "⁰",
  1: "¹",
  2: "²",
  3: "³",
  4: "⁴",
  5: "⁵",
  6: "⁶",
  7: "⁷",
  8: "⁸",
  9: "⁹",
};

/** 10^e as text, e.g. "10⁻³"; 1 and 10 stay plain. */
export function powerOfTen(e: number): string {
  if (e === 0) return "1";
  if (e === 1) return "10";
  return `10${String(e).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/** A number in about `digits` significant figures, switching to exponent form when very small or large. */
export function short(v: number, digits = 3): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    const [m, e] = v.toExponential(digits - 1).split("e");
    return `${m}×${powerOfTen(Number(e))}`;
  }
  return Number(v.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

// Viridis at nine evenly spaced points: perceptually uniform and readable in greyscale.
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** A fill colour, and whether text on it should be dark. */
export interface Colour {
  fill: string;
  darkText: boolean;
}

/** The colour at t ∈ [0, 1] of viridis, and whether text on it should be dark. */
export function viridis(t: number): Colour {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - k;
  const rgb = VIRIDIS[k].map((c, i) => Math.round(c + f * (VIRIDIS[k + 1][i] - c)));
  const luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
  return { fill: `rgb(${rgb.join(",")})`, darkText: luminance > 0.5 };
}
