// The built fisher-wasm/tfjs bundles: both load, export what dist/tfjs.d.ts declares, import the
// library by name (one copy of it) and leave TensorFlow.js to the application.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, it } from "vitest";

const require = createRequire(import.meta.url);
const read = (file: string) => readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");

it("dist/tfjs.mjs and dist/tfjs.cjs export every value dist/tfjs.d.ts declares", async () => {
  const types = read("tfjs.d.ts");
  const values = [...types.matchAll(/^export \{([^}]*)\};?$/gm)].flatMap((m) =>
    (m[1] as string)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "" && !name.startsWith("type ")),
  );
  expect(values).toEqual(expect.arrayContaining(["KfacOptimizer", "NaturalGradientOptimizer", "kfacPairs"]));
  const esmPath: string = "../dist/tfjs.mjs";
  const esm: Record<string, unknown> = await import(esmPath);
  const cjs: Record<string, unknown> = require("../dist/tfjs.cjs");
  expect(values.filter((name) => esm[name] === undefined || cjs[name] === undefined)).toEqual([]);
  // Each bundle's optimizers are Optimizers of the tfjs-core its module system loads, as tfjs-layers' compile() checks.
  const core = require("@tensorflow/tfjs-core") as typeof import("@tensorflow/tfjs-core");
  expect((cjs.KfacOptimizer as { prototype: object }).prototype).toBeInstanceOf(core.Optimizer);
});

it("the bundles import fisher-wasm and TensorFlow.js by name and bundle neither", () => {
  for (const file of ["tfjs.mjs", "tfjs.cjs"]) {
    const code = read(file);
    expect(code).toMatch(/["']fisher-wasm["']/);
    expect(code).toMatch(/["']@tensorflow\/tfjs-core["']/);
    expect(code).not.toMatch(/WASM_BASE64|function mulberry32\b[\s\S]*function syrk/);
    expect(code.length).toBeLessThan(200_000);
  }
  expect(read("index.mjs")).not.toMatch(/@tensorflow/);
  expect(read("tfjs.d.ts")).toMatch(/from ["']fisher-wasm["']/);
});
