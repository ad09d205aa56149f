/**
 * The forecast as the closed loop keeps it between syncs: per unit (roots, group members, excluded resources) its
 * spend so far, its median path over the remaining days and its month-end band; the tree's parent links; and the
 * few facts the effects need. Paths are Float64Arrays — with 10,000 resources the whole state is a few MB, so an
 * operator's approve or veto can re-plan in the same tick without a new sync or the cost histories.
 */
import { dayStart } from "../period.ts";
import { addDays } from "../period.ts";
import type { BillingPeriod, DailyCost, IsoDate, Quantiles, ResourceUnit } from "../types.ts";
import type { ScopeActuals } from "../budgets/series.ts";

export interface UnitFigures {
  soFar: number;
  /** Median cost of each remaining day (index = `ForecastState.dates`). */
  path: Float64Array;
  monthEnd: Quantiles;
  /** A resource of another ot3c instance: counted in the budget's excluded spend, not in the tree's total. */
  excluded?: boolean;
}

export interface DayAmount {
  start: number;
  end: number;
  amount: number;
}

export interface ForecastState {
  period: BillingPeriod;
  lastCompleteDay: IsoDate;
  timeZone: string;
  /** The remaining days of the period, from the day after `lastCompleteDay`. */
  dates: IsoDate[];
  /** Start instant of each date, plus the end of the last one (length dates.length + 1). */
  dayStarts: Float64Array;
  roots: ResourceUnit[];
  excluded: ResourceUnit[];
  units: Map<string, UnitFigures>;
  /** Member id → the id of the unit that contains it. */
  parent: Map<string, string>;
  /** ECS/RDS leaf id → fraction of its cost a stop ends. */
  stopShare: Map<string, number>;
  /**
   * Leaf id of a resource the engine acted on → the ghost that now holds its cost records (the resource is gone
   * from the inventory, its late cost days still arrive). Effects on the leaf apply to the ghost.
   */
  alias: Map<string, string>;
  /** The tree's total: so far, median path and month-end band (band per day for the chart). */
  total: { soFar: number; path: Float64Array; monthEnd: Quantiles; band: Array<{ date: IsoDate } & Quantiles> };
  /** Spend of other instances' resources (baseline), with its own band. */
  excludedSpend?: { soFar: number; monthEnd: Quantiles; band: Array<{ date: IsoDate } & Quantiles>; daily: DailyCost[] };
  /** Actual spend per day of the whole bill (tree + excluded), for the burn rate and the chart. */
  actualDaily: DailyCost[];
  /** Leaves the engine acted on: their billed days from the action's day on (dry runs subtract what was billed). */
  actualsAfterAction: Map<string, DayAmount[]>;
  /** With budgets or a fleet: each scope's actual spend per day (budgets/series.ts), for its chart. */
  scopeActuals?: ScopeActuals;
  /** What each followed schedule removed from the forecast (already applied to the figures above). */
  schedules?: Array<{ leaf: string; schedule: string; inHistory: boolean; saving: number }>;
}

export function dayStartsOf(dates: IsoDate[], timeZone: string): Float64Array {
  const starts = new Float64Array(dates.length + 1);
  for (let k = 0; k < dates.length; k++) starts[k] = dayStart(dates[k], timeZone);
  if (dates.length > 0) starts[dates.length] = dayStart(addDays(dates[dates.length - 1], 1), timeZone);
  return starts;
}

/** Every unit id with its parent (depth first). */
export function linkTree(roots: ResourceUnit[], parent: Map<string, string>, visit: (u: ResourceUnit) => void): void {
  const walk = (u: ResourceUnit): void => {
    visit(u);
    for (const m of u.members) {
      parent.set(m.id, u.id);
      walk(m);
    }
  };
  for (const r of roots) walk(r);
}
