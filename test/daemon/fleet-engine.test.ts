/**
 * The engine over a fleet (issue #18), through the daemon's wiring against the fleet simulator: one project
 * failing is DEGRADED alone — nothing is planned or started on its resources, nothing planned on them ends (not
 * GONE, not cancelled), also after a restart that lost the last listing — and the others go on.
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
import type { Config } from "../../src/config/types.ts";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import { headerLayout } from "../../src/tui/components/Header.tsx";
import { makeTheme } from "../../src/tui/theme.ts";

const T0 = Date.UTC(2026, 2, 12, 8, 0, 0);
const H = 3600_000;
let fleet: SimFleet;
let sim: RunningFleetSim;
let dir: string;
const refused = new Set<string>();

beforeAll(() => {
  fleet = generateFleet({ seed: 5, now: T0, regions: [{ region: "eu-de", projects: 3 }, { region: "eu-nl", projects: 1 }], perProject: { ...SMALL_PROJECT, overrun: 1.4 } });
  sim = startFleetSim(fleet, { otc: { refuseProjects: refused } });
  dir = mkdtempSync(join(tmpdir(), "ot3c-fleet-engine-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function engineFor(cfg: Config, store: Store, clock: ManualClock): Engine {
  const providers = wireProviders(cfg, { jobs: { intervalMs: 1, timeoutMs: 5000 }, otc: { sleep: async () => {}, retries: 1 } });
  return new Engine({
    store, stateDir: cfg.stateDir, clock, inventory: providers.inventory, terminator: providers.terminator, evaluate: providers.evaluate,
    settings: engineSettingsFrom(cfg), project: { name: "fleet", region: "eu-de" },
  });
}

describe("a fleet with one project failing", () => {
  test("only that project is DEGRADED: not planned, not started, its items kept — also across a restart", async () => {
    const cfgFile = join(dir, "ot3c.yaml");
    writeFileSync(cfgFile, sim.configYaml(`termination-grace: 2h\nenforce: true\nmax-terminations-per-run: 100\nstate-dir: ${join(dir, "state")}\n`).replace("enforce: false\n", ""), { mode: 0o600 });
    const cfg = await loadConfig({ path: cfgFile });
    const clock = new ManualClock(T0);
    const store = Store.open(cfg.stateDir);
    let engine = engineFor(cfg, store, clock);
    await engine.acquireLock();
    await engine.step();
    let snap = engine.getSnapshot()!;
    expect(snap.sync.state).toBe("OK");
    expect(snap.projects!.map((p) => p.status)).toEqual(fleet.projects.map(() => "OK"));
    const first = store.listItems({ states: ["PENDING"] });
    expect(first.length).toBeGreaterThan(0);
    // Items remember the project of every resource (the terminator routes by it).
    expect(first.every((i) => i.resources.every((r) => typeof r.projectId === "string"))).toBe(true);

    // The project with the most planned items loses its rights.
    const perProject = new Map<string, number>();
    for (const i of first) for (const r of i.resources) perProject.set(r.projectId!, (perProject.get(r.projectId!) ?? 0) + 1);
    const victimId = [...perProject].sort((a, b) => b[1] - a[1])[0]![0];
    const victim = fleet.projects.find((w) => w.projectId === victimId)!;
    const inVictim = (i: { resources: Array<{ projectId?: string }> }) => i.resources.some((r) => r.projectId === victimId);
    const victimItems = first.filter(inVictim).map((i) => i.id);
    refused.add(victimId);

    clock.advance(10 * 60_000);
    await engine.send({ type: "refresh", actor: "test", source: "cli" });
    snap = engine.getSnapshot()!;
    expect(snap.sync.state).toBe("OK");
    const bad = snap.projects!.filter((p) => p.status === "DEGRADED");
    expect(bad.map((p) => p.id)).toEqual([victimId]);
    expect(snap.alerts.some((a) => a.includes("DEGRADED") && a.includes(victim.projectName))).toBe(true);
    // Its resources are in the tree as last listed, never plannable.
    const held = snap.resources.filter((u) => u.note?.includes("DEGRADED"));
    expect(held.length).toBeGreaterThan(0);
    for (const id of victimItems) expect(store.getItem(id)!.state).toBe("PENDING");
    // Metrics: one series per project; the TUI header names the project.
    const metrics = await createEngineMetrics({ getSnapshot: () => engine.getSnapshot(), currency: "EUR", processMetrics: false }).render(false);
    expect(metrics).toContain(`ot3c_project_sync_up{project="${victim.projectName}",region="${victim.region}"} 0`);
    expect(metrics.match(/^ot3c_project_sync_up\{.*\} 1$/gm)).toHaveLength(fleet.projects.length - 1);
    const header = headerLayout(snap, makeTheme("mono", true), false, "in-process", 120).map((l) => l.map((t) => t.segs.map((s) => s.text).join("")).join("")).join("\n");
    expect(header).toContain(`1/${fleet.projects.length} projects DEGRADED: ${victim.projectName}`);

    // Past every deadline: the other projects' items run, the victim's do not; nothing was sent to the victim.
    clock.advance(Math.max(...first.map((i) => i.deadline)) - clock.now() + 60_000);
    await engine.step();
    await engine.step();
    for (const id of victimItems) expect(store.getItem(id)!.state).toBe("PENDING");
    expect(victim.mutations.total).toBe(0);
    const others = first.filter((i) => !inVictim(i));
    if (others.length > 0) expect(others.some((i) => store.getItem(i.id)!.state !== "PENDING")).toBe(true);
    expect(store.listItems({ states: ["PENDING", "APPROVED"] }).filter((i) => !victimItems.includes(i.id)).every((i) => !inVictim(i))).toBe(true);

    // A restart forgets the last listing: the items are still neither GONE nor cancelled, and still not started.
    await engine.stop();
    engine = engineFor(cfg, store, clock);
    await engine.acquireLock();
    clock.advance(10 * 60_000);
    await engine.step();
    await engine.step();
    snap = engine.getSnapshot()!;
    expect(snap.projects!.find((p) => p.id === victimId)!.status).toBe("DEGRADED");
    for (const id of victimItems) expect(store.getItem(id)!.state).toBe("PENDING");
    expect(victim.mutations.total).toBe(0);

    // Rights back: the project is OK and its due items run.
    refused.delete(victimId);
    clock.advance(10 * 60_000);
    await engine.send({ type: "refresh", actor: "test", source: "cli" });
    await engine.step();
    snap = engine.getSnapshot()!;
    expect(snap.projects!.every((p) => p.status === "OK")).toBe(true);
    expect(victimItems.some((id) => store.getItem(id)!.state !== "PENDING")).toBe(true);
    expect(victim.mutations.total).toBeGreaterThan(0);
    await engine.stop();
    store.close();
  }, 60_000);
});
