/**
 * Secrets never appear in logs, metrics, the TUI or files we write. Every secret the configuration resolves is
 * registered here, and every error message and log line passes through `redact` before it leaves the process.
 *
 * Order matters where text is also shortened: a secret cut in half is no longer recognisable, so its surviving
 * prefix would leak. Anything remote that is kept or printed shortened goes through `redactThenCut`, never
 * `redact(text.slice(…))`.
 */
const secrets = new Set<string>();

/** Registers a secret; values shorter than 4 characters are ignored (they would mangle ordinary text). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function clearSecrets(): void {
  secrets.clear();
}

const AUTH_HEADER = /(authorization|x-auth-token|signature|api[-_]?key|secret|password|token)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi;

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join("***");
  }
  // Belt and braces for credentials we were never told about (e.g. a token in an echoed URL).
  return out.replace(AUTH_HEADER, (_m, k, sep) => `${k}${sep}***`);
}

/** Redacts the whole text first, then shortens it to `max` characters (with "…" when cut). */
export function redactThenCut(text: string, max: number): string {
  const safe = redact(text);
  return safe.length <= max ? safe : safe.slice(0, max) + "…";
}
