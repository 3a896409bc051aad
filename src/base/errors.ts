// Typed errors. Wrong kinds of argument raise TypeError and bad sizes, indices or
// values raise RangeError (both built in); the classes here carry extra fields.

/**
 * An input is NaN or ±Infinity. Nothing was modified. The same condition raises this
 * error everywhere: scores, weights, vectors, matrices and values returned by callbacks.
 * @category Errors
 */
export class NonFiniteError extends RangeError {
  /** "NonFiniteError". */
  override readonly name = "NonFiniteError";
  constructor(
    /** Name of the argument that held it. */
    readonly argument: string,
    /** Row (sample) within the batch, 0-based; 0 for a single vector. */
    readonly row: number,
    /** Column (parameter), 0-based; the index within a single vector. */
    readonly column: number,
    /** The offending value: NaN, Infinity or -Infinity. */
    readonly value: number,
    /** Whether the input is one flat vector, so the message names `argument[column]`. */
    flat = false,
  ) {
    super(
      flat
        ? `\`${argument}\` must be finite; ${argument}[${column}] is ${value}.`
        : `\`${argument}\` must be finite; row ${row}, column ${column} is ${value}.`,
    );
  }

  /** The error for entry `index` of a flat array (row 0, column index). */
  static atIndex(argument: string, index: number, value: number): NonFiniteError {
    return new NonFiniteError(argument, 0, index, value, true);
  }
}

/**
 * A result would be NaN or ±Infinity although every input was finite: it lies beyond the range
 * of a double (a sum past 1.8e308, a solve through a matrix so small that the answer overflows,
 * weights whose sum overflows). Nothing was modified (an object is exactly as it was). Means that
 * stay in range are computed in range (scaled by powers of two, which is exact) instead of
 * raising this; a sum or a solution that truly does not fit raises it.
 * @category Errors
 */
export class OverflowError extends RangeError {
  /** "OverflowError". */
  override readonly name = "OverflowError";
  constructor(
    /** The argument (or the object, e.g. "this matrix") whose values make the result overflow. */
    readonly argument: string,
    /** What overflowed and why, as the message states it after the argument's name. */
    readonly detail: string,
  ) {
    super(`\`${argument}\`: ${detail}`);
  }
}

/**
 * An object was used after dispose().
 * @category Errors
 */
export class DisposedError extends Error {
  /** "DisposedError". */
  override readonly name = "DisposedError";
  constructor(what: string) {
    super(`This ${what} was disposed and can no longer be used.`);
  }
}

/**
 * Bytes given to deserialize() are not a state written by this format.
 * @category Errors
 */
export class SerializationError extends Error {
  /** "SerializationError". */
  override readonly name = "SerializationError";
}

/**
 * Why a batch buffer (from an accumulator's `batchBuffer()`) could not be committed:
 * "memory-grew" — the runtime's WebAssembly memory grew after the buffer was handed out (some
 * allocation in the same runtime: a new accumulator, a larger staging area, a result), which
 * detaches every view of it, so values written through the view afterwards never reached the
 * memory; "no-buffer" — commit() without a buffer handed out since the last commit.
 * @category Errors
 */
export type BatchBufferProblem = "memory-grew" | "no-buffer";

/**
 * A batch buffer could not be committed (see {@link BatchBufferProblem}). Nothing was added;
 * call `batchBuffer()` again, fill the new view and commit it.
 * @category Errors
 */
export class BatchBufferError extends Error {
  /** "BatchBufferError". */
  override readonly name = "BatchBufferError";
  constructor(
    /** What went wrong. */
    readonly problem: BatchBufferProblem,
  ) {
    super(
      problem === "memory-grew"
        ? "The batch buffer is no longer valid: the runtime's memory grew after batchBuffer() handed it out, which detaches every view of that memory, so what was written through it may be lost. Nothing was added; call batchBuffer() again, refill it and commit, with no allocation in the same runtime in between."
        : "There is no batch buffer to commit: call batchBuffer(rows) and fill the view it returns first (each commit() consumes the buffer handed out before it).",
    );
  }
}

/**
 * A mean was asked of inputs that hold no weight: an empty accumulator, a batch with no
 * rows, or rows whose weights are all zero. The same condition raises this error everywhere.
 * @category Errors
 */
export class EmptyMeanError extends RangeError {
  /** "EmptyMeanError". */
  override readonly name = "EmptyMeanError";
  constructor(
    /** What the mean was asked of, as the message names it. */
    readonly what: string,
    /** Why there is no weight, when a caller knows more than that the weight is zero. */
    detail = "it holds no rows with positive weight",
  ) {
    super(`Cannot compute ${what}: ${detail}.`);
  }
}

/**
 * @deprecated Renamed {@link EmptyMeanError}, which one-shot functions raise too; this alias is the same class.
 * @category Errors
 */
export const EmptyAccumulatorError = EmptyMeanError;
/**
 * @deprecated Renamed {@link EmptyMeanError}.
 * @category Errors
 */
export type EmptyAccumulatorError = EmptyMeanError;

/**
 * A matrix (plus its damping) is not positive definite, so it has no Cholesky factor.
 * @category Errors
 */
export class NotPositiveDefiniteError extends Error {
  /** "NotPositiveDefiniteError". */
  override readonly name = "NotPositiveDefiniteError";
  constructor(
    /** Order of the first leading minor that is not positive (LAPACK's info), 1-based. */
    readonly minor: number,
    /** Dimension of the matrix. */
    readonly dim: number,
    /** The λ that had been added to the diagonal. */
    readonly damping: number,
  ) {
    super(
      `The ${dim}×${dim} matrix${damping > 0 ? ` plus ${damping}·I` : ""} is not positive definite: its leading minor of order ${minor} is not positive. Pass a larger { damping } (a small multiple of trace/dim is common) or repair it with clampEigenvalues().`,
    );
  }
}

/**
 * An iteration did not converge (a model's fit, an eigen-decomposition), so the result it
 * would give does not exist.
 * @category Errors
 */
export class ConvergenceError extends Error {
  /** "ConvergenceError". */
  override readonly name = "ConvergenceError";
  constructor(
    /** Why the iteration stopped (for a fit, as in ModelFit.reason). */
    readonly reason: string,
    message = `The fit did not converge (${reason}), so it has no covariance or standard errors.`,
  ) {
    super(message);
  }
}

/**
 * A function that needs a runtime was called before `init()` (or `createRuntime()`) gave one.
 * @category Errors
 */
export class NotInitializedError extends Error {
  /** "NotInitializedError". */
  override readonly name = "NotInitializedError";
  constructor() {
    super("fisher-wasm is not initialised: call `await init()` first.");
  }
}

/**
 * The requested backend cannot run in this engine (for example a SIMD build where WebAssembly
 * has no SIMD).
 * @category Errors
 */
export class BackendUnavailableError extends Error {
  /** "BackendUnavailableError". */
  override readonly name = "BackendUnavailableError";
  constructor(
    /** The backend that was asked for. */
    readonly backend: string,
    /** The backends this engine can run, fastest first. */
    readonly available: readonly string[],
  ) {
    super(`Backend ${backend} is not available in this engine; available: ${available.join(", ")}.`);
  }
}

/**
 * A user's callback returned something other than what its contract asks (a wrong type,
 * a wrong length). Non-finite values it returns raise {@link NonFiniteError}.
 * @category Errors
 */
export class CallbackResultError extends TypeError {
  /** "CallbackResultError". */
  override readonly name = "CallbackResultError";
  constructor(
    /** The callback's name, as the message shows the call, e.g. "sampleScores(64)". */
    readonly callback: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A worker thread of a runtime's pool died or was terminated while it computed its share of
 * a call. The call did not complete and changed nothing that outlives it (an accumulator is
 * exactly as it was before the call); the pool replaces the worker, and the next call works
 * (on the calling thread alone until the replacement is ready, with the same result).
 * @category Errors
 */
export class WorkerFailedError extends Error {
  /** "WorkerFailedError". */
  override readonly name = "WorkerFailedError";
  constructor(
    /** The 1-based number of the worker that failed (the calling thread is 0). */
    readonly worker: number,
  ) {
    super(`Worker ${worker} of the thread pool died during the call; nothing was changed, and it is being replaced.`);
  }
}

/**
 * A runtime's 32-bit WebAssembly memory (4 GiB) cannot hold what a call needs next, most often
 * because objects that were never disposed still hold theirs: inside one synchronous loop the
 * garbage collector cannot run the finalizers that would free dropped objects. Nothing was
 * allocated or changed by the failed call. Call `dispose()` on objects no longer needed, or
 * declare them with `using`.
 * @category Errors
 */
export class OutOfMemoryError extends RangeError {
  /** "OutOfMemoryError". */
  override readonly name = "OutOfMemoryError";
  constructor(
    /** Bytes the failed allocation asked for. */
    readonly requestedBytes: number,
    /** Bytes the runtime's live blocks held at the time (objects, staging and work areas). */
    readonly liveBytes: number,
    /** Objects with dispose() alive in the runtime at the time (accumulators and their kin). */
    readonly liveObjects: number,
    /** The most the memory can hold, 4 GiB. */
    readonly limitBytes: number,
  ) {
    super(
      `Out of WebAssembly memory: ${requestedBytes} more bytes were needed, but this runtime already holds ${liveBytes} of its ${limitBytes} bytes, with ${liveObjects} live objects that were not disposed. Call dispose() on accumulators (and other objects with dispose()) no longer needed, or declare them with \`using\`: a dropped object's memory comes back only when the garbage collector runs its finalizer, which never happens inside one synchronous loop.`,
    );
  }
}

/**
 * An options object has a key that the function does not take, most often a misspelling
 * (`centred` for `centered`), which would otherwise be ignored and give a default result
 * silently. Nothing was changed by the call.
 * @category Errors
 */
export class UnknownOptionError extends TypeError {
  /** "UnknownOptionError". */
  override readonly name = "UnknownOptionError";
  constructor(
    /** The argument that holds the options, e.g. "options". */
    readonly argument: string,
    /** The key that is not an option here. */
    readonly key: string,
    /** The keys this function takes. */
    readonly known: readonly string[],
    /** The known key closest to `key`, when one is close enough to be a likely misspelling. */
    readonly suggestion: string | undefined,
  ) {
    const hint = suggestion === undefined ? "" : ` (did you mean \`${suggestion}\`?)`;
    const list =
      known.length === 0 ? "it takes no options" : `its options are ${known.map((k) => `\`${k}\``).join(", ")}`;
    super(`\`${argument}.${key}\` is not an option here${hint}; ${list}.`);
  }
}

/**
 * An options object, or one of its options, has the wrong type: `{ centered: "false" }`,
 * `{ damping: null }`, or options that are not a plain object (an array, a number, null).
 * An option given as `undefined` counts as not given. Nothing was changed by the call.
 * @category Errors
 */
export class OptionTypeError extends TypeError {
  /** "OptionTypeError". */
  override readonly name = "OptionTypeError";
  constructor(
    /** The argument or option, e.g. "options" or "options.damping". */
    readonly option: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What the option must be, e.g. "a number". */
    readonly expected: string,
    /** A short description of the value, as the message shows it. */
    received: string,
  ) {
    super(`\`${option}\` must be ${expected}; received ${received}.`);
  }
}
