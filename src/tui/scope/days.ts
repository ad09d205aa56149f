/**
 * A scope's daily series (snapshot `budgets[].daily`, `projectDaily`; engine/budgets/series.ts) in the shape the
 * Overview's chart draws, on the whole bill's days: actual spend per day, the median path, and a band around it
 * that scales the scope's median by the whole bill's spread that day — as the scope's month-end P10/P90 do
 * (engine/budgets/figures.ts): resource quantiles do not add up, the whole bill's interval is the calibrated one.
 */
import { BURN_WINDOW_DAYS } from "../../engine/budget.ts";
import type { BudgetSummary, ScopeDaily } from "../../engine/types.ts";

export type ScopeDays = Pick<BudgetSummary, "dailyTotals" | "forecastBand" | "burnPerDay" | "burnPerHour">;

export const NO_DAYS: ScopeDays = { dailyTotals: [], forecastBand: [], burnPerDay: 0, burnPerHour: 0 };

/** A number from the snapshot, or 0 (a snapshot comes over the control socket: nothing non-finite is drawn). */
function num(x: unknown): number {
  return typeof x === "number" && Number.isFinite(x) && x > 0 ? x : 0;
}

export function scopeDays(whole: BudgetSummary, d: ScopeDaily | undefined): ScopeDays {
  if (!d || !Array.isArray(d.actual) || !Array.isArray(d.p50)) return NO_DAYS;
  const dailyTotals = whole.dailyTotals.map((x, i) => ({ date: x.date, amount: num(d.actual[i]) }));
  const forecastBand = whole.forecastBand.map((b, k) => {
    const m = num(d.p50[k]);
    const at = (q: number) => (b.p50 > 0 ? m * (num(q) / b.p50) : m);
    return { date: b.date, p10: Math.min(m, at(b.p10)), p50: m, p90: Math.max(m, at(b.p90)) };
  });
  const recent = dailyTotals.slice(-BURN_WINDOW_DAYS);
  const burnPerDay = recent.length > 0 ? recent.reduce((s, x) => s + x.amount, 0) / recent.length : 0;
  return { dailyTotals, forecastBand, burnPerDay, burnPerHour: burnPerDay / 24 };
}
