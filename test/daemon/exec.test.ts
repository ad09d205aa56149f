import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { emptyLedger } from "../../src/engine/closed-loop/index.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { loadConfig } from "../../src/config/load.ts";
import { wireProviders } from "../../src/daemon/wire.ts";
import { engineSettingsFrom } from "../../src/daemon/runtime.ts";
import { planFileSource } from "../../src/daemon/plan-file-source.ts";
import { Engine } from "../../src/engine/engine.ts";
import { costRange } from "../../src/engine/sync-range.ts";
import { Store } from "../../src/store/store.ts";
import { serializePlan } from "../../src/engine/planner/plan-file.ts";
import { addDays, billingPeriod, isoDay } from "../../src/engine/period.ts";
import { ManualClock } from "../../src/engine/types.ts";

const T0 = Date.UTC(2026, 2, 10, 8, 0, 0);
const H = 3600_000;
let sim: RunningSim;
let dir: string;
beforeAll(() => {
  const scenario = presetScenario("demo", { now: T0 });
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget });
  dir = mkdtempSync(join(tmpdir(), "ot3c-exec-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("exec -f FILE: a plan file through the lifecycle", () => {
  test("imports items with deadlines, re-reads the file when it changes, holds items when the file turns invalid", async () => {
    const cfgFile = join(dir, "ot3c.yaml");
    writeFileSync(cfgFile, `${sim.configYaml()}\ntermination-grace: 2h\nmax-terminations-per-run: 50\nstate-dir: ${join(dir, "state")}\n`, { mode: 0o600 });
    const cfg = await loadConfig({ path: cfgFile });
    const providers = wireProviders(cfg);
    const clock = new ManualClock(T0);

    // The operator's `ot3c plan --out plan.yaml`: the planner's plan of the same data, serialised.
    const period = billingPeriod(T0, cfg.billingBeginDay);
    const range = costRange(T0, cfg);
    const [resources, costs] = await Promise.all([providers.inventory.listResources(), providers.inventory.listCosts(range.from, range.toExclusive)]);
    const plan = providers.evaluate({ resources, costs, now: T0, ledger: emptyLedger(period.start) }).plan;
    expect(plan.items.length).toBeGreaterThan(3);
    const planPath = join(dir, "plan.yaml");
    writeFileSync(planPath, serializePlan(plan, { createdAt: T0 }));

    const source = planFileSource(planPath, 50);
    const store = Store.open(cfg.stateDir);
    const engine = new Engine({ store, stateDir: cfg.stateDir, clock, inventory: providers.inventory, terminator: providers.terminator, evaluate: providers.evaluate, settings: engineSettingsFrom(cfg), project: { name: "demo", region: "eu-de" }, planFile: source.load });
    await engine.acquireLock();
    let changes = 0;
    const stopWatch = source.watch(() => changes++);
    await engine.step();
    const items = store.listItems();
    expect(items.map((i) => i.vrId).sort()).toEqual(plan.items.map((p) => p.vrId).sort());
    expect(items.every((i) => i.origin === "plan-file" && i.state === "PENDING")).toBe(true);
    for (const i of items) expect(i.deadline).toBe(Math.max(plan.items.find((p) => p.vrId === i.vrId)!.tdate, T0 + 2 * H));

    // The operator drops all but two items from the plan: the rest are cancelled, deadlines of the two unchanged.
    const kept = plan.items.slice(0, 2);
    writeFileSync(planPath, serializePlan({ ...plan, items: kept }, { createdAt: T0 + 1000 }));
    for (let i = 0; i < 100 && changes === 0; i++) await Bun.sleep(10);
    expect(changes).toBeGreaterThan(0);
    clock.advance(10 * 60_000);
    await engine.send({ type: "refresh", actor: "ot3c", source: "plan-file" });
    const open = store.listItems({ states: ["PENDING"] });
    expect(open.map((i) => i.vrId).sort()).toEqual(kept.map((k) => k.vrId).sort());
    for (const i of open) expect(i.deadline).toBe(items.find((x) => x.id === i.id)!.deadline);
    expect(store.listItems({ states: ["CANCELLED"] }).length).toBe(items.length - 2);

    // A tampered file is refused; its items hold (not cancelled, not executed) and the snapshot says why.
    writeFileSync(planPath, serializePlan({ ...plan, items: kept }, { createdAt: T0 }).replace(/tsave: [0-9.]+/, "tsave: 0.01"));
    clock.advance(10 * 60_000);
    await engine.send({ type: "refresh", actor: "ot3c", source: "plan-file" });
    expect(engine.getSnapshot().alerts.some((a) => a.startsWith("plan file:"))).toBe(true);
    expect(store.listItems({ states: ["PENDING"] }).length).toBe(2);
    clock.advance(48 * H);
    await engine.step();
    expect(store.listItems({ states: ["PENDING"] }).length).toBe(2);
    stopWatch();
    await engine.stop();
    store.close();
  }, 30_000);
});
