/**
 * Secrets may live in the file, in an environment variable (wins over the file), or in a `<key>-file:` sibling
 * that names a file holding the value (systemd credentials: relative paths resolve against
 * `$CREDENTIALS_DIRECTORY`). Every value resolved here is registered with `registerSecret`, so nothing we log,
 * print or export can carry it.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { registerSecret } from "../util/redact.ts";
import { issueAt, type ConfigIssue } from "./issues.ts";
import { dotted, type ConfigSource } from "./source.ts";

export interface SecretSpec {
  /** Where the secret lives in the file. */
  path: string[];
  /** Environment variable that overrides the file. */
  env?: string;
  /** Only considered when this section exists (an absent `notify.smtp` needs no password). */
  section: string[];
  /** Missing → error. */
  required?: boolean;
}

export const SECRET_SPECS: readonly SecretSpec[] = [
  { path: ["dashboard-secret"], env: "OT3C_DASHBOARD_SECRET", section: [], required: true },
  { path: ["otccreds", "accesskey"], env: "OT3C_OTC_ACCESS_KEY", section: ["otccreds"], required: true },
  { path: ["otccreds", "secretkey"], env: "OT3C_OTC_SECRET_KEY", section: ["otccreds"], required: true },
  { path: ["notify", "smtp", "password"], env: "OT3C_SMTP_PASSWORD", section: ["notify", "smtp"] },
  { path: ["state-password"], env: "OT3C_STATE_PASSWORD", section: [] },
  { path: ["chargeback", "confluent", "api-key"], env: "OT3C_CONFLUENT_API_KEY", section: ["chargeback"], required: true },
  { path: ["chargeback", "confluent", "api-secret"], env: "OT3C_CONFLUENT_API_SECRET", section: ["chargeback"], required: true },
  { path: ["chargeback", "prometheus", "auth", "password"], env: "OT3C_PROMETHEUS_PASSWORD", section: ["chargeback", "prometheus"] },
  { path: ["chargeback", "prometheus", "auth", "token"], env: "OT3C_PROMETHEUS_TOKEN", section: ["chargeback", "prometheus"] },
  { path: ["chargeback", "confirm-prometheus", "auth", "password"], section: ["chargeback", "confirm-prometheus"] },
  { path: ["chargeback", "confirm-prometheus", "auth", "token"], section: ["chargeback", "confirm-prometheus"] },
];

/** Webhook headers are secrets too (they usually carry an Authorization value); they are a map, handled apart. */
export const WEBHOOK_HEADERS_PATH = ["notify", "webhook", "headers"] as const;

export interface ResolvedSecrets {
  /** Dotted key → value, e.g. `otccreds.secretkey`. */
  values: Map<string, string>;
  webhookHeaders?: Record<string, string>;
  /** Dotted keys whose secret is written inline in the file (for the permission warning). */
  inline: string[];
  issues: ConfigIssue[];
}

function getIn(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export interface SecretContext {
  source: ConfigSource;
  env: Record<string, string | undefined>;
}

/** Reads a `*-file` secret: relative paths against $CREDENTIALS_DIRECTORY (else the config file's directory). */
function readSecretFile(ctx: SecretContext, fileKeyPath: string[], p: string, issues: ConfigIssue[]): string | undefined {
  const credDir = ctx.env.CREDENTIALS_DIRECTORY;
  const full = isAbsolute(p) ? p : credDir ? join(credDir, p) : resolve(dirname(ctx.source.file), p);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    issues.push(issueAt(ctx.source, fileKeyPath, `cannot read ${full} (${code})`));
    return undefined;
  }
  const value = text.replace(/[\r\n]+$/, "");
  if (!value) {
    issues.push(issueAt(ctx.source, fileKeyPath, `${full} is empty`));
    return undefined;
  }
  return value;
}

function parseHeaderLines(ctx: SecretContext, fileKeyPath: string[], text: string, issues: ConfigIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      issues.push(issueAt(ctx.source, fileKeyPath, `line ${i + 1} of the headers file is not "Name: value"`));
      continue;
    }
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

export function resolveSecrets(raw: unknown, ctx: SecretContext): ResolvedSecrets {
  const values = new Map<string, string>();
  const inline: string[] = [];
  const issues: ConfigIssue[] = [];

  for (const spec of SECRET_SPECS) {
    if (spec.section.length > 0 && !isObject(getIn(raw, spec.section))) continue;
    if (spec.section.length === 0 && !isObject(raw)) continue;
    const leaf = spec.path[spec.path.length - 1]!;
    const parentPath = spec.path.slice(0, -1);
    const parent = getIn(raw, parentPath);
    const inlineValue = isObject(parent) ? parent[leaf] : undefined;
    const fileValue = isObject(parent) ? parent[`${leaf}-file`] : undefined;
    const filePath = [...parentPath, `${leaf}-file`];
    if (typeof inlineValue === "string" && inlineValue) inline.push(dotted(spec.path));

    if (inlineValue !== undefined && fileValue !== undefined) {
      issues.push(issueAt(ctx.source, filePath, `give either ${leaf} or ${leaf}-file, not both`, "key"));
      continue;
    }
    let value: string | undefined;
    const fromEnv = spec.env ? ctx.env[spec.env] : undefined;
    if (fromEnv) value = fromEnv.replace(/[\r\n]+$/, "");
    else if (typeof fileValue === "string" && fileValue) value = readSecretFile(ctx, filePath, fileValue, issues);
    else if (typeof inlineValue === "string" && inlineValue) value = inlineValue;
    else if (fileValue !== undefined || inlineValue !== undefined) continue; // wrong type: the schema reports it
    else if (spec.required) {
      const alt = [`${leaf}-file`, ...(spec.env ? [`$${spec.env}`] : [])].join(" or ");
      issues.push(issueAt(ctx.source, spec.path, `required: set ${leaf} (or ${alt})`));
      continue;
    } else continue;
    if (value !== undefined) {
      values.set(dotted(spec.path), value);
      registerSecret(value);
    }
  }

  // Webhook headers: inline map and/or a headers file; the file wins per header name.
  let webhookHeaders: Record<string, string> | undefined;
  const webhook = getIn(raw, ["notify", "webhook"]);
  if (isObject(webhook)) {
    const inlineHeaders = webhook.headers;
    if (isObject(inlineHeaders)) {
      webhookHeaders = {};
      for (const [k, v] of Object.entries(inlineHeaders)) {
        if (typeof v === "string") {
          webhookHeaders[k] = v;
          inline.push(dotted([...WEBHOOK_HEADERS_PATH, k]));
        }
      }
    }
    if (typeof webhook["headers-file"] === "string" && webhook["headers-file"]) {
      const filePath = ["notify", "webhook", "headers-file"];
      const text = readSecretFile(ctx, filePath, webhook["headers-file"], issues);
      if (text !== undefined) webhookHeaders = { ...(webhookHeaders ?? {}), ...parseHeaderLines(ctx, filePath, text, issues) };
    }
    for (const v of Object.values(webhookHeaders ?? {})) {
      registerSecret(v);
      // "Bearer abc…": the token alone may show up elsewhere, so register it as well.
      const token = v.split(/\s+/).pop();
      if (token && token !== v) registerSecret(token);
    }
  }
  return { values, webhookHeaders, inline, issues };
}
