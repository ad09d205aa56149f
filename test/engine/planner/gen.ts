/** Seeded random planner instances for the property tests (and a few hand-made helpers). */
import { addDays, billingPeriod, isoDay } from "../../../src/engine/period.ts";
import type { BillingPeriod, DailyCost, ResourceForecast, VirtualResource } from "../../../src/engine/types.ts";

export { mulberry32 } from "../../../src/util/random.ts";
import { mulberry32 } from "../../../src/util/random.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

export interface Instance {
  roots: VirtualResource[];
  forecasts: Record<string, ResourceForecast>;
  period: BillingPeriod;
  now: number;
  graceMs: number;
  gap: number;
  vetoed: Set<string>;
}

export function leaf(id: string, kind: VirtualResource["kind"], prio: number, extra: Partial<VirtualResource> = {}): VirtualResource {
  return { id, kind, name: id, prio, tags: {}, members: [], daily: NO_DAYS, managed: true, ...extra };
}

export function forecastOf(vrId: string, rest: DailyCost[], soFar = 0): ResourceForecast {
  const sum = rest.reduce((s, d) => s + d.amount, 0);
  return { vrId, costSoFar: soFar, rest, monthEnd: { p10: soFar + sum * 0.9, p50: soFar + sum, p90: soFar + sum * 1.1 } };
}

export function randomInstance(seed: number): Instance {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const period = billingPeriod(Date.parse("2026-11-15T12:00:00Z"));
  const now = period.start + Math.floor((3 + rnd() * 25) * 86_400_000);
  const graceMs = pick([0, 3_600_000, 86_400_000, 2 * 86_400_000, 3 * 86_400_000, 5 * 86_400_000]);
  const today = isoDay(now);
  const firstRest = addDays(today, -Math.floor(rnd() * 3));
  const restDates: string[] = [];
  for (let d = firstRest; d < period.endDate; d = addDays(d, 1)) restDates.push(d);
  // Deliberately also a day past the period end: it must never count.
  const series = (): DailyCost[] => {
    const level = pick([0, 0.5, 1, 2, 5, 10]) * (0.5 + rnd());
    const rest = restDates.map((date) => ({ date, amount: rnd() < 0.15 ? 0 : Math.round(level * (0.3 + rnd() * 1.4) * 100) / 100 }));
    if (rnd() < 0.2) rest.push({ date: period.endDate, amount: 99 });
    return rest;
  };
  const prios = [0, 5, 10, 10, 20, 50, 50, 90, 90, 90];
  const n = 1 + Math.floor(rnd() * 14);
  const roots: VirtualResource[] = [];
  const forecasts: Record<string, ResourceForecast> = {};
  for (let i = 0; i < n; i++) {
    const prio = pick(prios);
    const shape = pick(["ECS", "ECS", "EVS", "CCE", "RDS", "GROUP", "GROUP", "GHOST", "UNMANAGED"] as const);
    if (shape === "GROUP") {
      const s = leaf(`ECS_s${i}`, "ECS", prio, { stopShare: pick([1, 0.9]) });
      const v = leaf(`EVS_v${i}`, "EVS", prio);
      const members = rnd() < 0.3 ? [s, v, leaf(`EVS_w${i}`, "EVS", prio)] : [s, v];
      const g = leaf(`GR_[${members.map((m) => m.id).join(",")}]`, "GROUP", prio, { members });
      const restSum = new Map<string, number>();
      for (const m of members) {
        const r = series();
        forecasts[m.id] = forecastOf(m.id, r);
        for (const d of r) restSum.set(d.date, (restSum.get(d.date) ?? 0) + d.amount);
      }
      forecasts[g.id] = forecastOf(g.id, [...restSum.entries()].map(([date, amount]) => ({ date, amount })));
      roots.push(g);
    } else if (shape === "GHOST") {
      const g = leaf(`GH_X_${i}`, "GHOST", 0, { managed: false });
      forecasts[g.id] = forecastOf(g.id, series());
      roots.push(g);
    } else if (shape === "UNMANAGED") {
      const u = leaf(`ECS_u${i}`, "ECS", 0, { managed: false, stopShare: 1 });
      forecasts[u.id] = forecastOf(u.id, series());
      roots.push(u);
    } else {
      const extra: Partial<VirtualResource> = shape === "ECS" ? { stopShare: 1 } : shape === "RDS" ? { stopShare: pick([0.6, 0.8]) } : {};
      const l = leaf(`${shape}_r${i}`, shape, prio, extra);
      forecasts[l.id] = forecastOf(l.id, series());
      roots.push(l);
    }
  }
  const vetoed = new Set<string>();
  for (const r of roots) {
    if (rnd() < 0.1) vetoed.add(r.id);
    if (r.members.length > 0 && rnd() < 0.08) vetoed.add(r.members[1].id);
  }
  // Gap relative to what could be saved at all (some instances cannot be closed).
  let cuttable = 0;
  for (const r of roots) for (const d of forecasts[r.id].rest) if (d.date < period.endDate) cuttable += d.amount;
  const gap = pick([0, -1, 1]) === 0 && rnd() < 0.1 ? 0 : Math.round(cuttable * (0.02 + rnd() * 0.6) * 100) / 100 + 0.01;
  return { roots, forecasts, period, now, graceMs, gap, vetoed };
}
