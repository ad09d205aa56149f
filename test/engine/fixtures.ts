/** Shared engine fixtures (engine, daemon and exporter tests): a tiny in-memory cloud, a deterministic evaluator, settings. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { Engine, type EngineNotifier, type EngineSettings, type Evaluation, type EvaluateFn } from "../../src/engine/engine.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { ManualClock, type CloudResource, type CostRecord, type InventorySource, type VirtualResource } from "../../src/engine/types.ts";
import type { ExecTerminator } from "../../src/engine/execution.ts";

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

/** Every resource saves 10; the plan deletes resources (in order) until `gap` is covered. */
export function evaluator(state: { gap: number }): EvaluateFn {
  return ({ resources, now, vetoed }) => {
    const period = billingPeriod(now, 1);
    const roots: VirtualResource[] = resources.map((r) => ({ id: `ECS_${r.id}`, kind: "ECS", name: r.name, prio: 5, owner: r.tags.ot3c_owner, tags: r.tags, members: [], daily: [], resource: r }));
    let left = state.gap;
    const items = [];
    for (const vr of roots) {
      if (left <= 0 || vetoed.includes(vr.id)) continue;
      items.push({ vrId: vr.id, action: "delete" as const, prio: 5, ...(vr.owner ? { owner: vr.owner } : {}), tdate: now, tsave: 10, tasap: true, reason: "over budget" });
      left -= 10;
    }
    const budget = { target: 100, spendSoFar: 0, forecast: { p10: 0, p50: 0, p90: 0 }, baseline: { spendSoFar: 0, monthEnd: 0 }, gap: state.gap, quantile: "p50", status: state.gap > 0 ? "OVER" : "OK", baselineExceedsBudget: false, burnPerHour: 0, burnPerDay: 0, dailyTotals: [], forecastBand: [] } as Evaluation["budget"];
    return { period, roots, forecasts: {}, budget, plan: { createdAt: now, period, mode: "optimal", gap: state.gap, savings: 0, outcome: items.length ? "OK" : "NOT_NEEDED", items } };
  };
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
