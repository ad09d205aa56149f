/**
 * Baked in by scripts/build.ts (`--define`). From source the version falls back to a dev marker and the commit is
 * asked of git once, only when `--version` is printed (every other start stays free of a subprocess).
 */
declare const OT3C_VERSION: string | undefined;
declare const OT3C_COMMIT: string | undefined;

export const VERSION: string = typeof OT3C_VERSION === "string" ? OT3C_VERSION : "0.1.0-dev";
const BAKED_COMMIT: string | undefined = typeof OT3C_COMMIT === "string" ? OT3C_COMMIT : undefined;
/** For labels (build_info): the baked commit, or "source" when running from a checkout. */
export const COMMIT: string = BAKED_COMMIT ?? "source";

function gitCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: import.meta.dir, stdout: "pipe", stderr: "ignore" });
    return r.exitCode === 0 ? r.stdout.toString().trim() + " (source)" : "source, commit unknown";
  } catch {
    return "source, commit unknown";
  }
}

/** `ot3c --version`: "0.1.0 (commit 1a2b3c4)". */
export function versionLine(): string {
  return `${VERSION} (commit ${BAKED_COMMIT ?? gitCommit()})`;
}
