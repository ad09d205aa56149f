/**
 * The budget/project selector and the roll-up (issue #18), rendered at 60×15, 80×24 and 120×40: the Overview
 * shows every budget (spent, P50, target, status) and, after `b`, one budget's figures; the Resources tree groups
 * roots by project and shows only the selected scope's resources. Nothing wider or taller than the terminal.
 */
import { describe, expect, test } from "bun:test";
import type { BudgetScopeState, EngineSnapshot, ResourceUnit } from "../../src/engine/types.ts";
import { groupByProject, scopeChoices, scopedSnapshot } from "../../src/tui/scope/index.ts";
import { buildSnapshot } from "./fixtures.ts";
import { renderSized, settle, strip } from "./harness.tsx";

const PROJECTS = ["eu-de_payments", "eu-nl_web"];

function withProjects(u: ResourceUnit, project: string): ResourceUnit {
  if (u.members.length > 0) return { ...u, members: u.members.map((m) => withProjects(m, project)) };
  return u.resource ? { ...u, resource: { ...u.resource, projectName: project } } : u;
}

function state(name: string, over: Partial<BudgetScopeState>): BudgetScopeState {
  return { name, target: 100, resources: 1, spent: 50, forecast: { p10: 90, p50: 100, p90: 110 }, gap: 0, status: "OK", baseline: 5, baselineExceedsBudget: false, committed: 0, planned: 0, uncovered: 0, items: [], ...over };
}

/** A snapshot with resources in two projects, `all` and two named budgets (one a team inside payments). */
function scoped(base: EngineSnapshot): EngineSnapshot {
  const resources = base.resources.map((r, i) => withProjects(r, PROJECTS[i % 2]!));
  const payIds = new Set(resources.filter((_, i) => i % 2 === 0).map((r) => r.id));
  const plan = base.plan.map((p) => ({ ...p, budgets: payIds.has(p.vrId) ? ["all", "payments"] : ["all"] }));
  return {
    ...base,
    resources,
    plan,
    budgets: [
      state("all", { target: base.budget!.target, spent: base.budget!.spendSoFar, forecast: base.budget!.forecast, gap: base.budget!.gap, status: base.budget!.status, resources: resources.length }),
      state("payments", { target: 1234.5, spent: 987.65, forecast: { p10: 1300, p50: 1456.78, p90: 1600 }, gap: 222.28, status: "OVER", scope: { projects: ["eu-de_payments"] }, resources: payIds.size, committed: 100, planned: 122.28 }),
      state("payments-team-x", { target: 10, spent: 40, forecast: { p10: 60, p50: 70, p90: 80 }, gap: 60, status: "OVER", baselineExceedsBudget: true, uncovered: 60, scope: { projects: ["eu-de_payments"], tags: { ot3c_owner: "team-x" } }, within: ["payments"], resources: 0 }),
    ],
  };
}

describe("scope selection as data", () => {
  test("choices: the budgets, then the projects; a budget's snapshot holds its resources, items and figures", () => {
    const snap = scoped(buildSnapshot({ resources: 12, pending: 6 }));
    expect(scopeChoices(snap).map((c) => `${c.kind}:${c.name}`)).toEqual(["budget:all", "budget:payments", "budget:payments-team-x", ...[snap.project.name, ...PROJECTS].sort().map((p) => `project:${p}`)]);
    const pay = scopedSnapshot(snap, { kind: "budget", name: "payments" });
    expect(pay.resources.length).toBe(6);
    expect(pay.plan.every((p) => p.budgets!.includes("payments"))).toBe(true);
    expect(pay.budget!.target).toBe(1234.5);
    expect(pay.budget!.forecast.p50).toBe(1456.78);
    expect(scopedSnapshot(snap, { kind: "budget", name: "all" })).toBe(snap);
    const web = scopedSnapshot(snap, { kind: "project", name: "eu-nl_web" });
    expect(web.resources.map((r) => r.id)).toEqual(snap.resources.filter((_, i) => i % 2 === 1).map((r) => r.id));
    const grouped = groupByProject(snap);
    // One group per project (the fixture's ghost has no project: the snapshot's own).
    expect(grouped.resources.map((r) => r.id)).toEqual([snap.project.name, ...PROJECTS].sort().map((p) => `PROJECT:${p}`));
    expect(grouped.resources.find((r) => r.id === "PROJECT:eu-nl_web")!.members.length).toBe(6);
    expect(grouped.forecasts["PROJECT:eu-nl_web"]!.monthEnd.p50).toBeCloseTo(web.resources.reduce((s, r) => s + snap.forecasts[r.id]!.monthEnd.p50, 0), 9);
  });
});

describe("selector and roll-up on screen", () => {
  for (const [cols, rows] of [
    [60, 15],
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${cols}×${rows}`, async () => {
      const s = await renderSized(cols, rows, { resources: 30, pending: 10 });
      const snap = scoped(s.engine.getSnapshot()!);
      s.engine.publish({ ...snap, seq: snap.seq + 1 });
      await settle(60);
      const check = (what: string) => {
        const f = strip(s.frame());
        const lines = f.split("\n");
        expect(lines.length, what).toBeLessThanOrEqual(rows - 1);
        for (const l of lines) expect([...l].length, `${what}: ${l}`).toBeLessThanOrEqual(cols);
        return f;
      };
      const press = async (k: string) => {
        s.stdin.write(k);
        await settle(60);
      };
      await press("1");
      let f = check("overview, all");
      expect(f).toContain("[b/B] scope: all");
      // The roll-up: every budget with spent, P50, target and status (the smallest terminal shows what fits).
      expect(f).toMatch(/budget.*spent EUR.*P50 EUR.*target EUR/);
      expect(f).toMatch(/payments\s+987\.65\s+1456\.78\s+1234\.50\s+OVER/);
      if (rows >= 40) expect(f).toMatch(/payments-team-x\s+40\.00\s+70\.00\s+10\.00\s+OVER/);

      await press("b");
      f = check("overview, payments");
      expect(f).toContain("scope: budget payments");
      if (rows >= 24) expect(f).toContain("P50 1456.78 EUR");
      if (rows >= 24) expect(f).toContain("budget 1234.50 EUR");
      expect(f).toMatch(/› payments\s+987\.65/);

      await press("b");
      f = check("overview, team");
      expect(f).toContain("scope: budget payments-team-x");
      expect(f.replace(/\s+/g, " ")).toContain("baseline alone over target: reported, not planned");

      // Resources: only the payments budget's resources — all in one project, so no project rows.
      await press("B");
      await press("2");
      f = check("resources, payments");
      expect(f).not.toContain("project eu-nl_web");
      expect(f).toContain(`(${scopedSnapshot(snap, { kind: "budget", name: "payments" }).resources.length} resources)`);
      // Back to everything (all budgets, then the projects, wrap around): both projects.
      for (let i = 0; i < scopeChoices(snap).length - 1; i++) await press("b");
      f = check("resources, all");
      // The tree starts with the first project's group row.
      const first = f.split("\n").find((l) => l.startsWith("› "))!;
      expect(first).toMatch(/GROUP\s+▾? ?project e.*\bproject\b/);
      // Pending shows only the items serving the selected budget.
      await press("b");
      await press("3");
      f = check("pending, payments");
      const pending = snap.plan.filter((p) => p.state === "PENDING" && p.budgets!.includes("payments")).length;
      expect(pending).toBeGreaterThan(0);
      expect(pending).toBeLessThan(snap.plan.filter((p) => p.state === "PENDING").length);
      expect(f).toMatch(new RegExp(`Pend\\w* \\(${pending}\\)`));
      s.instance.unmount();
    });
  }
});
