/**
 * `loadConfig`: find `ot3c.yaml`, parse it, validate it against the schema, resolve secrets, and hand back the
 * normalised `Config`. Any problem is a `ConfigError` (the CLI exits 78) whose message names the key and the
 * file's line:column; all problems found are reported at once.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, relative, resolve, join } from "node:path";
import { getLogger, type Logger } from "../log/logger.ts";
import { ConfigValidationError, fromZodIssues, sortIssues, type ConfigIssue } from "./issues.ts";
import { crossChecks, normalise } from "./normalise.ts";
import { configSchema } from "./schema.ts";
import { resolveSecrets } from "./secrets.ts";
import { parseSource } from "./source.ts";
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

  let text: string;
  try {
    text = readFileSync(loc.file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${loc.display}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, undefined, undefined, loc.file);
  }
  const { source, syntax } = parseSource(loc.file, loc.display, text);
  if (syntax.length > 0) {
    fail(syntax.map((p) => ({ key: "", message: `YAML syntax: ${p.message}`, file: loc.file, display: loc.display, position: p.position })));
  }
  const raw: unknown = dropEmptyValues(source.doc.toJS({ maxAliasCount: 100 }));
  if (raw === null || raw === undefined) {
    fail([{ key: "", message: "the file is empty; `ot3c generate-config` writes a commented example", file: loc.file, display: loc.display, position: { line: 1, column: 1 } }]);
  }

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  const secrets = resolveSecrets(raw, { source, env });
  const issues = [...(parsed.success ? [] : fromZodIssues(source, parsed.error.issues)), ...secrets.issues, ...crossChecks(raw, source, secrets)];
  if (issues.length > 0 || !parsed.success) fail(issues);

  warnIfExposed(loc.file, loc.display, secrets.inline, opts.logger ?? getLogger());
  return normalise(parsed.data, { source, secrets, stateDir: opts.stateDir, env, cwd, home });
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
