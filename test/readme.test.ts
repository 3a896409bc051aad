// The README's example runs as written (against the built bundle).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

it("the README example runs against dist/", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const bundle = pathToFileURL(new URL("../dist/index.mjs", import.meta.url).pathname).href;
  const file = join(mkdtempSync(join(tmpdir(), "fisher-readme-")), "example.mjs");
  writeFileSync(file, (code as string).replace('from "fisher-wasm"', `from ${JSON.stringify(bundle)}`));
  await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
});
