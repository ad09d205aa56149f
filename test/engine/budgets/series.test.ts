/**
 * Daily series per scope (src/engine/budgets/series.ts) through the real pipeline: each named budget's and each
 * fleet project's actual spend per day is the sum of its own resources' billed days (not the account's), its median
 * path adds up to its month-end P50, ot3c's own deletion lowers the path from the action on, and a single project
 * carries no series at all.
 */
import { describe, expect, test } from "bun:test";
import { ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { composeSnapshot } from "../../../src/engine/snapshot-build.ts";
import { addDays, billingPeriod } from "../../../src/engine/period.ts";
import { evaluate, optionsFromConfig, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import { PROJECT_SERIES_MAX, type BudgetScope } from "../../../src/engine/budgets/index.ts";
import type { BudgetScopeState, CloudResource, CostRecord } from "../../../src/engine/types.ts";
import type { StoredPlanItem } from "../../../src/store/store.ts";

const now = Date.parse("2026-11-10T09:00:00Z"); // cost data up to Nov 8
const period = billingPeriod(now, 1);
const home = { id: "p-home", name: "eu-de_home", region: "eu-de" };
const pay = { projectId: "p-pay", projectName: "eu-de_payments", region: "eu-de" };
const web = { projectId: "p-web", projectName: "eu-nl_web", region: "eu-nl" };

/** Cost per day varies with the day (×1, ×2, ×3), so a series of the wrong resources cannot match by accident. */
function fixture(extraProjects = 0) {
  const resources: CloudResource[] = [];
  const costs: CostRecord[] = [];
  const perDay = new Map<string, (d: string) => number>();
  const add = (id: string, prio: number, base: number, where: Partial<CloudResource>, tags: Record<string, string> = {}) => {
    resources.push({ kind: "ECS", id, name: id, status: "ACTIVE", tags: { ot3c_prio: String(prio), ...tags }, ...where });
    const amount = (d: string) => base * (1 + (Number(d.slice(8, 10)) % 3));
    perDay.set(id, amount);
    for (let d = "2026-09-01"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product: "OTC_S3M_LI", amount: amount(d), ...(where.projectId ? { projectId: where.projectId, projectName: where.projectName, region: where.region } : {}) });
  };
  add("pay1", 90, 10, pay, { ot3c_owner: "team-x" });
  add("pay2", 80, 6, pay, { ot3c_owner: "team-y" });
  add("web1", 95, 12, web, { ot3c_owner: "team-x" });
  add("web2", 60, 5, web, { ot3c_owner: "team-z" });
  for (let i = 0; i < extraProjects; i++) add(`x${i}`, 50, 1 + i / 100, { projectId: `p-x${i}`, projectName: `eu-de_x${i}`, region: "eu-de" });
  return { resources, costs, perDay };
}

const scopes: BudgetScope[] = [
  { name: "payments", target: 10_000, projects: ["eu-de_payments"] },
  { name: "team-x", target: 10_000, tags: { ot3c_owner: "team-x" } },
];
const options = (s: BudgetScope[]): EvaluateOptions => ({
  targetBudget: 100_000,
  quantile: "p50",
  model: "run-rate",
  plannerMode: "optimal",
  graceMs: 24 * 3_600_000,
  billingBeginDay: 1,
  ...(s.length > 0 ? { budgets: { scopes: s, home } } : {}),
  series: { scopes: s, home, place: { project: home.name, region: home.region } },
});
const state = (states: BudgetScopeState[], name: string) => states.find((s) => s.name === name)!;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("daily series per budget", () => {
  test("actuals are the budget's own resources per day; the path adds up to its month-end P50", () => {
    const f = fixture();
    const ev = evaluate({ resources: f.resources, costs: f.costs, options: options(scopes), now });
    const days = ev.budget.dailyTotals.map((d) => d.date);
    expect(days[0]).toBe(period.startDate);
    expect(days.at(-1)).toBe("2026-11-08");
    const p = state(ev.budgets!.states, "payments");
    const x = state(ev.budgets!.states, "team-x");
    expect(p.daily!.actual).toHaveLength(days.length);
    expect(p.daily!.p50).toHaveLength(ev.budget.forecastBand.length);
    days.forEach((d, i) => {
      expect(p.daily!.actual[i]).toBeCloseTo(f.perDay.get("pay1")!(d) + f.perDay.get("pay2")!(d), 4);
      expect(x.daily!.actual[i]).toBeCloseTo(f.perDay.get("pay1")!(d) + f.perDay.get("web1")!(d), 4);
    });
    // Not the account's: the whole bill's day is larger.
    expect(ev.budget.dailyTotals[0]!.amount).toBeGreaterThan(p.daily!.actual[0]! + 1);
    for (const s of [p, x]) {
      expect(sum(s.daily!.actual)).toBeCloseTo(s.spent, 2);
      expect(s.spent + sum(s.daily!.p50)).toBeCloseTo(s.forecast.p50, 2);
    }
    // `all` is the whole bill's budget: no series of its own.
    expect(state(ev.budgets!.states, "all").daily).toBeUndefined();
    // In the snapshot (frozen, numbers only).
    const snap = composeSnapshot({ seq: 1, now, project: { name: home.name, region: home.region }, settings: { enforce: false, approval: "none" } as never, period: ev.period, evaluation: ev, items: [], sync: { state: "OK" }, api: [], events: [], alerts: [], counters: { syncs: 1, syncFailures: 0, terminationsExecuted: 0, terminationsFailed: 0 } });
    expect(state(snap.budgets!, "payments").daily!.actual).toEqual(p.daily!.actual);
    expect(JSON.parse(JSON.stringify(snap.budgets)).find((b: BudgetScopeState) => b.name === "team-x").daily.p50).toEqual(x.daily!.p50);
  });

  test("a deletion ot3c executed takes the resource out of the path from its day on (after its actions, like the whole bill)", () => {
    const f = fixture();
    const before = evaluate({ resources: f.resources, costs: f.costs, options: options(scopes), now });
    const at = now - 3_600_000; // deleted this morning (Nov 10)
    const item = {
      id: "it1", vrId: "ECS_pay1", action: "delete", state: "DONE", prio: 90, tsave: 0, tdate: at, deadline: at, createdAt: at, updatedAt: at, dryRun: false, periodStart: period.start,
      resources: [{ kind: "ECS", id: "pay1", name: "pay1", status: "ACTIVE", tags: { ot3c_prio: "90", ot3c_owner: "team-x" }, ...pay }],
    } as unknown as StoredPlanItem;
    const after = before.resettle(ledgerFromItems([item], period.start), now);
    const b = state(before.budgets!.states, "payments").daily!;
    const a = state(after.budgets!.states, "payments").daily!;
    const k = before.budget.forecastBand.findIndex((d) => d.date === "2026-11-13");
    expect(k).toBeGreaterThan(0);
    // pay1 costs 10–30 a day: gone from the path after the deletion, still there on Nov 9.
    expect(a.p50[k]).toBeLessThan(b.p50[k]! - 9);
    expect(a.p50[0]).toBeCloseTo(b.p50[0]!, 4);
    expect(before.budget.forecastBand[0]!.date).toBe("2026-11-09");
    expect(a.actual).toEqual(b.actual);
  });
});

describe("daily series per project", () => {
  test("a fleet: each project's own days and path; a single project: none", () => {
    const f = fixture();
    const ev = evaluate({ resources: f.resources, costs: f.costs, options: options([]), now });
    expect(ev.budgets).toBeUndefined();
    const byName = new Map(ev.projectDaily!.map((p) => [p.project, p]));
    expect([...byName.keys()].sort()).toEqual(["eu-de_payments", "eu-nl_web"]);
    const w = byName.get("eu-nl_web")!;
    ev.budget.dailyTotals.forEach((d, i) => expect(w.actual[i]).toBeCloseTo(f.perDay.get("web1")!(d.date) + f.perDay.get("web2")!(d.date), 4));
    expect(sum(w.actual) + sum(w.p50)).toBeCloseTo(ev.forecasts["ECS_web1"]!.monthEnd.p50 + ev.forecasts["ECS_web2"]!.monthEnd.p50, 2);
    // Largest first.
    expect(ev.projectDaily![0]!.project).toBe("eu-nl_web");

    const single = fixture();
    const one = single.resources.filter((r) => r.projectId === "p-pay").map(({ projectId: _i, projectName: _n, ...r }) => r as CloudResource);
    const ev1 = evaluate({ resources: one, costs: single.costs.filter((c) => c.projectId === "p-pay").map(({ projectId: _i, projectName: _n, ...c }) => c as CostRecord), options: options([]), now });
    expect(ev1.projectDaily).toBeUndefined();
  });

  test(`at most ${PROJECT_SERIES_MAX} projects carry a series, the largest`, () => {
    const f = fixture(PROJECT_SERIES_MAX + 5);
    const ev = evaluate({ resources: f.resources, costs: f.costs, options: options([]), now });
    expect(ev.projectDaily).toHaveLength(PROJECT_SERIES_MAX);
    const names = new Set(ev.projectDaily!.map((p) => p.project));
    for (const small of ["eu-de_x0", "eu-de_x1", "eu-de_x2", "eu-de_x3", "eu-de_x4", "eu-de_x5", "eu-de_x6"]) expect(names.has(small)).toBe(false);
    expect(names.has("eu-de_payments")).toBe(true);
  });
});

describe("from the config", () => {
  test("budgets or projects turn the series on; a unit naming no project is shown under the snapshot's project", () => {
    const cfg = (otc: object, budgets?: BudgetScope[]) => ({ targetBudget: 1, forecast: { model: "run-rate", quantile: "p50" }, planner: { mode: "optimal" }, terminationGraceMs: 1, billingBeginDay: 1, otc: { region: "eu-de", ...otc }, ...(budgets ? { budgets } : {}) }) as never;
    expect(optionsFromConfig(cfg({ projectName: "eu-de_home" })).series).toBeUndefined();
    expect(optionsFromConfig(cfg({ projectName: "eu-de_home" }, scopes)).series).toEqual({ scopes, home: { id: undefined, name: "eu-de_home", region: "eu-de" }, place: { project: "eu-de_home", region: "eu-de" } });
    expect(optionsFromConfig(cfg({ projects: "all" })).series).toEqual({ scopes: [], home: { id: undefined, name: undefined, region: "eu-de" }, place: { project: "fleet", region: "eu-de" } });
  });
});
