/**
 * One frozen EngineSnapshot from what the engine holds at a moment (engine.ts decides when; this says what is in
 * it). Renderers only ever read these.
 */
import { deepFreeze } from "../util/freeze.ts";
import type { EngineSettings, Evaluation, SnapshotExtras } from "./engine-contract.ts";
import { withItems } from "./budgets/index.ts";
import type { StoredPlanItem } from "../store/store.ts";
import type { ApiEndpointStats, AuditEvent, BillingPeriod, EngineCounters, EngineSnapshot, SyncStatus } from "./types.ts";

export interface SnapshotParts {
  seq: number;
  now: number;
  project: EngineSnapshot["project"];
  settings: EngineSettings;
  period: BillingPeriod;
  evaluation?: Evaluation;
  items: StoredPlanItem[];
  sync: SyncStatus;
  api: ApiEndpointStats[];
  events: AuditEvent[];
  alerts: string[];
  extras?: SnapshotExtras;
  counters: EngineCounters;
  lease?: EngineSnapshot["lease"];
  parking?: EngineSnapshot["parking"];
  projects?: EngineSnapshot["projects"];
}

export function composeSnapshot(p: SnapshotParts): EngineSnapshot {
  const ev = p.evaluation;
  const extra = p.extras;
  // With `budgets:`: each item says which budgets it serves, each budget which open items serve it.
  const scoped = ev?.budgets ? withItems(ev.budgets.states, p.items, ev.budgets.budgetsOf) : undefined;
  const snap: EngineSnapshot = {
    seq: p.seq,
    at: p.now,
    project: p.project,
    mode: p.settings.enforce ? "ENFORCE" : "DRY-RUN",
    approval: p.settings.approval,
    period: p.period,
    ...(ev ? { budget: ev.budget, planOutcome: ev.plan.outcome } : {}),
    resources: ev?.roots ?? [],
    forecasts: ev?.forecasts ?? {},
    plan: scoped?.items ?? p.items,
    sync: { ...p.sync },
    api: p.api,
    events: p.events,
    alerts: [...p.alerts, ...(extra?.alerts ?? [])],
    ...(extra?.chargeback ? { chargeback: extra.chargeback } : {}),
    ...(extra?.currency ? { currency: extra.currency } : {}),
    ...(extra?.notifyWarning ? { notifyWarning: extra.notifyWarning } : {}),
    counters: p.counters,
    ...(ev && ev.vetoedLeaves.size > 0 ? { vetoedResources: Object.fromEntries(ev.vetoedLeaves) } : {}),
    ...(p.lease ? { lease: p.lease } : {}),
    ...(p.parking && (p.parking.parked.length > 0 || p.parking.copiesTotal > 0) ? { parking: p.parking } : {}),
    ...(scoped ? { budgets: scoped.states } : {}),
    ...(p.projects ? { projects: p.projects } : {}),
  };
  return deepFreeze(snap);
}
