/** Command output to a file or, for "-", to stdout. */
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Writes what `produce` emits to `path`: beside it first and then renamed, so a failure never leaves half a file
 * (a truncated CSV or OpenMetrics file would be read as complete). Returns the absolute path written, or "-".
 */
export async function writeOut(path: string, produce: (write: (chunk: string) => void) => Promise<unknown> | unknown): Promise<string> {
  if (path === "-") {
    await produce((c) => void process.stdout.write(c));
    return "-";
  }
  const file = resolve(path);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "w", 0o644);
    try {
      await produce((c) => void writeSync(fd, c));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
  return file;
}
