// A suite's result as a markdown table, printed and saved as bench/results/<suite>.md.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import type { ExtraTable } from "./baseline.js";
import { QUICK } from "./harness.js";

function environmentLine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores.`;
}

/** A markdown table; the first column is left-aligned, the others right. */
function markdownTable(header: string[], rows: string[][]): string {
  const lines = [
    `| ${header.join(" | ")} |`,
    `|---|${header
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ];
  return lines.join("\n");
}

/**
 * A markdown table with a title and the environment, then any `extra` tables (such as the
 * new/baseline ratios) with their titles.
 */
export function report(
  name: string,
  title: string,
  header: string[],
  rows: string[][],
  extra: readonly (ExtraTable | undefined)[] = [],
): void {
  const sections = [`${title}${QUICK ? " (BENCH_QUICK)" : ""}\n\n${markdownTable(header, rows)}`];
  for (const table of extra) if (table) sections.push(`${table.title}\n\n${markdownTable(table.header, table.rows)}`);
  const text = `${sections.join("\n\n")}\n\n${environmentLine()}\n`;
  process.stdout.write(`${text}\n`);
  const dir = new URL("../results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.md`, dir), text);
}
