// What npm ships: a LICENSE, the files the README links to, and types without internals that
// compile for TypeScript consumers as ESM and as CommonJS under --module node16 (both entries)
// and under TypeScript's default target and module resolution. Each consumer is a small project
// compiled with the repository's tsc against the built package, linked into its node_modules.
// (dist.test.ts and tfjs-dist.test.ts check that every value the types declare exists at run time.)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const work = mkdtempSync(join(tmpdir(), "fisher-wasm-consumers-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Compiles a consumer project (its package.json type, tsconfig options, one source file); returns tsc's output and status. */
function compile(
  name: string,
  type: "module" | "commonjs",
  compilerOptions: object,
  source: string,
  file = "index.ts",
) {
  const dir = join(work, name);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules/fisher-wasm"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { noEmit: true, strict: true, types: [], ...compilerOptions }, files: [file] }),
  );
  writeFileSync(join(dir, file), source);
  try {
    return { status: 0, output: execFileSync(process.execPath, [TSC, "-p", dir], { encoding: "utf8" }) };
  } catch (e) {
    const failure = e as { status: number; stdout: string };
    return { status: failure.status, output: failure.stdout };
  }
}

const NODE16 = { module: "node16", moduleResolution: "node16", target: "es2022" };
// TensorFlow.js's types need the Long declarations of @types/long, which an install of tfjs
// brings and TypeScript includes by itself; the linked consumers find it in the repository's copy.
const WITH_TFJS = { ...NODE16, typeRoots: [join(ROOT, "node_modules/@types")], types: ["long"] };
const IMPORTS = `import { CholeskyFactor, empiricalFisher, FisherAccumulator, init, MAX_DIM, SymmetricMatrix } from "fisher-wasm";\n`;
const USES = `
const ready = init();
const F: SymmetricMatrix = empiricalFisher(new Float64Array([1, 2, 3, 4]), 2);
const U: CholeskyFactor = F.cholesky({ damping: 1 });
const acc = new FisherAccumulator(2);
acc.add(new Float64Array([1, 2]));
const bytes: Uint8Array = acc.serialize();
acc.dispose();
const n: number = F.dim + U.dim + bytes.length + MAX_DIM;
export { ready, n };
`;
const TFJS = `import { KfacOptimizer, NaturalGradientOptimizer, UnsupportedModelError } from "fisher-wasm/tfjs";
export const tfjs = [KfacOptimizer, NaturalGradientOptimizer, UnsupportedModelError].length;
`;

describe("TypeScript consumers of the built package", () => {
  it("ESM under --module node16 compiles, both entries", () => {
    const result = compile("esm-node16", "module", WITH_TFJS, `${IMPORTS}${USES}${TFJS}`);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("CommonJS under --module node16 compiles, both entries, without TS1479 (the require condition has its own .d.cts)", () => {
    const result = compile("cjs-node16", "commonjs", WITH_TFJS, `${IMPORTS}${USES}${TFJS}`, "index.cts");
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("TypeScript's default target (ES5) and module resolution compile: no #private in the shipped types", () => {
    const result = compile("default-target", "commonjs", {}, IMPORTS + USES);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("internals are not in the types: a consumer that reaches for them does not compile", () => {
    const source = `${IMPORTS}
import { defaultRuntime } from "fisher-wasm";
SymmetricMatrix.adopt(new Float64Array(1), 1, undefined);
defaultRuntime().arena;
defaultRuntime().kernels;
defaultRuntime().alloc(1);
`;
    const result = compile("internals", "module", NODE16, source);
    expect(result.status).not.toBe(0);
    for (const member of ["adopt", "arena", "kernels", "alloc"]) {
      expect(result.output).toContain(`Property '${member}' does not exist`);
    }
  });

  it.each(["index", "tfjs"])(
    "dist/%s.d.ts has no private members, #private, @internal or Arena, and .d.cts is the same text",
    (entry) => {
      const types = readFileSync(join(ROOT, `dist/${entry}.d.ts`), "utf8");
      expect(types).not.toMatch(/^\s*private /m);
      expect(types).not.toContain("#private");
      expect(types).not.toContain("@internal");
      expect(types).not.toMatch(/\bArena\b/);
      expect(readFileSync(join(ROOT, `dist/${entry}.d.cts`), "utf8")).toBe(types);
    },
  );
});

describe("the npm package's files", () => {
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" }),
  ) as [{ files: { path: string }[] }];
  const files = new Set(packed[0].files.map((f) => f.path));

  it("ships a LICENSE (MIT, fisher-wasm contributors) and every file package.json points to", () => {
    expect(files).toContain("LICENSE");
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain("fisher-wasm contributors");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.license).toBe("MIT");
    const targets = (JSON.stringify(pkg.exports).match(/"\.\/dist\/[^"]+"/g) ?? []).map((t) => t.slice(3, -1));
    expect(targets).toContain("dist/index.d.cts");
    expect(targets).toContain("dist/tfjs.d.cts");
    for (const target of [...targets, pkg.main.slice(2), pkg.types.slice(2), pkg.bin["fisher-wasm"]]) {
      if (target !== "package.json") expect(files, target).toContain(target);
    }
  });

  it("every relative link of the README, and the data file its example reads, is in the package", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#]+)/g)].map((m) => m[1] as string);
    expect(links).toContain("docs/api/README.md");
    for (const link of links) expect(files, link).toContain(link);
    expect(readme).toContain("data/spector.csv");
    expect(files).toContain("data/spector.csv");
  });
});
