// ESM and CJS bundles with the .wasm builds embedded, plus one bundled .d.ts.
import { chmod } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

// The fisher-wasm/tfjs entry reaches the library through its public face (src/index.ts) and the
// error classes; in the bundle those stay imports of "fisher-wasm", so an application has one copy
// of the library (one runtime, one init(), one class per error) whichever entries it loads.
// TensorFlow.js is a peer dependency and is never bundled.
const LIBRARY_FACE = [
  fileURLToPath(new URL("src/index.ts", import.meta.url)),
  fileURLToPath(new URL("src/base/errors.ts", import.meta.url)),
];
const tfjsExternal = {
  name: "fisher-wasm-tfjs-external",
  async resolveId(id, importer, options) {
    if (id.startsWith("@tensorflow/")) return { id, external: true };
    if (importer === undefined || !id.startsWith(".")) return null;
    const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
    if (resolved === null) return null;
    const file = resolved.id.replace(/\.d\.ts$|\.js$/, ".ts");
    return LIBRARY_FACE.includes(file) ? { id: "fisher-wasm", external: true } : null;
  },
};

/**
 * Drops the private members TypeScript writes into declarations (`private x;`, and `#private;`
 * for ES private fields, which targets before ES2015 reject with TS18028): they are not part of
 * the API. A private constructor stays, since it says the class cannot be constructed.
 */
function withoutPrivateMembers() {
  return {
    name: "without-private-members",
    renderChunk: (code) => code.replace(/^[ \t]+(?:private (?!constructor)[^\n]*|#private);\n/gm, ""),
  };
}

/**
 * Writes each bundled .d.ts again as .d.cts for the `require` condition: under --module node16 a
 * CommonJS consumer needs types that are themselves CommonJS, or TypeScript takes the package for
 * ESM-only (TS1479). The two files are the same text; the extension is what tells them apart.
 */
function withCommonJsTypes() {
  return {
    name: "with-common-js-types",
    generateBundle(_, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk" || !file.fileName.endsWith(".d.ts")) continue;
        this.emitFile({ type: "asset", fileName: file.fileName.replace(/\.d\.ts$/, ".d.cts"), source: file.code });
      }
    },
  };
}

export default [
  {
    input: "src/index.ts",
    output: [
      { file: "dist/index.mjs", format: "es", sourcemap: true },
      { file: "dist/index.cjs", format: "cjs", sourcemap: true, exports: "named" },
    ],
    plugins: [
      typescript({
        tsconfig: "./tsconfig.json",
        compilerOptions: { noEmit: false, declaration: false, outDir: "dist", rootDir: "src" },
      }),
    ],
  },
  {
    input: "src/index.ts",
    // The lib references declare Symbol.dispose (and the well-known symbols its declarations use)
    // for consumers whose target predates them, ES5 included, so `using` type-checks everywhere.
    output: {
      file: "dist/index.d.ts",
      format: "es",
      banner: '/// <reference lib="es2015.symbol.wellknown" />\n/// <reference lib="esnext.disposable" />',
    },
    // Members marked @internal (the engine's plumbing, SymmetricMatrix.adopt) stay out of the shipped types.
    plugins: [
      dts({ tsconfig: "./tsconfig.json", compilerOptions: { stripInternal: true } }),
      withoutPrivateMembers(),
      withCommonJsTypes(),
    ],
  },
  // The TensorFlow.js integration, its own entry (fisher-wasm/tfjs).
  {
    input: "src/tfjs/index.ts",
    output: [
      { file: "dist/tfjs.mjs", format: "es", sourcemap: true },
      { file: "dist/tfjs.cjs", format: "cjs", sourcemap: true, exports: "named" },
    ],
    plugins: [
      tfjsExternal,
      typescript({
        tsconfig: "./tsconfig.json",
        compilerOptions: { noEmit: false, declaration: false, outDir: "dist", rootDir: "src" },
      }),
    ],
  },
  {
    input: "src/tfjs/index.ts",
    output: { file: "dist/tfjs.d.ts", format: "es" },
    plugins: [
      tfjsExternal,
      dts({ tsconfig: "./tsconfig.json", compilerOptions: { stripInternal: true } }),
      withoutPrivateMembers(),
      withCommonJsTypes(),
    ],
  },
  // The command-line tool: it imports the library by its package name, which resolves to the
  // bundle above at run time, so only its own code (and the seeded generator, which lives in src/base) is bundled.
  {
    input: "cli/main.ts",
    output: { file: "dist/cli.mjs", format: "es", banner: "#!/usr/bin/env node" },
    external: (id) => id === "fisher-wasm" || id.startsWith("node:"),
    plugins: [
      typescript({
        tsconfig: "./tsconfig.json",
        include: ["cli/**/*.ts", "tools/**/*.ts", "src/base/seeded-random.ts"],
        compilerOptions: { noEmit: false, declaration: false, outDir: "dist", rootDir: "." },
      }),
      // `npm link` and a checkout run the file itself, so it must be executable like an installed bin.
      { name: "executable", writeBundle: ({ file }) => chmod(file, 0o755) },
    ],
  },
  // The demo pages' scripts, with the library compiled in from source (in chunks they share):
  // main.mjs for the Fisher page, compute-worker.mjs for its module worker (which main.mjs starts
  // from beside itself), mnist.mjs for the digits page. TensorFlow.js stays an import,
  // which the digits page's import map resolves to tfjs's browser module (scripts/serve-demo.ts).
  {
    input: { main: "demo/main.ts", "compute-worker": "demo/compute-worker.ts", mnist: "demo/mnist/main.ts" },
    output: {
      dir: "build/demo",
      format: "es",
      sourcemap: true,
      entryFileNames: "[name].mjs",
      chunkFileNames: "shared-[name].mjs",
    },
    plugins: [
      {
        name: "fisher-wasm-from-source",
        resolveId: (id) => {
          if (id === "fisher-wasm") return fileURLToPath(new URL("src/index.ts", import.meta.url));
          if (id === "fisher-wasm/tfjs") return fileURLToPath(new URL("src/tfjs/index.ts", import.meta.url));
          if (id.startsWith("@tensorflow/")) return { id, external: true };
          return null;
        },
      },
      // `npm run typecheck` checks these files; compiling them without a second check saves a third of the time.
      typescript({
        tsconfig: "./tsconfig.json",
        compilerOptions: { noEmit: false, declaration: false, outDir: "build/demo", rootDir: ".", noCheck: true },
      }),
    ],
  },
];
