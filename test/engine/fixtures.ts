/** Shared engine fixtures (engine, daemon and exporter tests): a tiny in-memory cloud, a deterministic evaluator, settings. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { Engine, type EngineNotifier, type EngineSettings, type Evaluation, type EvaluateFn } from "../../src/engine/engine.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { ManualClock, type CloudResource, type CostRecord, type InventorySource, type VirtualResource } from "../../src/engine/types.ts";
import type { ExecTerminator } from "../../src/engine/execution.ts";
import type { ActionLedger, PlanDecision } from "../../src/engine/closed-loop/index.ts";
import { NO_DAYS } from "../../src/engine/virtual/day-series.ts";

export const H = 3600_000;
export const MIN = 60_000;
export const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);

export class MemoryCloud implements InventorySource, ExecTerminator {
  resources = new Map<string, CloudResource>();
  deletes: string[] = [];
  failListing?: string;
  constructor(ids: string[], owner?: string) {
    for (const id of ids) this.resources.set(id, { kind: "ECS", id, name: `vm-${id}`, status: "ACTIVE", tags: { ot3c_prio: "5", ...(owner ? { ot3c_owner: owner } : {}) } });
  }
  async listResources() {
    if (this.failListing) throw new Error(this.failListing);
    return [...this.resources.values()].map((r) => ({ ...r }));
  }
  async listCosts(): Promise<CostRecord[]> {
    return [];
  }
  async get(r: CloudResource) {
    return this.resources.get(r.id);
  }
  async stop() {}
  async delete(r: CloudResource) {
    this.deletes.push(r.id);
    this.resources.delete(r.id);
  }
}

/**
 * Every resource saves 10. A closed loop in miniature: each resource the ledger shows deleted (or stopped, or
 * gone) lowers the gap by 10, each open item covers 10, and the plan deletes further resources (in order) only for
 * the part of the gap still uncovered; open items are cancelled when the gap is gone, GONE when their resource is.
 */
export function evaluator(state: { gap: number }): EvaluateFn {
  const settleOn = (resources: CloudResource[], ledger: ActionLedger, now: number): Evaluation => {
    const period = billingPeriod(now, 1);
    const roots: VirtualResource[] = resources.map((r) => ({ id: `ECS_${r.id}`, kind: "ECS", name: r.name, prio: 5, owner: r.tags.ot3c_owner, tags: r.tags, members: [], daily: NO_DAYS, resource: r }));
    const live = new Set(roots.map((r) => r.id));
    const acted = new Set(ledger.executed.map((e) => e.leaf));
    const gap = state.gap - 10 * acted.size;
    const open: PlanDecision["open"] = [];
    let committed = 0;
    const covered = new Set<string>();
    for (const o of ledger.open) {
      if (o.item.state !== "EXECUTING" && !live.has(o.item.vrId)) open.push({ id: o.item.id, saving: 0, outcome: "GONE", reason: "resource no longer exists" });
      else if (o.item.state !== "EXECUTING" && gap <= 0) open.push({ id: o.item.id, saving: 0, outcome: "CANCELLED", reason: "budget no longer at risk" });
      else {
        open.push({ id: o.item.id, saving: 10, outcome: "keep" });
        committed += 10;
        covered.add(o.item.vrId);
      }
    }
    let left = gap - committed;
    const items = [];
    for (const vr of roots) {
      if (left <= 0 || ledger.vetoed.has(vr.id) || covered.has(vr.id) || acted.has(vr.id)) continue;
      items.push({ vrId: vr.id, action: "delete" as const, prio: 5, ...(vr.owner ? { owner: vr.owner } : {}), tdate: now, tsave: 10, tasap: true, reason: "over budget" });
      left -= 10;
    }
    const budget = { target: 100, spendSoFar: 0, forecast: { p10: 0, p50: 0, p90: 0 }, baseline: { spendSoFar: 0, monthEnd: 0 }, gap, quantile: "p50", status: gap > 0 ? "OVER" : "OK", baselineExceedsBudget: false, burnPerHour: 0, burnPerDay: 0, dailyTotals: [], forecastBand: [] } as Evaluation["budget"];
    const plan = { createdAt: now, period, mode: "optimal" as const, gap, savings: items.length * 10, outcome: items.length ? ("OK" as const) : ("NOT_NEEDED" as const), items };
    return {
      period,
      roots,
      forecasts: {},
      budget,
      plan,
      decision: { create: items, open },
      vetoedLeaves: new Map([...ledger.vetoed].map(([k, v]) => [k, { itemId: v.itemId, reason: v.reason }])),
      resettle: (next, at) => settleOn(resources, next, at),
    };
  };
  return ({ resources, now, ledger }) => settleOn(resources, ledger, now);
}

export function engineSettings(over: Partial<EngineSettings> = {}): EngineSettings {
  return { enforce: true, approval: "none", maxTerminationsPerRun: 10, graceMs: 24 * H, syncIntervalMs: 5 * MIN, staleAfterMs: 30 * MIN, billingBeginDay: 1, reminderBeforeMs: 2 * H, ...over };
}

export function makeEngine(opts: { dir?: string; ids?: string[]; gap?: number; owner?: string; settings?: Partial<EngineSettings>; notifier?: EngineNotifier } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "ot3c-daemon-"));
  const store = Store.open(dir);
  const clock = new ManualClock(T0);
  const cloud = new MemoryCloud(opts.ids ?? ["a", "b"], opts.owner);
  const state = { gap: opts.gap ?? 15 };
  const engine = new Engine({ store, stateDir: dir, clock, inventory: cloud, terminator: cloud, evaluate: evaluator(state), settings: engineSettings(opts.settings), project: { name: "p", region: "eu-de" }, ...(opts.notifier ? { notifier: opts.notifier } : {}), minSnapshotIntervalMs: 20 });
  return { dir, store, clock, cloud, state, engine };
}
