// `fisher-wasm fisher`: streams a scores file through a FisherAccumulator block by block
// and writes or prints the mean Fisher (or centered covariance).
import { parseArgs } from "./args.mjs";
import { InputError, UsageError } from "./errors.mjs";
import { FISHER_HELP } from "./help.mjs";
import { BACKEND_OPTION, loadLibrary } from "./library.mjs";
import { formatSummary, outputFormat, writeResult } from "./output.mjs";
import { createProgress } from "./progress.mjs";
import { loadWeights, openScores } from "./sources.mjs";

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
};

export async function fisherCommand(argv, { stdout, stderr }) {
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
  const format = options.out === undefined ? undefined : outputFormat(options.out);
  if (options.out !== undefined && !format) throw new UsageError(`--out must name a .npy or .json file`, HELP);
  if (options.packed && !format) throw new UsageError("--packed applies to the --out file; add --out F.npy", HELP);

  const { lib, backend } = await loadLibrary(options.backend);
  const source = openScores(positionals[0]);
  let acc;
  try {
    const weights = options.weights === undefined ? undefined : loadWeights(options.weights);
    const progress = createProgress({ total: source.size, label: source.display, stream: stderr });
    try {
      acc = accumulate(lib, source, weights && { values: weights, file: options.weights }, progress);
    } finally {
      progress.finish();
    }
    const result = {
      matrix: mean(lib, acc, options.centered === true, source.display, options.weights),
      centered: options.centered === true,
      count: acc.count,
      totalWeight: acc.totalWeight,
    };
    if (format) {
      writeResult(options.out, format, result, options.packed === true);
      stdout.write(`wrote ${options.out}: ${describe(result, options.packed)} of ${result.count} rows\n`);
    } else {
      stdout.write(formatSummary({ ...result, source, weightsFile: options.weights, backend }));
    }
  } finally {
    acc?.dispose();
    source.close();
  }
  if (options["report-memory"]) stderr.write(`peak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`);
  return 0;
}

/** Adds every block of the source; weights (if any) must have one value per row. */
function accumulate(lib, source, weights, progress) {
  const mismatch = (rows) =>
    new InputError(weights.file, `${weights.values.length} weights for ${rows} rows of scores in ${source.display}`);
  if (weights && source.rows !== undefined && weights.values.length !== source.rows) throw mismatch(source.rows);
  let acc;
  try {
    acc = new lib.FisherAccumulator(source.dim);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(source.display, `${source.dim} columns: ${err.message}`);
    throw err;
  }
  try {
    let rows = 0;
    for (const block of source.blocks()) {
      rows = block.firstRow + block.rows;
      if (weights && rows > weights.values.length) {
        const { at, row } = source.where(block, weights.values.length - block.firstRow);
        throw new InputError(
          weights.file,
          `${weights.values.length} weights, but the scores go on: ${at} is row ${row}`,
        );
      }
      const w = weights?.values.subarray(block.firstRow, rows);
      try {
        acc.add(block.data, w && { weights: w });
      } catch (err) {
        if (!(err instanceof lib.NonFiniteError)) throw err;
        const { at, row } = source.where(block, err.row);
        throw new InputError(at, `row ${row}, column ${err.column} (0-based) is ${err.value}; scores must be finite`);
      }
      progress.update(block.bytesDone);
    }
    if (weights && rows !== weights.values.length) throw mismatch(rows);
    return acc;
  } catch (err) {
    acc.dispose();
    throw err;
  }
}

/** The mean Fisher or covariance, checked for overflow (finite scores can still square to Infinity). */
function mean(lib, acc, centered, scoresFile, weightsFile) {
  let matrix;
  try {
    matrix = centered ? acc.covariance() : acc.fisher();
  } catch (err) {
    if (err instanceof lib.EmptyAccumulatorError)
      throw new InputError(weightsFile ?? scoresFile, "all weights are zero");
    throw err;
  }
  if (!matrix.packed.every(Number.isFinite)) throw new InputError(scoresFile, "the result overflows float64");
  return matrix;
}

function describe({ matrix, centered }, packed) {
  const d = matrix.dim;
  const shape = packed ? `packed ${(d * (d + 1)) / 2}` : `${d} × ${d}`;
  return `${shape} ${centered ? "centered covariance" : "Fisher"} (mean)`;
}
