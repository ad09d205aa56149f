/**
 * Copies past retention (issue #17): the RDS manual backup a snapshot-delete makes is recorded in the item's journal,
 * listed once older than `actions.copy-retention` — in the snapshot (TUI Parked view, `ot3c_expired_copies`) and by
 * `ot3c copies`, checked against the simulated cloud over HTTP — and never deleted by ot3c.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "../../../src/engine/executor.ts";
import type { ExecTerminator, ExecutionContext } from "../../../src/engine/execution.ts";
import { reconcile } from "../../../src/engine/lifecycle.ts";
import { checkCopies, copiesMade, copyName, parkingView } from "../../../src/engine/parking/index.ts";
import { billingPeriod } from "../../../src/engine/period.ts";
import type { CloudResource, PlannedTermination, VirtualResource } from "../../../src/engine/types.ts";
import { createEngineMetrics } from "../../../src/exporter/engine-metrics.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { Store } from "../../../src/store/store.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";
import { cleanupTempDirs, globals, run, startSimFixture } from "../../cli/helpers.ts";
import { snapshot } from "../../exporter/fixtures.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

const H = 3_600_000;
const DAY = 24 * H;
const dirs: string[] = [];
let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  cleanupTempDirs();
});

const unitOf = (r: CloudResource): VirtualResource => ({ id: `${r.kind}_${r.id}`, kind: r.kind, name: r.name, prio: 5, tags: r.tags, members: [], daily: NO_DAYS, resource: r });

/** Runs a real snapshot-delete of every database through the executor and the OTC provider against `otc`. */
async function snapshotDeleteAll(store: Store, terminator: ExecTerminator, dbs: CloudResource[], now: number) {
  const period = billingPeriod(now);
  const desired: PlannedTermination[] = dbs.map((db) => ({ vrId: `RDS_${db.id}`, action: "snapshot-delete", prio: 5, tdate: now, tsave: 10, tasap: true, reason: "gap" }));
  const roots = new Map(dbs.map((db) => [`RDS_${db.id}`, unitOf(db)]));
  reconcile(store, { now: now - 2 * H, graceMs: H, periodStart: period.start, desired, origin: "engine", roots, budgetAtRisk: true });
  const ctx: ExecutionContext = { now, dataFresh: true, isWanted: () => true, budgetAtRisk: true, roots };
  await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx);
}

describe("copies ot3c made, past their retention", () => {
  test("recorded at the snapshot-delete, listed once older than the retention, checked in the cloud, never deleted", async () => {
    const world = makeWorld({ rds: 2 });
    const sim = startSim(world, { pollsUntilDone: 1 });
    sims.push(sim);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
      sleep: async () => {},
      jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 },
    });
    const terminator: ExecTerminator = { get: (r) => provider.terminator.get(r), stop: (r) => provider.terminator.stop(r), delete: (r) => provider.terminator.delete(r), actions: provider.actions };
    const dir = mkdtempSync(join(tmpdir(), "ot3c-copies-"));
    dirs.push(dir);
    const store = Store.open(dir);
    const dbs = (await provider.listResources()).filter((r) => r.kind === "RDS");
    const t0 = Date.now();
    await snapshotDeleteAll(store, terminator, dbs, t0);
    const items = store.listItems();
    expect(items.map((i) => i.state)).toEqual(["DONE", "DONE"]);
    // The journal keeps which copy was made and when (the cloud's own creation time).
    const step = items[0]!.journal!.steps[0]!;
    expect(step.copy?.name).toBe(copyName(items[0]!.id, items[0]!.resources[0]!));
    expect(Math.abs(step.copy!.madeAt - t0)).toBeLessThan(60_000);

    const retention = 30 * DAY;
    expect(copiesMade(store, { now: t0 + DAY, billingBeginDay: 1, copyRetentionMs: retention }).map((c) => c.expired)).toEqual([false, false]);
    const later = { now: t0 + 31 * DAY, billingBeginDay: 1, copyRetentionMs: retention };
    const listed = copiesMade(store, later);
    expect(listed.map((c) => c.expired)).toEqual([true, true]);
    const view = parkingView(store, later);
    expect(view.copies).toHaveLength(2);
    expect(view.copiesTotal).toBe(2);

    // Someone deleted one backup by hand: it shows as gone; the other is there, COMPLETED, with its size.
    const [first] = [...world.backups!.values()];
    world.backups!.delete(first!.id);
    const checked = await checkCopies(listed, provider.actions);
    const states = checked.map((c) => (c.cloud.state === "present" ? `present ${c.cloud.status}` : c.cloud.state)).sort();
    expect(states).toEqual(["gone", "present COMPLETED"]);
    // Listing deletes nothing.
    expect(world.backups!.size).toBe(1);
    expect([...sim.requests].filter((r) => r.method === "DELETE" && r.path.includes("/backups"))).toEqual([]);

    // The metric counts what the snapshot lists.
    const metrics = createEngineMetrics({ getSnapshot: () => ({ ...snapshot(), parking: view }), currency: "EUR" });
    const text = await metrics.render(false);
    expect(text).toContain("ot3c_expired_copies 2");
    expect(text).toContain('ot3c_parked_resources{source="park"} 0');
    store.close();
  });

  test("ot3c copies: reads the state database, checks the cloud, marks EXPIRED, exit 0", async () => {
    const f = startSimFixture();
    try {
      appendFileSync(f.config, "\nactions:\n  copy-retention: 1s\n");
      const { loadConfig } = await import("../../../src/config/load.ts");
      const config = await loadConfig({ path: f.config, stateDir: f.stateDir });
      const provider = createOtcProvider(config.otc, { sleep: async () => {}, jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 } });
      const terminator: ExecTerminator = { get: (r) => provider.terminator.get(r), stop: (r) => provider.terminator.stop(r), delete: (r) => provider.terminator.delete(r), actions: provider.actions };
      const db = (await provider.listResources()).find((r) => r.kind === "RDS" && r.status === "ACTIVE" && !r.prepaid)!;
      const store = Store.open(f.stateDir);
      await snapshotDeleteAll(store, terminator, [db], Date.now());
      expect(store.listItems()[0]!.state).toBe("DONE");
      store.close();
      await Bun.sleep(1_100);
      const r = await run([...globals(f), "copies", "-o", "json"]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc).toMatchObject({ version: 1, retention: "0m01s", expired: 1, total: 1 });
      expect(doc.copies[0]).toMatchObject({ resource: `RDS ${db.id}`, expired: true, cloud: { state: "present", status: "COMPLETED" } });
      const text = await run([...globals(f), "copies"]);
      expect(text.out).toContain("1 copies made by ot3c; 1 older than 0m01s (listed for review, never deleted by ot3c)");
      expect(text.out).toMatch(/EXPIRED \d{4}-\d\d-\d\d \d\d:\d\d CE(S)?T  ot3c-/);
    } finally {
      await f.sim.stop();
    }
  });
});
