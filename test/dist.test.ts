// The built bundles: ESM and CJS entry points load and compute the same matrix.
import { createRequire } from "node:module";
import { expect, it } from "vitest";

type Library = typeof import("../src/index.js");

it("dist/index.mjs and dist/index.cjs both work", async () => {
  const esmPath: string = "../dist/index.mjs";
  const esm: Library = await import(esmPath);
  const cjs: Library = createRequire(import.meta.url)("../dist/index.cjs");
  const scores = new Float64Array([1, 2, 3, 4, 5, 6]);
  for (const lib of [esm, cjs]) {
    expect(await lib.init()).toBe("wasm-relaxed-simd");
    const packed = Array.from(lib.empiricalFisher(scores, 2).packed);
    [35 / 3, 44 / 3, 56 / 3].forEach((v, i) => {
      expect(packed[i]).toBeCloseTo(v, 13);
    });
  }
});

it("the ESM bundle reaches for no Node built-in, so browsers and bundlers take it as is", async () => {
  const { readFileSync } = await import("node:fs");
  const code = readFileSync(new URL("../dist/index.mjs", import.meta.url), "utf8");
  expect(code).not.toMatch(/\bfrom\s+["'](node:|fs|path|url|module|os|crypto)["']/);
  expect(code).not.toMatch(/\brequire\s*\(/);
  expect(code).not.toMatch(/\bBuffer\b/);
  expect(code).not.toMatch(/\bprocess\./);
});

it("every value the shipped types declare exists in both bundles", async () => {
  const { readFileSync } = await import("node:fs");
  const types = readFileSync(new URL("../dist/index.d.ts", import.meta.url), "utf8");
  const valueExports = [...types.matchAll(/^export \{([^}]*)\};?$/gm)].flatMap((m) =>
    (m[1] as string)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "" && !name.startsWith("type ")),
  );
  expect(valueExports.length).toBeGreaterThan(40);
  const esmPath: string = "../dist/index.mjs";
  const esm: Record<string, unknown> = await import(esmPath);
  const cjs: Record<string, unknown> = createRequire(import.meta.url)("../dist/index.cjs");
  const missing = valueExports.filter((name) => esm[name] === undefined || cjs[name] === undefined);
  expect(missing).toEqual([]);
});
