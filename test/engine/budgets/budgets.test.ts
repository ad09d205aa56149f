/**
 * Scoped budgets (src/engine/budgets) through the real pipeline: figures per scope, nested and overlapping scopes
 * planned together, a baseline-only scope reported not planned, commitments per scope, and the single budget
 * unchanged when no named budget needs anything.
 */
import { describe, expect, test } from "bun:test";
import { ledgerFromItems } from "../../../src/engine/closed-loop/index.ts";
import { addDays, billingPeriod } from "../../../src/engine/period.ts";
import { evaluate, type EvaluateOptions } from "../../../src/engine/pipeline.ts";
import type { BudgetScope } from "../../../src/engine/budgets/index.ts";
import type { BudgetScopeState, CloudResource, CostRecord, PlannedTermination } from "../../../src/engine/types.ts";
import type { StoredPlanItem } from "../../../src/store/store.ts";

const now = Date.parse("2026-11-10T09:00:00Z"); // cost data up to Nov 8
const period = billingPeriod(now, 1);
const home = { id: "p-home", name: "eu-de_home", region: "eu-de" };

function fixture() {
  const resources: CloudResource[] = [];
  const costs: CostRecord[] = [];
  const pay = { projectId: "p-pay", projectName: "eu-de_payments", region: "eu-de" };
  const web = { projectId: "p-web", projectName: "eu-nl_web", region: "eu-nl" };
  const add = (id: string, prio: number, perDay: number, where: Partial<CloudResource>, tags: Record<string, string> = {}) => {
    resources.push({ kind: "ECS", id, name: id, status: "ACTIVE", tags: { ot3c_prio: String(prio), ...tags }, ...where });
    for (let d = "2026-09-01"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product: "OTC_S3M_LI", amount: perDay, ...(where.projectId ? { projectId: where.projectId, projectName: where.projectName } : {}) });
  };
  add("pay1", 90, 10, pay, { ot3c_owner: "team-x" });
  add("pay2", 80, 6, pay, { ot3c_owner: "team-x" });
  add("pay3", 70, 8, pay, { ot3c_owner: "team-y" });
  add("pay0", 0, 3, pay, { ot3c_owner: "team-y" });
  add("web1", 95, 12, web, { ot3c_owner: "team-z" });
  add("web2", 60, 5, web, { ot3c_owner: "team-x" });
  add("h1", 99, 4, {}); // no project fields: the configured project
  // A ghost: cost records of a payments server gone from the inventory, still billing.
  for (let d = "2026-10-01"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: "gone1", product: "OTC_S3M_LI", amount: 2, projectId: "p-pay", projectName: "eu-de_payments", region: "eu-de" });
  return { resources, costs };
}

const base: EvaluateOptions = { targetBudget: 100_000, quantile: "p50", model: "run-rate", plannerMode: "optimal", graceMs: 24 * 3_600_000, billingBeginDay: 1 };
const withBudgets = (scopes: BudgetScope[], o: Partial<EvaluateOptions> = {}): EvaluateOptions => ({ ...base, ...o, budgets: { scopes, home } });
const state = (ev: ReturnType<typeof evaluate>, name: string): BudgetScopeState => ev.budgets!.states.find((s) => s.name === name)!;
const sumIn = (items: PlannedTermination[], name: string) => items.filter((i) => i.budgets?.includes(name)).reduce((s, i) => s + i.tsave, 0);

describe("figures per scope", () => {
  test("spend and forecast are the sums of the scope's resources; a ghost counts for its project, never for a tag scope", () => {
    const f = fixture();
    const scopes: BudgetScope[] = [
      { name: "payments", target: 10_000, projects: ["eu-de_payments"] },
      { name: "payments-by-id", target: 10_000, projects: ["p-pay"] },
      { name: "team-x", target: 10_000, tags: { ot3c_owner: "team-x" } },
      { name: "home", target: 10_000, projects: ["p-home"] },
      { name: "nl", target: 10_000, regions: ["eu-nl"] },
    ];
    const ev = evaluate({ ...f, options: withBudgets(scopes), now });
    const fc = ev.forecasts;
    const sum = (ids: string[], k: "costSoFar" | "p50") => ids.reduce((s, id) => s + (k === "p50" ? fc[id].monthEnd.p50 : fc[id].costSoFar), 0);
    const payIds = ["ECS_pay1", "ECS_pay2", "ECS_pay3", "ECS_pay0", "GH_S3M_gone1"];
    expect(state(ev, "payments").spent).toBeCloseTo(sum(payIds, "costSoFar"), 6);
    expect(state(ev, "payments").spent).toBeCloseTo(8 * (10 + 6 + 8 + 3 + 2), 6);
    expect(state(ev, "payments").forecast.p50).toBeCloseTo(sum(payIds, "p50"), 6);
    expect(state(ev, "payments-by-id").forecast.p50).toBeCloseTo(state(ev, "payments").forecast.p50, 6);
    // The ghost has no tags: team-x is its three servers across two projects.
    expect(state(ev, "team-x").forecast.p50).toBeCloseTo(sum(["ECS_pay1", "ECS_pay2", "ECS_web2"], "p50"), 6);
    expect(state(ev, "team-x").resources).toBe(3);
    // A resource without project fields belongs to the configured project.
    expect(state(ev, "home").forecast.p50).toBeCloseTo(fc["ECS_h1"].monthEnd.p50, 6);
    expect(state(ev, "nl").forecast.p50).toBeCloseTo(sum(["ECS_web1", "ECS_web2"], "p50"), 6);
    // `all` is the whole bill, as the single budget computes it.
    expect(state(ev, "all").forecast.p50).toBeCloseTo(ev.budget.forecast.p50, 9);
    expect(state(ev, "all").target).toBe(100_000);
    // Baseline: prio 0 and the ghost.
    expect(state(ev, "payments").baseline).toBeCloseTo(sum(["ECS_pay0", "GH_S3M_gone1"], "p50"), 6);
    for (const s of ev.budgets!.states) {
      expect(s.gap).toBeCloseTo(s.forecast.p50 - s.target, 9);
      expect(s.status).toBe("OK");
    }
  });
});

describe("planning every over-budget scope", () => {
  test("nested scopes (team inside project inside all): each gap is closed, inner items counted in every scope around them", () => {
    const f = fixture();
    const teamP50 = 30 * 16; // pay1 + pay2 ≈ 480 by the month end
    const scopes: BudgetScope[] = [
      { name: "payments", target: 720, projects: ["eu-de_payments"] },
      { name: "team-x-pay", target: teamP50 - 100, projects: ["eu-de_payments"], tags: { ot3c_owner: "team-x" } },
    ];
    const ev = evaluate({ ...f, options: withBudgets(scopes, { targetBudget: 1_400 }), now });
    const items = ev.plan.items;
    expect(items.length).toBeGreaterThan(0);
    for (const name of ["all", "payments", "team-x-pay"]) {
      const s = state(ev, name);
      expect(s.gap).toBeGreaterThan(0);
      expect(s.uncovered).toBe(0);
      // Counted once per scope: the state's planned figure is the sum over the items in it.
      expect(s.planned).toBeCloseTo(sumIn(items, name), 9);
      expect(s.planned + s.committed).toBeGreaterThanOrEqual(s.gap - 0.005);
    }
    // The team's items serve all three; everything serves `all`.
    for (const i of items) expect(i.budgets![0]).toBe("all");
    const teamItems = items.filter((i) => i.budgets!.includes("team-x-pay"));
    expect(teamItems.length).toBeGreaterThan(0);
    for (const i of teamItems) expect(i.budgets).toEqual(["all", "payments", "team-x-pay"]);
    // The team's gap is closed by its least important resource first (pay1, prio 90, saves ~220 > 100).
    expect(teamItems.map((i) => i.vrId)).toEqual(["ECS_pay1"]);
  });

  test("overlapping scopes (a team across two projects and one project): one item in both counts in both", () => {
    const f = fixture();
    const scopes: BudgetScope[] = [
      { name: "nl", target: 30 * 17 - 60, regions: ["eu-nl"] },
      { name: "team-x", target: 30 * 21 - 60, tags: { ot3c_owner: "team-x" } },
    ];
    const ev = evaluate({ ...f, options: withBudgets(scopes), now });
    const items = ev.plan.items;
    for (const name of ["nl", "team-x"]) {
      expect(state(ev, name).uncovered).toBe(0);
      expect(state(ev, name).planned).toBeCloseTo(sumIn(items, name), 9);
    }
    // web2 (team-x in eu-nl, prio 60) would close both gaps at once, but two less important servers (prio 95 and
    // 90) do less harm: closing several gaps at once is preferred only when the harm is equal.
    expect(items.map((i) => i.vrId).sort()).toEqual(["ECS_pay1", "ECS_web1"]);
    expect(items.find((i) => i.vrId === "ECS_web1")!.budgets).toEqual(["all", "nl"]);
    expect(items.find((i) => i.vrId === "ECS_pay1")!.budgets).toEqual(["all", "team-x"]);
  });

  test("equal harm: the item that closes two gaps at once is kept, the one closing one is dropped", () => {
    // Three servers of equal prio and cost: x only in A, y in A and B, z only in B. Each gap needs one server.
    const resources: CloudResource[] = [];
    const costs: CostRecord[] = [];
    for (const [id, teams] of [["x", "a"], ["y", "ab"], ["z", "b"]] as const) {
      resources.push({ kind: "ECS", id, name: id, status: "ACTIVE", tags: { ot3c_prio: "50", ...(teams.includes("a") ? { in_a: "1" } : {}), ...(teams.includes("b") ? { in_b: "1" } : {}) } });
      for (let d = "2026-09-01"; d <= "2026-11-08"; d = addDays(d, 1)) costs.push({ date: d, resourceId: id, product: "OTC_S3M_LI", amount: 10 });
    }
    const scopes: BudgetScope[] = [
      { name: "A", target: 30 * 20 - 50, tags: { in_a: "1" } },
      { name: "B", target: 30 * 20 - 50, tags: { in_b: "1" } },
    ];
    const ev = evaluate({ resources, costs, options: withBudgets(scopes), now });
    expect(ev.plan.items.map((i) => i.vrId)).toEqual(["ECS_y"]);
    expect(ev.plan.items[0].budgets).toEqual(["all", "A", "B"]);
    for (const name of ["A", "B"]) expect(state(ev, name).uncovered).toBe(0);
    // The same with the shared server named last (each budget alone would pick its own first): one server, not two.
    const renamed = resources.map((r) => ({ ...r, id: { x: "a", y: "c", z: "b" }[r.id]! }));
    const renamedCosts = costs.map((c) => ({ ...c, resourceId: { x: "a", y: "c", z: "b" }[c.resourceId]! }));
    const ev2 = evaluate({ resources: renamed, costs: renamedCosts, options: withBudgets(scopes), now });
    expect(ev2.plan.items.map((i) => i.vrId)).toEqual(["ECS_c"]);
  });

  test("a scope whose baseline alone exceeds its target is reported, not planned", () => {
    const f = fixture();
    const scopes: BudgetScope[] = [{ name: "team-y", target: 50, tags: { ot3c_owner: "team-y" } }];
    const ev = evaluate({ ...f, options: withBudgets(scopes), now });
    const s = state(ev, "team-y");
    expect(s.baseline).toBeGreaterThan(50); // pay0, prio 0: 3 a day
    expect(s.baselineExceedsBudget).toBe(true);
    expect(s.status).toBe("OVER");
    expect(s.planned).toBe(0);
    expect(s.uncovered).toBeCloseTo(s.gap, 9);
    expect(ev.plan.items).toEqual([]);
  });

  test("without an over named budget the plan is the single budget's, item by item", () => {
    const f = fixture();
    const single = evaluate({ ...f, options: { ...base, targetBudget: 1_400 }, now });
    const scoped = evaluate({ ...f, options: withBudgets([{ name: "payments", target: 10_000, projects: ["p-pay"] }], { targetBudget: 1_400 }), now });
    expect(single.plan.items.length).toBeGreaterThan(0);
    expect(single.budgets).toBeUndefined();
    expect(single.plan.items.every((i) => i.budgets === undefined)).toBe(true);
    expect(scoped.plan.items.map(({ budgets: _b, ...rest }) => rest)).toEqual(single.plan.items);
    expect(scoped.plan.outcome).toBe(single.plan.outcome);
    expect(scoped.budget).toEqual(single.budget);
  });
});

describe("open items as commitments per scope", () => {
  let seq = 0;
  const item = (over: Partial<StoredPlanItem> & { vrId: string; resources: CloudResource[] }): StoredPlanItem => ({
    id: `it${++seq}`,
    action: "delete",
    state: "PENDING",
    prio: 50,
    tdate: now + 2 * 86_400_000,
    tsave: 0,
    tasap: false,
    reason: "test",
    deadline: now + 2 * 86_400_000,
    createdAt: now - 3_600_000,
    updatedAt: now,
    periodStart: period.start,
    origin: "engine",
    dryRun: false,
    ...over,
  });

  test("an item a team still needs stays although `all` is under budget; one only `all` needed is cancelled", () => {
    const f = fixture();
    const r = (id: string) => f.resources.find((x) => x.id === id)!;
    const team = item({ vrId: "ECS_pay1", prio: 90, resources: [r("pay1")] });
    const other = item({ vrId: "ECS_h1", prio: 99, resources: [r("h1")] });
    const ledger = ledgerFromItems([team, other], period.start);
    const scopes: BudgetScope[] = [{ name: "team-x", target: 30 * 16 - 100, projects: ["p-pay"], tags: { ot3c_owner: "team-x" } }];
    const ev = evaluate({ ...f, options: withBudgets(scopes), now, ledger });
    const d = (id: string) => ev.decision.open.find((o) => o.id === id)!;
    expect(d(team.id).outcome).toBe("keep");
    expect(d(other.id).outcome).toBe("CANCELLED");
    expect(state(ev, "team-x").committed).toBeCloseTo(d(team.id).saving, 9);
    expect(state(ev, "all").committed).toBeCloseTo(d(team.id).saving, 9);
    expect(ev.plan.items).toEqual([]); // the open item covers the team's gap
    // Without budgets the same ledger cancels both (the single budget is not at risk).
    const single = evaluate({ ...f, options: base, now, ledger });
    expect(single.decision.open.map((o) => o.outcome)).toEqual(["CANCELLED", "CANCELLED"]);
  });

  test("a team's gap that only its open item can close: the item acts sooner (advance per budget)", () => {
    const f = fixture();
    const r = (id: string) => f.resources.find((x) => x.id === id)!;
    // One open item on the team's only server, due late in the month: it saves ~5 days × 10.
    const late = now + 15 * 86_400_000;
    const team = item({ vrId: "ECS_pay1", prio: 90, resources: [r("pay1")], deadline: late, tdate: late });
    const ledger = ledgerFromItems([team], period.start);
    // A budget of pay1 alone (~300 by the month end) that must save ~120: only acting earlier does it.
    r("pay1").tags.solo = "1";
    const ev = evaluate({ ...f, options: withBudgets([{ name: "solo", target: 30 * 10 - 120, tags: { solo: "1" } }]), now, ledger });
    const d = ev.decision.open.find((o) => o.id === team.id)!;
    expect(d.outcome).toBe("keep");
    expect(d.advanceTo).toBeDefined();
    expect(d.advanceTo!).toBeLessThan(late);
    expect(ev.plan.items).toEqual([]); // nothing else in the budget to plan
    const st = state(ev, "solo");
    expect(st.committed).toBeCloseTo(d.saving, 9);
    expect(st.committed).toBeGreaterThanOrEqual(st.gap - 0.005);
    expect(st.uncovered).toBe(0);
    // Without budgets the same item is cancelled: the whole bill is not at risk.
    const single = evaluate({ ...f, options: base, now, ledger });
    expect(single.decision.open[0]!.outcome).toBe("CANCELLED");
  });

  test("surplus per scope: an item is cancelled only when every over scope it serves stays covered with 2 % to spare", () => {
    const f = fixture();
    const r = (id: string) => f.resources.find((x) => x.id === id)!;
    const a = item({ vrId: "ECS_pay1", prio: 90, resources: [r("pay1")] });
    const b = item({ vrId: "ECS_pay2", prio: 80, resources: [r("pay2")] });
    const ledger = ledgerFromItems([a, b], period.start);
    // The team needs ~100; pay1 alone saves ~200 → pay2 (more important) is surplus and cancelled.
    const scopes: BudgetScope[] = [{ name: "team-x", target: 30 * 16 - 100, projects: ["p-pay"], tags: { ot3c_owner: "team-x" } }];
    const ev = evaluate({ ...f, options: withBudgets(scopes), now, ledger });
    const out = Object.fromEntries(ev.decision.open.map((o) => [o.id, o.outcome]));
    expect(out[b.id]).toBe("CANCELLED");
    expect(out[a.id]).toBe("keep");
    // Needing both: neither is cancelled.
    const tight: BudgetScope[] = [{ name: "team-x", target: 30 * 16 - 260, projects: ["p-pay"], tags: { ot3c_owner: "team-x" } }];
    const ev2 = evaluate({ ...f, options: withBudgets(tight), now, ledger });
    expect(ev2.decision.open.map((o) => o.outcome)).toEqual(["keep", "keep"]);
  });
});
