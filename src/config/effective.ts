/**
 * The effective configuration as an operator wants to see it (`ot3c config check`): every default filled in,
 * durations in Go notation, and every secret shown as `***` — never its value, not even a prefix.
 */
import { formatGoDuration } from "./duration.ts";
import type { Config, PrometheusAuth } from "./types.ts";

const MASK = "***";
const mask = (v: string | undefined) => (v ? MASK : undefined);

function auth(a: PrometheusAuth): Record<string, unknown> {
  return { type: a.type, ...(a.username ? { username: a.username } : {}), ...(a.password ? { password: MASK } : {}), ...(a.token ? { token: MASK } : {}) };
}

/** Same key names as ot3c.yaml, so the output can be compared with (and pasted into) the file. */
export function effectiveConfig(c: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {
    "dashboard-secret": mask(c.dashboardSecret),
    "dashboard-endpoint": c.dashboardEndpoint,
    "dashboard-api": c.dashboardApi,
    otccreds: {
      identityendpoint: c.otc.identityEndpoint,
      ...(c.otc.projectId ? { projectid: c.otc.projectId } : {}),
      ...(c.otc.projectName ? { projectname: c.otc.projectName } : {}),
      accesskey: mask(c.otc.accessKey),
      secretkey: mask(c.otc.secretKey),
      region: c.otc.region,
      endpoints: { ...c.otc.endpoints },
    },
    ...(c.otc.projects ? { projects: c.otc.projects === "all" ? "all" : c.otc.projects.map((p) => ({ ...p })) } : {}),
    ...(c.otc.projects && c.otc.regions ? { "project-regions": [...c.otc.regions] } : {}),
    ...(c.otc.regionEndpoints ? { "region-endpoints": Object.fromEntries(Object.entries(c.otc.regionEndpoints).map(([r, e]) => [r, { ...e }])) } : {}),
    "target-budget": c.targetBudget,
    currency: c.currency,
    ...(c.billingBegin ? { "billing-begin": c.billingBegin } : {}),
    "termination-grace": formatGoDuration(c.terminationGraceMs),
    enforce: c.enforce,
    approval: c.approval,
    "max-terminations-per-run": c.maxTerminationsPerRun,
    forecast: { ...c.forecast },
    planner: { ...c.planner },
    ...(c.instance ? { instance: c.instance } : {}),
    ...(c.notify.owners ? { owners: { ...c.notify.owners } } : {}),
    notify: {
      ...(c.notify.smtp ? { smtp: { ...c.notify.smtp, ...(c.notify.smtp.password ? { password: MASK } : {}) } } : {}),
      ...(c.notify.webhook
        ? {
            webhook: {
              url: c.notify.webhook.url,
              ...(c.notify.webhook.headers ? { headers: Object.fromEntries(Object.keys(c.notify.webhook.headers).map((k) => [k, MASK])) } : {}),
            },
          }
        : {}),
      ...(c.notify.defaultOwner ? { "default-owner": c.notify.defaultOwner } : {}),
      ...(c.notify.ownerDomain ? { "owner-domain": c.notify.ownerDomain } : {}),
      "reminder-before": formatGoDuration(c.notify.reminderBeforeMs),
      ...(c.notify.none ? { none: true } : {}),
      ...(c.notify.digest ? { digest: c.notify.digest, "digest-at": c.notify.digestAt } : {}),
    },
    metrics: { ...c.metrics },
    "state-dir": c.stateDir,
    "sync-interval": formatGoDuration(c.syncIntervalMs),
    "stale-after": formatGoDuration(c.staleAfterMs),
    ...(c.socketGroup ? { "socket-group": c.socketGroup } : {}),
    "log-level": c.logLevel,
  };
  if (c.chargeback) {
    const cb = c.chargeback;
    out.chargeback = {
      confluent: { "api-key": mask(cb.confluent.apiKey), "api-secret": mask(cb.confluent.apiSecret), "base-url": cb.confluent.baseUrl },
      prometheus: { url: cb.prometheus.url, auth: auth(cb.prometheus.auth) },
      ...(cb.confirmPrometheus ? { "confirm-prometheus": { url: cb.confirmPrometheus.url, auth: auth(cb.confirmPrometheus.auth) } } : {}),
      "lookback-days": cb.lookbackDays,
      "cutoff-days": cb.cutoffDays,
      "cku-usage-ratio": cb.ckuUsageRatio,
      "sync-interval": formatGoDuration(cb.syncIntervalMs),
    };
  }
  if (c.actions) {
    if (Object.keys(c.actions.schedules).length > 0) out.schedules = c.actions.schedules;
    out.actions = {
      default: c.actions.defaultLimit,
      "copy-before-delete": c.actions.copyBeforeDelete,
      "copy-retention": formatGoDuration(c.actions.copyRetentionMs),
    };
    out.resume = c.actions.resume;
  }
  if (c.budgets) {
    out.budgets = c.budgets.map((b) => ({
      name: b.name,
      target: b.target,
      ...(b.projects ? { projects: [...b.projects] } : {}),
      ...(b.regions ? { regions: [...b.regions] } : {}),
      ...(b.tags ? { tags: Object.entries(b.tags).map(([k, v]) => `${k}=${v}`) } : {}),
    }));
  }
  return out;
}
