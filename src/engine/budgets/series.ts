/**
 * Daily series per scope (issue #18), for the TUI's Overview of one budget or project: what the scope spent on each
 * day of the period so far and its median path to the period end — numbers only, one pair per named budget (≤ 50)
 * and, in a fleet, per project (the PROJECT_SERIES_MAX largest by month-end P50).
 *
 * Two halves, because the cost histories exist only during the heavy half of an evaluation:
 * - `scopeActuals()` runs while the forecast state is built (closed-loop/build-state.ts), when the roots still carry
 *   their daily histories, and keeps only the per-scope sums (a few KB, whatever the number of resources);
 * - `scopeSeries()` runs in every settle, on the figures after ot3c's own actions, and adds the median path.
 * Membership is the budgets' (scope.ts: a root counts whole where any leaf is; other instances' resources count
 * in the budgets they match) and the projects' the one placement rule (project-place.ts), as in the TUI.
 */
import { epochDay } from "../forecast/dates.ts";
import type { BillingPeriod, DaySeries, IsoDate, Quantiles, ResourceUnit, ScopeDaily } from "../types.ts";
import { listedInProject, projectPlacer, type Place } from "./project-place.ts";
import { ALL, unitIn, type BudgetScope, type HomeProject } from "./scope.ts";

/** Projects given a series: enough for any selector, small enough for every snapshot. */
export const PROJECT_SERIES_MAX = 50;

export interface ScopeSeriesSetup {
  /** The named budgets (may be empty: a fleet without `budgets:`). */
  scopes: BudgetScope[];
  home: HomeProject;
  /** Where a unit that names no project is shown (the snapshot's `project`). */
  place: Place;
}

/** Each scope's actual spend per day from the period's first day to the last complete day (index = day). */
export interface ScopeActuals {
  days: number;
  budgets: Map<string, Float64Array>;
  /** Only in a fleet (roots listed per project); empty otherwise. */
  projects: Map<string, Float64Array>;
  fleet: boolean;
  place: Place;
}

export interface ScopeSeries {
  budgets: Map<string, ScopeDaily>;
  projects: Array<{ project: string } & ScopeDaily>;
}

type WithDaily = ResourceUnit & { daily?: DaySeries };

/**
 * The per-scope sums of the roots' (and other instances' resources') billed days — the same days the whole bill's
 * `dailyTotals` counts (budget.ts): inside the period, up to the last complete day, before today.
 */
export function scopeActuals(setup: ScopeSeriesSetup, roots: readonly WithDaily[], excluded: readonly WithDaily[], period: BillingPeriod, lastCompleteDay: IsoDate, today: IsoDate): ScopeActuals {
  const first = epochDay(period.startDate);
  // Index = epoch day − first, for the days before `stop` (exclusive).
  const stop = Math.min(epochDay(lastCompleteDay) + 1, epochDay(period.endDate), epochDay(today));
  const days = Math.max(0, Math.min(epochDay(lastCompleteDay) + 1, epochDay(period.endDate)) - first);
  const budgets = new Map(setup.scopes.map((s) => [s.name, new Float64Array(days)]));
  const projects = new Map<string, Float64Array>();
  const fleet = roots.some(listedInProject);
  const place = projectPlacer(roots, setup.place, fleet);
  const add = (u: WithDaily, into: Float64Array[]) => {
    const d = u.daily;
    if (into.length === 0 || !d) return;
    for (let j = 0; j < d.days.length; j++) {
      const day = d.days[j]!;
      if (day < first || day >= stop) continue;
      for (const a of into) a[day - first] += d.amounts[j]!;
    }
  };
  const inScopes = (u: ResourceUnit): Float64Array[] => setup.scopes.filter((s) => unitIn(s, u, setup.home)).map((s) => budgets.get(s.name)!);
  for (const r of roots) {
    const into = inScopes(r);
    if (fleet) {
      const p = place(r).project;
      let a = projects.get(p);
      if (!a) projects.set(p, (a = new Float64Array(days)));
      into.push(a);
    }
    add(r, into);
  }
  // Other instances' resources: in the budgets they match (as in figures.ts), never a project's tree.
  for (const r of excluded) add(r, inScopes(r));
  return { days, budgets, projects, fleet, place: setup.place };
}

/** A unit's figures after ot3c's own actions: its median path over the remaining days and its month-end band. */
export type FiguresOf = (id: string) => { path: Float64Array; monthEnd: Quantiles } | undefined;

/**
 * Each scope's actuals with its median path (the roots' paths after the actions, summed per remaining day; read
 * straight from the settle's figures, so no per-day objects are made). `byRoot`: the settle's membership
 * (budgets/index.ts), when it has one.
 */
export function scopeSeries(
  actuals: ScopeActuals,
  setup: ScopeSeriesSetup,
  roots: readonly ResourceUnit[],
  excluded: readonly ResourceUnit[],
  figuresOf: FiguresOf,
  restDays: number,
  byRoot?: Map<string, string[]>,
): ScopeSeries {
  const paths = new Map(setup.scopes.map((s) => [s.name, new Float64Array(restDays)]));
  const add = (id: string, into: Float64Array[]) => {
    const path = into.length > 0 ? figuresOf(id)?.path : undefined;
    if (!path) return;
    const n = Math.min(path.length, restDays);
    for (const a of into) for (let k = 0; k < n; k++) a[k] += path[k]!;
  };
  const budgetsOf = (u: ResourceUnit, known?: string[]): Float64Array[] =>
    known ? known.filter((n) => n !== ALL).map((n) => paths.get(n)!).filter(Boolean) : setup.scopes.filter((s) => unitIn(s, u, setup.home)).map((s) => paths.get(s.name)!);
  const projectPaths = new Map<string, { path: Float64Array; p50: number }>();
  const place = projectPlacer(roots, actuals.place, actuals.fleet);
  for (const r of roots) {
    const into = setup.scopes.length > 0 ? budgetsOf(r, byRoot?.get(r.id)) : [];
    if (actuals.fleet) {
      const p = place(r).project;
      let e = projectPaths.get(p);
      if (!e) projectPaths.set(p, (e = { path: new Float64Array(restDays), p50: 0 }));
      e.p50 += figuresOf(r.id)?.monthEnd.p50 ?? 0;
      into.push(e.path);
    }
    add(r.id, into);
  }
  if (setup.scopes.length > 0) for (const r of excluded) add(r.id, budgetsOf(r));

  const budgets = new Map<string, ScopeDaily>();
  for (const [name, path] of paths) budgets.set(name, { actual: numbers(actuals.budgets.get(name), actuals.days), p50: numbers(path, restDays) });
  const projects = [...projectPaths]
    .sort((a, b) => b[1].p50 - a[1].p50 || (a[0] < b[0] ? -1 : 1))
    .slice(0, PROJECT_SERIES_MAX)
    .map(([project, e]) => ({ project, actual: numbers(actuals.projects.get(project), actuals.days), p50: numbers(e.path, restDays) }));
  // A single project is the whole bill: no series of its own (the selector offers projects only in a fleet of several).
  return { budgets, projects: projects.length > 1 ? projects : [] };
}

/**
 * Plain numbers for the snapshot (frozen, sent as JSON to every attached TUI), to 1/10,000 of the currency unit:
 * far below what a chart or a sum shown with two decimals can tell, and half the bytes of a full double.
 */
function numbers(a: Float64Array | undefined, length: number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = Math.round((a?.[i] ?? 0) * 1e4) / 1e4;
  return out;
}
