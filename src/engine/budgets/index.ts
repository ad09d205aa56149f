/**
 * Scoped budgets (issue #18), one entry point: `scopeBudgets()` gives the closed loop (closed-loop/index.ts) what it
 * needs to settle several budgets at once — each budget's figures (figures.ts), which budgets each root and item
 * is in (scope.ts), the surplus rule per budget (commitments.ts) and the plan that closes every over budget
 * (plan.ts) — and turns the result into the snapshot's `BudgetScopeState`s.
 *
 * `target-budget` is the implicit budget `all`; without `budgets:` the closed loop never calls in here and plans
 * exactly as before.
 */
import type { StoredPlanItem } from "../../store/store.ts";
import type { BudgetScopeState, BudgetSummary, CloudResource, ForecastSummary, PlanItem, ResourceUnit } from "../types.ts";
import { cancelScopedSurplus, committedPerBudget, type ScopedCommitment } from "./commitments.ts";
import { allFigures, scopeFigures, type ScopeFigures } from "./figures.ts";
import { planScopes, type ScopedPlanInput } from "./plan.ts";
import { itemBudgets, membership, scopeWithin, type BudgetScope, type HomeProject } from "./scope.ts";

export { ALL, itemBudgets, membership, placeMatches, resourceIn, scopeWithin, unitIn, type BudgetScope, type HomeProject } from "./scope.ts";
export type { ScopeFigures } from "./figures.ts";
export { scopedNeeds, type ScopedNeeds } from "./advance.ts";
export { PROJECT_SERIES_MAX, scopeActuals, scopeSeries, type ScopeActuals, type ScopeSeries, type ScopeSeriesSetup } from "./series.ts";

/** What the closed loop is given when `budgets:` is configured. */
export interface BudgetSetup {
  scopes: BudgetScope[];
  home: HomeProject;
}

export interface ScopeRun {
  figures: ScopeFigures[];
  byRoot: Map<string, string[]>;
  /** The budgets an open item is in. */
  budgetsOf(item: { vrId: string; resources?: CloudResource[] }): string[];
  /** Commitments per budget: cancels what no budget needs (mutates the decisions). */
  cancelSurplus(keepers: ScopedCommitment[], eps: number, margin: number): Map<string, number>;
  plan(input: Omit<ScopedPlanInput, "figures" | "byRoot">): ReturnType<typeof planScopes>;
}

export function scopeBudgets(
  setup: BudgetSetup,
  roots: ResourceUnit[],
  excluded: ResourceUnit[],
  forecasts: Record<string, ForecastSummary>,
  whole: BudgetSummary,
): ScopeRun {
  const figures = [allFigures(whole), ...setup.scopes.map((s) => scopeFigures(s, roots, excluded, forecasts, whole, setup.home))];
  const byRoot = membership(setup.scopes, roots, setup.home);
  const gaps = new Map(figures.map((f) => [f.name, f.gap]));
  return {
    figures,
    byRoot,
    budgetsOf: (item) => itemBudgets(setup.scopes, setup.home, item, byRoot),
    cancelSurplus(keepers, eps, margin) {
      cancelScopedSurplus(keepers, gaps, eps, margin);
      return committedPerBudget(keepers);
    },
    plan: (input) => planScopes({ ...input, figures, byRoot }),
  };
}

/** The snapshot's view of every budget after a settle (item ids are filled in by `withItems`). */
export function scopeStates(setup: BudgetSetup, run: ScopeRun, committed: Map<string, number>, planned: Map<string, number>): BudgetScopeState[] {
  return run.figures.map((f) => {
    const scope = setup.scopes.find((s) => s.name === f.name);
    const within = scope ? setup.scopes.filter((o) => o !== scope && scopeWithin(scope, o) && !scopeWithin(o, scope)).map((o) => o.name) : [];
    const c = committed.get(f.name) ?? 0;
    const p = planned.get(f.name) ?? 0;
    return {
      name: f.name,
      target: f.target,
      ...(scope ? { scope: { ...(scope.projects ? { projects: scope.projects } : {}), ...(scope.regions ? { regions: scope.regions } : {}), ...(scope.tags ? { tags: scope.tags } : {}) } } : {}),
      ...(within.length > 0 ? { within } : {}),
      resources: f.roots?.size ?? run.byRoot.size,
      spent: f.spendSoFar,
      forecast: f.forecast,
      gap: f.gap,
      status: f.status,
      baseline: f.baseline.monthEnd,
      baselineExceedsBudget: f.baselineExceedsBudget,
      committed: c,
      planned: p,
      uncovered: f.gap > 0 ? Math.max(0, f.gap - c - p) : 0,
      items: [],
    };
  });
}

const OPEN = new Set(["PENDING", "APPROVED", "EXECUTING"]);

/**
 * The stored items with the budgets each serves, and each budget with its open items' ids (for the snapshot:
 * the store keeps items without budgets; membership is a property of the resources, so it is derived here).
 */
export function withItems(states: BudgetScopeState[], items: StoredPlanItem[], budgetsOf: (i: PlanItem) => string[]): { states: BudgetScopeState[]; items: StoredPlanItem[] } {
  const ids = new Map<string, string[]>(states.map((s) => [s.name, []]));
  const annotated = items.map((i) => {
    const budgets = budgetsOf(i);
    if (OPEN.has(i.state)) for (const b of budgets) ids.get(b)?.push(i.id);
    return { ...i, budgets };
  });
  return { states: states.map((s) => ({ ...s, items: ids.get(s.name) ?? [] })), items: annotated };
}

export { type ScopedCommitment } from "./commitments.ts";

/** The resources the engine acted on whose cost records now form a ghost (leaf → ghost id): budgets keep them. */
export function withGhosts<S extends BudgetSetup>(setup: S, alias: Map<string, string>, acted: Map<string, readonly CloudResource[]> | undefined): S {
  if (!acted || alias.size === 0) return setup;
  const ghosts = new Map<string, readonly CloudResource[]>();
  for (const [leaf, ghost] of alias) {
    const r = acted.get(leaf);
    if (r) ghosts.set(ghost, r);
  }
  return ghosts.size > 0 ? { ...setup, home: { ...setup.home, ghosts } } : setup;
}

/** Saving of the kept open items per budget (after the closed loop's advance: an advanced item saves more). */
export function keptPerBudget(keepers: Array<{ d: { outcome: string; saving: number }; item: { vrId: string; resources?: CloudResource[] } }>, run: ScopeRun): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keepers) {
    if (k.d.outcome !== "keep") continue;
    for (const b of run.budgetsOf(k.item)) out.set(b, (out.get(b) ?? 0) + k.d.saving);
  }
  return out;
}
