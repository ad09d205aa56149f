/**
 * The Overview of one scope (issue #18): a budget or project with its own daily series (snapshot `budgets[].daily`,
 * `projectDaily`) gets the whole-account chart drawn from its own figures — its days, its median path with the band,
 * its target per day — at 60×15, 80×24 and 120×40; and the scope picked with b/B is remembered in the prefs and
 * restored on the next start only if it still exists.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BudgetScopeState, EngineSnapshot, ResourceUnit } from "../../src/engine/types.ts";
import { scopedSnapshot } from "../../src/tui/scope/index.ts";
import { memoryPrefs, openPrefs, sanitizePrefs } from "../../src/tui/prefs.ts";
import { amount } from "../../src/tui/format.ts";
import { buildSnapshot } from "./fixtures.ts";
import { render as inkRender } from "ink";
import { App } from "../../src/tui/App.tsx";
import { FakeStdin, FakeTerminal, renderSized, settle, setup, strip } from "./harness.tsx";

const PROJECTS = ["eu-de_payments", "eu-nl_web"];
const dir = mkdtempSync(join(tmpdir(), "ot3c-scope-prefs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withProject(u: ResourceUnit, project: string): ResourceUnit {
  if (u.members.length > 0) return { ...u, members: u.members.map((m) => withProject(m, project)) };
  return u.resource ? { ...u, resource: { ...u.resource, projectName: project } } : u;
}

function state(name: string, over: Partial<BudgetScopeState>): BudgetScopeState {
  return { name, target: 100, resources: 1, spent: 50, forecast: { p10: 90, p50: 100, p90: 110 }, gap: 0, status: "OK", baseline: 5, baselineExceedsBudget: false, committed: 0, planned: 0, uncovered: 0, items: [], ...over };
}

/** Days of the payments budget: 10 a day, one day of 321.50 (a peak the account's chart does not have), 12 a day ahead. */
const PEAK = 321.5;
function scoped(base: EngineSnapshot): EngineSnapshot {
  const b = base.budget!;
  const resources = base.resources.map((r, i) => withProject(r, PROJECTS[i % 2]!));
  const actual = b.dailyTotals.map((_, i) => (i === 3 ? PEAK : 10));
  const p50 = b.forecastBand.map(() => 12);
  return {
    ...base,
    resources,
    budgets: [
      state("all", { target: b.target, spent: b.spendSoFar, forecast: b.forecast, gap: b.gap, status: b.status }),
      state("payments", { target: 1234.5, spent: 987.65, forecast: { p10: 1300, p50: 1456.78, p90: 1600 }, gap: 222.28, status: "OVER", scope: { projects: ["eu-de_payments"] }, daily: { actual, p50 } }),
      state("team-x", { target: 10, spent: 40, forecast: { p10: 60, p50: 70, p90: 80 }, gap: 60, status: "OVER", scope: { tags: { ot3c_owner: "team-x" } } }),
    ],
    projectDaily: [{ project: "eu-nl_web", actual: b.dailyTotals.map((_, i) => (i === 5 ? 77.25 : 3)), p50: b.forecastBand.map(() => 4) }],
  };
}

describe("a scope's chart as data", () => {
  test("the budget's own days, its median path, and a band scaled by the account's spread that day", () => {
    const snap = scoped(buildSnapshot({ resources: 12 }));
    const whole = snap.budget!;
    const pay = scopedSnapshot(snap, { kind: "budget", name: "payments" });
    expect(pay.scopeView!.daily).toBe(true);
    expect(pay.budget!.dailyTotals.map((d) => d.date)).toEqual(whole.dailyTotals.map((d) => d.date));
    expect(pay.budget!.dailyTotals.map((d) => d.amount)).toEqual(snap.budgets![1]!.daily!.actual);
    expect(pay.budget!.burnPerDay).toBe(10);
    pay.budget!.forecastBand.forEach((f, k) => {
      const w = whole.forecastBand[k]!;
      expect(f.date).toBe(w.date);
      expect(f.p50).toBe(12);
      expect(f.p90).toBeCloseTo(12 * (w.p90 / w.p50), 9);
      expect(f.p10).toBeCloseTo(12 * (w.p10 / w.p50), 9);
    });
    // A budget without a series: no chart of its own (the account's is not passed off as the scope's).
    expect(scopedSnapshot(snap, { kind: "budget", name: "team-x" }).budget!.dailyTotals).toEqual([]);
    const web = scopedSnapshot(snap, { kind: "project", name: "eu-nl_web" });
    expect(web.budget!.dailyTotals[5]!.amount).toBe(77.25);
    expect(scopedSnapshot(snap, { kind: "project", name: "eu-de_payments" }).scopeView!.daily).toBe(false);
    // Hostile numbers from the socket are not drawn.
    const bad = { ...snap, budgets: snap.budgets!.map((s) => (s.name === "payments" ? { ...s, daily: { actual: [Infinity, NaN, -5, "x" as unknown as number], p50: [] } } : s)) };
    expect(scopedSnapshot(bad, { kind: "budget", name: "payments" }).budget!.dailyTotals.slice(0, 4).map((d) => d.amount)).toEqual([0, 0, 0, 0]);
  });
});

/** The y-axis label of a chart whose tallest column is `max` (chart.ts: the label on the top row). */
const topLabel = (f: string) => f.split("\n").find((l) => /^\s*[\d.,k]+ [█▇▆▅▄▃▂▁▓▒░┄ ]/.test(l) && !/^\s*0 /.test(l))?.trim().split(" ")[0];

describe("the Overview of one scope", () => {
  for (const [cols, rows] of [
    [60, 15],
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${cols}×${rows}: the scope's chart, not the account's`, async () => {
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
      let f = check("all");
      const accountTop = topLabel(f);
      if (rows >= 24) expect(accountTop).toBeDefined();
      expect(accountTop).not.toBe(amount(PEAK));

      await press("b");
      f = check("payments");
      expect(f).toContain("scope: budget payments");
      if (rows >= 24) {
        // Its chart: its peak day sets the scale; its target per day is the dotted line.
        expect(f).toContain("Daily cost EUR");
        expect(topLabel(f)).toBe(amount(PEAK));
        expect(f).toContain("┄ budget per day");
        // The roll-up stays, the selected budget marked.
        expect(f).toMatch(/› payments\s+987\.65\s+1456\.78\s+1234\.50\s+OVER/);
      } else {
        // 60×15: no room for a chart; the roll-up and the scope's figures as before.
        expect(f).toMatch(/› payments\s+987\.65/);
      }

      await press("b");
      f = check("team-x (no series)");
      expect(f).toContain("scope: budget team-x");
      expect(f).not.toContain("Daily cost");

      // The projects: eu-nl_web has a series (no target of its own: no budget line), eu-de_payments none.
      const order = ["budget:all", "budget:payments", "budget:team-x", ...[snap.project.name, ...PROJECTS].sort().map((p) => `project:${p}`)];
      for (let i = order.indexOf("budget:team-x"); i < order.indexOf("project:eu-nl_web"); i++) await press("b");
      f = check("project eu-nl_web");
      expect(f).toContain("scope: project eu-nl_web");
      if (rows >= 24) {
        expect(topLabel(f)).toBe(amount(77.25));
        expect(f).toContain("no target of its own");
        expect(f).not.toContain("┄ budget per day");
      }
      s.instance.unmount();
    });
  }
});

describe("the scope is remembered between sessions", () => {
  test("prefs round-trip the scope (conf file), sanitised and bounded", () => {
    const a = openPrefs({ cwd: dir });
    a.set({ scope: { kind: "project", name: "eu-nl_web" } });
    expect(openPrefs({ cwd: dir }).get().scope).toEqual({ kind: "project", name: "eu-nl_web" });
    a.set({ scope: undefined });
    expect(openPrefs({ cwd: dir }).get().scope).toBeUndefined();
    for (const bad of [{ kind: "team", name: "x" }, { kind: "budget", name: "" }, { kind: "budget", name: 3 }, { kind: "budget", name: "x".repeat(257) }, "payments", null, []]) {
      expect(sanitizePrefs({ scope: bad }).scope, JSON.stringify(bad)).toBeUndefined();
    }
  });

  /** A TUI at 80×24 whose engine's first snapshot is `first` (default: the evaluated, scoped one), then the scoped one. */
  const start = async (prefs: ReturnType<typeof memoryPrefs>, first?: (s: EngineSnapshot) => EngineSnapshot) => {
    const { engine, appProps } = setup({ resources: 30, pending: 4 }, { prefs });
    const snap = scoped(engine.getSnapshot()!);
    engine.publish({ ...(first ? first(snap) : snap), seq: snap.seq + 1 });
    const term = new FakeTerminal(80, 24);
    const stdin = new FakeStdin();
    const instance = inkRender(<App {...appProps} />, { stdout: term as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false });
    await settle(60);
    if (first) {
      engine.publish({ ...snap, seq: snap.seq + 2 });
      await settle(60);
    }
    return { engine, stdin, instance, frame: () => term.last() };
  };

  test("b/B store the scope; the next start restores it (also when the first snapshot precedes the first sync)", async () => {
    const prefs = memoryPrefs();
    const s = await start(prefs);
    s.stdin.write("b");
    await settle(60);
    expect(prefs.get().scope).toEqual({ kind: "budget", name: "payments" });
    s.instance.unmount();

    const again = await start(prefs, (snap) => {
      // Before the first sync: no evaluation, no budgets — nothing to judge the remembered scope by yet.
      const { budget: _b, budgets: _s, projectDaily: _p, ...rest } = snap;
      return { ...rest, resources: [] };
    });
    const f = strip(again.frame());
    expect(f).toContain("scope: budget payments");
    expect(f).toMatch(/› payments\s+987\.65/);
    // b goes on from the restored scope, and `all` is stored as no scope.
    again.stdin.write("B");
    await settle(60);
    expect(strip(again.frame())).toContain("scope: all");
    expect(prefs.get().scope).toBeUndefined();
    again.instance.unmount();
  });

  test("a remembered scope that no longer exists shows all", async () => {
    for (const gone of [{ kind: "budget" as const, name: "payments-old" }, { kind: "project" as const, name: "eu-de_closed" }]) {
      const prefs = memoryPrefs({ scope: gone });
      const s = await start(prefs);
      const f = strip(s.frame());
      expect(f).toContain("scope: all");
      expect(f).not.toContain(gone.name);
      // All resources, not the empty set of a vanished project.
      s.stdin.write("2");
      await settle(60);
      expect(strip(s.frame())).toContain(`(${s.engine.getSnapshot()!.resources.length} resources)`);
      s.instance.unmount();
    }
  });
});

describe("the roll-up under a scope's chart", () => {
  test("the selected budget is among the rows shown, however far down the list", async () => {
    const { Rollup } = await import("../../src/tui/scope/Rollup.tsx");
    const { render } = await import("ink-testing-library");
    const many = Array.from({ length: 9 }, (_, i) => state(i === 0 ? "all" : `team-${i}`, { spent: 10 + i }));
    const r = render(<Rollup budgets={many} selected="team-7" width={80} rows={3} currency="EUR" />);
    const f = strip(r.lastFrame());
    expect(f.split("\n")).toHaveLength(3);
    expect(f).toMatch(/› team-7\s+17\.00/);
    expect(f).toContain("(+7 more)");
    r.rerender(<Rollup budgets={many} selected="all" width={80} rows={3} currency="EUR" />);
    expect(strip(r.lastFrame())).toMatch(/› all\s+10\.00/);
    r.unmount();
  });
});
