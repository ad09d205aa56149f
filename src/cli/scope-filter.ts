/**
 * `--budget NAME` / `--project NAME` for `list`, `plan` and `status` (issue #18): show the part of the tree, the
 * plan or the daemon's items that belongs to one budget (`all` is target-budget's) or one project (by name or
 * id; a resource without a project is in the configured one). An unknown name is a usage error (exit 2) that
 * lists the known names. The figures of the selected budget come with it; with `budgets:` configured every
 * document also carries the roll-up of all budgets (`budgets`).
 */
import { ALL, unitIn, type HomeProject } from "../engine/budgets/index.ts";
import type { BudgetScopeState, CloudResource, ResourceUnit } from "../engine/types.ts";
import { terminalSafe } from "../util/terminal-safe.ts";
import { amount } from "../format/index.ts";
import type { Config } from "../config/types.ts";
import type { ScopeChoice } from "./scope-options.ts";

export { choiceOf, type ScopeChoice } from "./scope-options.ts";

/** The configured project: where a resource without project fields belongs. */
export function homeOf(config: Pick<Config, "otc">): HomeProject {
  return { id: config.otc.projectId, name: config.otc.projectName, region: config.otc.region };
}

/** Budget names a choice may name: `all` and the configured ones. */
export function budgetNames(config: Pick<Config, "budgets">): string[] {
  return [ALL, ...(config.budgets ?? []).map((b) => b.name)];
}

/** Project names and ids the tree holds (leaves' projects, ghosts' cost records) plus the configured one. */
export function knownProjects(roots: ResourceUnit[], home: HomeProject): string[] {
  const out = new Set<string>();
  if (home.name) out.add(home.name);
  if (home.id) out.add(home.id);
  const walk = (u: ResourceUnit) => {
    const r = u.resource;
    if (r?.projectName) out.add(r.projectName);
    if (r?.projectId) out.add(r.projectId);
    if (u.costProject?.name) out.add(u.costProject.name);
    if (u.costProject?.id) out.add(u.costProject.id);
    u.members.forEach(walk);
  };
  roots.forEach(walk);
  return [...out].sort();
}

/** Why the choice cannot be shown (an unknown name, with the known ones), or undefined. */
export function unknownChoice(choice: ScopeChoice, budgets: string[], projects: string[] | undefined): string | undefined {
  if (choice.budget !== undefined && !budgets.includes(choice.budget)) {
    return `unknown budget ${JSON.stringify(terminalSafe(choice.budget))}; known budgets: ${budgets.join(", ")}`;
  }
  if (choice.project !== undefined && projects && !projects.includes(choice.project)) {
    return `unknown project ${JSON.stringify(terminalSafe(choice.project))}; known projects: ${projects.length ? projects.map(terminalSafe).join(", ") : "none"}`;
  }
  return undefined;
}

/** Print the usage error and set exit code 2. */
export function usageError(message: string): void {
  process.stderr.write(`ot3c: ${message}\n`);
  process.exitCode = 2;
}

/** Is a root unit shown under the choice (`budgetOfRoot`: the budgets it is in). */
export function rootShown(choice: ScopeChoice, u: ResourceUnit, home: HomeProject, budgetsOfRoot: (id: string) => string[]): boolean {
  if (choice.budget !== undefined && choice.budget !== ALL && !budgetsOfRoot(u.id).includes(choice.budget)) return false;
  if (choice.project !== undefined && !unitIn({ name: "-", target: 0, projects: [choice.project] }, u, home)) return false;
  return true;
}

/** Is a plan item shown under the choice: its budgets include the budget, its resources (or unit) the project. */
export function itemShown(choice: ScopeChoice, item: { vrId: string; budgets?: string[]; resources?: CloudResource[] }, home: HomeProject, unitOf: (id: string) => ResourceUnit | undefined): boolean {
  if (choice.budget !== undefined && choice.budget !== ALL && !(item.budgets ?? [ALL]).includes(choice.budget)) return false;
  if (choice.project !== undefined) {
    const scope = { name: "-", target: 0, projects: [choice.project] };
    if (item.resources && item.resources.length > 0) return item.resources.some((r) => unitIn(scope, { id: r.id, kind: r.kind, name: r.name, prio: 0, tags: r.tags, members: [], resource: r }, home));
    const u = unitOf(item.vrId);
    return u !== undefined && unitIn(scope, u, home);
  }
  return true;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** One budget in a document: the snapshot's state with money rounded to cents. */
export interface BudgetScopeDocument {
  name: string;
  target: number;
  scope: { projects?: string[]; regions?: string[]; tags?: Record<string, string> } | null;
  within: string[];
  resources: number;
  spent: number;
  forecast: { p10: number; p50: number; p90: number };
  gap: number;
  status: string;
  baseline: number;
  baselineExceedsBudget: boolean;
  committed: number;
  planned: number;
  uncovered: number;
  items: string[];
}

export function budgetsDocument(states: BudgetScopeState[]): BudgetScopeDocument[] {
  return states.map((s) => ({
    name: s.name,
    target: r2(s.target),
    scope: s.scope ?? null,
    within: s.within ?? [],
    resources: s.resources,
    spent: r2(s.spent),
    forecast: { p10: r2(s.forecast.p10), p50: r2(s.forecast.p50), p90: r2(s.forecast.p90) },
    gap: r2(s.gap),
    status: s.status,
    baseline: r2(s.baseline),
    baselineExceedsBudget: s.baselineExceedsBudget,
    committed: r2(s.committed),
    planned: r2(s.planned),
    uncovered: r2(s.uncovered),
    items: s.items,
  }));
}

/** The roll-up as text: one line per budget (spent, P50, target, gap, status). */
export function budgetsText(docs: BudgetScopeDocument[], currency: string, selected?: string): string[] {
  if (docs.length === 0) return [];
  // The widest label: a budget name is never cut (a nested name cut to its parent's prefix read as the parent).
  const nameW = Math.max(6, Math.max(0, ...docs.map((d) => d.name.length + 2 * d.within.length)));
  const lines = [`${"BUDGET".padEnd(nameW)}  ${`SPENT ${currency}`.padStart(12)}  ${`P50 ${currency}`.padStart(12)}  ${`TARGET ${currency}`.padStart(13)}  ${`GAP ${currency}`.padStart(10)}  STATUS`];
  for (const d of docs) {
    const label = "  ".repeat(d.within.length) + d.name; // indented once per budget it lies within
    const note = d.baselineExceedsBudget ? "  baseline over target: reported, not planned" : d.uncovered > 0 ? `  ${amount(d.uncovered)} ${currency} not covered` : "";
    const mark = selected === d.name ? " ◀" : "";
    lines.push(`${terminalSafe(label).padEnd(nameW)}  ${amount(d.spent).padStart(12)}  ${amount(d.forecast.p50).padStart(12)}  ${amount(d.target).padStart(13)}  ${amount(d.gap).padStart(10)}  ${d.status}${note}${mark}`);
  }
  return lines;
}
