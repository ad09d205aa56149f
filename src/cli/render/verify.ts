/**
 * `ot3c verify`: the seed's GO/NO-GO preflight as text, and the stable JSON/YAML document (docs/output.md).
 * The document carries no secret: check details are already redacted by the providers, and only the config path
 * and the non-secret identifiers (endpoints, project) appear.
 */
import { terminalSafe } from "../../util/terminal-safe.ts";
import type { PreflightCheck } from "../../providers/otc/index.ts";

export interface VerifyDocument {
  version: 1;
  /** True only when every check is GO. */
  ok: boolean;
  config: { path: string | null; project: string; region: string; dashboardApi: "v1" | "v2"; enforce: boolean; fleet?: true };
  checks: Array<{ name: string; status: "GO" | "NO-GO"; ok: boolean; detail: string }>;
  summary: { go: number; noGo: number };
  /** Things that do not stop ot3c but an operator must know (e.g. owners cannot be told). */
  warnings: string[];
}

export function verifyDocument(input: {
  configPath?: string;
  project: string;
  /** With `projects:`: `project` names the fleet ("all projects", the listed names) and `region` its regions. */
  fleet?: true;
  region: string;
  dashboardApi: "v1" | "v2";
  enforce: boolean;
  checks: PreflightCheck[];
  warnings?: string[];
}): VerifyDocument {
  const checks = input.checks.map((c) => ({ name: c.name, status: c.ok ? ("GO" as const) : ("NO-GO" as const), ok: c.ok, detail: c.detail }));
  const go = checks.filter((c) => c.ok).length;
  return {
    version: 1,
    ok: checks.length > 0 && go === checks.length,
    config: { path: input.configPath ?? null, project: input.project, region: input.region, dashboardApi: input.dashboardApi, enforce: input.enforce, ...(input.fleet ? { fleet: input.fleet } : {}) },
    checks,
    summary: { go, noGo: checks.length - go },
    warnings: input.warnings ?? [],
  };
}

export function renderVerifyText(doc: VerifyDocument): string {
  const nameW = Math.max(20, ...doc.checks.map((c) => c.name.length));
  const lines = [
    `${"GO".padEnd(6)} ${"Configuration".padEnd(nameW)}  ${doc.config.path ?? "(no file)"}: ${doc.config.fleet ? `${doc.config.project} in ${doc.config.region}` : `project ${doc.config.project}, region ${doc.config.region}`}, ` +
      `dashboard API ${doc.config.dashboardApi}, ${doc.config.enforce ? "ENFORCE" : "dry run"}`,
  ];
  // Details quote remote answers (error bodies): one line each, nothing that acts on the terminal.
  for (const c of doc.checks) lines.push(`${c.status.padEnd(6)} ${c.name.padEnd(nameW)}  ${terminalSafe(c.detail)}`);
  for (const w of doc.warnings ?? []) lines.push(`${"WARN".padEnd(6)} ${"Owner notification".padEnd(nameW)}  ${terminalSafe(w)}`);
  lines.push("");
  lines.push(
    doc.ok
      ? `Result: GO — all ${doc.checks.length} checks passed.`
      : `Result: NO-GO — ${doc.summary.noGo} of ${doc.checks.length} checks failed.`,
  );
  return lines.join("\n");
}
