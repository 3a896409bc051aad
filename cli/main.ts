// fisher-wasm's command line: dispatches a subcommand and reports every expected failure
// as one line on stderr (exit 1 for bad input, 2 for a bad command line), without a stack.
import { readFileSync } from "node:fs";
import { benchCommand } from "./bench.js";
import type { Command, CommandIo } from "./command.js";
import { UsageError } from "./errors.js";
import { fisherCommand } from "./fisher.js";
import { MAIN_HELP } from "./help.js";

const COMMANDS: Readonly<Record<string, Command>> = { fisher: fisherCommand, bench: benchCommand };
const io: CommandIo = { stdout: process.stdout, stderr: process.stderr };

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(MAIN_HELP);
    return 0;
  }
  if (command === undefined) {
    io.stderr.write(MAIN_HELP);
    return 2;
  }
  if (command === "--version") {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (command.startsWith("-")) throw new UsageError(`unknown option '${command}'`);
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw new UsageError(`unknown command '${command}'`);
  return run(rest, io);
}

/** The version in package.json, one folder up both from the bundle in dist/ and from this source. */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return version;
}

/** Writes the one-line message and returns the exit code. FISHER_WASM_DEBUG=1 adds the stack of unexpected errors. */
function report(err: unknown): number {
  const { message, exitCode, stack } = describeFailure(err);
  io.stderr.write(`fisher-wasm: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  if (exitCode === undefined && process.env.FISHER_WASM_DEBUG) io.stderr.write(`${stack}\n`);
  return exitCode ?? 1;
}

/** The parts of anything thrown that report() shows; `exitCode` is set by the tool's own errors. */
function describeFailure(err: unknown): { message: string; exitCode: number | undefined; stack: unknown } {
  if (typeof err !== "object" || err === null) return { message: String(err), exitCode: undefined, stack: undefined };
  const { message, exitCode, stack } = err as { message?: unknown; exitCode?: unknown; stack?: unknown };
  return {
    message: String(message ?? err),
    exitCode: typeof exitCode === "number" ? exitCode : undefined,
    stack,
  };
}

// A closed pipe (`fisher-wasm fisher f.npy | head -1`) is not an error of the tool.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err);
  },
);
