/**
 * The replay's yardstick, computed with hindsight from the cloud's side: what the period would have cost with
 * nothing done, which part no plan could cut, the fewest units whose deletion at the earliest moment the grace
 * allows would have reached the budget, and what the run actually touched and saved.
 */
import type { EvaluateOptions } from "../engine/pipeline.ts";
import { addDays, dayStart } from "../engine/period.ts";
import type { BillingPeriod, CloudResource, CostRecord, ResourceUnit } from "../engine/types.ts";
import { buildVirtualInventory } from "../engine/virtual/index.ts";
import type { ReplayCloud } from "../sim/replay/cloud.ts";
import type { ReplaySummary } from "./report.ts";

export interface HindsightInput {
  cloud: ReplayCloud;
  untouched: ReplayCloud;
  resources: CloudResource[];
  period: BillingPeriod;
  options: EvaluateOptions;
  target: number;
  untouchedMonthEnd: number;
  timeZone: string;
}

function leaves(u: ResourceUnit): ResourceUnit[] {
  return u.members.length === 0 ? [u] : u.members.flatMap(leaves);
}

export function hindsight(h: HindsightInput) {
  const { cloud, untouched, period, target } = h;
  const inv = buildVirtualInventory({ resources: h.resources, costs: [], period, instance: h.options.instance });
  const vetoed = cloud.vetoedLeaves;
  const plannable = inv.roots.filter((r) => r.managed !== false && r.prio > 0 && r.kind !== "GHOST" && !leaves(r).some((l) => vetoed.has(l.id)));

  // The earliest a plan made at the period start may act: the first whole day after the grace.
  const days: string[] = [];
  for (let d = period.startDate; d < period.endDate; d = addDays(d, 1)) days.push(d);
  const earliest = days.find((d) => dayStart(d, h.timeZone) >= period.start + h.options.graceMs);
  const savingOf = (u: ResourceUnit) => {
    if (!earliest) return 0;
    let s = 0;
    for (const l of leaves(u)) for (const d of days) if (d >= earliest) s += untouched.untouchedCost(l.resource!.id, d);
    return s;
  };
  // Fewest with perfect foresight, in the planners' own order of harm: the least important priority tiers first,
  // and inside the decisive tier the largest savings first (optimal.ts step 1 on the true future costs).
  const needed = h.untouchedMonthEnd - target;
  const tiers = new Map<number, number[]>();
  for (const u of plannable) {
    const list = tiers.get(u.prio) ?? [];
    list.push(savingOf(u));
    tiers.set(u.prio, list);
  }
  const ordered = [...tiers.entries()].sort((a, b) => b[0] - a[0]).map(([, s]) => s.sort((x, y) => y - x));
  let fewest: number | null = 0;
  if (needed > 0) {
    fewest = null;
    let below = 0;
    for (let k = 0; k < ordered.length; k++) {
      const tierSum = ordered[k].reduce((a, b) => a + b, 0);
      if (below + tierSum < needed) {
        below += tierSum;
        continue;
      }
      // Tier k decides: everything less important is taken, plus the fewest of tier k that close the rest.
      let count = ordered.slice(0, k).reduce((a, t) => a + t.filter((x) => x > 0).length, 0);
      let acc = below;
      for (const x of ordered[k]) {
        if (acc >= needed) break;
        acc += x;
        count++;
      }
      fewest = count;
      break;
    }
  }
  const reachable = needed <= 0 || fewest !== null;

  // What the run touched, by unit of the starting inventory.
  const unitOf = new Map<string, ResourceUnit>();
  for (const r of inv.roots) for (const l of leaves(r)) if (l.resource) unitOf.set(l.resource.id, r);
  const touchedUnits = new Set<string>();
  const touchedResources = new Set<string>();
  const stopped = new Set<string>();
  let stops = 0;
  let deletes = 0;
  let escalations = 0;
  for (const c of cloud.calls) {
    if (c.call !== "stop" && c.call !== "delete") continue; // starts end parks, backups precede deletes
    touchedResources.add(c.id);
    const u = unitOf.get(c.id);
    if (u) touchedUnits.add(u.id);
    if (c.call === "stop") {
      stops++;
      stopped.add(c.id);
    } else if (c.call === "delete") {
      deletes++;
      if (stopped.has(c.id)) escalations++;
    }
  }

  // Realised saving of the unit acted on last: what it would have cost untouched minus what it was billed. Items
  // that run at the same tick are one batch: the last item is the batch's largest (any of them was "the last").
  const billed = new Map<string, number>();
  for (const c of cloud.billedBetween(period.startDate, period.endDate) as CostRecord[]) billed.set(c.resourceId, (billed.get(c.resourceId) ?? 0) + c.amount);
  const realised = (u: ResourceUnit) => {
    let s = 0;
    for (const l of leaves(u)) {
      const id = l.resource!.id;
      let untouchedCost = 0;
      for (const d of days) untouchedCost += untouched.untouchedCost(id, d);
      s += untouchedCost - (billed.get(id) ?? 0);
    }
    return s;
  };
  // The last cut inside the period (not a start that ended a park, not a backup).
  const cuts = cloud.calls.filter((c) => (c.call === "stop" || c.call === "delete") && c.at < period.end);
  const lastAt = cuts.length > 0 ? cuts[cuts.length - 1]!.at : undefined;
  const lastUnits = new Map<string, ResourceUnit>();
  for (const c of cuts) {
    if (c.at !== lastAt) continue;
    const u = unitOf.get(c.id);
    if (u) lastUnits.set(u.id, u);
  }
  let lastItemSaving = 0;
  for (const u of lastUnits.values()) lastItemSaving = Math.max(lastItemSaving, realised(u));

  return {
    summary(monthEnd: number): ReplaySummary {
      return {
        reachable,
        needed: r2(Math.max(0, needed)),
        overBudget: r2(Math.max(0, monthEnd - target)),
        excessCut: reachable && monthEnd < target ? r2(target - monthEnd) : 0,
        lastItemSaving: r2(lastItemSaving),
        realisedSaving: r2(h.untouchedMonthEnd - monthEnd),
        terminations: { units: touchedUnits.size, resources: touchedResources.size, stops, deletes, escalations },
        fewest,
      };
    },
  };
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
