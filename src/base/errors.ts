// Typed errors. Wrong kinds of argument raise TypeError and bad sizes, indices or
// values raise RangeError (both built in); the classes here carry extra fields.

/** A score (or other input) is NaN or ±Infinity. Nothing was modified. */
export class NonFiniteError extends RangeError {
  /** "NonFiniteError". */
  override readonly name = "NonFiniteError";
  constructor(
    /** Name of the argument that held it. */
    readonly argument: string,
    /** Row (sample) within the batch, 0-based. */
    readonly row: number,
    /** Column (parameter), 0-based. */
    readonly column: number,
    /** The offending value: NaN, Infinity or -Infinity. */
    readonly value: number,
  ) {
    super(`\`${argument}\` must be finite; row ${row}, column ${column} is ${value}.`);
  }
}

/** An object was used after dispose(). */
export class DisposedError extends Error {
  /** "DisposedError". */
  override readonly name = "DisposedError";
  constructor(what: string) {
    super(`This ${what} was disposed and can no longer be used.`);
  }
}

/** Bytes given to deserialize() are not a state written by this format. */
export class SerializationError extends Error {
  /** "SerializationError". */
  override readonly name = "SerializationError";
}

/** A mean was asked of an accumulator that holds no weight yet. */
export class EmptyAccumulatorError extends Error {
  /** "EmptyAccumulatorError". */
  override readonly name = "EmptyAccumulatorError";
  constructor(what: string) {
    super(`Cannot compute ${what}: the accumulator holds no rows with positive weight.`);
  }
}

/** A matrix (plus its damping) is not positive definite, so it has no Cholesky factor. */
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

/** A fit did not converge, so the quantities that assume an optimum do not exist. */
export class ConvergenceError extends Error {
  /** "ConvergenceError". */
  override readonly name = "ConvergenceError";
  constructor(
    /** Why the fit stopped, as in ModelFit.reason. */
    readonly reason: string,
  ) {
    super(`The fit did not converge (${reason}), so it has no covariance or standard errors.`);
  }
}
