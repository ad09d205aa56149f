/**
 * The closed loop's two meeting points with the engine's store and notifier: the ledger read from the period's
 * items (with the schedules the daemon runs), and the announcement of what a decision changed. Kept here so the
 * engine loop (engine.ts) only says when they happen.
 */
import type { EngineLog, EngineNotifier } from "../engine-contract.ts";
import type { ApplyDecisionResult } from "../lifecycle.ts";
import { billingPeriod } from "../period.ts";
import type { BudgetSummary } from "../types.ts";
import type { Store } from "../../store/store.ts";
import { ledgerFromItems, type ActionLedger } from "./ledger.ts";

/** What the engine did and promised in the period of `now`, read from the store. */
export function ledgerAt(store: Store, now: number, billingBeginDay: number, schedulesRun: boolean): ActionLedger {
  const start = billingPeriod(now, billingBeginDay).start;
  const ledger = ledgerFromItems(store.listItems({ periodStart: start }), start);
  const runs = store.scheduleRuns();
  if (runs.length > 0) ledger.scheduledSince = new Map(runs.map((r) => [`${r.kind}_${r.resourceId}`, r.since]));
  if (schedulesRun) ledger.schedulesRunFrom = now;
  return ledger;
}

/** Owners hear about every item created, cancelled, gone, vetoed by another veto, or moved earlier. */
export function announce(result: ApplyDecisionResult, budget: BudgetSummary, notifier: EngineNotifier | undefined, log: EngineLog | undefined): void {
  for (const item of result.created) notifier?.itemEvent("planned", item);
  for (const item of result.cancelled) notifier?.itemEvent("cancelled", item);
  for (const item of result.gone) notifier?.itemEvent("gone", item);
  for (const item of result.vetoed) notifier?.itemEvent("cancelled", item);
  for (const item of result.advanced) notifier?.itemEvent("planned", item);
  if (result.created.length || result.cancelled.length || result.gone.length || result.vetoed.length) {
    log?.("info", "plan reconciled", { created: result.created.length, cancelled: result.cancelled.length, gone: result.gone.length, vetoed: result.vetoed.length, uncovered: Math.round((budget.coverage?.uncovered ?? 0) * 100) / 100 });
  }
}
