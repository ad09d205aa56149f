/**
 * The single source of truth for `ot3c.yaml`: the zod schema of the file as written (kebab-case keys, the seed's
 * names kept). `load.ts` validates with it, `scripts/gen-schema.ts` turns it into `ot3c.schema.json` and
 * docs/configuration.md, and `normalise.ts` maps its output onto the `Config` contract.
 *
 * Every leaf carries its own error text ("expected …, got …") so that messages read the same whichever check
 * failed. Secrets are optional here because they may come from environment variables or `*-file` paths instead;
 * `secrets.ts` decides whether each required one was supplied.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { compileSchedule } from "../engine/actions/index.ts";
import { GO_DURATION_PATTERN, parseGoDuration } from "./duration.ts";
import { OWNER_DOMAIN, OWNER_HANDLE, SINGLE_ADDRESS } from "../notify/owners.ts";

/** How an offending value is quoted in a message. Never used for secret keys (see `secretString`). */
export function describeInput(v: unknown): string {
  if (v === null) return "an empty value";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

function kindOf(v: unknown): string {
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
const MAX_AMOUNT = 1e12;

const str = (what = "a string") => z.string({ error: expected(what) }).min(1, { error: expected(`a non-empty ${what.replace(/^an? /, "")}`) });

/** A secret: the offending value is never echoed, only its kind. */
const secretString = () =>
  z.string({ error: expected("a string (quote it in YAML)", { hideInput: true }) }).min(1, { error: () => "expected a non-empty string" });

const filePath = () => str("a file path");

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;
/** No control characters anywhere (they would reach logs and terminals), and bounded lengths (README: bounds). */
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const MAX_URL = 2048;
const url = () =>
  z
    .string({ error: expected("an http(s) URL") })
    .max(MAX_URL, { error: () => `expected an http(s) URL of at most ${MAX_URL} characters`, abort: true })
    .regex(HTTP_URL, { error: expected("an http(s) URL") });

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

const int = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ error: expected(what) }).int({ error: expected(what) }).min(min, { error: expected(what) }).max(max, { error: expected(what) });

const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expected(`one of ${values.join(", ")}`) });

const bool = () => z.boolean({ error: expected("true or false (unquoted; a quoted string is not a boolean)") });

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const billingBegin = z
  .string({ error: expected("a date YYYY-MM-DD") })
  .regex(DATE, { error: expected("a date YYYY-MM-DD"), abort: true })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: (iss) => `expected a real calendar date, got ${describeInput(iss.input)}`,
    abort: true,
  })
  .refine((s) => Number(s.slice(8, 10)) <= 28, {
    error: () => "the day of month must be 1–28, so that every month has a period start (use 28 for the end of the month)",
  });

const LISTEN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
/** An IPv4 literal (octets ≤ 255), a bracketed IPv6 literal, or a DNS name (labels ≤ 63, total ≤ 253). */
export function validListenHost(host: string): boolean {
  if (host.startsWith("[")) return isIP(host.slice(1, -1)) === 6;
  if (/^[0-9.]+$/.test(host)) return isIP(host) === 4;
  return host.length <= 253 && host.split(".").every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
const listen = z
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
const EMAIL = /^[^\s@,;:<>"'()[\]\\\u0000-\u001f\u007f-\u009f]{1,64}@[^\s@,;:<>"'()[\]\\\u0000-\u001f\u007f-\u009f]{1,253}$/;
const email = () =>
  z
    .string({ error: expected("an email address") })
    .max(254, { error: () => "expected an email address of at most 254 characters", abort: true })
    .regex(EMAIL, { error: expected("one email address") });

/** Exactly one plain address (no list, no display name, no CR/LF): what an owner handle may resolve to. */
const singleAddress = () =>
  z.string({ error: expected("one email address") }).regex(SINGLE_ADDRESS, { error: expected("one plain email address such as alice@example.com") });

const owners = z
  .record(
    z.string().regex(OWNER_HANDLE, { error: expected("an owner handle (letters, digits, . - _)") }),
    singleAddress(),
    { error: expected("a mapping of owner handle: email address") },
  )
  .describe("ot3c_owner handles and their addresses (an ECS tag cannot hold an address: alice: alice.schmidt@example.com)");

const endpoints = z
  .strictObject({
    iam: url().optional().describe("IAM API root including /v3 (same as identityendpoint)"),
    ecs: url().optional().describe("ECS endpoint"),
    evs: url().optional().describe("EVS endpoint"),
    cce: url().optional().describe("CCE endpoint"),
    rds: url().optional().describe("RDS endpoint"),
  })
  .describe("Per-service endpoint overrides (e.g. for `ot3c sim`); otherwise https://<service>.<region>.otc.t-systems.com");

const otccreds = z
  .strictObject(
    {
      identityendpoint: url().optional().describe("IAM endpoint (seed key); default https://iam.<region>.otc.t-systems.com/v3"),
      projectid: str().optional().describe("ID of the project to manage; give this or projectname"),
      projectname: str().optional().describe("Name of the project (e.g. eu-de_myproject), resolved to its ID through IAM"),
      accesskey: secretString().optional().describe("AK of the AK/SK credential"),
      "accesskey-file": filePath().optional().describe("File holding the AK (systemd credential)"),
      secretkey: secretString().optional().describe("SK of the AK/SK credential"),
      "secretkey-file": filePath().optional().describe("File holding the SK (systemd credential)"),
      region: z
        .string({ error: expected("a region name such as eu-de") })
        .regex(/^[a-z]{2}-[a-z0-9-]+$/, { error: expected("a region name such as eu-de") })
        .default("eu-de")
        .describe("OTC region; the service endpoints are derived from it"),
      endpoints: endpoints.optional(),
      domain: str().optional().describe("Accepted for compatibility with seed configs; not needed for AK/SK signing"),
      domainid: str().optional().describe("Accepted for compatibility with seed configs; not needed for AK/SK signing"),
    },
    { error: expected("a mapping with identityendpoint, projectid/projectname, accesskey, secretkey") },
  )
  .describe("T Cloud Public AK/SK credentials and project (seed)");

const smtp = z
  .strictObject(
    {
      host: str("a host name").describe("SMTP server"),
      port: int("a port 1–65535", 1).max(65535, { error: expected("a port 1–65535") }).default(587).describe("SMTP port"),
      secure: bool().optional().describe("Implicit TLS; default true on port 465, else STARTTLS when offered"),
      user: str().optional().describe("SMTP user name"),
      password: secretString().optional().describe("SMTP password"),
      "password-file": filePath().optional().describe("File holding the SMTP password"),
      from: email().describe("Sender address of notifications"),
    },
    { error: expected("a mapping") },
  )
  .describe("Send owner notifications by email");

const webhook = z
  .strictObject(
    {
      url: url().describe("URL that receives a JSON POST per notification"),
      headers: z
        .record(z.string(), z.string({ error: expected("a string (header value)", { hideInput: true }) }), { error: expected("a mapping of header: value") })
        .optional()
        .describe("Extra request headers (treated as secrets, e.g. Authorization)"),
      "headers-file": filePath().optional().describe("File with one `Name: value` header per line (treated as secrets)"),
    },
    { error: expected("a mapping") },
  )
  .describe("Send notifications to a webhook");

const notify = z
  .strictObject(
    {
      smtp: smtp.optional(),
      webhook: webhook.optional(),
      "default-owner": email().optional().describe("Who is told when a resource has no ot3c_owner tag"),
      "owner-domain": z
        .string({ error: expected("a mail domain such as example.com") })
        .regex(OWNER_DOMAIN, { error: expected("a mail domain such as example.com") })
        .optional()
        .describe("A handle in ot3c_owner without an owners: entry is mailed at handle@owner-domain"),
      "reminder-before": duration({ allowZero: true }).default("1h").describe("How long before a deadline the reminder goes out"),
      none: z
        .boolean({ error: expected("true or false") })
        .optional()
        .describe("true: no owner notification is intended (silences the warning; allows enforce with approval none and no channel)"),
    },
    { error: expected("a mapping") },
  )
  .prefault({})
  .describe("Owner notifications about planned terminations");

const prometheusAuth = z
  .strictObject(
    {
      type: enumOf(["none", "basic", "bearer"] as const).optional().describe("none, basic or bearer; inferred from the other keys when omitted"),
      username: str().optional().describe("Basic auth user"),
      password: secretString().optional().describe("Basic auth password"),
      "password-file": filePath().optional().describe("File holding the basic auth password"),
      token: secretString().optional().describe("Bearer token"),
      "token-file": filePath().optional().describe("File holding the bearer token"),
    },
    { error: expected("a mapping") },
  )
  .describe("How to authenticate to this Prometheus");

const prometheus = (what: string) =>
  z
    .strictObject(
      {
        url: url().describe("Prometheus base URL (the query API lives under /api/v1)"),
        auth: prometheusAuth.optional(),
      },
      { error: expected("a mapping with url") },
    )
    .describe(what);

const chargeback = z
  .strictObject(
    {
      confluent: z
        .strictObject(
          {
            "api-key": secretString().optional().describe("Confluent Cloud API key (Cloud resource management, not a cluster key)"),
            "api-key-file": filePath().optional().describe("File holding the API key"),
            "api-secret": secretString().optional().describe("Confluent Cloud API secret"),
            "api-secret-file": filePath().optional().describe("File holding the API secret"),
            "base-url": url().default("https://api.confluent.cloud").describe("Confluent Cloud API base URL"),
          },
          { error: expected("a mapping") },
        )
        .prefault({})
        .describe("Confluent Cloud Billing and Core Objects API access"),
      prometheus: prometheus("Prometheus that scrapes the Confluent metrics (request/response bytes per principal)"),
      "confirm-prometheus": prometheus(
        "Optional Prometheus that stores what ot3c exports; an hour is only advanced once it landed there",
      ).optional(),
      "lookback-days": int("a whole number of days from 1 to 400", 1, 400).default(30).describe("How far back the ledger is built"),
      "cutoff-days": int("a whole number of days from 0 to 60", 0, 60).default(5).describe("Days before billing data is treated as final"),
      "cku-usage-ratio": z
        .number({ error: expected("a number from 0 to 1") })
        .min(0, { error: expected("a number from 0 to 1") })
        .max(1, { error: expected("a number from 0 to 1") })
        .default(0.7)
        .describe("Share of CKU cost split by usage; the rest is split evenly as shared cost"),
      "sync-interval": duration({ allowZero: false, why: "a sync interval of 0 would spin" }).default("1h").describe("How often the chargeback pipeline runs"),
    },
    { error: expected("a mapping with confluent and prometheus") },
  )
  .describe("Confluent Cloud chargeback exporter; omit to disable");

// --- parking (issue #17): schedules, the ladder's default, resume ----------------------------------------------------

const DAY_ITEM = /^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$/i;
const CLOCK = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const scheduleWindow = z
  .strictObject(
    {
      days: z
        .array(z.string({ error: expected("a day such as mon or a range such as mon-fri") }).regex(DAY_ITEM, { error: expected("a day such as mon or a range such as mon-fri") }), {
          error: expected("a list of days such as [mon-fri]"),
        })
        .min(1, { error: () => "name at least one day" })
        .describe("Days the window starts on: mon … sun, or ranges such as mon-fri (fri-mon wraps around the week)"),
      from: z.string({ error: expected('a time "HH:MM"') }).regex(CLOCK, { error: expected('a time "HH:MM" (00:00–23:59)') }).describe("Start, local time (HH:MM)"),
      to: z
        .string({ error: expected('a time "HH:MM"') })
        .regex(CLOCK, { error: expected('a time "HH:MM" (00:00–24:00)') })
        .describe("End, local time; not after `from` = overnight into the next day; 24:00 = midnight"),
    },
    { error: expected("a mapping with days, from, to") },
  )
  .describe("A window in which the resources run");

const schedule = z
  .strictObject(
    {
      timezone: str("an IANA time zone such as Europe/Berlin").describe("IANA time zone of the hours and holidays, e.g. Europe/Berlin"),
      hours: z.array(scheduleWindow, { error: expected("a list of windows") }).min(1, { error: () => "at least one window is needed" }).describe("Windows in which the resources run; outside them they are stopped"),
      holidays: z
        .array(z.string({ error: expected("a date YYYY-MM-DD") }).regex(DATE, { error: expected("a date YYYY-MM-DD") }), { error: expected("a list of dates") })
        .optional()
        .describe("Dates (in the schedule's zone) on which no window starts"),
      enforce: enumOf(["stop-and-start", "stop-only", "start-only"] as const)
        .default("stop-and-start")
        .describe("stop-only = stop after hours, people start by hand; start-only = only start"),
    },
    { error: expected("a mapping with timezone and hours") },
  )
  .superRefine((spec, ctx) => {
    // The checks the shape above cannot express (a real zone, a real date, from ≠ to) come from the engine that runs
    // schedules; its format checks repeat the shape's, so only these three kinds are taken over.
    for (const issue of compileSchedule("x", spec).issues) {
      if (!/^schedules\.x\.(timezone|holidays):|from and to are both/.test(issue)) continue;
      ctx.addIssue({ code: "custom", message: issue.replace(/^schedules\.x\./, "") });
    }
  })
  .describe("An office-hours schedule, applied to resources tagged ot3c_schedule=<name>");

const SCHEDULE_NAME = /^[A-Za-z0-9_-]{1,43}$/;

const schedules = z
  .record(
    z.string().regex(SCHEDULE_NAME, { error: () => "schedule names are 1–43 letters, digits, - or _ (they are tag values)" }),
    schedule,
    {
      error: (iss) =>
        iss.code === "invalid_key"
          ? `schedule names are 1–43 letters, digits, - or _ (they are tag values), got ${describeInput(iss.input)}`
          : expected("a mapping of schedule names to schedules")(iss),
    },
  )
  .describe("Named office-hours schedules (tag a server or database ot3c_schedule=<name>): stopped outside the hours, started inside, whatever the budget; the forecast counts them");

const actions = z
  .strictObject(
    {
      default: enumOf(["delete", "never-delete", "park", "schedule"] as const)
        .default("delete")
        .describe("Most harmful action allowed for resources without an ot3c_action tag (ladder: schedule < park < snapshot-delete < delete)"),
      "copy-before-delete": bool()
        .default(true)
        .describe("Never delete a kind that can keep a copy (RDS: manual backup) without one first"),
      "copy-retention": duration({ allowZero: false })
        .default("720h0m0s")
        .describe("Copies ot3c made that are older than this are listed for review (never deleted by ot3c)"),
    },
    { error: expected("a mapping") },
  )
  .prefault({})
  .describe("Ladder of actions: the optimal planner parks before it backs up and deletes, and deletes last (docs/parking.md)");

export const configSchema = z
  .strictObject(
    {
      "dashboard-secret": secretString().optional().describe("Financial Dashboard API key (seed)"),
      "dashboard-secret-file": filePath().optional().describe("File holding the Financial Dashboard API key"),
      "dashboard-endpoint": url().default("https://api-enterprise-dashboard.otc-service.com").describe("Financial Dashboard base URL (override for ot3c sim)"),
      "dashboard-api": enumOf(["v2", "v1"] as const).default("v2").describe("Financial Dashboard API: v2 (NDJSON, daily and hourly) or v1 (JSON)"),
      otccreds,
      "target-budget": z
        .number({ error: expected("a number > 0") })
        .positive({ error: expected("a number > 0") })
        .max(MAX_AMOUNT, { error: expected(`a number ≤ ${MAX_AMOUNT.toExponential()}`) })
        .describe("Budget for one billing period, in the billing currency (seed)"),
      currency: z
        .string({ error: expected("a three-letter currency code such as EUR") })
        .regex(/^[A-Z]{3}$/, { error: expected("a three-letter currency code such as EUR") })
        .default("EUR")
        .describe("Billing currency (display only; amounts are not converted)"),
      "billing-begin": billingBegin.optional().describe("A date whose day of month starts each billing period (seed); default the 1st"),
      "termination-grace": duration({
        allowZero: false,
        why: "the seed silently turned 0 into 24h; write 24h0m0s if that is what you want",
      })
        .default("24h0m0s")
        .describe("Grace between announcing a termination and executing it (seed, Go duration)"),
      enforce: bool().default(false).describe("false = dry run: everything happens except the stop/delete calls"),
      approval: enumOf(["none", "required"] as const)
        .default("none")
        .describe("none = terminate at the deadline unless vetoed; required = only after an approval"),
      "max-terminations-per-run": int("a whole number from 1 to 10000", 1, 10_000)
        .default(10)
        .describe("Blast-radius brake: a plan with more terminations than this runs nothing and alerts instead"),
      forecast: z
        .strictObject(
          {
            model: enumOf(["ensemble", "steady-state", "run-rate", "holt-winters"] as const).default("ensemble").describe("Forecast model"),
            quantile: enumOf(["p50", "p10", "p90"] as const).default("p50").describe("Which forecast quantile the planner must bring under budget"),
          },
          { error: expected("a mapping") },
        )
        .prefault({})
        .describe("Month-end forecast used by the planner"),
      planner: z
        .strictObject(
          {
            mode: enumOf(["optimal", "classic"] as const)
              .default("optimal")
              .describe("optimal = least harm; classic = the seed's greedy algorithm"),
          },
          { error: expected("a mapping") },
        )
        .prefault({})
        .describe("Termination planner"),
      instance: str().optional().describe("Only manage resources whose ot3c_instance tag equals this (when set)"),
      owners: owners.optional(),
      notify,
      metrics: z
        .strictObject(
          { listen: listen.default("127.0.0.1:9464").describe("host:port of the metrics endpoint (daemon)") },
          { error: expected("a mapping") },
        )
        .prefault({})
        .describe("Prometheus metrics endpoint of the daemon"),
      "state-dir": str("a directory path").optional().describe("SQLite state; default --state-dir, $STATE_DIRECTORY, ~/.local/state/ot3c"),
      "sync-interval": duration({ allowZero: false, why: "a sync interval of 0 would spin" }).default("15m").describe("How often the daemon syncs inventory and costs"),
      "stale-after": duration({ allowZero: false })
        .optional()
        .describe("Data older than this is stale and nothing is planned on it; default 3 × sync-interval"),
      "socket-group": str("a group name").optional().describe("Group allowed to use the control socket (else owner only)"),
      "log-level": enumOf(["debug", "info", "warn", "error"] as const).default("info").describe("Log level (--log-level wins)"),
      chargeback: chargeback.optional(),
      schedules: schedules.optional(),
      actions,
      resume: enumOf(["period-start", "on-recovery"] as const)
        .default("period-start")
        .describe("When parked resources start again: at the next period start, or as soon as the budget has room for what the park saves"),
    },
    { error: expected("a mapping of configuration keys") },
  )
  .describe("ot3c configuration (ot3c.yaml)");

export type RawConfig = z.output<typeof configSchema>;
export type RawConfigInput = z.input<typeof configSchema>;
