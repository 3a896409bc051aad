// `fisher-wasm fisher`: streams a scores file through a FisherAccumulator block by block
// and writes or prints the mean Fisher (or centered covariance).
import {
  EmptyAccumulatorError,
  FisherAccumulator,
  NonFiniteError,
  OverflowError,
  type SymmetricMatrix,
} from "fisher-wasm";
import { parseArgs } from "./args.js";
import type { Command } from "./command.js";
import { InputError, UsageError } from "./errors.js";
import { FISHER_HELP } from "./help.js";
import { BACKEND_OPTION, initLibrary } from "./library.js";
import { type FisherResult, formatSummary, outputFormat, writeResult } from "./output.js";
import { createProgress, type Progress } from "./progress.js";
import { loadWeights, openScores, type ScoresSource } from "./sources.js";

const HELP = "fisher-wasm fisher --help";
const OPTIONS = {
  weights: { type: "string" },
  centered: { type: "boolean" },
  out: { type: "string" },
  packed: { type: "boolean" },
  backend: BACKEND_OPTION,
  help: { type: "boolean", short: "h" },
  // Not in --help: prints the peak resident set size, for the tests of streaming.
  "report-memory": { type: "boolean" },
} as const;

/** Weights and the file they came from, for messages. */
interface Weights {
  values: Float64Array;
  file: string;
}

export const fisherCommand: Command = async (argv, { stdout, stderr }) => {
  const { options, positionals } = parseArgs(argv, OPTIONS, HELP);
  if (options.help) {
    stdout.write(FISHER_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    const what =
      positionals.length === 0 ? "missing the scores file" : `expected one scores file; received ${positionals.length}`;
    throw new UsageError(what, HELP);
  }
  const [scoresFile] = positionals;
  const { out, packed = false, centered = false } = options;
  const format = out === undefined ? undefined : outputFormat(out);
  if (out !== undefined && !format) throw new UsageError(`--out must name a .npy or .json file`, HELP);
  if (packed && !format) throw new UsageError("--packed applies to the --out file; add --out F.npy", HELP);

  const backend = await initLibrary(options.backend);
  const source = openScores(scoresFile);
  let acc: FisherAccumulator | undefined;
  try {
    const weights =
      options.weights === undefined ? undefined : { values: loadWeights(options.weights), file: options.weights };
    const progress = createProgress({ total: source.size, label: source.display, stream: stderr });
    try {
      acc = accumulate(source, weights, progress);
    } finally {
      progress.finish();
    }
    const result: FisherResult = {
      matrix: mean(acc, centered, source.display, options.weights),
      centered,
      count: acc.count,
      totalWeight: acc.totalWeight,
    };
    if (out !== undefined && format) {
      writeResult(out, format, result, packed);
      stdout.write(`wrote ${out}: ${describe(result, packed)} of ${result.count} rows\n`);
    } else {
      stdout.write(formatSummary({ ...result, source, weightsFile: options.weights, backend }));
    }
  } finally {
    acc?.dispose();
    source.close();
  }
  if (options["report-memory"]) stderr.write(`peak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`);
  return 0;
};

/** Adds every block of the source; weights (if any) must have one value per row. */
function accumulate(source: ScoresSource, weights: Weights | undefined, progress: Progress): FisherAccumulator {
  const mismatch = (weights: Weights, rows: number) =>
    new InputError(weights.file, `${weights.values.length} weights for ${rows} rows of scores in ${source.display}`);
  if (weights && source.rows !== undefined && weights.values.length !== source.rows) {
    throw mismatch(weights, source.rows);
  }
  let acc: FisherAccumulator;
  try {
    acc = new FisherAccumulator(source.dim);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(source.display, `${source.dim} columns: ${err.message}`);
    throw err;
  }
  try {
    let rows = 0;
    for (const block of source.blocks()) {
      rows = block.firstRow + block.rows;
      if (weights && rows > weights.values.length) {
        const { at, row } = block.where(weights.values.length - block.firstRow);
        throw new InputError(
          weights.file,
          `${weights.values.length} weights, but the scores go on: ${at} is row ${row}`,
        );
      }
      const w = weights?.values.subarray(block.firstRow, rows);
      try {
        acc.add(block.data, w && { weights: w });
      } catch (err) {
        // Finite scores whose sums pass the largest double: the accumulator refused the block.
        if (err instanceof OverflowError) throw new InputError(source.display, "the result overflows float64");
        if (!(err instanceof NonFiniteError)) throw err;
        const { at, row } = block.where(err.row);
        throw new InputError(at, `row ${row}, column ${err.column} (0-based) is ${err.value}; scores must be finite`);
      }
      progress.update(block.bytesDone);
    }
    if (weights && rows !== weights.values.length) throw mismatch(weights, rows);
    return acc;
  } catch (err) {
    acc.dispose();
    throw err;
  }
}

/** The mean Fisher or covariance, checked for overflow (finite scores can still square to Infinity). */
function mean(
  acc: FisherAccumulator,
  centered: boolean,
  scoresFile: string,
  weightsFile: string | undefined,
): SymmetricMatrix {
  let matrix: SymmetricMatrix;
  try {
    matrix = centered ? acc.covariance() : acc.fisher();
  } catch (err) {
    if (err instanceof EmptyAccumulatorError) throw new InputError(weightsFile ?? scoresFile, "all weights are zero");
    if (err instanceof OverflowError) throw new InputError(scoresFile, "the result overflows float64");
    throw err;
  }
  if (!matrix.packed.every(Number.isFinite)) throw new InputError(scoresFile, "the result overflows float64");
  return matrix;
}

function describe({ matrix, centered }: FisherResult, packed: boolean): string {
  const d = matrix.dim;
  const shape = packed ? `packed ${(d * (d + 1)) / 2}` : `${d} × ${d}`;
  return `${shape} ${centered ? "centered covariance" : "Fisher"} (mean)`;
}
