/**
 * `loadConfig`: find `ot3c.yaml`, parse it, validate it against the schema, resolve secrets, and hand back the
 * normalised `Config`. Any problem is a `ConfigError` (the CLI exits 78) whose message names the key and the
 * file's line:column; all problems found are reported at once.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, relative, resolve, join } from "node:path";
import { getLogger, type Logger } from "../log/logger.ts";
import { ConfigValidationError, formatIssue, fromZodIssues, sortIssues, type ConfigIssue } from "./issues.ts";
import { budgetWarnings } from "./schema-budgets.ts";
import { crossChecks, normalise } from "./normalise.ts";
import { configSchema } from "./schema.ts";
import { resolveSecrets } from "./secrets.ts";
import { firstAliasPosition, MAX_ALIAS_COUNT, parseSource, structuralProblems, type Position } from "./source.ts";
import { ConfigError, type Config } from "./types.ts";

export interface LoadConfigOptions {
  /** `--config`. */
  path?: string;
  /** `--state-dir` (wins over the file's `state-dir`). */
  stateDir?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  /** Where warnings go (default: the process-wide logger). */
  logger?: Logger;
}

export interface ConfigLocation {
  file: string;
  /** What we say in messages. */
  display: string;
  /** Which rule found it, e.g. "--config" or "$OT3C_CONFIG". */
  via: string;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** The lookup order of ../shared/DESIGN.md §3. An explicit path that does not exist is an error, not a fallthrough. */
export function locateConfig(opts: LoadConfigOptions = {}): ConfigLocation {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? env.HOME ?? homedir();
  const explicit: Array<[string | undefined, string]> = [
    [opts.path, "--config"],
    [env.OT3C_CONFIG, "$OT3C_CONFIG"],
  ];
  for (const [p, via] of explicit) {
    if (!p) continue;
    const file = resolve(cwd, p);
    if (!existsSync(file)) throw new ConfigError(`configuration file ${file} (from ${via}) does not exist`, undefined, undefined, undefined, file);
    return { file, display: displayPath(file, cwd), via };
  }
  const confDir = env.CONFIGURATION_DIRECTORY?.split(":")[0];
  const candidates: Array<[string, string]> = [
    [join(cwd, "ot3c.yaml"), "./ot3c.yaml"],
    ...(confDir ? ([[join(confDir, "ot3c.yaml"), "$CONFIGURATION_DIRECTORY/ot3c.yaml"]] as Array<[string, string]>) : []),
    [join(home, "ot3c.yaml"), "~/ot3c.yaml"],
  ];
  for (const [file, via] of candidates) {
    if (existsSync(file)) return { file, display: displayPath(file, cwd), via };
  }
  const looked = [
    "--config (not given)",
    "$OT3C_CONFIG (not set)",
    ...candidates.map(([f]) => f),
    ...(confDir ? [] : ["$CONFIGURATION_DIRECTORY/ot3c.yaml ($CONFIGURATION_DIRECTORY not set)"]),
  ];
  throw new ConfigError(
    `no configuration file found; looked in:\n  ${looked.join("\n  ")}\n` +
      "Create one with `ot3c generate-config` (writes a commented ./ot3c.yaml), or pass --config FILE.",
  );
}

/**
 * `key:` with nothing after it is YAML null. Treat it as absent: a section whose every line was commented out
 * (`notify:` with only comments below) then simply takes its defaults, and a required key left empty is
 * reported as missing rather than as "got an empty value".
 */
function dropEmptyValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmptyValues);
  if (v === null || typeof v !== "object" || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null) out[k] = dropEmptyValues(val);
  return out;
}

function fail(issues: ConfigIssue[]): never {
  throw new ConfigValidationError(sortIssues(issues));
}

export async function loadConfig(opts: LoadConfigOptions = {}): Promise<Config> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? env.HOME ?? homedir();
  const loc = locateConfig({ ...opts, env, cwd, home });

  const text = readConfigText(loc.file, loc.display);
  const { source, syntax } = parseSource(loc.file, loc.display, text);
  const problems = [...syntax.map((p) => ({ ...p, message: `YAML syntax: ${p.message}` })), ...structuralProblems(source)];
  if (problems.length > 0) {
    fail(problems.map((p) => ({ key: "", message: p.message, file: loc.file, display: loc.display, position: p.position })));
  }
  let js: unknown;
  try {
    js = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The library names the problem (e.g. an alias bomb) but not where: point at the first alias.
    const message = `YAML: ${String((err as Error)?.message ?? err).split("\n")[0]} (at most ${MAX_ALIAS_COUNT} alias expansions)`;
    fail([{ key: "", message, file: loc.file, display: loc.display, position: firstAliasPosition(source) }]);
  }
  const raw: unknown = dropEmptyValues(js);
  if (raw === null || raw === undefined) {
    fail([{ key: "", message: "the file is empty; `ot3c generate-config` writes a commented example", file: loc.file, display: loc.display, position: { line: 1, column: 1 } }]);
  }

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  const secrets = resolveSecrets(raw, { source, env });
  const issues = [...(parsed.success ? [] : fromZodIssues(source, parsed.error.issues)), ...secrets.issues, ...crossChecks(raw, source, secrets)];
  if (issues.length > 0 || !parsed.success) fail(issues);

  warnIfExposed(loc.file, loc.display, secrets.inline, opts.logger ?? getLogger());
  const config = normalise(parsed.data, { source, secrets, stateDir: opts.stateDir, env, cwd, home });
  const warnings = budgetWarnings(raw, source, config.budgets, config.targetBudget).map(formatIssue);
  for (const w of warnings) (opts.logger ?? getLogger()).child({ component: "config" }).warn(w);
  if (warnings.length > 0) config.warnings = warnings;
  return config;
}

/** Largest configuration file read (README: bounds). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads the file as strict UTF-8. Only a regular file is read: opened non-blocking and checked on the open
 * descriptor, so a FIFO (or a file swapped for one) is refused instead of hanging the daemon. Invalid UTF-8 is an
 * error at its line:column, never silently replaced.
 */
function readConfigText(file: string, display: string): string {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new ConfigError(`${display}:1:1: not a regular file (a FIFO, socket, device or directory); refusing to read it`, undefined, 1, 1, file);
    }
    if (st.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(`${display}:1:1: ${st.size} bytes; a configuration may have at most ${MAX_CONFIG_BYTES} bytes`, undefined, 1, 1, file);
    }
    bytes = readFileSync(fd);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read ${display}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, undefined, undefined, file);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const p = positionOfByte(bytes, bad);
    fail([{ key: "", message: `invalid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} at offset ${bad}); save the file as UTF-8`, file, display, position: p }]);
  }
  return new TextDecoder("utf-8").decode(bytes);
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function positionOfByte(b: Uint8Array, offset: number): Position {
  const before = new TextDecoder("utf-8").decode(b.subarray(0, offset));
  const lines = before.split("\n");
  return { line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}

/** Inline secrets in a file others can read are one `cat` away from leaking: say so (but keep running). */
function warnIfExposed(file: string, display: string, inline: string[], logger: Logger): void {
  if (inline.length === 0 || process.platform === "win32") return;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return;
  }
  if ((mode & 0o044) === 0) return;
  const who = [mode & 0o040 ? "group" : "", mode & 0o004 ? "others" : ""].filter(Boolean).join(" and ");
  logger.child({ component: "config" }).warn(
    `${display} is readable by ${who} (mode ${mode.toString(8).padStart(4, "0")}) and holds secrets inline: ${inline.join(", ")}. ` +
      `Run \`chmod 600 ${display}\`, or move the secrets to environment variables or *-file paths (systemd credentials).`,
  );
}
