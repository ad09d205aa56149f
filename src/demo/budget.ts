/**
 * The demo's target budget. The scenario generator derives one from a run-rate projection of the whole month, so
 * late in a month nothing left to cut could close the gap and the plan would end in "End of manageable Resource
 * list". The demo should show a plan that works, so the budget is set from the engine's own first evaluation: the
 * forecast month-end minus a third of what can still be cut from tomorrow on (today is billed already).
 */
import { emptyLedger } from "../engine/closed-loop/index.ts";
import type { Config } from "../config/types.ts";
import { wireProviders } from "../daemon/wire.ts";
import { addDays, billingPeriod, isoDay } from "../engine/period.ts";

/** Share of tomorrow-onwards cuttable spend the plan has to save. */
const CUT_SHARE = 0.35;

export async function demoTargetBudget(cfg: Config, now: number, fallback: number): Promise<number> {
  const providers = wireProviders(cfg);
  const period = billingPeriod(now, cfg.billingBeginDay);
  // The same cost window as the engine's sync (history before the period feeds the forecast).
  const [resources, costs] = await Promise.all([
    providers.inventory.listResources(),
    providers.inventory.listCosts(addDays(period.startDate, -28), addDays(isoDay(now), 1)),
  ]);
  const { budget } = providers.evaluate({ resources, costs, now, ledger: emptyLedger(period.start) });
  const today = isoDay(now);
  const restFromTomorrow = budget.forecastBand.filter((d) => d.date > today).reduce((s, d) => s + d.p50, 0);
  const rest = budget.forecast.p50 - budget.spendSoFar;
  const baselineRest = Math.max(0, budget.baseline.monthEnd - budget.baseline.spendSoFar);
  const cuttable = rest > 0 ? restFromTomorrow * Math.max(0, 1 - baselineRest / rest) : 0;
  if (cuttable <= 0) return fallback;
  return Math.round((budget.forecast.p50 - CUT_SHARE * cuttable) * 100) / 100;
}
