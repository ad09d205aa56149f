/**
 * The single source of truth for `ot3c.yaml`: the zod schema of the file as written (kebab-case keys, the seed's
 * names kept). `load.ts` validates with it, `scripts/gen-schema.ts` turns it into `ot3c.schema.json` and
 * docs/configuration.md, and `normalise.ts` maps its output onto the `Config` contract.
 *
 * Every leaf carries its own error text ("expected …, got …") so that messages read the same whichever check
 * failed. Secrets are optional here because they may come from environment variables or `*-file` paths instead;
 * `secrets.ts` decides whether each required one was supplied.
 */
import { z } from "zod";
import { OWNER_DOMAIN, OWNER_HANDLE } from "../notify/owners.ts";
import { expected, MAX_AMOUNT, str, secretString, filePath, url, duration, int, enumOf, bool, billingBegin, listen, email, singleAddress, stateStore } from "./schema-leaves.ts";
import { schedules, actions } from "./schema-parking.ts";
import { budgets } from "./schema-budgets.ts";
import { projects, regions, regionEndpoints } from "./schema-projects.ts";

export { describeInput, expected, duration, MAX_DURATION_HOURS, MAX_DURATION_MS, validListenHost } from "./schema-leaves.ts";

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
      digest: enumOf(["off", "daily"] as const)
        .default("off")
        .describe("daily: one mail per owner per day covering all projects and items (reminders before each deadline stay immediate); off: one mail per item and event"),
      "digest-at": z
        .string({ error: expected('a time "HH:MM"') })
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: expected('a time "HH:MM" (00:00–23:59)') })
        .default("08:00")
        .describe("When the daily digest goes out (Europe/Berlin)"),
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

export const configSchema = z
  .strictObject(
    {
      "dashboard-secret": secretString().optional().describe("Financial Dashboard API key (seed)"),
      "dashboard-secret-file": filePath().optional().describe("File holding the Financial Dashboard API key"),
      "dashboard-endpoint": url().default("https://api-enterprise-dashboard.otc-service.com").describe("Financial Dashboard base URL (override for ot3c sim)"),
      "dashboard-api": enumOf(["v2", "v1"] as const).default("v2").describe("Financial Dashboard API: v2 (NDJSON, daily and hourly) or v1 (JSON)"),
      otccreds,
      projects: projects.optional(),
      "project-regions": regions.optional(),
      "region-endpoints": regionEndpoints.optional(),
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
      state: stateStore()
        .default("sqlite")
        .describe("Where the engine's state lives: sqlite (in state-dir, one host) or a postgres:// URL (several hosts, one leader)"),
      "state-password": secretString().optional().describe("Password for a postgres:// state (else the URL's, or $PGPASSWORD)"),
      "state-password-file": filePath().optional().describe("File holding the postgres:// state's password"),
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
      budgets: budgets.optional(),
    },
    { error: expected("a mapping of configuration keys") },
  )
  .describe("ot3c configuration (ot3c.yaml)");

export type RawConfig = z.output<typeof configSchema>;
export type RawConfigInput = z.input<typeof configSchema>;
