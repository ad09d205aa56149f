/**
 * The compiled `dist/ot3c` the end-to-end tests drive, and whether it is current. One definition for the e2e files
 * and the daemon tests, so they agree on when a binary is stale (older than src/ or package.json).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist", "ot3c");
const BUN = join(ROOT, "node_modules", ".bin", "bun");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/ot3c exists and was built after the last change to src/ and package.json. */
export function binaryIsCurrent(): boolean {
  const sources = Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  return existsSync(BIN) && statSync(BIN).mtimeMs >= sources;
}

/** Builds dist/ot3c when it is missing or stale (to a temp name, then renamed: never half a binary); its path. */
export function ensureBinary(): string {
  if (binaryIsCurrent()) return BIN;
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const tmp = `${BIN}.${process.pid}.build`;
  const r = Bun.spawnSync([BUN, "scripts/build.ts", "--outfile", tmp], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`build failed: ${r.stderr.toString()}${r.stdout.toString()}`);
  renameSync(tmp, BIN);
  rmSync(`${tmp}.map`, { force: true });
  return BIN;
}
