// Opening an input file, with the failure as one line naming the file as the user typed it.
import { closeSync, fstatSync, openSync } from "node:fs";
import { describeFsError, InputError } from "./errors.js";

/** Opens a file for reading, turning fs errors into one-line InputErrors. */
export function openForReading(path: string, display: string): number {
  try {
    const fd = openSync(path, "r");
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("directory"), { code: "EISDIR" });
    }
    return fd;
  } catch (err) {
    throw new InputError(display, describeFsError(err));
  }
}
