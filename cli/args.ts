// One subcommand's options, read with Node's util.parseArgs and checked here token by token,
// so that the first wrong argument gives one line naming it as typed. parseArgs runs
// non-strict, as a tokenizer, because its strict mode would change what the tool accepts:
// it refuses `--seconds -1` (a value starting with a dash) before the value can be checked,
// reads `-hx` as two flags, misses an option given twice, stops at a later argument than
// the first wrong one, and throws messages of several lines.
import { parseArgs as tokenize } from "node:util";
import { UsageError } from "./errors.js";

/** Turns an option's text into its value, or throws a UsageError naming `--key`. */
export type ValueParser<T> = (text: string, key: string, help: string) => T;

export interface BooleanOption {
  readonly type: "boolean";
  readonly short?: string;
}

export interface StringOption<T = string> {
  readonly type: "string";
  readonly short?: string;
  readonly parse?: ValueParser<T>;
}

export type OptionSpec = BooleanOption | StringOption<unknown>;

/** The value an option yields: true for a flag, the parser's result or the text for a string. */
type ValueOf<O> = O extends BooleanOption ? true : O extends { parse: ValueParser<infer T> } ? T : string;

/** The options given on the command line; an option not given is absent. */
export type Options<S extends Record<string, OptionSpec>> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

export interface ParsedArgs<S extends Record<string, OptionSpec>> {
  options: Options<S>;
  positionals: string[];
}

/**
 * Parses `argv` against `spec`. Accepts `--name value`, `--name=value`, a short flag on its
 * own (`-h`) and `--` before positionals; unknown or malformed options throw UsageError.
 * @param help the command to point at in error messages, e.g. "fisher-wasm fisher --help"
 */
export function parseArgs<S extends Record<string, OptionSpec>>(
  argv: readonly string[],
  spec: S,
  help: string,
): ParsedArgs<S> {
  const { tokens } = tokenize({ args: argv, options: spec, strict: false, allowPositionals: true, tokens: true });
  const options: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const typed = argv[token.index];
    const option = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (!option || !isWhole(typed, token.rawName, option)) {
      throw new UsageError(`unknown option '${typed.split("=", 1)[0]}'`, help);
    }
    const key = token.name;
    if (Object.hasOwn(options, key)) throw new UsageError(`option '--${key}' is given twice`, help);
    if (option.type === "boolean") {
      if (token.inlineValue) throw new UsageError(`option '--${key}' takes no value`, help);
      options[key] = true;
      continue;
    }
    const { value } = token;
    // "--out --packed" is a forgotten value, not a file named "--packed".
    if (value === undefined || value === "" || (!token.inlineValue && value.startsWith("--"))) {
      throw new UsageError(`option '--${key}' needs a value`, help);
    }
    options[key] = option.parse ? option.parse(value, key, help) : value;
  }
  // Every key was checked against `spec` and every value made by its option's parser.
  return { options: options as Options<S>, positionals };
}

/**
 * Whether the argument as typed is the option itself: `--name`, `--name=value` or its short
 * flag alone. parseArgs also reads "-hx" as a group and "-ofile" as a value; those stay unknown.
 */
function isWhole(typed: string, rawName: string, option: OptionSpec): boolean {
  if (rawName.startsWith("--")) return typed === rawName || typed.startsWith(`${rawName}=`);
  return typed === rawName && rawName === `-${option.short}`;
}

/** Option value parser for a positive finite number. */
export function positiveNumber(text: string, key: string, help: string): number {
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UsageError(`option '--${key}' needs a positive number; received '${text}'`, help);
  }
  return value;
}

/** Option value parser for one of a fixed list of words. */
export function oneOf<const W extends string>(words: readonly W[]): ValueParser<W> {
  return (text, key, help) => {
    if (!(words as readonly string[]).includes(text)) {
      throw new UsageError(`option '--${key}' must be one of ${words.join(", ")}; received '${text}'`, help);
    }
    return text as W;
  };
}
