/**
 * Budget and project labels on the engine's metrics (issue #18), with bounded cardinality:
 *
 * - `budget`: `all` (target-budget) and every named budget of `budgets:` — at most MAX_BUDGETS by configuration
 *   (src/config/schema-budgets.ts), so at most 51 values. Only emitted when `budgets:` is configured; the
 *   single-budget families (`ot3c_budget_*`) stay as they were.
 * - `project`: the projects of the resources, by name (else id). The MAX_PROJECT_LABELS projects with the largest
 *   month-end forecast get their own series; the rest are summed into `project="other"` (projects partition the
 *   spend, so the sum is meaningful). A group spanning projects counts in the project of its first member.
 */
import { snapshotPlacer } from "../format/project.ts";
import type client from "prom-client";
import type { EngineSnapshot, ForecastSummary, PlanState, ResourceUnit } from "../engine/types.ts";

export const MAX_PROJECT_LABELS = 20;
export const OTHER = "other";

const STATUSES = ["OK", "AT_RISK", "OVER"] as const;
const OPEN_STATES: PlanState[] = ["PENDING", "APPROVED", "EXECUTING"];

type Gauge = (name: string, help: string, labelNames: string[], collect: (g: client.Gauge<string>) => void) => unknown;

export function registerScopeMetrics(gauge: Gauge, snap: () => EngineSnapshot | undefined, currency: string): void {
  const budgets = () => snap()?.budgets ?? [];
  gauge("ot3c_scope_target_amount", "Target of each budget (budget=all is target-budget; others from budgets:).", ["currency", "budget"], (g) => {
    for (const b of budgets()) g.set({ currency, budget: b.name }, b.target);
  });
  gauge("ot3c_scope_spend_so_far_amount", "Spend so far of the resources in each budget.", ["currency", "budget"], (g) => {
    for (const b of budgets()) g.set({ currency, budget: b.name }, b.spent);
  });
  gauge("ot3c_scope_forecast_month_end_amount", "Forecast month-end spend of each budget, by percentile.", ["currency", "budget", "percentile"], (g) => {
    for (const b of budgets()) for (const p of ["p10", "p50", "p90"] as const) g.set({ currency, budget: b.name, percentile: p }, b.forecast[p]);
  });
  gauge("ot3c_scope_gap_amount", "Forecast month-end at the configured quantile minus the budget's target (> 0: savings needed).", ["currency", "budget"], (g) => {
    for (const b of budgets()) g.set({ currency, budget: b.name }, b.gap);
  });
  gauge("ot3c_scope_uncovered_amount", "Part of each budget's gap that neither open nor new plan items cover.", ["currency", "budget"], (g) => {
    for (const b of budgets()) g.set({ currency, budget: b.name }, b.uncovered);
  });
  gauge("ot3c_scope_status", "1 for each budget's status (OK, AT_RISK, OVER), 0 for the others.", ["budget", "status"], (g) => {
    for (const b of budgets()) for (const s of STATUSES) g.set({ budget: b.name, status: s }, b.status === s ? 1 : 0);
  });
  gauge("ot3c_scope_baseline_exceeds_target", "1 when a budget's baseline alone exceeds its target: reported, not planned.", ["budget"], (g) => {
    for (const b of budgets()) g.set({ budget: b.name }, b.baselineExceedsBudget ? 1 : 0);
  });
  gauge("ot3c_scope_open_plan_items", "Open plan items (PENDING, APPROVED, EXECUTING) serving each budget.", ["budget"], (g) => {
    const s = snap();
    if (!s?.budgets) return;
    for (const b of s.budgets) g.set({ budget: b.name }, b.items.length);
  });

  gauge("ot3c_project_spend_so_far_amount", `Spend so far per project (top ${MAX_PROJECT_LABELS} by forecast, the rest as project="${OTHER}").`, ["currency", "project"], (g) => {
    for (const p of projectFigures(snap())) g.set({ currency, project: p.project }, p.soFar);
  });
  gauge("ot3c_project_forecast_month_end_amount", `Median month-end forecast per project (top ${MAX_PROJECT_LABELS}, the rest as project="${OTHER}").`, ["currency", "project"], (g) => {
    for (const p of projectFigures(snap())) g.set({ currency, project: p.project }, p.p50);
  });
  gauge("ot3c_project_open_plan_items", `Open plan items per project (top ${MAX_PROJECT_LABELS}, the rest as project="${OTHER}").`, ["project"], (g) => {
    for (const p of projectFigures(snap())) g.set({ project: p.project }, p.open);
  });
}

interface ProjectFigure {
  project: string;
  soFar: number;
  p50: number;
  open: number;
}


/** Per project, capped at MAX_PROJECT_LABELS series plus `other` (the smallest by forecast are folded). */
export function projectFigures(s: EngineSnapshot | undefined, max = MAX_PROJECT_LABELS): ProjectFigure[] {
  if (!s) return [];
  const home = s.project.name || s.project.id || "default";
  const by = new Map<string, ProjectFigure>();
  const of = new Map<string, string>();
  const place = snapshotPlacer(s);
  const add = (u: ResourceUnit, f: ForecastSummary | undefined) => {
    const project = place(u).project;
    of.set(u.id, project);
    const p = by.get(project) ?? { project, soFar: 0, p50: 0, open: 0 };
    p.soFar += f?.costSoFar ?? 0;
    p.p50 += f?.monthEnd.p50 ?? 0;
    by.set(project, p);
  };
  for (const u of s.resources) add(u, s.forecasts[u.id]);
  for (const item of s.plan) {
    if (!OPEN_STATES.includes(item.state)) continue;
    const project = of.get(item.vrId) ?? (item.resources?.[0] ? (item.resources[0].projectName ?? item.resources[0].projectId ?? home) : home);
    const p = by.get(project) ?? { project, soFar: 0, p50: 0, open: 0 };
    p.open++;
    by.set(project, p);
  }
  const all = [...by.values()].sort((a, b) => b.p50 - a.p50 || (a.project < b.project ? -1 : 1));
  if (all.length <= max) return all;
  const kept = all.slice(0, max).filter((p) => p.project !== OTHER);
  const rest = all.filter((p) => !kept.includes(p));
  const other = rest.reduce((o, p) => ({ project: OTHER, soFar: o.soFar + p.soFar, p50: o.p50 + p.p50, open: o.open + p.open }), { project: OTHER, soFar: 0, p50: 0, open: 0 });
  return [...kept, other];
}
