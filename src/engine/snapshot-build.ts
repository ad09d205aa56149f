/**
 * One frozen EngineSnapshot from what the engine holds at a moment (engine.ts decides when; this says what is in
 * it). Renderers only ever read these.
 */
import { deepFreeze } from "../util/freeze.ts";
import type { EngineSettings, Evaluation, SnapshotExtras } from "./engine-contract.ts";
import { withItems } from "./budgets/index.ts";
import type { Store, StoredPlanItem } from "../store/store.ts";
import { redact } from "../util/redact.ts";
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
    ...(ev?.projectDaily ? { projectDaily: ev.projectDaily } : {}),
  };
  return deepFreeze(snap);
}

/** What a snapshot reads from the store. */
export type StoredParts = Pick<SnapshotParts, "items" | "events" | "counters" | "parking">;

/**
 * The store's part of a snapshot (`parking`: what else the caller reads from it); when the store cannot be read (a
 * PostgreSQL that went away), the last parts read and the reason, so the snapshot says DEGRADED instead of the
 * reader throwing.
 */
export function readStoredParts(
  store: Pick<Store, "itemsForSnapshot" | "auditEvents" | "counters">,
  periodStart: number,
  last: StoredParts | undefined,
  parking?: () => SnapshotParts["parking"],
): { parts: StoredParts; error?: string } {
  try {
    const parts: StoredParts = { items: store.itemsForSnapshot(periodStart), events: store.auditEvents({ limit: 200 }), counters: store.counters() };
    const p = parking?.();
    return { parts: p ? { ...parts, parking: p } : parts };
  } catch (err) {
    return {
      parts: last ?? { items: [], events: [], counters: { syncs: 0, syncFailures: 0, terminationsExecuted: 0, terminationsFailed: 0 } },
      error: `state store unreachable: ${redact(String((err as Error)?.message ?? err))}`,
    };
  }
}
