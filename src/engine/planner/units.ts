/**
 * What both planners share: the input, which roots a plan may touch, and how much a termination avoids.
 *
 * Avoided cost (tsave) follows the seed's accounting: terminating at instant `t` avoids the forecast cost of
 * every remaining day whose start (00:00 Europe/Berlin) is at or after `t`, up to the period end (exclusive — the
 * seed's end-inclusive off-by-one is fixed). A partial day is never counted: the dashboard bills whole days per
 * resource, and counting less is the safe side of a promise to the operator.
 *
 * For a stop, only the part that stops is avoided: the compute cost of the ECS/RDS members (their `stopShare`
 * of their own forecast); volumes and database storage keep billing.
 */
import { COPY_COST_OF_STORAGE } from "../actions/copy-cost.ts";
import { isParkableKind, type Rung } from "../actions/ladder.ts";
import { dayStart, isoDay, localTime } from "../period.ts";
import type { BillingPeriod, DailyCost, ResourceForecast, TerminationPlan, VirtualResource } from "../types.ts";
import { recentSum } from "../virtual/day-series.ts";

export type PlannerMode = "classic" | "optimal";

export interface PlannerInput {
  /** Root virtual resources (already filtered by `ot3c_instance`; unmanaged ones carry `managed: false`). */
  roots: VirtualResource[];
  /** Per virtual resource id (roots and group members). */
  forecasts: Record<string, ResourceForecast>;
  /** Money to save by the period end (month-end forecast at the configured quantile minus the target). */
  gap: number;
  period: BillingPeriod;
  now: number;
  graceMs: number;
  mode: PlannerMode;
  /**
   * Ids no plan may touch: vetoed resources, resources an open item already acts on, resources already deleted.
   * Any such id inside a unit (the unit itself, a member, a leaf) keeps the whole unit out of the plan.
   */
  vetoed?: Set<string>;
  /** Leaf ids already stopped (by ot3c or their owner): a stop of them saves nothing more. */
  stopped?: Set<string>;
  /**
   * Minimum lead from now for any termination date. Optimal always uses max(grace, minLeadMs). Classic uses it
   * only when given (the seed let "later" dates fall inside the grace window; see classic.ts).
   */
  minLeadMs?: number;
  /** From the budget: the baseline alone exceeds the target, so no plan can reach it. */
  baselineExceedsBudget?: boolean;
  currency?: string;
  timeZone?: string;
}

export type PlanResult = TerminationPlan;

export interface DayPoint {
  date: string;
  /** 00:00 of `date` in the dashboard's time zone. */
  start: number;
  amount: number;
}

/** The forecast's remaining days inside the period, with their start instants, ascending. */
export function restDays(rest: DailyCost[] | undefined, period: BillingPeriod, timeZone?: string): DayPoint[] {
  if (!rest) return [];
  const out: DayPoint[] = [];
  for (const d of rest) {
    if (d.date < period.startDate || d.date >= period.endDate) continue;
    out.push({ date: d.date, start: dayStart(d.date, timeZone), amount: d.amount });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** Forecast cost of the days that start at or after `t` (and before the period end). */
export function costFrom(days: DayPoint[], t: number): number {
  let s = 0;
  for (const d of days) if (d.start >= t) s += d.amount;
  return s;
}

function leaves(vr: VirtualResource): VirtualResource[] {
  if (vr.members.length === 0) return [vr];
  return vr.members.flatMap(leaves);
}

/** Every id inside a root (itself and all members), for veto checks. */
export function idsOf(vr: VirtualResource): string[] {
  return [vr.id, ...vr.members.flatMap(idsOf)];
}

export function isVetoed(vr: VirtualResource, vetoed: Set<string> | undefined): boolean {
  if (!vetoed || vetoed.size === 0) return false;
  return idsOf(vr).some((id) => vetoed.has(id));
}

/** A root any plan may touch: managed, prio > 0, not a ghost, not vetoed. */
export function isPlannable(vr: VirtualResource, vetoed: Set<string> | undefined): boolean {
  return vr.managed !== false && vr.prio > 0 && vr.kind !== "GHOST" && !isVetoed(vr, vetoed);
}

/**
 * Whether a stop makes sense for this unit: a server or database, or a group made only of servers, databases
 * and volumes with at least one server or database (stopping a group stops its servers/databases, volumes stay).
 */
export function canStop(vr: VirtualResource, stopped?: Set<string>): boolean {
  const ls = leaves(vr);
  if (!ls.every((l) => isParkableKind(l.kind) || l.kind === "EVS")) return false;
  return ls.some((l) => isParkableKind(l.kind) && l.stopShare !== undefined && !stopped?.has(l.id));
}

/**
 * Whether a unit's ladder offers a rung. Without a ladder (no `actions` configuration): park and delete, as ot3c
 * always did (`stop` and `delete`) — a stop never reached node pools then, so parking one needs the ladder.
 */
export function offers(vr: VirtualResource, rung: Rung): boolean {
  if (vr.ladder) return vr.ladder.includes(rung);
  if (rung === "park") return !leaves(vr).some((l) => l.kind === "CCE");
  return rung === "delete";
}

/**
 * Per-day cost of the safety copies a `snapshot-delete` makes (RDS manual backups): a share of each database's
 * storage cost (actions/copy-cost.ts), from the day of the copy to the period end.
 */
export function copyDays(vr: VirtualResource, forecasts: Record<string, ResourceForecast>, period: BillingPeriod, timeZone?: string): DayPoint[] {
  const byDate = new Map<string, DayPoint>();
  for (const l of leaves(vr)) {
    if (l.kind !== "RDS") continue;
    const storage = 1 - (l.stopShare ?? 0);
    for (const d of restDays(forecasts[l.id]?.rest ?? (l === vr ? forecasts[vr.id]?.rest : undefined), period, timeZone)) {
      const p = byDate.get(d.date) ?? { ...d, amount: 0 };
      p.amount += d.amount * storage * COPY_COST_OF_STORAGE;
      byDate.set(d.date, p);
    }
  }
  return [...byDate.values()].sort((a, b) => a.start - b.start);
}

/**
 * Per-day cost a stop avoids: Σ over the unit's ECS/RDS leaves of their own forecast × stopShare. A leaf with no
 * forecast of its own (a forecaster that only forecasts roots) gets the unit's path scaled by the leaf's share
 * of the unit's recent history.
 */
export function stopDays(
  vr: VirtualResource,
  forecasts: Record<string, ResourceForecast>,
  period: BillingPeriod,
  timeZone?: string,
  opts: { stopped?: Set<string>; kinds?: "RDS" | "not-RDS" } = {},
): DayPoint[] {
  const unitDays = restDays(forecasts[vr.id]?.rest, period, timeZone);
  const byDate = new Map<string, DayPoint>();
  for (const d of unitDays) byDate.set(d.date, { ...d, amount: 0 });
  const recent = (l: VirtualResource) => recentSum(l.daily, 7);
  const unitRecent = recent(vr);
  for (const l of leaves(vr)) {
    if (!isParkableKind(l.kind) || l.stopShare === undefined) continue;
    if (opts.stopped?.has(l.id)) continue;
    if (opts.kinds === "RDS" && l.kind !== "RDS") continue;
    if (opts.kinds === "not-RDS" && l.kind === "RDS") continue;
    const own = l === vr ? unitDays : forecasts[l.id] ? restDays(forecasts[l.id].rest, period, timeZone) : undefined;
    if (own) {
      for (const d of own) {
        const p = byDate.get(d.date) ?? { date: d.date, start: d.start, amount: 0 };
        p.amount += d.amount * l.stopShare;
        byDate.set(d.date, p);
      }
    } else if (unitRecent > 0) {
      const share = recent(l) / unitRecent;
      for (const d of unitDays) byDate.get(d.date)!.amount += d.amount * share * l.stopShare;
    }
  }
  return [...byDate.values()].sort((a, b) => a.start - b.start);
}

export function money(amount: number, currency = "EUR"): string {
  return `${amount.toFixed(2)} ${currency}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 27" for a local midnight, "Nov 27 14:05" otherwise (dashboard time zone). */
export function when(t: number, timeZone?: string): string {
  const day = isoDay(t, timeZone);
  const label = `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;
  if (t === dayStart(day, timeZone)) return label;
  return `${label} ${localTime(t, timeZone)}`;
}

/** Plan skeleton for the outcomes that plan nothing. */
export function emptyPlan(input: PlannerInput, outcome: TerminationPlan["outcome"]): TerminationPlan {
  return { createdAt: input.now, period: input.period, mode: input.mode, gap: input.gap, savings: 0, outcome, items: [] };
}
