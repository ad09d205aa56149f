/**
 * The budget view over *all* spend of the project: spend so far + forecast of the rest of the period, against
 * `target-budget`. The seed summed only tagged resources and ghosts, so untagged spend silently ate the budget;
 * here everything on the bill counts, and the part no plan can cut is shown as the baseline:
 *
 *   baseline = unmanaged roots (no ot3c_prio) + prio-0 roots + ghosts + spend of other ot3c instances' resources.
 *
 * The gap is measured at the configured quantile (P50 by default, P90 for the cautious).
 */
import { addDays, isoDay } from "./period.ts";
import { dailyCostsOf } from "./virtual/day-series.ts";
import type {
  BillingPeriod,
  BudgetSummary,
  DailyCost,
  DaySeries,
  IsoDate,
  QuantileName,
  Quantiles,
  ResourceForecast,
  ResourceUnit,
} from "./types.ts";

export interface ForecastTotal {
  soFar: number;
  monthEnd: Quantiles;
  band: Array<{ date: IsoDate } & Quantiles>;
}

/** Spend of resources excluded by `ot3c_instance` (forecast the same way as the tree, see virtual/build.ts). */
export interface ExcludedSpend extends ForecastTotal {
  /** Their actual cost per day, for the daily totals and the burn rate. */
  daily: DailyCost[];
}

export interface BudgetInput {
  /** Root units; their `daily` histories are only read when `actualDaily` is absent. */
  roots: Array<ResourceUnit & { daily?: DaySeries }>;
  forecasts: Record<string, ResourceForecast>;
  /** The forecaster's total over `roots`. */
  total: ForecastTotal;
  target: number;
  quantile: QuantileName;
  period: BillingPeriod;
  now: number;
  excludedSpend?: ExcludedSpend;
  /** The newest complete day of data; derived from the roots' data when absent. */
  lastCompleteDay?: IsoDate;
  /** Actual spend per day of the whole bill (tree + excluded), when the caller already summed it. */
  actualDaily?: DailyCost[];
  timeZone?: string;
}

/** Days averaged for the burn rate: recent enough to show a change, long enough to smooth one odd day. */
export const BURN_WINDOW_DAYS = 3;

export function isBaseline(vr: ResourceUnit): boolean {
  return vr.managed === false || vr.prio === 0 || vr.kind === "GHOST";
}

function addQuantiles(a: Quantiles, b: Quantiles | undefined): Quantiles {
  if (!b) return { ...a };
  return { p10: a.p10 + b.p10, p50: a.p50 + b.p50, p90: a.p90 + b.p90 };
}

export function computeBudget(input: BudgetInput): BudgetSummary {
  const { roots, forecasts, total, target, quantile, period, now, excludedSpend: ex } = input;

  // Adding the excluded part quantile by quantile treats both parts as moving together — an upper bound for the
  // P90 of the sum; the excluded part is normally small next to the tree.
  const forecast = addQuantiles(total.monthEnd, ex?.monthEnd);
  const spendSoFar = total.soFar + (ex?.soFar ?? 0);

  // Baseline at the chosen quantile: its median path scaled by the total's spread at that quantile (resource
  // quantiles do not add up to the quantile of a sum; the total's interval is the calibrated one).
  let baseSoFar = ex?.soFar ?? 0;
  let baseRest = 0;
  for (const r of roots) {
    if (!isBaseline(r)) continue;
    const f = forecasts[r.id];
    if (!f) continue;
    baseSoFar += f.costSoFar;
    for (const d of f.rest) baseRest += d.amount;
  }
  const totalRestP50 = total.monthEnd.p50 - total.soFar;
  const spread = totalRestP50 > 0 ? Math.max(0, (total.monthEnd[quantile] - total.soFar) / totalRestP50) : 1;
  const exRest = ex ? ex.monthEnd[quantile] - ex.soFar : 0;
  const baselineMonthEnd = baseSoFar + baseRest * spread + exRest;

  const monthEnd = forecast[quantile];
  const gap = monthEnd - target;
  const status = monthEnd > target ? "OVER" : forecast.p90 > target ? "AT_RISK" : "OK";

  // Actual spend per day up to the last complete day.
  const today = isoDay(now, input.timeZone);
  const byDay = new Map<IsoDate, number>();
  const addDaily = (list: DailyCost[]) => {
    for (const d of list) {
      if (d.date < period.startDate || d.date >= period.endDate || d.date >= today) continue;
      byDay.set(d.date, (byDay.get(d.date) ?? 0) + d.amount);
    }
  };
  if (input.actualDaily) addDaily(input.actualDaily);
  else {
    for (const r of roots) if (r.daily) addDaily(dailyCostsOf(r.daily));
    if (ex) addDaily(ex.daily);
  }
  let lcd = input.lastCompleteDay;
  if (lcd === undefined) for (const d of byDay.keys()) if (lcd === undefined || d > lcd) lcd = d;
  const dailyTotals: DailyCost[] = [];
  if (lcd !== undefined) {
    for (let d = period.startDate; d <= lcd && d < period.endDate; d = addDays(d, 1)) {
      dailyTotals.push({ date: d, amount: byDay.get(d) ?? 0 });
    }
  }
  const recent = dailyTotals.slice(-BURN_WINDOW_DAYS);
  const burnPerDay = recent.length > 0 ? recent.reduce((s, d) => s + d.amount, 0) / recent.length : 0;

  const band = new Map<IsoDate, Quantiles>();
  for (const b of total.band) band.set(b.date, { p10: b.p10, p50: b.p50, p90: b.p90 });
  for (const b of ex?.band ?? []) band.set(b.date, addQuantiles(band.get(b.date) ?? { p10: 0, p50: 0, p90: 0 }, b));
  const forecastBand = [...band.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([date, q]) => ({ date, ...q }));

  return {
    target,
    spendSoFar,
    forecast,
    baseline: { spendSoFar: baseSoFar, monthEnd: baselineMonthEnd },
    gap,
    quantile,
    status,
    baselineExceedsBudget: baselineMonthEnd > target,
    burnPerHour: burnPerDay / 24,
    burnPerDay,
    dailyTotals,
    forecastBand,
    lastCompleteDay: lcd,
  };
}
