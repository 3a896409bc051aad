// A small strict parser for one subcommand's options. Node's util.parseArgs would do,
// but its messages are long and multi-line; the tool promises one line per error.
import { UsageError } from "./errors.mjs";

/**
 * Parses `argv` against `spec` ({ name: { type: "boolean" | "string", short?: "h" } }).
 * Accepts `--name value`, `--name=value`, short boolean flags and `--` before positionals.
 * Returns { options, positionals }; unknown or malformed options throw UsageError.
 * @param {string} help the command to point at in error messages, e.g. "fisher-wasm fisher --help"
 */
export function parseArgs(argv, spec, help) {
  const options = {};
  const positionals = [];
  const shorts = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name]] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : shorts.get(arg.slice(1));
    const option = key !== undefined && Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!option) throw new UsageError(`unknown option '${eq < 0 ? arg : arg.slice(0, eq)}'`, help);
    if (Object.hasOwn(options, key)) throw new UsageError(`option '--${key}' is given twice`, help);
    if (option.type === "boolean") {
      if (eq >= 0) throw new UsageError(`option '--${key}' takes no value`, help);
      options[key] = true;
      continue;
    }
    let value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    // "--out --packed" is a forgotten value, not a file named "--packed".
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`option '--${key}' needs a value`, help);
    }
    if (option.parse) value = option.parse(value, key, help);
    options[key] = value;
  }
  return { options, positionals };
}

/** Option value parser for a positive finite number. */
export function positiveNumber(text, key, help) {
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UsageError(`option '--${key}' needs a positive number; received '${text}'`, help);
  }
  return value;
}

/** Option value parser for one of a fixed list of words. */
export function oneOf(words) {
  return (text, key, help) => {
    if (!words.includes(text)) {
      throw new UsageError(`option '--${key}' must be one of ${words.join(", ")}; received '${text}'`, help);
    }
    return text;
  };
}
