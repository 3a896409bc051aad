// Validation of the optimizers' options: every value checked before anything is built.
import { assertOptions, describeValue, type OptionSpec } from "../base/validate.js";

/** Which Fisher the curvature estimates; see the README's "Training with TensorFlow.js". */
export type FisherKind = "sampled" | "empirical";

/** The options every optimizer of `fisher-wasm/tfjs` shares. */
export interface CommonSettings {
  readonly learningRate: number;
  readonly damping: number;
  readonly fisher: FisherKind;
  readonly seed: number | undefined;
}

/**
 * The options object checked against the keys `spec` lists (see assertOptions), or {} when none
 * was given; each option's range is checked by the functions below.
 */
export function optionsObject<T>(value: T | undefined, spec: OptionSpec<T>): Record<string, unknown> {
  assertOptions("options", value, spec);
  return (value ?? {}) as Record<string, unknown>;
}

/** A finite number > 0. @throws {RangeError} naming the option and the value. */
export function positiveOption(options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !(value > 0 && value < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`\`options.${name}\` must be a finite number > 0; received ${describeValue(value)}.`);
  }
  return value;
}

/** A number in [0, 1). @throws {RangeError} */
export function fractionOption(options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new RangeError(`\`options.${name}\` must be a number in [0, 1); received ${describeValue(value)}.`);
  }
  return value;
}

/** A positive integer. @throws {RangeError} */
export function countOption(options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`\`options.${name}\` must be a positive integer; received ${describeValue(value)}.`);
  }
  return value;
}

/** learningRate, damping (> 0: the solves need it), fisher and seed. */
export function commonSettings(
  options: Record<string, unknown>,
  learningRate: number,
  damping: number,
): CommonSettings {
  const fisher = options.fisher ?? "sampled";
  if (fisher !== "sampled" && fisher !== "empirical") {
    throw new RangeError(`\`options.fisher\` must be "sampled" or "empirical"; received ${describeValue(fisher)}.`);
  }
  const seed = options.seed;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isInteger(seed))) {
    throw new RangeError(`\`options.seed\` must be an integer; received ${describeValue(seed)}.`);
  }
  return {
    learningRate: positiveOption(options, "learningRate", learningRate),
    damping: positiveOption(options, "damping", damping),
    fisher,
    seed,
  };
}
