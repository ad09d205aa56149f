/**
 * `ot3c replay` — entry point. Two sources for the same run (run.ts):
 * - a generated scenario (src/sim/scenario) with a seed, its history ending the day before the period starts;
 * - the operator's own data: `dump-data` CSV + `list --output json` inventory.
 * The planner, quantile, model, grace and budget come from the operator's ot3c.yaml when there is one.
 */
import { addDays, billingPeriod, dayStart } from "../engine/period.ts";
import { generateScenario, SCENARIO_PRESETS, type ScenarioOptions, type ScenarioPreset } from "../sim/scenario/index.ts";
import { costsOfWorld, resourcesOfWorld } from "../sim/replay/from-scenario.ts";
import { costsFromCsv, resourcesFromList } from "../sim/replay/from-dump.ts";
import { runReplay, type ReplayInput } from "./run.ts";
import { deleteOnly, fullLadder, withOfficeHours, type LadderComparison } from "./ladder.ts";
import type { ReplayReport } from "./report.ts";

export { renderReplayText, replayDocument, type ReplayDay, type ReplayReport } from "./report.ts";
export { runReplay, type ReplayInput } from "./run.ts";
export type { ReplayBudget, ReplayScopeReport } from "./scopes.ts";
export { deleteOnly, fullLadder, renderLadderText, withOfficeHours, type LadderComparison } from "./ladder.ts";

/** What every replay takes besides its data: the run's settings (run.ts `ReplayInput` without the inputs). */
export type ReplayCommon = Omit<ReplayInput, "resources" | "history" | "periodOf" | "label">;

/** The period of `month` (YYYY-MM) for this billing begin day. */
export function periodOfMonth(month: string, beginDay: number): number {
  return dayStart(`${month}-${String(beginDay).padStart(2, "0")}`) + 12 * 3_600_000;
}

export async function replayScenario(
  c: ReplayCommon & { scenario: ScenarioPreset; month: string; scenarioOverrides?: Partial<ScenarioOptions> },
): Promise<ReplayReport> {
  const periodOf = periodOfMonth(c.month, c.options.billingBeginDay);
  const period = billingPeriod(periodOf, c.options.billingBeginDay);
  // History up to the day before the period: the forecast's 9-week window and then some.
  const sc = generateScenario({ ...SCENARIO_PRESETS[c.scenario], seed: c.seed, now: period.start + 6 * 3_600_000, days: 70, ...c.scenarioOverrides });
  const history = costsOfWorld(sc.world).filter((r) => r.date < period.startDate && r.date >= addDays(period.startDate, -70));
  const input: ReplayInput = { ...c, resources: resourcesOfWorld(sc.world), history, periodOf, label: `scenario ${c.scenario} seed ${c.seed}` };
  return runReplay(input);
}

/** A scenario month as the replay's input: resources, history before the period, the period. */
export function scenarioInputs(c: ReplayCommon & { scenario: ScenarioPreset; month: string; scenarioOverrides?: Partial<ScenarioOptions> }) {
  const periodOf = periodOfMonth(c.month, c.options.billingBeginDay);
  const period = billingPeriod(periodOf, c.options.billingBeginDay);
  const sc = generateScenario({ ...SCENARIO_PRESETS[c.scenario], seed: c.seed, now: period.start + 6 * 3_600_000, days: 70, ...c.scenarioOverrides });
  const history = costsOfWorld(sc.world).filter((r) => r.date < period.startDate && r.date >= addDays(period.startDate, -70));
  return { resources: resourcesOfWorld(sc.world), history, periodOf, label: `scenario ${c.scenario} seed ${c.seed}` };
}

/** The same scenario month under delete-only and under the full ladder (ladder.ts), with the same budget. */
export async function compareLadderScenario(
  c: ReplayCommon & { scenario: ScenarioPreset; month: string; scenarioOverrides?: Partial<ScenarioOptions> },
): Promise<LadderComparison> {
  const { resources, history, periodOf, label } = scenarioInputs(c);
  const a = await runReplay({ ...c, options: { ...c.options, actions: deleteOnly() }, resources, history, periodOf, label });
  const b = await runReplay({ ...c, options: { ...c.options, targetBudget: a.budget, actions: fullLadder() }, resources: withOfficeHours(resources, history), history, periodOf, label });
  return { deleteOnly: a, ladder: b };
}

export async function replayOwnData(c: ReplayCommon & { inventoryJson: string; costsCsv: string; month?: string }): Promise<ReplayReport> {
  const resources = resourcesFromList(c.inventoryJson);
  const history = costsFromCsv(c.costsCsv);
  if (history.length === 0) throw new Error("the cost CSV holds no records");
  const newest = history.reduce((m, r) => (r.date > m ? r.date : m), history[0].date);
  // Default: the period after the newest data (the history the dump holds is what the process continues).
  const periodOf = c.month ? periodOfMonth(c.month, c.options.billingBeginDay) : dayStart(addDays(newest, 1)) + 12 * 3_600_000;
  return runReplay({ ...c, resources, history, periodOf, label: "own data" });
}
