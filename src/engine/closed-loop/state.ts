/**
 * The forecast as the closed loop keeps it between syncs: per unit (roots, group members, excluded resources) its
 * spend so far, its median path over the remaining days and its month-end band; the tree's parent links; and the
 * few facts the effects need. Paths are Float64Arrays — with 10,000 resources the whole state is a few MB, so an
 * operator's approve or veto can re-plan in the same tick without a new sync or the cost histories.
 */
import { dayStart } from "../period.ts";
import { addDays } from "../period.ts";
import type { BillingPeriod, DailyCost, ForecastSummary, IsoDate, Quantiles, ResourceUnit } from "../types.ts";
import type { ScopeActuals } from "../budgets/series.ts";

export interface UnitFigures {
  soFar: number;
  /** Median cost of each remaining day (index = `ForecastState.dates`). */
  path: Float64Array;
  monthEnd: Quantiles;
  /** A resource of another ot3c instance: counted in the budget's excluded spend, not in the tree's total. */
  excluded?: boolean;
  /** The id of the unit that contains this one (a group member's group). */
  parent?: string;
  /**
   * These figures as an evaluation shows them (`forecasts`), made once per sync: a settle reuses it for every unit
   * no action changed instead of making ~140,000 new ones after each approve or veto (issue #18). Fields on the
   * unit, not maps beside it: each such map of 100,000 entries held ~11 MB.
   */
  summary?: ForecastSummary;
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

/** Every unit with the id of the unit that contains it (depth first). */
export function linkTree(roots: ResourceUnit[], visit: (u: ResourceUnit, parent: string | undefined) => void): void {
  const walk = (u: ResourceUnit, parent: string | undefined): void => {
    visit(u, parent);
    for (const m of u.members) walk(m, u.id);
  };
  for (const r of roots) walk(r, undefined);
}
