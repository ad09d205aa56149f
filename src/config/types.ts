/**
 * The validated, normalised configuration every other module receives. `src/config/load.ts` turns `ot3c.yaml`
 * (kebab-case keys, seed names kept, see ../shared/DESIGN.md §3) into this shape; secrets are already resolved
 * from the file, environment variables or `*-file` paths. Durations are milliseconds, money is in the billing
 * currency.
 */
import type { ActionsConfig } from "../engine/actions/index.ts";
import type { ForecastModelName, QuantileName } from "../engine/types.ts";
import type { BudgetScope } from "../engine/budgets/scope.ts";

export interface OtcEndpoints {
  iam: string;
  ecs: string;
  evs: string;
  cce: string;
  rds: string;
}

export interface OtcCredentials {
  identityEndpoint: string;
  projectId?: string;
  projectName?: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Derived from region unless overridden under `otccreds.endpoints`. */
  endpoints: OtcEndpoints;
  /** `projects:` (issue #18): the projects one sync reads; absent = the single project above. */
  projects?: ProjectRef[] | "all";
  /** `regions:` — with `projects: all`, the regions whose projects are read (default: `region`). */
  regions?: string[];
  /** Endpoints of every region a project lives in (`region-endpoints:` overrides, else derived). */
  regionEndpoints?: Record<string, OtcEndpoints>;
}

/** One entry of `projects:`: a project by id or by name (resolved through IAM), and its region. */
export interface ProjectRef {
  id?: string;
  name?: string;
  region: string;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

export interface NotifyConfig {
  smtp?: SmtpConfig;
  webhook?: { url: string; headers?: Record<string, string> };
  defaultOwner?: string;
  /** `owners:` — ot3c_owner handle → address. */
  owners?: Record<string, string>;
  /** `notify.owner-domain` — a handle without an `owners:` entry becomes handle@domain. */
  ownerDomain?: string;
  /** How long before a deadline the reminder goes out. */
  reminderBeforeMs: number;
  /** `notify: {none: true}`: no channel on purpose (see src/notify/guard.ts). */
  none?: boolean;
  /** `notify.digest: daily` (issue #18): one owner mail per day instead of one per item and event (src/notify/digest.ts). */
  digest?: "daily";
  /** `notify.digest-at`: when the daily digest goes out, "HH:MM" Europe/Berlin (default 08:00). */
  digestAt?: string;
}

export interface PrometheusAuth {
  type: "none" | "basic" | "bearer";
  username?: string;
  password?: string;
  token?: string;
}

export interface ChargebackConfig {
  confluent: { apiKey: string; apiSecret: string; baseUrl: string };
  prometheus: { url: string; auth: PrometheusAuth };
  /** Optional Prometheus that stores what we export; used to confirm an hour landed before advancing. */
  confirmPrometheus?: { url: string; auth: PrometheusAuth };
  lookbackDays: number;
  cutoffDays: number;
  ckuUsageRatio: number;
  syncIntervalMs: number;
}

export interface Config {
  /** Absolute path of the file this came from, for messages. */
  sourcePath?: string;
  dashboardSecret: string;
  dashboardEndpoint: string;
  dashboardApi: "v2" | "v1";
  otc: OtcCredentials;
  targetBudget: number;
  currency: string;
  /** Day of month (1–28) the billing period starts, from `billing-begin`; default 1. */
  billingBeginDay: number;
  billingBegin?: string;
  terminationGraceMs: number;
  enforce: boolean;
  approval: "none" | "required";
  maxTerminationsPerRun: number;
  forecast: { model: ForecastModelName; quantile: QuantileName };
  planner: { mode: "classic" | "optimal" };
  /** Only resources whose `ot3c_instance` tag equals this are managed (when set). */
  instance?: string;
  notify: NotifyConfig;
  metrics: { listen: string };
  stateDir: string;
  /**
   * Where the engine's state lives (`state:`; absent = sqlite): the state directory's SQLite file, or PostgreSQL for several hosts.
   * The URL keeps its password only if it was written there; `password` is registered as a secret.
   */
  state?: { kind: "sqlite" } | { kind: "postgres"; url: string; password?: string };
  /** How often the daemon syncs. */
  syncIntervalMs: number;
  /** A sync older than this makes the data stale: nothing is planned on it. */
  staleAfterMs: number;
  /** Control socket group (else owner-only). */
  socketGroup?: string;
  chargeback?: ChargebackConfig;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Schedules, the ladder's default and resume (issue #17); absent in configs built by hand = the defaults. */
  actions?: ActionsConfig & { copyRetentionMs: number };
  /** `budgets:` — named budgets per project, region, tags (issue #18; engine/budgets). Absent: only target-budget. */
  budgets?: BudgetScope[];
  /** Problems worth a warning, not an error (located, e.g. a nested budget above its parent's target). */
  warnings?: string[];
}

/** Thrown for any configuration problem; the CLI prints `message` and exits 78. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** Dotted key path, e.g. `otccreds.accesskey`. */
    readonly key?: string,
    /** 1-based line and column in the file. */
    readonly line?: number,
    readonly column?: number,
    readonly file?: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 78;
