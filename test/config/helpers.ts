/** Temp directories with an ot3c.yaml in them, and a way to get at the ConfigError a load throws. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type LoadConfigOptions } from "../../src/config/load.ts";
import { ConfigValidationError } from "../../src/config/issues.ts";
import { ConfigError, type Config } from "../../src/config/types.ts";
import { createLogger, type Logger } from "../../src/log/logger.ts";
import { ringSink, type RingSink } from "../../src/log/sinks.ts";

export const SECRETS_ENV = {
  OT3C_DASHBOARD_SECRET: "ed-token-0001",
  OT3C_OTC_ACCESS_KEY: "AKEXAMPLE0001",
  OT3C_OTC_SECRET_KEY: "SKEXAMPLE0001",
};

/** A valid file; tests replace or append lines. Secrets inline so it loads without env. */
export const VALID = [
  "dashboard-secret: ed-inline-token", // 1
  "otccreds:", // 2
  "  projectid: p-123", // 3
  "  accesskey: AKINLINE0001", // 4
  "  secretkey: SKINLINE0001", // 5
  "target-budget: 48.0", // 6
].join("\n");

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ot3c-config-"));
  dirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes `text` as <dir>/ot3c.yaml (mode 0600 unless told) and returns the directory. */
export function withConfig(text: string, mode = 0o600, name = "ot3c.yaml"): string {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return dir;
}

export function quietLogger(): { logger: Logger; ring: RingSink } {
  const ring = ringSink(50);
  return { logger: createLogger({ level: "debug", sinks: [ring] }), ring };
}

/** Loads from `dir` with nothing from the real environment leaking in. */
export function load(dir: string, opts: Partial<LoadConfigOptions> = {}): Promise<Config> {
  return loadConfig({ cwd: dir, home: dir, env: {}, logger: quietLogger().logger, ...opts });
}

export async function loadError(dir: string, opts: Partial<LoadConfigOptions> = {}): Promise<ConfigError> {
  try {
    await load(dir, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError, but the configuration loaded");
}

export async function loadIssues(text: string): Promise<ConfigValidationError> {
  const err = await loadError(withConfig(text));
  if (!(err instanceof ConfigValidationError)) throw new Error(`expected validation issues, got: ${err.message}`);
  return err;
}

/** The one issue line for `key` (fails when there is none or several). */
export async function issueFor(text: string, key: string): Promise<string> {
  const err = await loadIssues(text);
  const lines = err.message.split("\n").map((l) => l.trim()).filter((l) => l.includes(`: ${key}: `) || l.includes(`: ${key} — `));
  if (lines.length !== 1) throw new Error(`expected one issue for ${key}, got:\n${err.message}`);
  return lines[0]!;
}
