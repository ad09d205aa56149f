/** The budget part of the `list` and `plan` documents (docs/output.md): the same fields, money rounded to cents. */
import type { BudgetSummary } from "../../engine/types.ts";

export const round2 = (n: number) => Math.round(n * 100) / 100;

export interface BudgetDocument {
  target: number;
  spendSoFar: number;
  forecast: { p10: number; p50: number; p90: number };
  quantile: string;
  status: string;
  baseline: { spendSoFar: number; monthEnd: number };
  baselineExceedsBudget: boolean;
  lastCompleteDay: string | null;
  /** Past days still forecast because the cost data lags (0 when the data reaches yesterday). */
  lagDays: number;
}

export function budgetDocument(b: BudgetSummary): BudgetDocument {
  return {
    target: round2(b.target),
    spendSoFar: round2(b.spendSoFar),
    forecast: { p10: round2(b.forecast.p10), p50: round2(b.forecast.p50), p90: round2(b.forecast.p90) },
    quantile: b.quantile,
    status: b.status,
    baseline: { spendSoFar: round2(b.baseline.spendSoFar), monthEnd: round2(b.baseline.monthEnd) },
    baselineExceedsBudget: b.baselineExceedsBudget,
    lastCompleteDay: b.lastCompleteDay ?? null,
    lagDays: b.lagDays ?? 0,
  };
}
