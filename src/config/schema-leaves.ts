/**
 * The leaves of the ot3c.yaml schema (schema.ts): strings, URLs, durations, numbers, addresses, listen addresses —
 * each with its own "expected …, got …" message and its documented bounds.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { GO_DURATION_PATTERN, parseGoDuration } from "./duration.ts";
import { SINGLE_ADDRESS } from "../notify/owners.ts";

/** How an offending value is quoted in a message. Never used for secret keys (see `secretString`). */
export function describeInput(v: unknown): string {
  if (v === null) return "an empty value";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

export function kindOf(v: unknown): string {
  if (v === null) return "an empty value";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

type Issue = { input?: unknown };

/** Error text "expected <what>, got <value>" (or "required: expected <what>" when the key is missing). */
export function expected(what: string, opts: { hideInput?: boolean } = {}) {
  return (iss: Issue) => {
    if (iss.input === undefined) return `required: expected ${what}`;
    return `expected ${what}, got ${opts.hideInput ? kindOf(iss.input) : describeInput(iss.input)}`;
  };
}

/** Largest money amount (README: bounds): beyond it float cents stop being exact. */
export const MAX_AMOUNT = 1e12;

export const str = (what = "a string") => z.string({ error: expected(what) }).min(1, { error: expected(`a non-empty ${what.replace(/^an? /, "")}`) });

/** A secret: the offending value is never echoed, only its kind. */
export const secretString = () =>
  z.string({ error: expected("a string (quote it in YAML)", { hideInput: true }) }).min(1, { error: () => "expected a non-empty string" });

export const filePath = () => str("a file path");

export const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;
/** No control characters anywhere (they would reach logs and terminals), and bounded lengths (README: bounds). */
export const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
export const MAX_URL = 2048;
export const url = () =>
  z
    .string({ error: expected("an http(s) URL") })
    .max(MAX_URL, { error: () => `expected an http(s) URL of at most ${MAX_URL} characters`, abort: true })
    .regex(HTTP_URL, { error: expected("an http(s) URL") });

/** `state:` — `sqlite` (the state directory's file) or a PostgreSQL URL (src/store/pg). The value is never echoed: a URL may carry a password. */
export const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]+$/;
export const stateStore = () =>
  z
    .string({ error: expected('"sqlite" or a postgres:// URL', { hideInput: true }) })
    .max(MAX_URL, { error: () => `expected "sqlite" or a postgres:// URL of at most ${MAX_URL} characters`, abort: true })
    .refine((s) => s === "sqlite" || (POSTGRES_URL.test(s) && NO_CONTROL.test(s) && URL.canParse(s)), {
      error: () => 'expected "sqlite" or a postgres:// URL (postgres://user@host:5432/db; the password in state-password, state-password-file or $PGPASSWORD)',
    });

/** Go-style duration; `allowZero: false` rejects "0" / "0s" with a message that says why. */
export const duration = (opts: { allowZero: boolean; why?: string }) => {
  const what = 'a duration such as "24h0m0s", "90m" or "1h30m"';
  const zero = `must be longer than 0${opts.why ? ` (${opts.why})` : ""}`;
  // YAML reads `0` and `90` as numbers: explain rather than just "expected a string".
  const typeError = (iss: Issue) =>
    iss.input === 0 && !opts.allowZero
      ? zero
      : typeof iss.input === "number"
        ? `expected ${what}, got ${iss.input} (a bare number has no unit)`
        : expected(what)(iss);
  return z
    .string({ error: typeError })
    .regex(new RegExp(GO_DURATION_PATTERN), { error: expected(what), abort: true })
    .refine((s) => opts.allowZero || (parseGoDuration(s) ?? 1) > 0, {
      error: () => zero,
    })
    .refine((s) => (parseGoDuration(s) ?? 0) <= MAX_DURATION_MS, {
      error: () => `must be at most ${MAX_DURATION_HOURS}h (366 days)`,
    });
};

/** Upper bound of every duration (README: bounds): longer would overflow timers and date arithmetic. */
export const MAX_DURATION_HOURS = 366 * 24;
export const MAX_DURATION_MS = MAX_DURATION_HOURS * 3_600_000;

export const int = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ error: expected(what) }).int({ error: expected(what) }).min(min, { error: expected(what) }).max(max, { error: expected(what) });

export const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expected(`one of ${values.join(", ")}`) });

export const bool = () => z.boolean({ error: expected("true or false (unquoted; a quoted string is not a boolean)") });

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const billingBegin = z
  .string({ error: expected("a date YYYY-MM-DD") })
  .regex(DATE, { error: expected("a date YYYY-MM-DD"), abort: true })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: (iss) => `expected a real calendar date, got ${describeInput(iss.input)}`,
    abort: true,
  })
  .refine((s) => Number(s.slice(8, 10)) <= 28, {
    error: () => "the day of month must be 1–28, so that every month has a period start (use 28 for the end of the month)",
  });

export const LISTEN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
/** An IPv4 literal (octets ≤ 255), a bracketed IPv6 literal, or a DNS name (labels ≤ 63, total ≤ 253). */
export function validListenHost(host: string): boolean {
  if (host.startsWith("[")) return isIP(host.slice(1, -1)) === 6;
  if (/^[0-9.]+$/.test(host)) return isIP(host) === 4;
  return host.length <= 253 && host.split(".").every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
export const listen = z
  .string({ error: expected('a "host:port" address') })
  .regex(LISTEN, { error: expected('a "host:port" address such as "127.0.0.1:9464"'), abort: true })
  .refine((s) => validListenHost(s.slice(0, s.lastIndexOf(":"))), {
    error: expected("an IPv4 address, a bracketed IPv6 address or a host name before the port"),
    abort: true,
  })
  .refine((s) => {
    const port = Number(s.slice(s.lastIndexOf(":") + 1));
    return port >= 0 && port <= 65535;
  }, { error: expected("a port 0–65535 (0: any free port)") });

/** One address: no list separators, quotes, brackets or control characters; RFC 5321 lengths. */
export const EMAIL = /^[^\s@,;:<>"'()[\]\\\u0000-\u001f\u007f-\u009f]{1,64}@[^\s@,;:<>"'()[\]\\\u0000-\u001f\u007f-\u009f]{1,253}$/;
export const email = () =>
  z
    .string({ error: expected("an email address") })
    .max(254, { error: () => "expected an email address of at most 254 characters", abort: true })
    .regex(EMAIL, { error: expected("one email address") });

/** Exactly one plain address (no list, no display name, no CR/LF): what an owner handle may resolve to. */
export const singleAddress = () =>
  z.string({ error: expected("one email address") }).regex(SINGLE_ADDRESS, { error: expected("one plain email address such as alice@example.com") });
