/**
 * Issue #18's "done when" for budgets: a config with `projects: all` and three nested budgets (the contract's
 * eu-de part, one project in it, a team inside that project) against the fleet simulator over HTTP — the daemon's
 * engine settles every budget, its items say which budgets they serve, /metrics carries the budget labels, and
 * `list`/`plan --budget` show one budget's part.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { wireProviders } from "../../src/daemon/wire.ts";
import { engineSettingsFrom } from "../../src/daemon/runtime.ts";
import { Engine } from "../../src/engine/engine.ts";
import { ManualClock } from "../../src/engine/types.ts";
import { Store } from "../../src/store/store.ts";
import { generateFleet, SMALL_PROJECT, type SimFleet } from "../../src/sim/scenario/fleet.ts";
import { startFleetSim, type RunningFleetSim } from "../../src/sim/fleet-server.ts";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import { run } from "../cli/helpers.ts";
import type { ListDocument } from "../../src/cli/render/resources.ts";
import type { PlanDocument } from "../../src/cli/render/plan.ts";

const T0 = Date.now();
let fleet: SimFleet;
let sim: RunningFleetSim;
let dir: string;
let cfgFile: string;
let project: string;
const TEAM = "alice";

beforeAll(() => {
  fleet = generateFleet({ seed: 9, now: T0, regions: [{ region: "eu-de", projects: 2 }, { region: "eu-nl", projects: 1 }], perProject: { ...SMALL_PROJECT, ecs: 10, evs: 14, overrun: 1.3 } });
  sim = startFleetSim(fleet);
  dir = mkdtempSync(join(tmpdir(), "ot3c-fleet-budgets-"));
  project = fleet.projects.find((p) => p.region === "eu-de")!.projectName;
  cfgFile = join(dir, "ot3c.yaml");
  const budgets = [
    "budgets:",
    "  - name: eu-de",
    `    target: ${Math.round(fleet.targetBudget * 0.7)}`,
    "    regions: [eu-de]",
    "  - name: proj",
    `    target: ${Math.round(fleet.targetBudget * 0.25)}`,
    `    projects: [${project}]`,
    "  - name: team",
    `    target: ${Math.round(fleet.targetBudget * 0.015)}`,
    `    projects: [${project}]`,
    `    tags: [ot3c_owner=${TEAM}]`,
  ].join("\n");
  writeFileSync(cfgFile, sim.configYaml(`termination-grace: 2h\nstate-dir: ${join(dir, "state")}\n${budgets}\n`), { mode: 0o600 });
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("projects: all with three nested budgets", () => {
  test("the engine settles every budget; items name their budgets; metrics carry the labels", async () => {
    const cfg = await loadConfig({ path: cfgFile });
    expect(cfg.budgets!.map((b) => b.name)).toEqual(["eu-de", "proj", "team"]);
    const providers = wireProviders(cfg, { jobs: { intervalMs: 1, timeoutMs: 5000 }, otc: { sleep: async () => {}, retries: 1 } });
    const store = Store.open(cfg.stateDir);
    const engine = new Engine({
      store, stateDir: cfg.stateDir, clock: new ManualClock(T0), inventory: providers.inventory, terminator: providers.terminator, evaluate: providers.evaluate,
      settings: engineSettingsFrom(cfg), project: { name: "fleet", region: "eu-de" },
    });
    await engine.acquireLock();
    await engine.step();
    const snap = engine.getSnapshot()!;
    expect(snap.sync.state).toBe("OK");
    expect(snap.budgets!.map((b) => b.name)).toEqual(["all", "eu-de", "proj", "team"]);
    const by = Object.fromEntries(snap.budgets!.map((b) => [b.name, b]));
    // Nested by configuration, and by resources: team ⊂ proj ⊂ eu-de ⊂ all.
    expect(by.team.within).toEqual(["proj"]);
    expect(by.team.resources).toBeLessThanOrEqual(by.proj.resources);
    expect(by.proj.resources).toBeLessThan(by["eu-de"].resources);
    expect(by["eu-de"].resources).toBeLessThan(by.all.resources);
    expect(by.proj.forecast.p50).toBeLessThan(by["eu-de"].forecast.p50);
    // Every over budget is closed by its items, or reported (uncovered / baseline over target).
    for (const b of snap.budgets!) {
      if (b.gap <= 0) continue;
      const closed = b.committed + b.planned >= b.gap - 0.01;
      expect(closed || b.uncovered > 0 || b.baselineExceedsBudget, `${b.name}: ${JSON.stringify(b)}`).toBe(true);
    }
    // All four are over (the fixture's targets), and the team's gap is closed by the team's own items.
    for (const b of snap.budgets!) expect(b.gap, b.name).toBeGreaterThan(0);
    expect(by.team.items.length).toBeGreaterThan(0);
    const open = snap.plan.filter((i) => i.state === "PENDING");
    expect(open.length).toBeGreaterThan(0);
    for (const i of open) {
      expect(i.budgets![0]).toBe("all");
      // An item of the team is in all four budgets.
      if (i.budgets!.includes("team")) expect(i.budgets).toEqual(["all", "eu-de", "proj", "team"]);
      for (const b of i.budgets!) expect(by[b].items).toContain(i.id);
    }
    const text = await createEngineMetrics({ getSnapshot: () => snap, currency: "EUR", processMetrics: false }).render(false);
    for (const b of ["all", "eu-de", "proj", "team"]) expect(text).toContain(`ot3c_scope_gap_amount{currency="EUR",budget="${b}"}`);
    for (const p of fleet.projects) expect(text).toContain(`ot3c_project_forecast_month_end_amount{currency="EUR",project="${p.projectName}"}`);
    await engine.stop();
    store.close();
  }, 60_000);

  test("list and plan --budget / --project against the fleet", async () => {
    const list = await run(["--config", cfgFile, "list", "--budget", "proj", "--output", "json"]);
    expect(list.code).toBe(0);
    const doc = JSON.parse(list.out) as ListDocument;
    const leaves = (r: ListDocument["resources"][number]): ListDocument["resources"] => (r.members.length ? r.members.flatMap(leaves) : [r]);
    expect(doc.resources.length).toBeGreaterThan(0);
    expect(doc.budgets!.map((b) => b.name)).toEqual(["all", "eu-de", "proj", "team"]);
    const byProject = await run(["--config", cfgFile, "list", "--project", project, "--output", "json"]);
    expect((JSON.parse(byProject.out) as ListDocument).resources.map((r) => r.id)).toEqual(doc.resources.map((r) => r.id));
    for (const r of doc.resources) expect(leaves(r).length).toBeGreaterThan(0);
    // A state directory of its own: the engine test's open items would cover the gaps (plan shows new items only).
    const plan = await run(["--config", cfgFile, "--state-dir", join(dir, "cli-state"), "plan", "--budget", "team", "--output", "json"]);
    expect(plan.code).toBe(0);
    const p = JSON.parse(plan.out) as PlanDocument;
    expect(p.plan.items.length).toBeGreaterThan(0);
    for (const i of p.plan.items) expect(i.budgets).toEqual(["all", "eu-de", "proj", "team"]);
    const unknown = await run(["--config", cfgFile, "list", "--project", "eu-de_nope"]);
    expect(unknown.code).toBe(2);
    for (const q of fleet.projects) expect(unknown.err).toContain(q.projectName);
  }, 60_000);
});
