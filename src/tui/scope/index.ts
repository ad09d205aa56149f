/**
 * The TUI's budget/project selector (issue #18), as data: which scopes there are (the budgets of `budgets:`, `all`
 * first, then the projects when the tree holds several), and the snapshot as one scope sees it — its resources,
 * the plan items serving it, and its figures in place of the whole budget. The views render that snapshot as they
 * render any other; the Resources tree groups roots by project when there are several (`groupByProject`).
 */
import { snapshotPlacer } from "../../format/project.ts";
import { ALL, unitIn, type HomeProject } from "../../engine/budgets/index.ts";
import type { BudgetScopeState, BudgetSummary, EngineSnapshot, ForecastSummary, ResourceUnit, ScopeDaily } from "../../engine/types.ts";
import { scopeDays } from "./days.ts";

export interface ScopeChoice {
  kind: "budget" | "project";
  name: string;
}

/**
 * The snapshot one scope sees; `scopeView` names the scope (absent: everything). `daily`: the scope carries its own
 * daily series, so `budget` holds its chart (dailyTotals, forecastBand); without, the chart is the whole bill's only.
 */
export type ScopedSnapshot = EngineSnapshot & { scopeView?: ScopeChoice & { state?: BudgetScopeState; daily?: boolean } };

function homeOf(snap: EngineSnapshot): HomeProject {
  return { id: snap.project.id, name: snap.project.name, region: snap.project.region };
}


export function projectsOf(snap: EngineSnapshot): string[] {
  const place = snapshotPlacer(snap);
  return [...new Set(snap.resources.map((r) => place(r).project))].sort();
}

/** Every scope the selector steps through: `all`, the named budgets, then the projects (when several). */
export function scopeChoices(snap: EngineSnapshot): ScopeChoice[] {
  const budgets = (snap.budgets ?? []).map((b) => ({ kind: "budget" as const, name: b.name }));
  const out: ScopeChoice[] = budgets.length > 0 ? budgets : [{ kind: "budget", name: ALL }];
  const projects = projectsOf(snap);
  if (projects.length > 1) for (const p of projects) out.push({ kind: "project", name: p });
  return out;
}

/** The next (dir 1) or previous (-1) scope after `current`, wrapping around. */
export function stepScope(snap: EngineSnapshot, current: ScopeChoice | undefined, dir: 1 | -1): ScopeChoice {
  const list = scopeChoices(snap);
  const i = current ? list.findIndex((c) => c.kind === current.kind && c.name === current.name) : 0;
  return list[(((i < 0 ? 0 : i) + dir) % list.length + list.length) % list.length]!;
}

export function isAll(c: ScopeChoice | undefined): boolean {
  return !c || (c.kind === "budget" && c.name === ALL);
}

/** The snapshot restricted to one scope (the same object for `all` or a scope that no longer exists). */
export function scopedSnapshot(snap: EngineSnapshot, choice: ScopeChoice | undefined): ScopedSnapshot {
  if (isAll(choice)) return snap;
  const c = choice!;
  const home = homeOf(snap);
  if (c.kind === "budget") {
    const state = snap.budgets?.find((b) => b.name === c.name);
    if (!state) return snap;
    const scope = { name: state.name, target: state.target, ...state.scope };
    const resources = snap.resources.filter((r) => unitIn(scope, r, home));
    const plan = snap.plan.filter((i) => (i.budgets ?? [ALL]).includes(c.name));
    return { ...snap, resources, plan, ...(snap.budget ? { budget: scopeBudget(snap.budget, state) } : {}), scopeView: { ...c, state, daily: !!state.daily } };
  }
  const fallback = snap.project.name || snap.project.id || "project";
  const place = snapshotPlacer(snap);
  const resources = snap.resources.filter((r) => place(r).project === c.name);
  const ids = new Set(resources.map((r) => r.id));
  const plan = snap.plan.filter((i) => ids.has(i.vrId) || (i.resources ?? []).some((r) => (r.projectName ?? r.projectId ?? fallback) === c.name));
  const daily = snap.projectDaily?.find((p) => p.project === c.name);
  return { ...snap, resources, plan, ...(snap.budget ? { budget: projectBudget(snap.budget, resources, snap.forecasts, daily) } : {}), scopeView: { ...c, daily: !!daily } };
}

/** A budget's figures in the shape the Overview draws, with its own days when the snapshot carries them. */
function scopeBudget(whole: BudgetSummary, s: BudgetScopeState): BudgetSummary {
  return {
    target: s.target,
    spendSoFar: s.spent,
    forecast: s.forecast,
    baseline: { spendSoFar: 0, monthEnd: s.baseline },
    gap: s.gap,
    quantile: whole.quantile,
    status: s.status,
    baselineExceedsBudget: s.baselineExceedsBudget,
    ...scopeDays(whole, s.daily),
    ...(whole.lastCompleteDay ? { lastCompleteDay: whole.lastCompleteDay } : {}),
    coverage: { gap: s.gap, committed: s.committed, planned: s.planned, uncovered: s.uncovered },
  };
}

/** A project has no target of its own (unless a budget names it): spend and forecast, against the whole target. */
function projectBudget(whole: BudgetSummary, roots: ResourceUnit[], forecasts: Record<string, ForecastSummary>, daily: ScopeDaily | undefined): BudgetSummary {
  let soFar = 0;
  let p10 = 0;
  let p50 = 0;
  let p90 = 0;
  for (const r of roots) {
    const f = forecasts[r.id];
    if (!f) continue;
    soFar += f.costSoFar;
    p10 += f.monthEnd.p10;
    p50 += f.monthEnd.p50;
    p90 += f.monthEnd.p90;
  }
  return { ...whole, spendSoFar: soFar, forecast: { p10, p50, p90 }, baseline: { spendSoFar: 0, monthEnd: 0 }, gap: 0, ...scopeDays(whole, daily) };
}

/**
 * The Resources tree with one group row per project when the roots span several: a synthetic GROUP unit
 * (`PROJECT:<name>`, its figures the sum of its roots'), collapsible like any group. Nothing acts on it.
 */
export function groupByProject(snap: EngineSnapshot): EngineSnapshot {
  const projects = projectsOf(snap);
  if (projects.length < 2) return snap;
  const place = snapshotPlacer(snap);
  const by = new Map<string, ResourceUnit[]>(projects.map((p) => [p, []]));
  for (const r of snap.resources) by.get(place(r).project)!.push(r);
  const forecasts: Record<string, ForecastSummary> = { ...snap.forecasts };
  const resources: ResourceUnit[] = [];
  for (const [name, members] of by) {
    const id = `PROJECT:${name}`;
    const f = { vrId: id, costSoFar: 0, monthEnd: { p10: 0, p50: 0, p90: 0 } };
    for (const m of members) {
      const mf = snap.forecasts[m.id];
      if (!mf) continue;
      f.costSoFar += mf.costSoFar;
      f.monthEnd.p10 += mf.monthEnd.p10;
      f.monthEnd.p50 += mf.monthEnd.p50;
      f.monthEnd.p90 += mf.monthEnd.p90;
    }
    forecasts[id] = f;
    resources.push({ id, kind: "GROUP", name: `project ${name}`, prio: Math.min(...members.map((m) => m.prio)), tags: {}, members, managed: false, note: `the resources of project ${name}` });
  }
  return { ...snap, resources, forecasts };
}
