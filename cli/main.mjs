#!/usr/bin/env node
// fisher-wasm's command line: dispatches a subcommand and reports every expected failure
// as one line on stderr (exit 1 for bad input, 2 for a bad command line), without a stack.
import { readFileSync } from "node:fs";
import { benchCommand } from "./bench.mjs";
import { UsageError } from "./errors.mjs";
import { fisherCommand } from "./fisher.mjs";
import { MAIN_HELP } from "./help.mjs";

const COMMANDS = { fisher: fisherCommand, bench: benchCommand };
const io = { stdout: process.stdout, stderr: process.stderr };

async function main(argv) {
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
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    io.stdout.write(`${version}\n`);
    return 0;
  }
  if (command.startsWith("-")) throw new UsageError(`unknown option '${command}'`);
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command '${command}'`);
  return COMMANDS[command](rest, io);
}

/** Writes the one-line message and returns the exit code. FISHER_WASM_DEBUG=1 adds the stack of unexpected errors. */
function report(err) {
  const message = String(err?.message ?? err).replace(/\s*\n\s*/g, " ");
  io.stderr.write(`fisher-wasm: ${message}\n`);
  if (err?.exitCode === undefined && process.env.FISHER_WASM_DEBUG) io.stderr.write(`${err?.stack}\n`);
  return err?.exitCode ?? 1;
}

// A closed pipe (`fisher-wasm fisher f.npy | head -1`) is not an error of the tool.
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE") throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = report(err);
  },
);
