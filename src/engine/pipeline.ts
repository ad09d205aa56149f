/**
 * The one pure evaluation every consumer shares (CLI `list`/`plan`, the daemon, the demo, replay): inventory + cost
 * records + what the engine did (its ledger) → virtual resources → forecast → the closed loop's budget, commitments
 * and plan (engine/closed-loop). No I/O, no clock: `now` is passed in.
 */
import type { Config } from "../config/types.ts";
import { compileActions, type CompiledActions } from "./actions/index.ts";
import type { BudgetSetup, ScopeSeriesSetup } from "./budgets/index.ts";
import type { CostInput } from "./virtual/index.ts";
import { buildForecastState, emptyLedger, settle, type ActionLedger, type ForecastState, type PlanDecision, type Settled } from "./closed-loop/index.ts";
import { addDays, billingPeriod, daysBetween, DEFAULT_TIME_ZONE, isoDay } from "./period.ts";
import type {
  BillingPeriod,
  BudgetSummary,
  CloudResource,
  CostRecord,
  ForecastModelName,
  ForecastSummary,
  IsoDate,
  QuantileName,
  ResourceUnit,
  ScopeDaily,
  TerminationPlan,
} from "./types.ts";

export interface EvaluateOptions {
  targetBudget: number;
  quantile: QuantileName;
  model: ForecastModelName;
  plannerMode: "classic" | "optimal";
  graceMs: number;
  instance?: string;
  billingBeginDay: number;
  currency?: string;
  timeZone?: string;
  /**
   * The ladder of actions and the schedules (config `actions`/`schedules`, compiled): units get their ladder, the
   * schedules lower the forecast, the planner parks before it deletes. Absent: park (stop) and delete as before.
   */
  actions?: CompiledActions;
  /** `budgets:` with the project a resource without project fields belongs to (engine/budgets). */
  budgets?: BudgetSetup;
  /** Budgets or a fleet: the daily series per budget and project the TUI charts (budgets/series.ts). */
  series?: ScopeSeriesSetup;
}

export interface EvaluateInput {
  resources: CloudResource[];
  /** Records, or columns streamed from the dashboard (virtual/columns.ts). */
  costs: CostInput;
  options: EvaluateOptions;
  now: number;
  /** What the engine did and promised this period (its plan items); empty when absent. */
  ledger?: ActionLedger;
  /** Extra ids no plan may touch (virtual resource or leaf ids), e.g. from a plan file's vetoes. */
  vetoed?: Iterable<string>;
}

export interface Evaluation {
  period: BillingPeriod;
  /** The tree, most expendable first (without daily histories: see `ResourceUnit`). */
  roots: ResourceUnit[];
  /** Resources of other ot3c instances (not in the tree; their spend is baseline). */
  excluded: ResourceUnit[];
  /** Per virtual resource id (roots, group members and excluded resources): cost so far and month-end band. */
  forecasts: Record<string, ForecastSummary>;
  /** After the engine's own actions (closed loop); `coverage` says how the gap is covered. */
  budget: BudgetSummary;
  /** New items for the part of the gap no open item covers. */
  plan: TerminationPlan;
  lastCompleteDay: IsoDate;
  /** What the lifecycle should do with open items and which items to add. */
  decision: PlanDecision;
  /** Leaf id → the veto that protects it. */
  vetoedLeaves: Map<string, { itemId: string; reason: string }>;
  /** Settles again on the same sync with a newer ledger (after an approve, veto, postpone or execution). */
  resettle(ledger: ActionLedger, now: number): Evaluation;
  /** With `budgets:`: every budget's state and which budgets an item serves (engine/budgets). */
  budgets?: Settled["budgets"];
  /** In a fleet: the largest projects' daily series (budgets/series.ts); the budgets carry theirs in `daily`. */
  projectDaily?: Array<{ project: string } & ScopeDaily>;
}

export function optionsFromConfig(config: Config): EvaluateOptions {
  return {
    targetBudget: config.targetBudget,
    quantile: config.forecast.quantile,
    model: config.forecast.model,
    plannerMode: config.planner.mode,
    graceMs: config.terminationGraceMs,
    instance: config.instance,
    billingBeginDay: config.billingBeginDay,
    currency: config.currency,
    ...(config.actions ? { actions: compileActions(config.actions) } : {}),
    ...(config.budgets ? { budgets: { scopes: config.budgets, home: { id: config.otc.projectId, name: config.otc.projectName, region: config.otc.region } } } : {}),
    ...(config.budgets || config.otc?.projects ? { series: seriesSetup(config) } : {}),
  };
}

function seriesSetup(config: Config): ScopeSeriesSetup {
  const { projectId: id, projectName: name, region, projects } = config.otc;
  // The project a unit naming none is shown under: the snapshot's (daemon/assemble.ts projectOf).
  const shownAs = name ?? id ?? (projects ? "fleet" : "?");
  return { scopes: config.budgets ?? [], home: { id, name, region }, place: { project: shownAs, region } };
}

/**
 * The heavy half (virtual resources, forecast: once per sync) and the light half (the closed loop's `settle`:
 * effects, budget, commitments, plan — again after every operator command or execution).
 */
export function evaluate(input: EvaluateInput): Evaluation {
  const { options: o, now } = input;
  const timeZone = o.timeZone ?? DEFAULT_TIME_ZONE;
  const period = billingPeriod(now, o.billingBeginDay, timeZone);
  const ledger = withExtraVetoes(input.ledger ?? emptyLedger(period.start), input.vetoed);
  const state = buildForecastState({
    resources: input.resources,
    costs: input.costs,
    now,
    model: o.model,
    billingBeginDay: o.billingBeginDay,
    instance: o.instance,
    timeZone,
    ledger,
    actions: o.actions,
    ...(o.series ? { series: o.series } : {}),
  });
  return settleOn(state, ledger, now, o, timeZone);
}

function settleOn(state: ForecastState, ledger: ActionLedger, now: number, o: EvaluateOptions, timeZone: string): Evaluation {
  const s = settle(state, ledger, now, {
    targetBudget: o.targetBudget,
    quantile: o.quantile,
    plannerMode: o.plannerMode,
    graceMs: o.graceMs,
    currency: o.currency,
    timeZone,
    ...(o.budgets ? { budgets: o.budgets } : {}),
    ...(o.series ? { series: o.series } : {}),
  });
  s.budget.lagDays = lagDays(state.lastCompleteDay, now, timeZone);
  return {
    period: state.period,
    roots: state.roots,
    excluded: state.excluded,
    forecasts: s.forecasts,
    budget: s.budget,
    plan: s.plan,
    lastCompleteDay: state.lastCompleteDay,
    decision: s.decision,
    vetoedLeaves: s.vetoedLeaves,
    resettle: (next, at) => settleOn(state, next, at, o, timeZone),
    ...(s.budgets ? { budgets: withDaily(s.budgets, s.series) } : {}),
    ...(s.series && s.series.projects.length > 0 ? { projectDaily: s.series.projects } : {}),
  };
}

/** Each named budget with its daily series (the snapshot's `budgets[].daily`). */
function withDaily(b: NonNullable<Settled["budgets"]>, series: Settled["series"]): NonNullable<Settled["budgets"]> {
  if (!series) return b;
  return { ...b, states: b.states.map((st) => (series.budgets.has(st.name) ? { ...st, daily: series.budgets.get(st.name)! } : st)) };
}

/** Days between the last complete cost day and yesterday: forecast although already past. */
function lagDays(lcd: IsoDate, now: number, timeZone: string): number {
  const yesterday = addDays(isoDay(now, timeZone), -1);
  return Math.max(0, daysBetween(lcd, yesterday));
}

function withExtraVetoes(ledger: ActionLedger, ids: Iterable<string> | undefined): ActionLedger {
  if (!ids) return ledger;
  const vetoed = new Map(ledger.vetoed);
  for (const id of ids) if (!vetoed.has(id)) vetoed.set(id, { itemId: "-", vrId: id, reason: "vetoed" });
  return { ...ledger, vetoed };
}
