/**
 * From the validated file (kebab-case, strings for durations) to the `Config` contract (camelCase, milliseconds,
 * endpoints derived, secrets resolved), plus the checks that span several keys.
 */
import { dirname, join, resolve } from "node:path";
import { parseGoDuration } from "./duration.ts";
import { deriveEndpoints } from "../providers/otc/endpoints.ts";
import { projectsConfig } from "./schema-projects.ts";
import { issueAt, type ConfigIssue } from "./issues.ts";
import type { RawConfig } from "./schema.ts";
import { normaliseBudgets } from "./schema-budgets.ts";
import type { ResolvedSecrets } from "./secrets.ts";
import type { ConfigSource } from "./source.ts";
import type { ChargebackConfig, Config, PrometheusAuth } from "./types.ts";
import { registerSecret } from "../util/redact.ts";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks across keys, on the raw document so they are reported together with schema errors. */
export function crossChecks(raw: unknown, source: ConfigSource, secrets: ResolvedSecrets): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isObject(raw)) return issues;
  const creds = raw.otccreds;
  if (isObject(creds) && creds.projectid === undefined && creds.projectname === undefined && raw.projects === undefined) {
    issues.push(issueAt(source, ["otccreds"], "needs projectid or projectname (the project whose resources ot3c manages)", "key"));
  }
  const cb = raw.chargeback;
  if (isObject(cb)) {
    for (const section of ["prometheus", "confirm-prometheus"] as const) {
      const prom = cb[section];
      if (!isObject(prom)) continue;
      const auth = isObject(prom.auth) ? prom.auth : {};
      const base = ["chargeback", section, "auth"];
      const password = secrets.values.get(`${base.join(".")}.password`);
      const token = secrets.values.get(`${base.join(".")}.token`);
      const type = inferAuthType(auth.type, auth.username, password, token);
      if (type === "basic" && (typeof auth.username !== "string" || !password)) {
        issues.push(issueAt(source, isObject(prom.auth) ? base : ["chargeback", section], "basic auth needs username and password (or password-file)"));
      }
      if (type === "bearer" && !token) {
        issues.push(issueAt(source, isObject(prom.auth) ? base : ["chargeback", section], "bearer auth needs token (or token-file)"));
      }
    }
  }
  const sync = typeof raw["sync-interval"] === "string" ? parseGoDuration(raw["sync-interval"]) : 15 * 60_000;
  const stale = typeof raw["stale-after"] === "string" ? parseGoDuration(raw["stale-after"]) : undefined;
  if (sync !== undefined && stale !== undefined && stale < sync) {
    issues.push(issueAt(source, ["stale-after"], `must be at least sync-interval (${raw["sync-interval"] ?? "15m"}), or every sync would count as stale`));
  }
  return issues;
}

function inferAuthType(type: unknown, username: unknown, password: string | undefined, token: string | undefined): PrometheusAuth["type"] {
  if (type === "none" || type === "basic" || type === "bearer") return type;
  if (token) return "bearer";
  if (username !== undefined || password) return "basic";
  return "none";
}

export interface NormaliseOptions {
  source: ConfigSource;
  secrets: ResolvedSecrets;
  stateDir?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

const ms = (d: string) => parseGoDuration(d)!;

function expandHome(p: string, home: string): string {
  return p === "~" ? home : p.startsWith("~/") ? join(home, p.slice(2)) : p;
}

/** `--state-dir`, then `state-dir:` (relative to the config file), `$STATE_DIRECTORY`, `~/.local/state/ot3c`. */
export function resolveStateDir(o: { flag?: string; key?: string; configFile?: string; env: Record<string, string | undefined>; cwd: string; home: string }): string {
  if (o.flag) return resolve(o.cwd, expandHome(o.flag, o.home));
  if (o.key) return resolve(o.configFile ? dirname(o.configFile) : o.cwd, expandHome(o.key, o.home));
  // systemd sets a colon-separated list when a unit has several StateDirectory= entries; ours is the first.
  const sd = o.env.STATE_DIRECTORY?.split(":")[0];
  if (sd) return sd;
  return join(o.home, ".local", "state", "ot3c");
}

function promAuth(raw: NonNullable<RawConfig["chargeback"]>["prometheus"], secrets: ResolvedSecrets, base: string): PrometheusAuth {
  const password = secrets.values.get(`${base}.auth.password`);
  const token = secrets.values.get(`${base}.auth.token`);
  const type = inferAuthType(raw.auth?.type, raw.auth?.username, password, token);
  if (type === "basic") return { type, username: raw.auth?.username, password };
  if (type === "bearer") return { type, token };
  return { type: "none" };
}

export function normalise(raw: RawConfig, o: NormaliseOptions): Config {
  const s = o.secrets.values;
  const c = raw.otccreds;
  const endpoints = deriveEndpoints(c.region, { ...c.endpoints, identityEndpoint: c.identityendpoint });
  const syncIntervalMs = ms(raw["sync-interval"]);
  let chargeback: ChargebackConfig | undefined;
  if (raw.chargeback) {
    const cb = raw.chargeback;
    chargeback = {
      confluent: {
        apiKey: s.get("chargeback.confluent.api-key")!,
        apiSecret: s.get("chargeback.confluent.api-secret")!,
        baseUrl: cb.confluent["base-url"].replace(/\/+$/, ""),
      },
      prometheus: { url: cb.prometheus.url.replace(/\/+$/, ""), auth: promAuth(cb.prometheus, o.secrets, "chargeback.prometheus") },
      ...(cb["confirm-prometheus"]
        ? {
            confirmPrometheus: {
              url: cb["confirm-prometheus"].url.replace(/\/+$/, ""),
              auth: promAuth(cb["confirm-prometheus"], o.secrets, "chargeback.confirm-prometheus"),
            },
          }
        : {}),
      lookbackDays: cb["lookback-days"],
      cutoffDays: cb["cutoff-days"],
      ckuUsageRatio: cb["cku-usage-ratio"],
      syncIntervalMs: ms(cb["sync-interval"]),
    };
  }
  const smtp = raw.notify.smtp;
  const webhook = raw.notify.webhook;
  const config: Config = {
    sourcePath: o.source.file,
    dashboardSecret: s.get("dashboard-secret")!,
    dashboardEndpoint: raw["dashboard-endpoint"].replace(/\/+$/, ""),
    dashboardApi: raw["dashboard-api"],
    otc: {
      identityEndpoint: endpoints.iam,
      ...(c.projectid ? { projectId: c.projectid } : {}),
      ...(c.projectname ? { projectName: c.projectname } : {}),
      accessKey: s.get("otccreds.accesskey")!,
      secretKey: s.get("otccreds.secretkey")!,
      region: c.region,
      endpoints,
      ...projectsConfig(raw, { region: c.region, endpoints }),
    },
    targetBudget: raw["target-budget"],
    currency: raw.currency,
    billingBeginDay: raw["billing-begin"] ? Number(raw["billing-begin"].slice(8, 10)) : 1,
    ...(raw["billing-begin"] ? { billingBegin: raw["billing-begin"] } : {}),
    terminationGraceMs: ms(raw["termination-grace"]),
    enforce: raw.enforce,
    approval: raw.approval,
    maxTerminationsPerRun: raw["max-terminations-per-run"],
    forecast: { model: raw.forecast.model, quantile: raw.forecast.quantile },
    planner: { mode: raw.planner.mode },
    ...(raw.instance ? { instance: raw.instance } : {}),
    notify: {
      ...(smtp
        ? {
            smtp: {
              host: smtp.host,
              port: smtp.port,
              secure: smtp.secure ?? smtp.port === 465,
              ...(smtp.user ? { user: smtp.user } : {}),
              ...(s.has("notify.smtp.password") ? { password: s.get("notify.smtp.password") } : {}),
              from: smtp.from,
            },
          }
        : {}),
      ...(webhook ? { webhook: { url: webhook.url, ...(o.secrets.webhookHeaders ? { headers: o.secrets.webhookHeaders } : {}) } } : {}),
      ...(raw.notify["default-owner"] ? { defaultOwner: raw.notify["default-owner"] } : {}),
      ...(raw.owners ? { owners: { ...raw.owners } } : {}),
      ...(raw.notify["owner-domain"] ? { ownerDomain: raw.notify["owner-domain"] } : {}),
      reminderBeforeMs: ms(raw.notify["reminder-before"]),
      ...(raw.notify.none ? { none: true } : {}),
      ...(raw.notify.digest === "daily" ? { digest: "daily" as const, digestAt: raw.notify["digest-at"] } : {}),
    },
    metrics: { listen: raw.metrics.listen },
    stateDir: resolveStateDir({ flag: o.stateDir, key: raw["state-dir"], configFile: o.source.file, env: o.env, cwd: o.cwd, home: o.home }),
    ...(raw.state !== "sqlite" ? { state: stateStoreOf(raw.state, s.get("state-password"), o.env) } : {}),
    syncIntervalMs,
    staleAfterMs: raw["stale-after"] ? ms(raw["stale-after"]) : 3 * syncIntervalMs,
    ...(raw["socket-group"] ? { socketGroup: raw["socket-group"] } : {}),
    ...(chargeback ? { chargeback } : {}),
    logLevel: raw["log-level"],
    actions: {
      schedules: raw.schedules ?? {},
      defaultLimit: raw.actions.default,
      copyBeforeDelete: raw.actions["copy-before-delete"],
      copyRetentionMs: ms(raw.actions["copy-retention"]),
      resume: raw.resume,
    },
  };
  const budgets = normaliseBudgets(raw.budgets);
  if (budgets) config.budgets = budgets;
  return config;
}

/**
 * `state:` → where the store lives. A postgres password comes from `state-password(-file)`/$OT3C_STATE_PASSWORD,
 * else the URL, else $PGPASSWORD; whichever it is, it is registered as a secret so no log line can carry it.
 */
function stateStoreOf(state: string, password: string | undefined, env: Record<string, string | undefined>): Config["state"] {
  if (state === "sqlite") return { kind: "sqlite" };
  const inUrl = new URL(state).password;
  const pw = password ?? (inUrl ? decodeURIComponent(inUrl) : undefined) ?? (env.PGPASSWORD || undefined);
  if (pw) registerSecret(pw);
  if (inUrl) registerSecret(inUrl);
  return { kind: "postgres", url: state, ...(pw ? { password: pw } : {}) };
}
