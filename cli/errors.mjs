// The two failures the tool reports as one line on stderr, without a stack: bad input
// (a file that cannot be read as scores) exits 1, bad usage (the command line) exits 2.

/** A problem with an input or output file; the message starts with where it is. */
export class InputError extends Error {
  name = "InputError";
  exitCode = 1;

  /** @param {string} where a file name, or "file:line" for text input */
  constructor(where, what) {
    super(`${where}: ${what}`);
  }
}

/** A problem with the command line; `help` is the command whose --help explains it. */
export class UsageError extends Error {
  name = "UsageError";
  exitCode = 2;

  constructor(what, help = "fisher-wasm --help") {
    super(`${what} (see '${help}')`);
  }
}

/** The message of a failed file operation, without Node's syscall prefix. */
export function describeFsError(err) {
  switch (err?.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return err?.code ? `${err.code} (${err.message})` : String(err?.message ?? err);
  }
}
