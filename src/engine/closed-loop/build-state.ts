/**
 * From one sync's inventory and cost records to the ForecastState the closed loop keeps (state.ts): the heavy
 * half of an evaluation (virtual resources, every unit's forecast), done once per sync. Leaves the engine already
 * acted on are forecast from their history before the action (forecast/index.ts `actedFrom`), so effects.ts can
 * apply the action exactly once whether or not the dashboard has caught up with it.
 */
import { annotateLadders, ladderFor, type CompiledActions } from "../actions/index.ts";
import { forecastResources } from "../forecast/index.ts";
import { epochDay } from "../forecast/dates.ts";
import { collectIfLarge } from "../memory.ts";
import { addDays, billingPeriod, DEFAULT_TIME_ZONE, isoDay, lastCompleteDay } from "../period.ts";
import type { CloudResource, DaySeries, ForecastModelName, IsoDate, ResourceUnit, VirtualResource } from "../types.ts";
import { buildVirtualInventory, costDates, dailyCostsOf, NO_DAYS, sumSeries, type CostInput } from "../virtual/index.ts";
import { isoDay as epochIsoDay } from "../forecast/dates.ts";
import type { ActionLedger } from "./ledger.ts";
import { scopeActuals, withGhosts, type ScopeSeriesSetup } from "../budgets/index.ts";
import { applySchedules, type ScheduledLeaf } from "./schedules.ts";
import { dayStartsOf, linkTree, type DayAmount, type ForecastState, type UnitFigures } from "./state.ts";

export interface ForecastStateInput {
  resources: CloudResource[];
  costs: CostInput;
  now: number;
  model: ForecastModelName;
  billingBeginDay: number;
  instance?: string;
  timeZone?: string;
  /** What the engine did this period (only `executed` is read here). */
  ledger?: ActionLedger;
  /** The ladder and schedules: every unit gets its `ladder` (and a leaf its `schedule`). */
  actions?: CompiledActions;
  /** Budgets or a fleet: keep each scope's actual spend per day (budgets/series.ts) before the histories go. */
  series?: ScopeSeriesSetup;
}

export function buildForecastState(input: ForecastStateInput): ForecastState {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const { now } = input;
  const period = billingPeriod(now, input.billingBeginDay, timeZone);
  const dataDays = costDates(input.costs);
  // No data before today at all (new project, or the dashboard has nothing yet): forecast from yesterday on.
  const lcd = lastCompleteDay(now, dataDays, timeZone) ?? addDays(isoDay(now, timeZone), -1);
  // Spend outside the inventory that billed in the last days of data is still running (ghost: see build.ts).
  const inv = buildVirtualInventory({ resources: input.resources, costs: input.costs, period, instance: input.instance, recentFrom: addDays(lcd, -2) });

  const actedFrom = new Map<string, number>();
  const actedAt = new Map<string, number>();
  for (const e of input.ledger?.executed ?? []) {
    const prev = actedAt.get(e.leaf);
    if (prev === undefined || e.at < prev) actedAt.set(e.leaf, e.at);
  }
  // A resource the engine deleted is gone from the inventory: its cost records now form a ghost, which must carry
  // the deletion (otherwise its forecast runs on until its empty days arrive — the cascade this loop exists to stop).
  const alias = new Map<string, string>();
  for (const r of inv.roots) {
    if (r.kind !== "GHOST" || r.ghostOf === undefined) continue;
    for (const kind of ["ECS", "EVS", "CCE", "RDS"]) {
      const leaf = `${kind}_${r.ghostOf}`;
      if (actedAt.has(leaf)) alias.set(leaf, r.id);
    }
  }
  for (const [leaf, at] of actedAt) actedFrom.set(alias.get(leaf) ?? leaf, epochDay(isoDay(at, timeZone)));
  // A leaf ot3c runs a schedule for is forecast from its history before the schedule began (schedules.ts).
  const sinceOf = scheduleStarts(inv.roots, input.ledger, input.actions);
  for (const [leaf, since] of sinceOf) {
    const day = epochDay(isoDay(since, timeZone));
    const prev = actedFrom.get(leaf);
    if (prev === undefined || day < prev) actedFrom.set(leaf, day);
  }

  const main = forecastResources({ roots: inv.roots, period, lastCompleteDay: lcd, model: input.model, actedFrom, timeZone });
  collectIfLarge(input.costs.length);
  const ex = inv.excluded.length > 0 ? forecastResources({ roots: inv.excluded, period, lastCompleteDay: lcd, model: input.model, timeZone }) : undefined;

  const ghostActedAt = new Map<string, number>();
  for (const [leaf, ghost] of alias) ghostActedAt.set(ghost, actedAt.get(leaf)!);
  const units = new Map<string, UnitFigures>();
  const stopShare = new Map<string, number>();
  const actualsAfterAction = new Map<string, DayAmount[]>();
  const dayStarts = dayStartsOf(main.dates, timeZone);
  // What the state keeps is made here, after the forecast's garbage was collected, and the paths share one buffer:
  // kept objects made in the middle of the forecast's millions of short-lived ones pinned half-empty heap blocks
  // (a daemon with 100,000 resources held twice its live data between syncs).
  const horizon = main.dates.length;
  const arena = new Float64Array(horizon * (countUnits(inv.roots) + inv.excluded.length));
  let next = 0;
  const record = (vr: VirtualResource, paths: Map<string, Float64Array>, perResource: typeof main.perResource, excluded: boolean, parent?: string) => {
    const f = perResource[vr.id];
    // (An id met twice — never in a tree the builder made — gets its own array rather than a short view.)
    const path = (next + 1) * horizon <= arena.length ? arena.subarray(next * horizon, ++next * horizon) : new Float64Array(horizon);
    const computed = paths.get(vr.id);
    if (computed) path.set(computed);
    const m = f?.monthEnd;
    const monthEnd = { p10: m?.p10 ?? 0, p50: m?.p50 ?? 0, p90: m?.p90 ?? 0 };
    const figures: UnitFigures = { soFar: f?.costSoFar ?? 0, path, monthEnd };
    if (excluded) figures.excluded = true;
    if (parent !== undefined) figures.parent = parent;
    units.set(vr.id, figures);
    if (vr.stopShare !== undefined) stopShare.set(vr.id, vr.stopShare);
    const at = actedAt.get(vr.id) ?? (vr.kind === "GHOST" ? ghostActedAt.get(vr.id) : undefined);
    if (at !== undefined && vr.members.length === 0) actualsAfterAction.set(vr.id, billedFrom(vr.daily, at, period.startDate, period.endDate, timeZone));
  };
  const roots: ResourceUnit[] = [];
  linkTree(inv.roots, (u, parent) => record(u as VirtualResource, main.paths, main.perResource, false, parent));
  // A stop of a CCE leaf that forms a ghost is a cluster's hibernation (engine/parking/hibernate.ts): its records are
  // the master fee, which hibernation ends entirely. (A node pool is in the inventory while parked; once deleted or
  // gone only its deletion or removal applies, for which the stop share does not matter.)
  for (const [leaf, ghost] of alias) if (leaf.startsWith("CCE_")) stopShare.set(ghost, 1);
  for (const r of inv.excluded) record(r, ex!.paths, ex!.perResource, true);

  const actualDaily = dailyCostsOf(sumSeries([...inv.roots.map((r) => r.daily), ...inv.excluded.map((r) => r.daily)].filter((d) => d.days.length > 0)));
  const state: ForecastState = {
    period,
    lastCompleteDay: lcd,
    timeZone,
    dates: main.dates,
    dayStarts,
    roots,
    excluded: [],
    units,
    stopShare,
    alias,
    total: { soFar: main.total.soFar, path: main.totalPath, monthEnd: main.total.monthEnd, band: main.total.band },
    ...(ex ? { excludedSpend: { soFar: ex.total.soFar, monthEnd: ex.total.monthEnd, band: ex.total.band, daily: dailyCostsOf(sumSeries(inv.excluded.map((r) => r.daily))) } } : {}),
    actualDaily,
    actualsAfterAction,
    ...(input.series ? { scopeActuals: scopeActuals(withGhosts(input.series, alias, input.ledger?.actedResources), inv.roots, inv.excluded, period, lcd, isoDay(now, timeZone)) } : {}),
  };
  // What is kept is the figures, not the histories (see pipeline.ts).
  state.roots = inv.roots.map(toUnit);
  state.excluded = inv.excluded.map(toUnit);
  if (input.actions) {
    annotateLadders(state.roots, input.actions.ladder);
    state.schedules = applySchedules(state, scheduledLeaves(state.roots, inv.roots, input.actions, sinceOf));
    syncStopShares(state.roots, state, new Set(state.schedules.map((e) => e.leaf)));
  }
  for (const [id, f] of state.units) f.summary = { vrId: id, costSoFar: f.soFar, monthEnd: f.monthEnd };
  collectIfLarge(input.costs.length);
  return state;
}

/**
 * Leaves that follow a schedule (their ladder has `schedule`, the schedule compiled) and that a stop reaches, with
 * their history. Their unit's stop share is replaced by what a stop still ends once the schedule runs (schedules.ts).
 */
function scheduledLeaves(units: ResourceUnit[], vrs: VirtualResource[], actions: CompiledActions, since?: Map<string, number>): ScheduledLeaf[] {
  const history = new Map<string, DaySeries>();
  const walkVr = (v: VirtualResource) => (v.members.length === 0 ? history.set(v.id, v.daily) : v.members.forEach(walkVr));
  vrs.forEach(walkVr);
  const out: ScheduledLeaf[] = [];
  const walk = (u: ResourceUnit) => {
    if (u.members.length > 0) return u.members.forEach(walk);
    const schedule = u.schedule ? actions.schedules.get(u.schedule) : undefined;
    if (!schedule || u.stopShare === undefined || (u.kind !== "ECS" && u.kind !== "RDS")) return;
    const from = since?.get(u.id);
    out.push({ leaf: u.id, schedule, stopShare: u.stopShare, history: dailyCostsOf(history.get(u.id) ?? NO_DAYS), ...(from !== undefined ? { since: from } : {}) });
  };
  units.forEach(walk);
  return out;
}

/**
 * Since when each scheduled leaf follows its schedule: the engine's record, or — when the engine runs schedules
 * and has not met the leaf yet — from now on. Empty without an engine (CLI `list`/`plan`): the data decides.
 */
function scheduleStarts(roots: VirtualResource[], ledger: ActionLedger | undefined, actions: CompiledActions | undefined): Map<string, number> {
  const out = new Map(ledger?.scheduledSince ?? []);
  if (!actions || ledger?.schedulesRunFrom === undefined) return out;
  const from = ledger.schedulesRunFrom;
  const walk = (v: VirtualResource) => {
    if (v.members.length > 0) return v.members.forEach(walk);
    if (out.has(v.id) || !v.resource || (v.kind !== "ECS" && v.kind !== "RDS")) return;
    const l = ladderFor({ kind: v.resource.kind, tags: v.resource.tags, prepaid: !!v.resource.prepaid }, actions.ladder);
    if (l.schedule && l.rungs.includes("schedule") && actions.schedules.has(l.schedule)) out.set(v.id, from);
  };
  roots.forEach(walk);
  return out;
}

/** The planner reads a leaf's stop share from its unit: give scheduled leaves theirs from the state. */
function syncStopShares(units: ResourceUnit[], state: ForecastState, leaves: Set<string>): void {
  const walk = (u: ResourceUnit) => {
    if (leaves.has(u.id)) u.stopShare = state.stopShare.get(u.id);
    u.members.forEach(walk);
  };
  units.forEach(walk);
}

function countUnits(roots: VirtualResource[]): number {
  let n = 0;
  for (const r of roots) n += 1 + countUnits(r.members);
  return n;
}

/** The unit without its (and its members') daily history. */
export function toUnit(vr: VirtualResource): ResourceUnit {
  const { daily: _history, members, ...unit } = vr;
  return { ...unit, members: members.map(toUnit) };
}

/** A leaf's billed days of the period from the day of `at` on, with each day's start and end instant. */
function billedFrom(daily: DaySeries, at: number, startDate: IsoDate, endDate: IsoDate, timeZone: string): DayAmount[] {
  const firstDay = isoDay(at, timeZone);
  const out: DayAmount[] = [];
  for (let i = 0; i < daily.days.length; i++) {
    const date = epochIsoDay(daily.days[i]!);
    if (date < firstDay || date < startDate || date >= endDate) continue;
    const s = dayStartsOf([date], timeZone);
    out.push({ start: s[0], end: s[1], amount: daily.amounts[i]! });
  }
  return out;
}
