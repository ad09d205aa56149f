/**
 * The demo's target budget. The scenario generator derives one from a run-rate projection of the whole month, so
 * late in a month nothing left to cut could close the gap and the plan would end in "End of manageable Resource
 * list". The demo should show a plan that works, so the budget is set from the engine's own first evaluation: the
 * forecast month-end minus a share of what can still be cut from tomorrow on (today is billed already).
 *
 * With the ladder on (demo/ladder.ts) the share is the largest — up to a third — that parks alone still close,
 * found by evaluating the same data against smaller cuts: the demo then shows schedules and parks closing the gap,
 * with a plan that starts at the next midnight (a park that saves just enough starts at once), and deletion as
 * the rung it did not need. Without a plan of parks only, the third stands and the ladder decides.
 */
import { emptyLedger } from "../engine/closed-loop/index.ts";
import type { Config } from "../config/types.ts";
import { wireProviders } from "../daemon/wire.ts";
import { evaluate, optionsFromConfig } from "../engine/pipeline.ts";
import { isRemoval } from "../engine/actions/index.ts";
import { addDays, billingPeriod, isoDay } from "../engine/period.ts";

/** Share of tomorrow-onwards cuttable spend the plan has to save (at most). */
const CUT_SHARE = 0.35;
/** Bisection steps for the largest parks-only cut (each is one evaluation of the demo's ~100 resources). */
const SEARCH_STEPS = 8;

/** The target, the month-end forecast (P50) it was set against, and that forecast under `opts.without`. */
export interface DemoBudget {
  target: number;
  forecast: number;
  forecastWithout?: number;
}

/**
 * `opts.without`: a second configuration (the demo's without schedules) whose month-end forecast is reported for the
 * same data, so one sync serves both; `opts.parksOnly`: search the largest cut parks alone close.
 */
export async function demoTargetBudget(cfg: Config, now: number, fallback: number, opts: { parksOnly?: boolean; without?: Config } = {}): Promise<DemoBudget> {
  const providers = wireProviders(cfg);
  const period = billingPeriod(now, cfg.billingBeginDay);
  // The same cost window as the engine's sync (history before the period feeds the forecast).
  const [resources, costs] = await Promise.all([
    providers.inventory.listResources(),
    providers.inventory.listCosts(addDays(period.startDate, -28), addDays(isoDay(now), 1)),
  ]);
  // As the engine sees it: the schedules it runs are followed from now on (closed-loop/schedules.ts).
  const ledger = () => ({ ...emptyLedger(period.start), ...(cfg.actions && Object.keys(cfg.actions.schedules).length > 0 ? { schedulesRunFrom: now } : {}) });
  const { budget } = providers.evaluate({ resources, costs, now, ledger: ledger() });
  const forecastWithout = opts.without
    ? evaluate({ resources, costs, now, ledger: emptyLedger(period.start), options: optionsFromConfig(opts.without) }).budget.forecast.p50
    : undefined;
  const extra = forecastWithout !== undefined ? { forecastWithout } : {};
  const today = isoDay(now);
  const restFromTomorrow = budget.forecastBand.filter((d) => d.date > today).reduce((s, d) => s + d.p50, 0);
  const rest = budget.forecast.p50 - budget.spendSoFar;
  const baselineRest = Math.max(0, budget.baseline.monthEnd - budget.baseline.spendSoFar);
  const cuttable = rest > 0 ? restFromTomorrow * Math.max(0, 1 - baselineRest / rest) : 0;
  if (cuttable <= 0) return { target: fallback, forecast: budget.forecast.p50, ...extra };
  const targetFor = (cut: number) => Math.round((budget.forecast.p50 - cut) * 100) / 100;
  let cut = CUT_SHARE * cuttable;
  if (opts.parksOnly) {
    const parksOnly = (c: number) => {
      const ev = evaluate({ resources, costs, now, ledger: ledger(), options: { ...optionsFromConfig(cfg), targetBudget: targetFor(c) } });
      return ev.plan.outcome === "OK" && ev.plan.items.length > 0 && !ev.plan.items.some((i) => isRemoval(i.action));
    };
    if (!parksOnly(cut)) {
      let lo = 0;
      let hi = cut;
      for (let i = 0; i < SEARCH_STEPS; i++) {
        const mid = (lo + hi) / 2;
        if (parksOnly(mid)) lo = mid;
        else hi = mid;
      }
      if (lo > 0) cut = lo;
    }
  }
  return { target: targetFor(cut), forecast: budget.forecast.p50, ...extra };
}
