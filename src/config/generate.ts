/**
 * `ot3c generate-config`: writes the commented example (embedded in the binary) as a starting `ot3c.yaml`.
 * The file is created 0600 because operators fill secrets into it; an existing file is never overwritten
 * without `--force`.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import exampleText from "../../ot3c.yaml.example" with { type: "text" };

export function exampleConfigText(): string {
  return exampleText;
}

export interface GenerateOptions {
  /** Target path; "-" writes to `stdout`. Default ./ot3c.yaml. */
  out?: string;
  force?: boolean;
  cwd?: string;
  stdout?: { write(s: string): unknown };
}

export class RefusedOverwrite extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists; pass --force to overwrite it`);
    this.name = "RefusedOverwrite";
  }
}

/** Returns the path written, or "-" for stdout. */
export function writeExampleConfig(opts: GenerateOptions = {}): string {
  const text = exampleConfigText();
  if (opts.out === "-") {
    (opts.stdout ?? process.stdout).write(text);
    return "-";
  }
  const path = resolve(opts.cwd ?? process.cwd(), opts.out ?? "ot3c.yaml");
  try {
    // "wx" fails atomically if the file exists: no check-then-write race.
    writeFileSync(path, text, { mode: 0o600, flag: opts.force ? "w" : "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new RefusedOverwrite(path);
    throw err;
  }
  // An overwritten file keeps its old mode; the template is about to receive secrets, so tighten it.
  chmodSync(path, 0o600);
  return path;
}
