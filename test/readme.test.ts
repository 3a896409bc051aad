// The README's examples run as written (against the built bundle), and an example followed
// by a ```text block prints exactly that text. Only ```js blocks run here, in Node; browser-only
// code is fenced ```html or ```js worker, and test/browser-readme.test.ts runs it in Chromium.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```(?:\s*```text\n([\s\S]*?)```)?/g)].map((m) => ({
  code: m[1] as string,
  output: m[2],
}));
const bundle = pathToFileURL(new URL("../dist/index.mjs", import.meta.url).pathname).href;
const tfjsBundle = pathToFileURL(new URL("../dist/tfjs.mjs", import.meta.url).pathname).href;
// The examples' other imports, as this package's node_modules resolves them (the example runs from a temporary directory).
const resolveHere = createRequire(import.meta.url).resolve;
const localImport = (code: string) =>
  code
    .replaceAll('from "fisher-wasm/tfjs"', `from ${JSON.stringify(tfjsBundle)}`)
    .replaceAll(
      /from "(@tensorflow\/[^"]+)"/g,
      (_, name: string) => `from ${JSON.stringify(pathToFileURL(resolveHere(name)).href)}`,
    );

it("the README has examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

it("some example shows its output", () => {
  expect(examples.some((e) => e.output !== undefined)).toBe(true);
});

it.each(examples.map((e, i) => [i + 1, e] as const))(
  "README example %i runs against dist/",
  async (_, { code, output }) => {
    const file = join(mkdtempSync(join(tmpdir(), "fisher-readme-")), "example.mjs");
    // Examples after the first assume init() has run, as it would have in a real program.
    const prelude = `import { init as __init } from ${JSON.stringify(bundle)};\nawait __init();\n`;
    writeFileSync(file, prelude + localImport(code).replaceAll('from "fisher-wasm"', `from ${JSON.stringify(bundle)}`));
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args.map(String).join(" "));
    try {
      await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
    } finally {
      console.log = log;
    }
    if (output !== undefined) expect(`${printed.join("\n")}\n`).toBe(output);
  },
);
