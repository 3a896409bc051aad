// Help texts: what each command computes, its options, and the accepted file formats.

export const MAIN_HELP = `fisher-wasm: Fisher information matrices from per-sample scores (WebAssembly SIMD).

Usage:
  fisher-wasm fisher <scores.npy|scores.csv> [options]   the empirical Fisher of saved scores
  fisher-wasm bench [options]                            a short speed check of this machine
  fisher-wasm <command> --help                           options of a command
  fisher-wasm --version

Exit status: 0 on success, 1 on bad input, 2 on a bad command line.
`;

export const FISHER_HELP = `Usage: fisher-wasm fisher <scores.npy|scores.csv> [options]

Computes the empirical Fisher information of per-sample scores, a MEAN over samples:
  F = (1/Σw) Σ w s sᵀ                       (uncentered; w = 1 unless --weights)
  C = (1/Σw) Σ w (s − s̄)(s − s̄)ᵀ            (--centered; divides by Σw, not Σw − 1)
The file is read in blocks of a few MB, so its size is not limited by memory.

Scores (one row per sample, N × d):
  .npy   a 2-D C-order float64 ('<f8') or float32 ('<f4') array, from NumPy's
         np.save(path, scores) or PyTorch's np.save(path, t.detach().cpu().numpy())
  .csv   numeric, comma-separated, one row per line; an optional first line of column
         names (every cell a name: a first line mixing names and numbers, or holding an
         empty cell or NA, is an error); blank lines and lines starting with '#' are skipped; nan/inf accepted
         (and rejected as non-finite scores)

Options:
  --weights <w.npy|w.csv>   one non-negative weight per sample (1-D .npy or one-column CSV)
  --centered                the centered covariance C instead of F
  --out <F.npy|F.json>      write the matrix: float64 .npy (d × d), or JSON with dim,
                            reduction, centered, count, totalWeight, layout and matrix
  --packed                  with --out: the packed upper triangle, length d(d+1)/2, LAPACK 'U':
                            packed[i + j(j+1)/2] = F[i][j] for i <= j
  --backend <name>          wasm-relaxed-simd, wasm-simd, wasm-scalar or js (default: the fastest available)
  -h, --help                this text

Without --out, prints N, d, the backend, the trace and (for d <= 8) the matrix.
A progress bar appears on stderr for inputs over 16 MB when stderr is a terminal.
`;

export const BENCH_HELP = `Usage: fisher-wasm bench [options]

Times empiricalFisher on seeded random scores of 20000 × 64 and 2000 × 512 and prints
GFLOP/s (flops = N·d·(d+1) per call) for the active backend. Each result is checked
against a plain-JavaScript trace before it is timed.

Options:
  --seconds <s>      time per shape (default 1)
  --backend <name>   wasm-relaxed-simd, wasm-simd, wasm-scalar or js (default: the fastest available)
  -h, --help         this text
`;
