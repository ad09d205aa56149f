/**
 * The replay per budget (issue #18): with `budgets:` every named budget gets the replay's yardstick too, from the
 * cloud's side — what its resources billed untouched and actually, whether cutting could reach its target, the
 * excess cut, the realised saving of the last unit acted on in it, and the stop/delete calls its resources got.
 * Membership is the engine's (engine/budgets): a unit counts whole in every budget one of its leaves is in; spend
 * without a resource in the inventory counts by the project its cost record names, never for a tag match.
 */
import { placeMatches, unitIn, type BudgetScope, type HomeProject } from "../engine/budgets/index.ts";
import { addDays, dayStart } from "../engine/period.ts";
import type { BillingPeriod, CloudResource, CostRecord, ResourceUnit } from "../engine/types.ts";
import { buildVirtualInventory } from "../engine/virtual/index.ts";
import type { ReplayCloud } from "../sim/replay/cloud.ts";

/** A named budget for a replay: a fixed target, or a cut below what its resources cost untouched. */
export type ReplayBudget = Omit<BudgetScope, "target"> & { target?: number; cut?: number };

export interface ReplayScopeReport {
  name: string;
  target: number;
  untouchedMonthEnd: number;
  monthEnd: number;
  /** Could cutting its managed resources (from the first day after the grace) reach the target at all. */
  reachable: boolean;
  overBudget: number;
  excessCut: number;
  /** Realised month-end saving of the unit in it acted on last (of the last batch, the largest). */
  lastItemSaving: number;
  realisedSaving: number;
  /**
   * Of the realised saving, what was saved on resources that are also in another budget that was over its target
   * untouched: cuts that other budget may have needed, so they are not this budget's excess.
   */
  sharedSaving: number;
  /** Stop/delete calls that reached its resources. */
  calls: number;
  /**
   * Days at whose end the engine reported this budget as not closable (uncovered gap, or baseline over the
   * target): a budget that ends over its target must have been reported, never missed silently.
   */
  daysUncovered?: number;
}

export interface ScopeYardstickInput {
  resources: CloudResource[];
  period: BillingPeriod;
  graceMs: number;
  instance?: string;
  home: HomeProject;
  timeZone: string;
}

/** Which resource ids (leaves of the starting inventory) each budget holds. */
export function scopeLeaves(scopes: Array<Omit<BudgetScope, "target">>, x: ScopeYardstickInput): { roots: ResourceUnit[]; leavesOf: Map<string, Set<string>> } {
  const inv = buildVirtualInventory({ resources: x.resources, costs: [], period: x.period, instance: x.instance });
  const roots = [...inv.roots, ...inv.excluded];
  const leavesOf = new Map<string, Set<string>>();
  for (const s of scopes) {
    const ids = new Set<string>();
    for (const r of roots) if (unitIn({ ...s, target: 0 }, r, x.home)) for (const l of leaves(r)) if (l.resource) ids.add(l.resource.id);
    leavesOf.set(s.name, ids);
  }
  return { roots: inv.roots, leavesOf };
}

/** Σ cost of the records in a budget: its resources', and records of unknown resources by their project. */
export function scopeSpend(records: CostRecord[], scope: Omit<BudgetScope, "target">, ids: Set<string>, known: Set<string>, home: HomeProject): number {
  let s = 0;
  for (const c of records) {
    if (ids.has(c.resourceId)) s += c.amount;
    else if (!known.has(c.resourceId) && placeMatches({ ...scope, target: 0 }, { projectId: c.projectId, projectName: c.projectName, region: c.region }, home)) s += c.amount;
  }
  return s;
}

export function scopeReports(scopes: BudgetScope[], x: ScopeYardstickInput, cloud: ReplayCloud, untouched: ReplayCloud): ReplayScopeReport[] {
  const { period } = x;
  const { roots, leavesOf } = scopeLeaves(scopes, x);
  const known = new Set(x.resources.map((r) => r.id));
  const billed = cloud.billedBetween(period.startDate, period.endDate);
  const untouchedBilled = untouched.billedBetween(period.startDate, period.endDate);
  const days: string[] = [];
  for (let d = period.startDate; d < period.endDate; d = addDays(d, 1)) days.push(d);
  const earliest = days.find((d) => dayStart(d, x.timeZone) >= period.start + x.graceMs);
  const untouchedOf = (id: string, from?: string) => days.reduce((s, d) => s + (from === undefined || d >= from ? untouched.untouchedCost(id, d) : 0), 0);
  const billedBy = new Map<string, number>();
  for (const c of billed) billedBy.set(c.resourceId, (billedBy.get(c.resourceId) ?? 0) + c.amount);
  const cuts = cloud.calls.filter((c) => (c.call === "stop" || c.call === "delete") && c.at < period.end);
  const unitOf = new Map<string, ResourceUnit>();
  for (const r of roots) for (const l of leaves(r)) if (l.resource) unitOf.set(l.resource.id, r);
  const realisedOf = (id: string) => untouchedOf(id) - (billedBy.get(id) ?? 0);
  const overUntouched = new Set(scopes.filter((s) => scopeSpend(untouchedBilled, s, leavesOf.get(s.name)!, known, x.home) > s.target).map((s) => s.name));
  return scopes.map((s) => {
    const ids = leavesOf.get(s.name)!;
    let sharedSaving = 0;
    for (const id of ids) if (scopes.some((c) => c !== s && overUntouched.has(c.name) && leavesOf.get(c.name)!.has(id))) sharedSaving += realisedOf(id);
    const untouchedMonthEnd = scopeSpend(untouchedBilled, s, ids, known, x.home);
    const monthEnd = scopeSpend(billed, s, ids, known, x.home);
    // Reachable: every plannable unit in it deleted at the earliest allowed day saves at least what is needed.
    const needed = untouchedMonthEnd - s.target;
    let canSave = 0;
    if (earliest && needed > 0) {
      for (const r of roots) {
        if (r.managed === false || r.prio <= 0 || r.kind === "GHOST" || !leaves(r).some((l) => l.resource && ids.has(l.resource.id))) continue;
        if (leaves(r).some((l) => cloud.vetoedLeaves.has(l.id))) continue;
        for (const l of leaves(r)) canSave += untouchedOf(l.resource!.id, earliest);
      }
    }
    const reachable = needed <= 0 || canSave >= needed;
    const mine = cuts.filter((c) => ids.has(c.id));
    const lastAt = mine.length > 0 ? mine[mine.length - 1]!.at : undefined;
    let lastItemSaving = 0;
    const seen = new Set<string>();
    for (const c of mine) {
      if (c.at !== lastAt) continue;
      const u = unitOf.get(c.id);
      if (!u || seen.has(u.id)) continue;
      seen.add(u.id);
      const saved = leaves(u).reduce((a, l) => a + (l.resource ? untouchedOf(l.resource.id) - (billedBy.get(l.resource.id) ?? 0) : 0), 0);
      lastItemSaving = Math.max(lastItemSaving, saved);
    }
    return {
      name: s.name,
      target: s.target,
      untouchedMonthEnd: r2(untouchedMonthEnd),
      monthEnd: r2(monthEnd),
      reachable,
      overBudget: r2(Math.max(0, monthEnd - s.target)),
      excessCut: reachable && monthEnd < s.target ? r2(s.target - monthEnd) : 0,
      lastItemSaving: r2(lastItemSaving),
      realisedSaving: r2(untouchedMonthEnd - monthEnd),
      sharedSaving: r2(sharedSaving),
      calls: mine.length,
    };
  });
}

/** Targets for budgets given as a cut: below what their resources bill untouched in the period. */
export function resolveTargets(budgets: ReplayBudget[], x: ScopeYardstickInput, untouched: ReplayCloud): BudgetScope[] {
  const { leavesOf } = scopeLeaves(budgets, x);
  const known = new Set(x.resources.map((r) => r.id));
  const records = untouched.billedBetween(x.period.startDate, x.period.endDate);
  return budgets.map(({ cut, target, ...scope }) => ({
    ...scope,
    target: target ?? Math.max(0.01, r2(scopeSpend(records, scope, leavesOf.get(scope.name)!, known, x.home) * (1 - (cut ?? 0.15)))),
  }));
}

function leaves(u: ResourceUnit): ResourceUnit[] {
  return u.members.length === 0 ? [u] : u.members.flatMap(leaves);
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
