/**
 * The engine's own metrics, rendered by prom-client from the latest snapshot at scrape time. A scrape never calls a
 * cloud API: every value comes from `getSnapshot()` (and the process). Names follow the Prometheus conventions:
 * `ot3c_` prefix, base units (seconds), `_total` for counters, `_info` for build metadata, no resource ids as labels.
 * Money has no Prometheus base unit; every money metric ends in `_amount` and carries the billing `currency` label.
 */
import client from "prom-client";
import type { EngineSnapshot, PlanState } from "../engine/types.ts";
import { COMMIT, VERSION } from "../cli/version.ts";
import { registerProcessMetrics } from "./process-metrics.ts";
import { registerScopeMetrics } from "./scope-metrics.ts";

const PLAN_STATES: PlanState[] = ["PENDING", "APPROVED", "EXECUTING", "DONE", "FAILED", "VETOED", "CANCELLED", "GONE"];
const STATUSES = ["OK", "AT_RISK", "OVER"] as const;
/** Cardinality bound of the `project` label. */
export const MAX_PROJECT_SERIES = 200;

export interface EngineMetricsOptions {
  getSnapshot: () => EngineSnapshot | undefined;
  currency: string;
  /** Process metrics (cpu, memory, fds, event loop lag). Off in benchmarks to compare like with like. */
  processMetrics?: boolean;
}

export interface EngineMetrics {
  render(openMetrics: boolean): Promise<string>;
}

/**
 * prom-client renames counter families permanently when a registry's content type is switched, so each exposition
 * format gets its own registry built from the same definitions.
 */
export function createEngineMetrics(opts: EngineMetricsOptions): EngineMetrics {
  const text = createEngineRegistry(opts, client.Registry.PROMETHEUS_CONTENT_TYPE);
  const om = createEngineRegistry(opts, client.Registry.OPENMETRICS_CONTENT_TYPE);
  return { render: (openMetrics) => (openMetrics ? om : text).metrics() };
}

function createEngineRegistry(opts: EngineMetricsOptions, contentType: string): client.Registry {
  const registry = new client.Registry();
  // Set before any metric is registered: switching later renames counter families (see createEngineMetrics).
  registry.setContentType(contentType as any);
  const snap = opts.getSnapshot;
  const currency = opts.currency;
  const reg = [registry];

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: client.Gauge<string>) => void) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: reg,
      collect() {
        this.reset();
        collect(this);
      },
    });

  new client.Gauge({ name: "ot3c_build_info", help: "Build information; value is always 1.", labelNames: ["version", "commit"], registers: reg }).set(
    { version: VERSION, commit: COMMIT },
    1,
  );

  gauge("ot3c_budget_target_amount", "Target budget for the billing period, in the billing currency.", ["currency"], (g) => {
    const b = snap()?.budget;
    if (b) g.set({ currency }, b.target);
  });
  gauge("ot3c_spend_so_far_amount", "Spend in the billing period up to the last complete day of data.", ["currency"], (g) => {
    const b = snap()?.budget;
    if (b) g.set({ currency }, b.spendSoFar);
  });
  gauge(
    "ot3c_forecast_month_end_amount",
    "Forecast spend at the end of the billing period, by percentile (p10, p50, p90). The label is not called quantile: that name is reserved for summaries.",
    ["currency", "percentile"],
    (g) => {
      const b = snap()?.budget;
      if (!b) return;
      g.set({ currency, percentile: "p10" }, b.forecast.p10);
      g.set({ currency, percentile: "p50" }, b.forecast.p50);
      g.set({ currency, percentile: "p90" }, b.forecast.p90);
    },
  );
  gauge("ot3c_budget_gap_amount", "Forecast month-end spend at the configured quantile minus the target (> 0: savings needed).", ["currency"], (g) => {
    const b = snap()?.budget;
    if (b) g.set({ currency }, b.gap);
  });
  gauge("ot3c_baseline_month_end_amount", "Month-end spend no plan can cut (untagged, prio 0, ghosts).", ["currency"], (g) => {
    const b = snap()?.budget;
    if (b) g.set({ currency }, b.baseline.monthEnd);
  });
  gauge("ot3c_budget_burn_rate_per_day_amount", "Recent average spend per day.", ["currency"], (g) => {
    const b = snap()?.budget;
    if (b) g.set({ currency }, b.burnPerDay);
  });
  gauge("ot3c_budget_status", "1 for the current budget status (OK, AT_RISK, OVER), 0 for the others.", ["status"], (g) => {
    const b = snap()?.budget;
    if (!b) return;
    for (const s of STATUSES) g.set({ status: s }, b.status === s ? 1 : 0);
  });
  gauge("ot3c_enforce_enabled", "1 when terminations are enforced, 0 in dry run.", [], (g) => {
    const s = snap();
    if (s) g.set(s.mode === "ENFORCE" ? 1 : 0);
  });
  gauge("ot3c_plan_items", "Plan items of the current period by lifecycle state.", ["state"], (g) => {
    const s = snap();
    if (!s) return;
    const counts = new Map<string, number>(PLAN_STATES.map((st) => [st, 0]));
    for (const item of s.plan) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
    for (const [state, n] of counts) g.set({ state }, n);
  });
  gauge("ot3c_next_deadline_seconds", "Seconds until the next pending termination deadline (absent when none is pending).", [], (g) => {
    const s = snap();
    const next = nextDeadline(s);
    if (s && next !== undefined) g.set(Math.max(0, (next - s.at) / 1000));
  });
  gauge("ot3c_next_deadline_timestamp_seconds", "Unix time of the next pending termination deadline.", [], (g) => {
    const next = nextDeadline(snap());
    if (next !== undefined) g.set(next / 1000);
  });
  // One acting engine per project (src/store/lease): alert when no instance reports 1 (scripts/ot3c.rules.yml).
  gauge("ot3c_leader", "1 when this instance holds the project's lease (plans, notifies, executes), 0 when it follows.", [], (g) => {
    const l = snap()?.lease;
    if (l) g.set(l.role === "LEADER" ? 1 : 0);
  });
  gauge("ot3c_leader_epoch", "Epoch of the project's lease as this instance last saw it (+1 per election).", [], (g) => {
    const l = snap()?.lease;
    if (l) g.set(l.epoch);
  });
  gauge("ot3c_lease_seconds_remaining", "Seconds left on the current leader's lease (0: nobody holds an unexpired lease).", [], (g) => {
    const l = snap()?.lease;
    if (l) g.set(Math.max(0, ((l.expiresAt ?? 0) - Date.now()) / 1000));
  });
  // Parking (engine/parking/view.ts): what ot3c holds stopped, and copies nobody has reviewed past their retention.
  gauge("ot3c_parked_resources", "Resources held stopped by ot3c, by what holds them (park = until resumed, schedule = until its hours).", ["source"], (g) => {
    const s = snap();
    if (!s) return;
    const parked = s.parking?.parked ?? [];
    for (const source of ["park", "schedule"]) g.set({ source }, parked.filter((p) => p.source === source).length);
  });
  gauge("ot3c_expired_copies", "Copies (RDS manual backups) ot3c made before a snapshot-delete that are older than actions.copy-retention; listed, never deleted by ot3c.", [], (g) => {
    const s = snap();
    if (s) g.set(s.parking?.copies.length ?? 0);
  });
  gauge("ot3c_alerts", "Number of active engine alerts (e.g. the termination brake).", [], (g) => {
    const s = snap();
    if (s) g.set(s.alerts.length);
  });

  const counter = (name: string, help: string, labelNames: string[], collect: (c: client.Counter<string>) => void) =>
    new client.Counter({
      name,
      help,
      labelNames,
      registers: reg,
      collect() {
        this.reset();
        collect(this);
      },
    });

  counter("ot3c_terminations_executed_total", "Stop/delete operations that completed (dry-run ones included).", [], (c) => {
    const n = snap()?.counters?.terminationsExecuted;
    if (n) c.inc(n);
  });
  counter("ot3c_terminations_failed_total", "Stop/delete operations that failed.", [], (c) => {
    const n = snap()?.counters?.terminationsFailed;
    if (n) c.inc(n);
  });
  counter("ot3c_syncs_total", "Inventory and cost syncs attempted.", [], (c) => {
    const n = snap()?.counters?.syncs;
    if (n) c.inc(n);
  });
  counter("ot3c_sync_failures_total", "Inventory and cost syncs that failed (the data was not used).", [], (c) => {
    const n = snap()?.counters?.syncFailures;
    if (n) c.inc(n);
  });
  counter("ot3c_api_requests_total", "HTTP requests to cloud APIs, by endpoint (retries included).", ["endpoint"], (c) => {
    for (const a of snap()?.api ?? []) c.inc({ endpoint: a.endpoint }, a.requests);
  });
  counter("ot3c_api_errors_total", "HTTP requests to cloud APIs that failed, by endpoint.", ["endpoint"], (c) => {
    for (const a of snap()?.api ?? []) c.inc({ endpoint: a.endpoint }, a.errors);
  });
  counter("ot3c_api_retries_total", "Retried HTTP requests to cloud APIs, by endpoint.", ["endpoint"], (c) => {
    for (const a of snap()?.api ?? []) c.inc({ endpoint: a.endpoint }, a.retries);
  });

  gauge("ot3c_sync_up", "1 when the last sync succeeded and its data is in use, 0 when degraded.", [], (g) => {
    const s = snap();
    if (s) g.set(s.sync.state === "OK" ? 1 : 0);
  });
  // A fleet: one series per project, bounded (the first MAX_PROJECT_SERIES by name; the rest summed under "other").
  gauge("ot3c_project_sync_up", "Per project of a fleet (projects:): 1 when its last listing was complete, 0 when DEGRADED.", ["project", "region"], (g) => {
    const ps = snap()?.projects;
    if (!ps) return;
    const sorted = [...ps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const p of sorted.slice(0, MAX_PROJECT_SERIES)) g.set({ project: p.name, region: p.region }, p.status === "OK" ? 1 : 0);
    const rest = sorted.slice(MAX_PROJECT_SERIES);
    if (rest.length) g.set({ project: "other", region: "" }, rest.every((p) => p.status === "OK") ? 1 : 0);
  });
  gauge("ot3c_sync_duration_seconds", "Duration of the last sync.", [], (g) => {
    const d = snap()?.sync.durationMs;
    if (d !== undefined) g.set(d / 1000);
  });
  gauge("ot3c_last_successful_sync_timestamp_seconds", "Unix time of the last successful sync.", [], (g) => {
    const t = snap()?.sync.lastSuccessAt;
    if (t !== undefined) g.set(t / 1000);
  });
  gauge("ot3c_chargeback_cursor_timestamp_seconds", "Start of the chargeback hour currently exposed to Prometheus.", [], (g) => {
    const t = snap()?.chargeback?.cursorHour;
    if (t !== undefined) g.set(t / 1000);
  });
  gauge("ot3c_chargeback_newest_hour_timestamp_seconds", "Start of the newest hour in the chargeback ledger.", [], (g) => {
    const t = snap()?.chargeback?.newestHour;
    if (t !== undefined) g.set(t / 1000);
  });

  // Budget and project labels (issue #18, bounded: see scope-metrics.ts).
  registerScopeMetrics(gauge, snap, currency);

  if (opts.processMetrics !== false) registerProcessMetrics(registry);
  return registry;
}

function nextDeadline(s: EngineSnapshot | undefined): number | undefined {
  let next: number | undefined;
  for (const item of s?.plan ?? []) {
    if (item.state !== "PENDING" && item.state !== "APPROVED") continue;
    if (next === undefined || item.deadline < next) next = item.deadline;
  }
  return next;
}
