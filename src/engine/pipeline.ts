/**
 * The one pure evaluation every consumer shares (CLI `list`/`plan`, the daemon, the demo): inventory + cost
 * records → virtual resources → forecast → budget → termination plan. No I/O, no clock: `now` is passed in.
 */
import type { Config } from "../config/types.ts";
import { computeBudget, type ExcludedSpend } from "./budget.ts";
import { forecastResources } from "./forecast/index.ts";
import { addDays, billingPeriod, DEFAULT_TIME_ZONE, isoDay, lastCompleteDay } from "./period.ts";
import { collectIfLarge } from "./memory.ts";
import { planTerminations } from "./planner/index.ts";
import type {
  BillingPeriod,
  BudgetSummary,
  CloudResource,
  CostRecord,
  DailyCost,
  ForecastModelName,
  ForecastSummary,
  IsoDate,
  QuantileName,
  ResourceForecast,
  ResourceUnit,
  TerminationPlan,
  VirtualResource,
} from "./types.ts";
import { buildVirtualInventory, sumDailies } from "./virtual/index.ts";

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
}

export interface EvaluateInput {
  resources: CloudResource[];
  costs: CostRecord[];
  options: EvaluateOptions;
  now: number;
  /** Vetoed virtual resource ids (a vetoed member protects its group). */
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
  budget: BudgetSummary;
  plan: TerminationPlan;
  lastCompleteDay: IsoDate;
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
  };
}

export function evaluate(input: EvaluateInput): Evaluation {
  const { options: o, now } = input;
  const timeZone = o.timeZone ?? DEFAULT_TIME_ZONE;
  const period = billingPeriod(now, o.billingBeginDay, timeZone);
  const inv = buildVirtualInventory({ resources: input.resources, costs: input.costs, period, instance: o.instance });

  const dataDays = new Set<IsoDate>();
  for (const c of input.costs) dataDays.add(c.date);
  // No data before today at all (new project, or the dashboard has nothing yet): forecast from yesterday on.
  const lcd = lastCompleteDay(now, dataDays, timeZone) ?? addDays(isoDay(now, timeZone), -1);

  const main = forecastResources({ roots: inv.roots, period, lastCompleteDay: lcd, model: o.model });
  // The forecast leaves ~13k series' worth of scratch behind; with a large input, collecting it before the planner
  // runs lowers the sync's peak (~25 MB of ~330 MB with 10,000 resources) for ~60 ms.
  collectIfLarge(input.costs.length);
  const forecasts: Record<string, ResourceForecast> = { ...main.perResource };
  let excludedSpend: ExcludedSpend | undefined;
  if (inv.excluded.length > 0) {
    const ex = forecastResources({ roots: inv.excluded, period, lastCompleteDay: lcd, model: o.model });
    Object.assign(forecasts, ex.perResource);
    const daily: DailyCost[] = sumDailies(inv.excluded.map((r) => r.daily));
    excludedSpend = { soFar: ex.total.soFar, monthEnd: ex.total.monthEnd, band: ex.total.band, daily };
  }

  const budget = computeBudget({
    roots: inv.roots,
    forecasts,
    total: main.total,
    target: o.targetBudget,
    quantile: o.quantile,
    period,
    now,
    excludedSpend,
    lastCompleteDay: lcd,
    timeZone,
  });

  const plan = planTerminations({
    roots: inv.roots,
    forecasts,
    gap: budget.gap,
    period,
    now,
    graceMs: o.graceMs,
    mode: o.plannerMode,
    vetoed: input.vetoed ? new Set(input.vetoed) : undefined,
    baselineExceedsBudget: budget.baselineExceedsBudget,
    currency: o.currency,
    timeZone,
  });
  // Again before the figures that are kept are built, so they land in memory the planner's garbage freed rather
  // than in fresh pages (another ~10 MB off the peak, ~60 ms).
  collectIfLarge(input.costs.length);

  // What is kept (the daemon's state between syncs, snapshots sent to attached TUIs) is the figures, not the daily
  // histories and paths they were computed from: with 10,000 resources those were most of the daemon's memory.
  return {
    period,
    roots: inv.roots.map(toUnit),
    excluded: inv.excluded.map(toUnit),
    forecasts: summarise(forecasts),
    budget,
    plan,
    lastCompleteDay: lcd,
  };
}

/** The unit without its (and its members') daily history. */
function toUnit(vr: VirtualResource): ResourceUnit {
  const { daily: _history, members, ...unit } = vr;
  return { ...unit, members: members.map(toUnit) };
}

function summarise(forecasts: Record<string, ResourceForecast>): Record<string, ForecastSummary> {
  const out: Record<string, ForecastSummary> = {};
  for (const id in forecasts) {
    const f = forecasts[id];
    out[id] = { vrId: f.vrId, costSoFar: f.costSoFar, monthEnd: f.monthEnd };
  }
  return out;
}
