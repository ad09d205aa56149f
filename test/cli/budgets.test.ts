/**
 * `--budget NAME` / `--project NAME` on `list` and `plan` against the simulator over HTTP (issue #18), and the
 * roll-up of every budget in their documents; `status`'s filter on a daemon snapshot.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ListDocument, ListDocumentResource } from "../../src/cli/render/resources.ts";
import type { PlanDocument } from "../../src/cli/render/plan.ts";
import { statusDocument } from "../../src/daemon/status.ts";
import type { EngineSnapshot, PlanItem } from "../../src/engine/types.ts";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";

let f: SimFixture;
let config: string;
const GROUP = "web-shop";

beforeAll(() => {
  f = startSimFixture();
  // A budget for one ot3c_group (tiny: over budget) and one for the simulated project, nested in `all`.
  config = f.variant(
    (y) =>
      `${y}\nbudgets:\n  - name: web\n    target: 1\n    tags: [ot3c_group=${GROUP}]\n  - name: home\n    target: ${f.scenario.targetBudget}\n    projects: [${f.scenario.world.projectName}]\n`,
  );
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

function leaves(r: ListDocumentResource): ListDocumentResource[] {
  return r.members.length === 0 ? [r] : r.members.flatMap(leaves);
}

describe("list --budget / --project", () => {
  test("--budget web lists only the units with a leaf tagged ot3c_group=web-shop; the roll-up names every budget", async () => {
    const r = await run([...globals(f, config), "list", "--budget", "web", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as ListDocument;
    expect(doc.filter).toEqual({ budget: "web", project: null });
    expect(doc.resources.length).toBeGreaterThan(0);
    for (const u of doc.resources) expect(leaves(u).some((l) => l.tags.ot3c_group === GROUP)).toBe(true);
    const whole = JSON.parse((await run([...globals(f, config), "list", "--output", "json"])).out) as ListDocument;
    expect(whole.filter).toBeUndefined();
    expect(doc.resources.length).toBeLessThan(whole.resources.length);
    // Every unit of the whole tree with such a leaf is in the filtered list.
    const tagged = whole.resources.filter((u) => leaves(u).some((l) => l.tags.ot3c_group === GROUP)).map((u) => u.id);
    expect(doc.resources.map((u) => u.id)).toEqual(tagged);
    expect(doc.budgets!.map((b) => b.name)).toEqual(["all", "web", "home"]);
    const web = doc.budgets!.find((b) => b.name === "web")!;
    expect(web.resources).toBe(tagged.length);
    expect(web.status).toBe("OVER");
    expect(web.forecast.p50).toBeCloseTo(doc.resources.reduce((s, u) => s + (u.forecast?.p50 ?? 0), 0), 1);
    // Text: the roll-up table marks the selected budget.
    const text = await run([...globals(f, config), "list", "--budget", "web"]);
    expect(text.out).toContain("Only budget web");
    expect(text.out).toMatch(/^web\s+[\d.]+\s+[\d.]+\s+1\.00\s+[\d.]+\s+OVER.*◀$/m);
  });

  test("--project with the configured project lists the whole tree", async () => {
    const r = await run([...globals(f, config), "list", "--project", f.scenario.world.projectName, "--output", "json"]);
    expect(r.code).toBe(0);
    const whole = JSON.parse((await run([...globals(f, config), "list", "--output", "json"])).out) as ListDocument;
    expect((JSON.parse(r.out) as ListDocument).resources.map((u) => u.id)).toEqual(whole.resources.map((u) => u.id));
  });

  test("an unknown budget or project: exit 2 and the known names", async () => {
    const b = await run([...globals(f, config), "list", "--budget", "nope"]);
    expect(b.code).toBe(2);
    expect(b.out).toBe("");
    expect(b.err).toContain('unknown budget "nope"; known budgets: all, web, home');
    const p = await run([...globals(f, config), "list", "--project", "nope"]);
    expect(p.code).toBe(2);
    expect(p.err).toContain('unknown project "nope"; known projects:');
    expect(p.err).toContain(f.scenario.world.projectName);
    // Without budgets: only `all` is known.
    const plain = await run([...globals(f), "plan", "--budget", "web"]);
    expect(plain.code).toBe(2);
    expect(plain.err).toContain("known budgets: all");
  });
});

describe("plan --budget", () => {
  test("only the items serving the budget; each says which budgets it serves", async () => {
    const all = JSON.parse((await run([...globals(f, config), "plan", "--output", "json"])).out) as PlanDocument;
    expect(all.plan.items.length).toBeGreaterThan(0);
    for (const i of all.plan.items) expect(i.budgets![0]).toBe("all");
    const r = await run([...globals(f, config), "plan", "--budget", "web", "--output", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc.filter).toEqual({ budget: "web", project: null });
    const expected = all.plan.items.filter((i) => i.budgets!.includes("web")).map((i) => i.vrId);
    expect(doc.plan.items.map((i) => i.vrId)).toEqual(expected);
    const web = doc.budgets!.find((b) => b.name === "web")!;
    // The web budget's gap is closed by its items, or it is reported (baseline over target / not covered).
    if (!web.baselineExceedsBudget) {
      expect(expected.length).toBeGreaterThan(0);
      expect(web.planned).toBeCloseTo(doc.plan.items.reduce((s, i) => s + i.tsave, 0), 1);
    }
  });
});

describe("status --budget / --project", () => {
  const item = (id: string, vrId: string, budgets: string[]): PlanItem =>
    ({ id, vrId, action: "delete", prio: 5, tdate: 0, tsave: 1, tasap: false, reason: "r", state: "PENDING", deadline: 0, createdAt: 0, updatedAt: 0, budgets }) as PlanItem;
  const snap = {
    seq: 1,
    at: 0,
    project: { name: "eu-de_home", region: "eu-de", id: "p-home" },
    mode: "DRY-RUN",
    approval: "none",
    period: { start: 0, end: 1, startDate: "2026-11-01", endDate: "2026-12-01", days: 30 },
    resources: [
      { id: "ECS_a", kind: "ECS", name: "a", prio: 5, tags: {}, members: [], resource: { kind: "ECS", id: "a", name: "a", status: "ACTIVE", tags: {}, projectName: "eu-de_pay" } },
      { id: "ECS_b", kind: "ECS", name: "b", prio: 5, tags: {}, members: [], resource: { kind: "ECS", id: "b", name: "b", status: "ACTIVE", tags: {} } },
    ],
    forecasts: {},
    plan: [item("i1", "ECS_a", ["all", "team"]), item("i2", "ECS_b", ["all"])],
    sync: { state: "OK" },
    api: [],
    events: [],
    alerts: [],
  } as unknown as EngineSnapshot;
  const daemon = { stateDir: "/s", socket: "/s/sock" };

  test("by budget: the items whose budgets name it", () => {
    const doc = statusDocument(snap, daemon, undefined, { budget: "team" });
    expect(doc.items.map((i) => i.id)).toEqual(["i1"]);
    expect(doc.items[0].budgets).toEqual(["all", "team"]);
    expect(doc.filter).toEqual({ budget: "team", project: null });
    expect(statusDocument(snap, daemon, undefined, { budget: "all" }).items).toHaveLength(2);
  });

  test("by project: a resource without a project is in the daemon's own", () => {
    expect(statusDocument(snap, daemon, undefined, { project: "eu-de_pay" }).items.map((i) => i.id)).toEqual(["i1"]);
    expect(statusDocument(snap, daemon, undefined, { project: "p-home" }).items.map((i) => i.id)).toEqual(["i2"]);
    expect(statusDocument(snap, daemon).filter).toBeUndefined();
  });
});
