// The two failures the tool reports as one line on stderr, without a stack: bad input
// (a file that cannot be read as scores) exits 1, bad usage (the command line) exits 2.

/** A problem with an input or output file; the message starts with where it is. */
export class InputError extends Error {
  override name = "InputError";
  readonly exitCode = 1;

  /** @param where a file name, or "file:line" for text input */
  constructor(where: string, what: string) {
    super(`${where}: ${what}`);
  }
}

/** A problem with the command line; `help` is the command whose --help explains it. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = 2;

  constructor(what: string, help = "fisher-wasm --help") {
    super(`${what} (see '${help}')`);
  }
}

/** The message of a failed file operation, without Node's syscall prefix. */
export function describeFsError(err: unknown): string {
  const { code, message } = errorParts(err);
  switch (code) {
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
      return code ? `${code} (${message})` : message;
  }
}

/** The `code` (as Node's system errors carry it) and message of anything thrown. */
export function errorParts(err: unknown): { code: string | undefined; message: string } {
  if (typeof err !== "object" || err === null) return { code: undefined, message: String(err) };
  const { code, message } = err as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    message: String(message ?? err),
  };
}
