// A suite's result as a markdown table, printed and saved as bench/results/<suite>.md.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { QUICK } from "./harness.js";

function environmentLine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores.`;
}

/** A markdown table with a title and the environment; the first column is left-aligned, the others right. */
export function report(name: string, title: string, header: string[], rows: string[][]): void {
  const lines = [
    `| ${header.join(" | ")} |`,
    `|---|${header
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ];
  const text = `${title}${QUICK ? " (BENCH_QUICK)" : ""}\n\n${lines.join("\n")}\n\n${environmentLine()}\n`;
  process.stdout.write(`${text}\n`);
  const dir = new URL("../results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.md`, dir), text);
}
