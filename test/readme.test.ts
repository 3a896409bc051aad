// The README's examples run as written (against the built bundle).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const bundle = pathToFileURL(new URL("../dist/index.mjs", import.meta.url).pathname).href;

it("the README has examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

it.each(examples.map((code, i) => [i + 1, code] as const))("README example %i runs against dist/", async (_, code) => {
  const file = join(mkdtempSync(join(tmpdir(), "fisher-readme-")), "example.mjs");
  // Examples after the first assume init() has run, as it would have in a real program.
  const prelude = `import { init as __init } from ${JSON.stringify(bundle)};\nawait __init();\n`;
  writeFileSync(file, prelude + code.replaceAll('from "fisher-wasm"', `from ${JSON.stringify(bundle)}`));
  await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
});
