/**
 * Turning problems into messages an operator can act on: `ot3c.yaml:7:16: target-budget: expected a number > 0,
 * got "abc"`. All problems found in one pass are reported together; unknown keys get a "did you mean" hint.
 */
import type { z } from "zod";
import { ConfigError } from "./types.ts";
import { configSchema } from "./schema.ts";
import { dotted, locate, type ConfigSource, type KeyPath, type Position } from "./source.ts";

export interface ConfigIssue {
  /** Dotted key ("" for the file as a whole). */
  key: string;
  message: string;
  file?: string;
  display?: string;
  position?: Position;
}

/** A `ConfigError` carrying every problem; `key`/`line`/`column` are those of the first. */
export class ConfigValidationError extends ConfigError {
  constructor(readonly issues: ConfigIssue[]) {
    const lines = issues.map(formatIssue);
    const first = issues[0]!;
    const message =
      lines.length === 1 ? lines[0]! : `${issues.length} problems in ${first.display ?? "the configuration"}:\n  ${lines.join("\n  ")}`;
    super(message, first.key || undefined, first.position?.line, first.position?.column, first.file);
  }
}

/**
 * Keys whose name says "credential". The redaction safety net masks whatever follows `secret:` or `password:`
 * in any text, so for these keys the message is joined with " — " instead of ": " to survive it intact.
 */
const SENSITIVE_KEY = /(authorization|x-auth-token|signature|api[-_]?key|secret|password|token)$/i;

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.display ? `${issue.display}${issue.position ? `:${issue.position.line}:${issue.position.column}` : ""}: ` : "";
  const joiner = SENSITIVE_KEY.test(issue.key) ? " — " : ": ";
  return `${where}${issue.key ? `${issue.key}${joiner}` : ""}${issue.message}`;
}

export function issueAt(source: ConfigSource, path: KeyPath, message: string, at: "value" | "key" = "value"): ConfigIssue {
  return { key: dotted(path), message, file: source.file, display: source.display, position: locate(source, path, at) };
}

// ---- schema introspection (for suggestions) -----------------------------------------------------------------

type AnySchema = z.ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema as unknown as { def: { type: string; innerType?: AnySchema; in?: AnySchema } };
  for (;;) {
    const t = s.def.type;
    if ((t === "optional" || t === "default" || t === "prefault" || t === "nullable" || t === "readonly") && s.def.innerType) {
      s = s.def.innerType as unknown as typeof s;
    } else if (t === "pipe" && s.def.in) {
      s = s.def.in as unknown as typeof s;
    } else {
      return s as unknown as AnySchema;
    }
  }
}

/** The object shape at `path` in the schema, if that path is an object. */
export function shapeAt(path: KeyPath, root: AnySchema = configSchema): Record<string, AnySchema> | undefined {
  let s = unwrap(root) as unknown as { def: { type: string; shape?: Record<string, AnySchema> } };
  for (const seg of path) {
    if (s.def.type !== "object" || !s.def.shape || typeof seg !== "string" || !(seg in s.def.shape)) return undefined;
    s = unwrap(s.def.shape[seg]!) as unknown as typeof s;
  }
  return s.def.type === "object" ? s.def.shape : undefined;
}

/** Every object path in the schema with its keys (for "belongs under …" hints). */
export function allObjectPaths(root: AnySchema = configSchema): Array<{ path: string[]; keys: string[] }> {
  const out: Array<{ path: string[]; keys: string[] }> = [];
  const walk = (path: string[]) => {
    const shape = shapeAt(path, root);
    if (!shape) return;
    out.push({ path, keys: Object.keys(shape) });
    for (const k of Object.keys(shape)) walk([...path, k]);
  };
  walk([]);
  return out;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

const squash = (k: string) => k.toLowerCase().replace(/[-_\s]/g, "");

/** The closest known key, or a hint that the key belongs in another section. */
export function suggestKey(unknown: string, parent: KeyPath): string | undefined {
  const known = Object.keys(shapeAt(parent) ?? {});
  const exact = known.find((k) => squash(k) === squash(unknown));
  if (exact) return `did you mean "${exact}"?`;
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = levenshtein(squash(unknown), squash(k));
    if (!best || d < best.d) best = { key: k, d };
  }
  if (best && best.d <= Math.max(2, Math.floor(unknown.length / 3))) return `did you mean "${best.key}"?`;
  const elsewhere = allObjectPaths().find((o) => o.path.join(".") !== parent.join(".") && o.keys.some((k) => squash(k) === squash(unknown)));
  if (elsewhere) {
    const key = elsewhere.keys.find((k) => squash(k) === squash(unknown))!;
    return elsewhere.path.length ? `it belongs under ${elsewhere.path.join(".")} (${[...elsewhere.path, key].join(".")})` : `it is a top-level key ("${key}")`;
  }
  return undefined;
}

/** zod issues → located config issues (unknown keys become one issue per key, pointing at the key). */
export function fromZodIssues(source: ConfigSource, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of issues) {
    const path = iss.path.filter((p): p is string | number => typeof p !== "symbol");
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys) {
        const hint = suggestKey(key, path);
        out.push(issueAt(source, [...path, key], `unknown key${hint ? `; ${hint}` : ""}`, "key"));
      }
    } else {
      out.push(issueAt(source, path, iss.message));
    }
  }
  return out;
}

/** Orders issues by position so the message reads top to bottom through the file. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0));
}
