// Options are validated everywhere: every public function, method and constructor that takes an
// options object refuses a key it does not take (naming it, its known keys and the closest one),
// a key of the wrong type (naming the key, the value and the type), and options that are not a
// plain object, before anything changes; a key given as undefined counts as not given. The list
// of entry points comes from the TypeScript declarations of both entries (src/index.ts and
// src/tfjs/index.ts), so an entry point added without a row here fails the completeness test.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import {
  blockDiagonal,
  conjugateGradient,
  createRuntime,
  DiagonalFisherAccumulator,
  defaultRuntime,
  diagonalFisher,
  diagonalOperator,
  discreteExpectedFisher,
  empiricalFisher,
  estimateDiagonal,
  estimateTrace,
  FisherAccumulator,
  HessianAccumulator,
  informationMatrixTest,
  init,
  KroneckerFactoredFisher,
  LowRankFisher,
  models,
  monteCarloFisher,
  naturalGradient,
  numericalHessian,
  OptionTypeError,
  SymmetricMatrix,
  scoreJacobian,
  topEigenvalues,
  UnknownOptionError,
} from "../src/index.js";
import { KfacOptimizer, kfacPairs, NaturalGradientOptimizer } from "../src/tfjs/index.js";
import { normal, sample } from "./helpers/random.js";
import { batch, tinyNetwork, useTfjsCpu } from "./helpers/tfjs.js";

const ENTRIES = ["src/index.ts", "src/tfjs/index.ts"];

/**
 * Every public entry point whose parameter named `options` has a type this package declares,
 * with the keys that type declares: `name` for a function, `new Name` for a constructor,
 * `Name.method` for a static method or a member of an exported object, `Name#method` for an
 * instance method (private, protected and @internal members are not public).
 */
function declaredEntryPoints(): Map<string, string[]> {
  const program = ts.createProgram(ENTRIES, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const ours = (declaration: ts.Declaration | undefined): boolean =>
    declaration !== undefined && /[\\/]src[\\/]/.test(declaration.getSourceFile().fileName);
  const found = new Map<string, string[]>();
  const record = (label: string, type: ts.Type, at: ts.Node, construct = false): void => {
    const signatures = construct ? type.getConstructSignatures() : type.getCallSignatures();
    for (const signature of signatures) {
      for (const parameter of signature.getParameters()) {
        if (parameter.getName() !== "options" || parameter.valueDeclaration === undefined) continue;
        const parameterType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, at));
        const parts = parameterType.isUnion() ? parameterType.types : [parameterType];
        const keys = parts
          .filter((part) => ours(part.getSymbol()?.declarations?.[0] ?? part.aliasSymbol?.declarations?.[0]))
          .flatMap((part) => part.getProperties().map((p) => p.getName()));
        if (parts.some((part) => ours((part.aliasSymbol ?? part.getSymbol())?.declarations?.[0])))
          found.set(label, [...new Set(keys)].sort());
      }
    }
  };
  const isPublic = (symbol: ts.Symbol): boolean => {
    const declaration = symbol.declarations?.[0];
    if (!ours(declaration) || declaration === undefined) return false;
    if (symbol.getName().startsWith("#") || symbol.getName().startsWith("__")) return false;
    const flags = ts.getCombinedModifierFlags(declaration);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
    return !ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "internal");
  };
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(entry);
    const module = file && checker.getSymbolAtLocation(file);
    if (!file || !module) throw new Error(`cannot read ${entry}`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.valueDeclaration;
      if (!declaration || !ours(declaration)) continue;
      const name = exported.getName();
      const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
      record(name, type, declaration);
      if (symbol.flags & ts.SymbolFlags.Class) {
        record(`new ${name}`, type, declaration, true);
        for (const member of type.getProperties()) {
          if (member.getName() === "prototype" || !isPublic(member)) continue;
          record(`${name}.${member.getName()}`, checker.getTypeOfSymbolAtLocation(member, declaration), declaration);
        }
        for (const member of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
          if (!isPublic(member)) continue;
          record(`${name}#${member.getName()}`, checker.getTypeOfSymbolAtLocation(member, declaration), declaration);
        }
      } else if (!(symbol.flags & ts.SymbolFlags.Function)) {
        for (const member of type.getProperties()) {
          if (!isPublic(member)) continue;
          record(`${name}.${member.getName()}`, checker.getTypeOfSymbolAtLocation(member, declaration), declaration);
        }
      }
    }
  }
  return found;
}

/** One entry point: how to call it with valid arguments and the given options. */
interface Row {
  /** Options it needs to succeed (its required keys). */
  readonly valid?: Record<string, unknown>;
  /** Runs before each call, outside what is measured (a batch buffer to commit, say). */
  readonly prepare?: () => void;
  /** Calls the entry point; may return a promise, or an object to dispose. */
  readonly call: (options: unknown) => unknown;
  /** The state of the object the call acts on, which a rejected call must leave as it was. */
  readonly state?: () => unknown;
  /** Not a declared entry point, reached through a returned object (checked all the same). */
  readonly returned?: true;
}

/** Entry points that return a new object holding memory or workers, which the test disposes. */
const CREATES = /^new |\.deserialize$|\.fromScores$|^createRuntime$/;

/** The error a call throws or rejects with, or undefined; disposes what a successful call created. */
async function errorOf(call: () => unknown, creates = false): Promise<unknown> {
  try {
    const result = await call();
    if (creates) (result as { dispose(): void }).dispose();
  } catch (error) {
    return error;
  }
  return undefined;
}

const dim = 3;
const scores = sample(5 * dim, normal(1));
const next = normal(2);
const spd = (): SymmetricMatrix => empiricalFisher(sample(8 * dim, next), dim);
const g = new Float64Array([0.5, -1, 2]);
const X = new Float64Array([1, 0.2, 1, -0.4, 1, 1.3, 1, 0.7, 1, -1.1, 1, 2.2]);
const yBinary = new Float64Array([0, 1, 1, 0, 1, 0]);
const yCounts = new Float64Array([1, 0, 3, 2, 0, 4]);
const yGaussian = new Float64Array([0.3, -0.2, 1.4, 0.9, -1.2, 2.5]);
const yClasses = new Float64Array([0, 1, 2, 1, 0, 2]);
const theta = new Float64Array([0.1, 0.2]);

function rows(): Record<string, Row> {
  const acc = new FisherAccumulator(dim).add(scores);
  const committed = new FisherAccumulator(dim).add(scores);
  const diag = new DiagonalFisherAccumulator(dim).add(scores);
  const diagCommitted = new DiagonalFisherAccumulator(dim).add(scores);
  const hessians = new HessianAccumulator(2);
  hessians.add(new Float64Array([2, 0.5, 0.5, 1]));
  const kf = new KroneckerFactoredFisher(2, 2, { bias: false });
  kf.add(sample(10, normal(3)), sample(10, normal(4)));
  const lowRank = LowRankFisher.fromScores(scores, dim);
  const F = spd();
  const block = blockDiagonal([F, new Float64Array([1, 2])]);
  const diagonal = diagonalOperator(new Float64Array([1, 2, 3]));
  const logistic = models.logistic(X, yBinary, 2);
  const multinomial = models.multinomial(X, yClasses, 2, 3);
  const model = tinyNetwork();
  const { x, y } = batch(4, 3, 2);
  const packed = (m: SymmetricMatrix) => () => Array.from(m.packed);
  return {
    init: { call: (o) => init(o as never) },
    createRuntime: { call: (o) => createRuntime(o as never) },
    "new FisherAccumulator": { call: (o) => new FisherAccumulator(dim, o as never) },
    "FisherAccumulator.deserialize": { call: (o) => FisherAccumulator.deserialize(acc.serialize(), o as never) },
    "FisherAccumulator#add": { call: (o) => acc.add(scores, o as never), state: () => acc.serialize() },
    "FisherAccumulator#commit": {
      prepare: () => committed.batchBuffer(1).fill(0.5),
      call: (o) => committed.commit(undefined, o as never),
      state: () => committed.serialize(),
    },
    "new DiagonalFisherAccumulator": { call: (o) => new DiagonalFisherAccumulator(dim, o as never) },
    "DiagonalFisherAccumulator.deserialize": {
      call: (o) => DiagonalFisherAccumulator.deserialize(diag.serialize(), o as never),
    },
    "DiagonalFisherAccumulator#add": { call: (o) => diag.add(scores, o as never), state: () => diag.serialize() },
    "DiagonalFisherAccumulator#commit": {
      prepare: () => diagCommitted.batchBuffer(1).fill(0.5),
      call: (o) => diagCommitted.commit(undefined, o as never),
      state: () => diagCommitted.serialize(),
    },
    "new HessianAccumulator": { call: (o) => new HessianAccumulator(2, o as never) },
    "HessianAccumulator#add": {
      call: (o) => hessians.add(new Float64Array([1, 0, 0, 1]), o as never),
      state: () => [hessians.count, Array.from(hessians.sum().packed)],
    },
    "new KroneckerFactoredFisher": { call: (o) => new KroneckerFactoredFisher(2, 2, o as never) },
    "KroneckerFactoredFisher.deserialize": {
      call: (o) => KroneckerFactoredFisher.deserialize(kf.serialize(), o as never),
    },
    "KroneckerFactoredFisher#add": {
      call: (o) => kf.add(sample(4, normal(5)), sample(4, normal(6)), o as never),
      state: () => kf.serialize(),
    },
    "KroneckerFactoredFisher#update": {
      valid: { decay: 0.5 },
      call: (o) => kf.update(sample(4, normal(7)), sample(4, normal(8)), o as never),
      state: () => kf.serialize(),
    },
    "KroneckerFactoredFisher#solve": {
      valid: { damping: 0.1 },
      call: (o) => kf.solve(new Float64Array(4).fill(1), o as never),
      state: () => kf.serialize(),
    },
    "LowRankFisher.fromScores": { call: (o) => LowRankFisher.fromScores(scores, dim, o as never) },
    "LowRankFisher#solve": { valid: { damping: 0.1 }, call: (o) => lowRank.solve(g, o as never) },
    "LowRankFisher#logDeterminant": { valid: { damping: 0.1 }, call: (o) => lowRank.logDeterminant(o as never) },
    empiricalFisher: { call: (o) => empiricalFisher(scores, dim, o as never) },
    diagonalFisher: { call: (o) => diagonalFisher(scores, dim, o as never) },
    discreteExpectedFisher: {
      call: (o) =>
        discreteExpectedFisher(
          sample(2 * 2 * dim, normal(9)),
          new Float64Array([0.3, 0.7, 0.6, 0.4]),
          dim,
          2,
          o as never,
        ),
    },
    monteCarloFisher: {
      valid: { samples: 8 },
      call: (o) => monteCarloFisher((count) => sample(count * dim, normal(count)), dim, o as never),
    },
    conjugateGradient: { call: (o) => conjugateGradient(F, g, o as never) },
    naturalGradient: { call: (o) => naturalGradient(F, g, o as never) },
    estimateTrace: { valid: { samples: 4 }, call: (o) => estimateTrace(F, o as never) },
    estimateDiagonal: { valid: { samples: 4 }, call: (o) => estimateDiagonal(F, o as never) },
    topEigenvalues: { call: (o) => topEigenvalues(F, 1, o as never) },
    numericalHessian: {
      call: (o) => numericalHessian((t) => -((t[0] as number) ** 2) - (t[1] as number) ** 2, theta, o as never),
    },
    scoreJacobian: { call: (o) => scoreJacobian((t) => t.map((v) => -2 * v), theta, o as never) },
    informationMatrixTest: {
      call: (o) =>
        informationMatrixTest(
          sample(6 * 2, normal(10)),
          new Float64Array(6 * 4).map((_, i) => [-2, 0.1, 0.1, -1][i % 4] as number),
          2,
          o as never,
        ),
    },
    "SymmetricMatrix.fromPacked": { call: (o) => SymmetricMatrix.fromPacked(F.packed, dim, o as never) },
    "SymmetricMatrix.fromDense": {
      call: (o) => SymmetricMatrix.fromDense(new Float64Array([2, 1, 1, 2]), 2, o as never),
    },
    "SymmetricMatrix#matvec": { call: (o) => F.matvec(g, o as never), state: packed(F) },
    "SymmetricMatrix#cholesky": { call: (o) => F.cholesky(o as never), state: packed(F) },
    "SymmetricMatrix#solve": { call: (o) => F.solve(g, o as never), state: packed(F) },
    "SymmetricMatrix#inverse": { call: (o) => F.inverse(o as never), state: packed(F) },
    "SymmetricMatrix#logDeterminant": { call: (o) => F.logDeterminant(o as never), state: packed(F) },
    "SymmetricMatrix#rank": { call: (o) => F.rank(o as never), state: packed(F) },
    "BlockDiagonalOperator#solve": { call: (o) => block.solve(new Float64Array(5).fill(1), o as never) },
    "diagonalOperator(…)#solve": { returned: true, call: (o) => diagonal.solve?.(g, o as never) },
    "models.logistic": { call: (o) => models.logistic(X, yBinary, 2, o as never) },
    "models.poisson": { call: (o) => models.poisson(X, yCounts, 2, o as never) },
    "models.gaussian": { call: (o) => models.gaussian(X, yGaussian, 2, o as never) },
    "models.multinomial": { call: (o) => models.multinomial(X, yClasses, 2, 3, o as never) },
    "Model#fit": { call: (o) => logistic.fit(o as never) },
    "GlmModel#fit": { call: (o) => logistic.fit(o as never) },
    "MultinomialModel#fit": { call: (o) => multinomial.fit(o as never) },
    kfacPairs: { call: (o) => kfacPairs(model, x, y, tfl.metrics.categoricalCrossentropy, o as never) },
    "new KfacOptimizer": { call: (o) => new KfacOptimizer(model, o as never) },
    "new NaturalGradientOptimizer": { call: (o) => new NaturalGradientOptimizer(model, o as never) },
  };
}

await init();
await useTfjsCpu();
const declared = declaredEntryPoints();
const table = rows();
const NAMES = Object.keys(table);

afterAll(() => {
  tf.disposeVariables();
});

describe("options are validated by every public entry point", () => {
  it("the table has a row for every entry point the declarations list, and no other", () => {
    const extra = Object.entries(table)
      .filter(([name, row]) => !row.returned && !declared.has(name))
      .map(([name]) => name);
    const missing = [...declared.keys()].filter((name) => !(name in table));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(declared.size).toBeGreaterThanOrEqual(50);
  });

  /** The declared keys of an entry point; for a returned operator, those of its solve. */
  const keysOf = (name: string): string[] => declared.get(name) ?? ["damping"];

  /** Runs a call that must be refused, and checks that nothing changed. */
  async function refused(name: string, options: unknown): Promise<unknown> {
    const row = table[name] as Row;
    row.prepare?.();
    const runtime = defaultRuntime();
    const before = { state: row.state?.(), bytes: runtime.liveBytes, objects: runtime.liveObjects };
    const error = await errorOf(() => row.call(options));
    expect(error, `${name}(${String(options)})`).toBeInstanceOf(Error);
    expect({ state: row.state?.(), bytes: runtime.liveBytes, objects: runtime.liveObjects }).toEqual(before);
    return error;
  }

  it.each(NAMES)("%s: an unknown key is refused, naming it, the known keys and the closest", async (name) => {
    const known = keysOf(name);
    const valid = table[name]?.valid ?? {};
    // A misspelling of its first key (one letter doubled) and a key far from all of them.
    const first = known[0] as string;
    const typo = first.slice(0, 2) + first.slice(1);
    const error = (await refused(name, { ...valid, [typo]: 1 })) as UnknownOptionError;
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.key).toBe(typo);
    expect([...error.known].sort()).toEqual(known);
    expect(error.suggestion).toBe(first);
    expect(error.message).toContain(`\`options.${typo}\``);
    expect(error.message).toContain(`did you mean \`${first}\``);
    const far = (await refused(name, { ...valid, zzzzzzzzzz: true })) as UnknownOptionError;
    expect(far).toBeInstanceOf(UnknownOptionError);
    expect(far.suggestion).toBeUndefined();
  });

  it.each(NAMES)("%s: a key of the wrong type is refused, naming the key, the value and the type", async (name) => {
    const valid = table[name]?.valid ?? {};
    for (const key of keysOf(name)) {
      const error = (await refused(name, { ...valid, [key]: null })) as OptionTypeError;
      expect(error, key).toBeInstanceOf(OptionTypeError);
      expect(error.option).toBe(`options.${key}`);
      expect(error.value).toBeNull();
      expect(error.message).toMatch(new RegExp(`^\`options\\.${key}\` must be .+; received null\\.$`));
      const text = (await refused(name, { ...valid, [key]: "false" })) as Error;
      expect(text.message, key).toContain(`\`options.${key}\``);
      expect(text.message, key).toContain('"false"');
      expect(text instanceof OptionTypeError || text instanceof RangeError, key).toBe(true);
    }
  });

  it.each(NAMES)("%s: options that are not a plain object are refused", async (name) => {
    for (const options of [[], 5, "x", null, true, new Date(0)]) {
      const error = (await refused(name, options)) as OptionTypeError;
      expect(error, String(options)).toBeInstanceOf(OptionTypeError);
      expect(error.option).toBe("options");
      expect(error.message).toMatch(/^`options` must be an object literal \(a plain object\) or undefined; received /);
    }
  });

  it.each(NAMES)("%s: a key given as undefined counts as not given", async (name) => {
    const row = table[name] as Row;
    const valid = row.valid ?? {};
    const options = Object.fromEntries(keysOf(name).map((key) => [key, valid[key]]));
    row.prepare?.();
    const creates = CREATES.test(name);
    expect(await errorOf(() => row.call(options), creates)).toBeUndefined();
    row.prepare?.();
    expect(await errorOf(() => row.call(Object.keys(valid).length ? valid : undefined), creates)).toBeUndefined();
  });
});

describe("the cases that were accepted silently", () => {
  it("a misspelt centered, a string for a boolean, dampening, null damping and reduction, an array", () => {
    expect(() => empiricalFisher(scores, dim, { centred: true } as never)).toThrow(
      /`options\.centred` is not an option here \(did you mean `centered`\?\)/,
    );
    expect(() => empiricalFisher(scores, dim, { centered: "false" } as never)).toThrow(
      '`options.centered` must be a boolean (true or false); received "false".',
    );
    const F = spd();
    expect(() => F.solve(g, { dampening: 1 } as never)).toThrow(/did you mean `damping`/);
    expect(() => F.solve(g, { damping: null } as never)).toThrow(OptionTypeError);
    expect(() => naturalGradient(F, g, { damping: null } as never)).toThrow(OptionTypeError);
    expect(() => empiricalFisher(scores, dim, { reduction: null } as never)).toThrow(OptionTypeError);
    expect(() => empiricalFisher(scores, dim, [] as never)).toThrow(OptionTypeError);
    expect(() => empiricalFisher(scores, dim, Object.create(null))).not.toThrow();
  });
});
