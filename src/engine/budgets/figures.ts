/**
 * A budget's figures (issue #18): the sum of its resources' forecasts, its baseline, its gap and status, measured
 * the way the budget of everything is (budget.ts):
 *
 * - spent so far and the month-end P50 = Σ over the roots in the scope (after the engine's own actions, closed
 *   loop) + the spend of other instances' resources in the scope;
 * - the other quantiles scale the scope's remaining median by the spread of the whole bill's band (resource
 *   quantiles do not add up; the whole bill's interval is the calibrated one);
 * - baseline = what no plan may touch in the scope: roots without ot3c_prio, prio 0, prepaid, ghosts, other
 *   instances' resources. A scope whose baseline alone exceeds its target is reported, not planned.
 * The budget `all` keeps the figures of budget.ts unchanged (it is the seed's `target-budget`).
 */
import { isBaseline } from "../budget.ts";
import type { BudgetStatus, BudgetSummary, ForecastSummary, Quantiles, QuantileName, ResourceUnit } from "../types.ts";
import { ALL, unitIn, type BudgetScope, type HomeProject } from "./scope.ts";

export interface ScopeFigures {
  name: string;
  target: number;
  spendSoFar: number;
  forecast: Quantiles;
  baseline: { spendSoFar: number; monthEnd: number };
  /** Month-end at the configured quantile minus the target. */
  gap: number;
  status: BudgetStatus;
  baselineExceedsBudget: boolean;
  /** Root ids in the scope (not kept for `all`, which holds every root). */
  roots?: Set<string>;
}

export function allFigures(budget: BudgetSummary): ScopeFigures {
  return {
    name: ALL,
    target: budget.target,
    spendSoFar: budget.spendSoFar,
    forecast: { ...budget.forecast },
    baseline: { ...budget.baseline },
    gap: budget.gap,
    status: budget.status,
    baselineExceedsBudget: budget.baselineExceedsBudget,
  };
}

export function scopeFigures(
  scope: BudgetScope,
  roots: ResourceUnit[],
  excluded: ResourceUnit[],
  forecasts: Record<string, ForecastSummary>,
  whole: BudgetSummary,
  home: HomeProject,
): ScopeFigures {
  const q: QuantileName = whole.quantile;
  const rootIds = new Set<string>();
  let soFar = 0;
  let p50 = 0;
  let baseSoFar = 0;
  let baseP50 = 0;
  const add = (u: ResourceUnit, baseline: boolean) => {
    const f = forecasts[u.id];
    if (!f) return;
    soFar += f.costSoFar;
    p50 += f.monthEnd.p50;
    if (baseline) {
      baseSoFar += f.costSoFar;
      baseP50 += f.monthEnd.p50;
    }
  };
  for (const r of roots) {
    if (!unitIn(scope, r, home)) continue;
    rootIds.add(r.id);
    add(r, isBaseline(r));
  }
  for (const r of excluded) if (unitIn(scope, r, home)) add(r, true);
  const spread = spreadOf(whole);
  const at = (k: QuantileName) => soFar + (p50 - soFar) * spread[k];
  const forecast = { p10: Math.min(p50, at("p10")), p50, p90: Math.max(p50, at("p90")) };
  const baselineMonthEnd = baseSoFar + (baseP50 - baseSoFar) * spread[q];
  const monthEnd = forecast[q];
  return {
    name: scope.name,
    target: scope.target,
    spendSoFar: soFar,
    forecast,
    baseline: { spendSoFar: baseSoFar, monthEnd: baselineMonthEnd },
    gap: monthEnd - scope.target,
    status: monthEnd > scope.target ? "OVER" : forecast.p90 > scope.target ? "AT_RISK" : "OK",
    baselineExceedsBudget: baselineMonthEnd > scope.target,
    roots: rootIds,
  };
}

/** Each quantile's remaining spend as a multiple of the median's, from the whole bill's calibrated band. */
function spreadOf(whole: BudgetSummary): Record<QuantileName, number> {
  const rest = whole.forecast.p50 - whole.spendSoFar;
  if (!(rest > 0)) return { p10: 1, p50: 1, p90: 1 };
  const s = (k: QuantileName) => Math.max(0, (whole.forecast[k] - whole.spendSoFar) / rest);
  return { p10: s("p10"), p50: 1, p90: s("p90") };
}
