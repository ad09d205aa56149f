/**
 * The `budgets:` key of ot3c.yaml (issue #18): named budgets with a target and a scope (projects, regions, tag
 * matches). `target-budget` stays the budget of everything the instance manages — the implicit scope `all`, which is
 * why a named budget must narrow something. Part of the schema in schema.ts; the engine side is src/engine/budgets.
 *
 * Errors (exit 78, with line:column): a tag match that is not `key=value`, the same key twice in one budget, a
 * duplicate or reserved name, a target ≤ 0, a budget with no scope. Warnings (`budgetWarnings`): a budget nested in
 * another (every resource of it is also in the other) whose target is larger than the other's.
 */
import { z } from "zod";
import { scopeWithin, type BudgetScope } from "../engine/budgets/scope.ts";
import { issueAt, type ConfigIssue } from "./issues.ts";
import { describeInput, expected, MAX_AMOUNT } from "./schema-leaves.ts";
import type { ConfigSource } from "./source.ts";

/** Budget names appear in metric labels, CLI flags and the TUI: short, no spaces. */
export const BUDGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** `key=value`: an OTC tag key (letters, digits, _ . : / + - @, ≤ 128) and a non-empty value without `=`. */
export const TAG_MATCH = /^([A-Za-z0-9_.:/+@-]{1,128})=([^=\u0000-\u001f\u007f-\u009f]{1,255})$/;
/** The implicit budget of everything (`target-budget`). */
export const ALL_BUDGET = "all";

const tagMatch = z
  .string({ error: expected("a tag match key=value such as ot3c_group=payments") })
  .regex(TAG_MATCH, { error: (iss) => `expected a tag match key=value such as ot3c_group=payments or ot3c_owner=team-x, got ${describeInput(iss.input)}` });

const nameList = (what: string) =>
  z
    .array(z.string({ error: expected(what) }).min(1, { error: expected(`a non-empty ${what}`) }), { error: expected(`a list of ${what}s`) })
    .min(1, { error: () => `list at least one ${what}, or leave the key out` });

export const budget = z
  .strictObject(
    {
      name: z
        .string({ error: expected("a budget name") })
        .regex(BUDGET_NAME, { error: (iss) => `expected a budget name (1–63 letters, digits, _ . -, starting with a letter or digit), got ${describeInput(iss.input)}` })
        .refine((n) => n !== ALL_BUDGET, { error: () => `"${ALL_BUDGET}" is the budget of everything (target-budget); choose another name` })
        .describe("Name of the budget (metric label, --budget NAME)"),
      target: z
        .number({ error: expected("a number > 0") })
        .positive({ error: expected("a number > 0") })
        .max(MAX_AMOUNT, { error: expected(`a number ≤ ${MAX_AMOUNT.toExponential()}`) })
        .describe("Budget for one billing period, in the billing currency"),
      projects: nameList("project name or id").optional().describe("Projects (name or id) whose resources count; absent = every project"),
      regions: nameList("region").optional().describe("Regions whose resources count; absent = every region"),
      tags: z
        .array(tagMatch, { error: expected("a list of tag matches such as [ot3c_group=payments]") })
        .min(1, { error: () => "list at least one tag match, or leave the key out" })
        .optional()
        .describe("Tag matches key=value, all of which a resource must carry (e.g. ot3c_group=payments, ot3c_owner=team-x)"),
    },
    { error: expected("a mapping with name, target and projects/regions/tags") },
  )
  .superRefine((b, ctx) => {
    if (!b.projects && !b.regions && !b.tags) {
      ctx.addIssue({ code: "custom", message: "needs projects, regions or tags (the budget of everything is target-budget)" });
    }
    const seen = new Map<string, number>();
    (b.tags ?? []).forEach((t, i) => {
      const key = t.slice(0, t.indexOf("="));
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["tags", i], message: `tag key ${key} is matched twice (a resource carries one value per key)` });
      else seen.set(key, i);
    });
  })
  .describe("A named budget: a target for the spend of the resources in its scope");

/** Every budget is a `budget` label value on the metrics port: the list is bounded. */
export const MAX_BUDGETS = 50;

export const budgets = z
  .array(budget, { error: expected("a list of budgets") })
  .max(MAX_BUDGETS, { error: () => `at most ${MAX_BUDGETS} budgets (each is a label value on the metrics port)` })
  .superRefine((list, ctx) => {
    const first = new Map<string, number>();
    list.forEach((b, i) => {
      const prev = first.get(b.name);
      if (prev !== undefined) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate budget name ${b.name} (first at budgets[${prev}])` });
      else first.set(b.name, i);
    });
  })
  .describe("Named budgets per project, region or team (tags); they may nest and overlap. target-budget is the budget of everything (`all`)");

export type RawBudget = z.output<typeof budget>;

/** The validated list as the engine reads it (`Config.budgets`). */
export function normaliseBudgets(raw: RawBudget[] | undefined): BudgetScope[] | undefined {
  if (!raw || raw.length === 0) return undefined;
  return raw.map((b) => ({
    name: b.name,
    target: b.target,
    ...(b.projects ? { projects: [...b.projects] } : {}),
    ...(b.regions ? { regions: [...b.regions] } : {}),
    ...(b.tags ? { tags: Object.fromEntries(b.tags.map((t) => [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)])) } : {}),
  }));
}

/**
 * A budget nested in another (or in `all`) with a larger target: legal (the inner one then never binds before the
 * outer one) but almost always a typo, so it is said at load time.
 */
export function budgetWarnings(raw: unknown, source: ConfigSource, scopes: BudgetScope[] | undefined, targetBudget: number): ConfigIssue[] {
  if (!scopes) return [];
  const out: ConfigIssue[] = [];
  const rawList = (raw as { budgets?: unknown[] }).budgets;
  scopes.forEach((child, i) => {
    const at = Array.isArray(rawList) ? ["budgets", i, "target"] : ["budgets"];
    if (child.target > targetBudget) {
      out.push(issueAt(source, at, `budget ${child.name} (${child.target}) exceeds target-budget (${targetBudget}), the budget of everything it is part of`));
      return;
    }
    for (const parent of scopes) {
      if (parent === child || !scopeWithin(child, parent) || scopeWithin(parent, child)) continue;
      if (child.target > parent.target) out.push(issueAt(source, at, `budget ${child.name} (${child.target}) lies within budget ${parent.name} but exceeds its target (${parent.target})`));
    }
  });
  return out;
}
