// What a subcommand is given and gives back: its arguments and the two output streams in,
// the exit status out.
import type { ProgressStream } from "./progress.js";

export interface CommandIo {
  stdout: { write(text: string): unknown };
  /** Messages and the progress bar. */
  stderr: ProgressStream;
}

export type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;
