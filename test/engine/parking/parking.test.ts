/**
 * The ladder's execution end to end over HTTP against the simulated OTC (127.0.0.1): the executor parks through the
 * terminator's stop, backs a database up before a snapshot-delete (and deletes nothing when the backup cannot be
 * made), and the resume tick brings parks back at the next period start or on an operator's request — leaving alone
 * what someone else started or deleted meanwhile.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "../../../src/engine/executor.ts";
import type { ExecTerminator, ExecutionContext } from "../../../src/engine/execution.ts";
import { applyCommand, reconcile } from "../../../src/engine/lifecycle.ts";
import { toCommand } from "../../../src/daemon/protocol.ts";
import { copyName, requestResume, resumeTick } from "../../../src/engine/parking/index.ts";
import { billingPeriod } from "../../../src/engine/period.ts";
import type { CloudResource, PlannedTermination, VirtualResource } from "../../../src/engine/types.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { Store, type StoredPlanItem } from "../../../src/store/store.ts";
import { fencedStore, Lease, StaleLeaderError } from "../../../src/store/lease/index.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

const H = 3_600_000;
const T0 = Date.parse("2026-11-20T09:00:00Z");
const period = billingPeriod(T0);
const dirs: string[] = [];
let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function setup(spec: Parameters<typeof makeWorld>[0], withActions = true) {
  const world = makeWorld(spec);
  const sim = startSim(world, { pollsUntilDone: 1 });
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 },
  });
  const terminator: ExecTerminator = {
    get: (r) => provider.terminator.get(r),
    stop: (r) => provider.terminator.stop(r),
    delete: (r) => provider.terminator.delete(r),
    ...(withActions ? { actions: provider.actions } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), "ot3c-park-"));
  dirs.push(dir);
  const store = Store.open(dir);
  const resources = await provider.listResources();
  return { world, sim, provider, terminator, store, resources };
}

const unitOf = (r: CloudResource): VirtualResource => ({ id: `${r.kind}_${r.id}`, kind: r.kind, name: r.name, prio: 5, tags: r.tags, members: [], daily: NO_DAYS, resource: r });
const planned = (vrId: string, action: PlannedTermination["action"]): PlannedTermination => ({ vrId, action, prio: 5, tdate: T0, tsave: 10, tasap: true, reason: "gap" });

function plan(store: Store, units: VirtualResource[], desired: PlannedTermination[]) {
  const roots = new Map(units.map((u) => [u.id, u]));
  reconcile(store, { now: T0 - 2 * H, graceMs: H, periodStart: period.start, desired, origin: "engine", roots, budgetAtRisk: true });
  const wanted = new Set(desired.map((d) => d.vrId));
  const ctx = (now: number): ExecutionContext => ({ now, dataFresh: true, isWanted: (i: StoredPlanItem) => wanted.has(i.vrId), budgetAtRisk: true, roots });
  return ctx;
}

describe("park, snapshot-delete and resume against the simulator", () => {
  test("a park stops the server; at the next period start it is started again and the owner is told", async () => {
    const { world, terminator, store, resources } = await setup({ servers: 1 });
    const srv = resources.find((r) => r.kind === "ECS")!;
    const ctx = plan(store, [unitOf(srv)], [planned(`ECS_${srv.id}`, "park")]);
    const ex = new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 });
    await ex.tick(ctx(T0));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    expect(world.servers.get(srv.id)!.status).toBe("SHUTOFF");
    expect(store.auditEvents().map((e) => e.action)).toContain("terminate.parked");

    const resumed: string[] = [];
    const events = { onResumed: (i: StoredPlanItem) => resumed.push(i.id) };
    // Inside the period nothing comes back.
    expect(await resumeTick(store, terminator, { now: period.end - 1, period, mode: "period-start", headroom: 1000 }, events)).toEqual([]);
    expect(world.servers.get(srv.id)!.status).toBe("SHUTOFF");
    // The next period: started again.
    const next = billingPeriod(period.end + 60_000);
    expect(await resumeTick(store, terminator, { now: period.end + 60_000, period: next, mode: "period-start" }, events)).toEqual([item.id]);
    expect(world.servers.get(srv.id)!.status).toBe("ACTIVE");
    expect(world.mutations.calls.get(`ECS.start:${srv.id}`)).toBe(1);
    expect(resumed).toEqual([item.id]);
    const after = store.getItem(item.id)!;
    expect(after.journal!.resume!.steps).toMatchObject([{ resourceId: srv.id, outcome: "started" }]);
    expect(after.journal!.resume!.doneAt).toBe(period.end + 60_000);
    // Once done, never again (a restart re-reads the journal).
    expect(await resumeTick(store, terminator, { now: period.end + 2 * H, period: next, mode: "period-start" }, events)).toEqual([]);
    expect(world.mutations.calls.get(`ECS.start:${srv.id}`)).toBe(1);
  });

  test("one acting engine: a process that lost the lease writes nothing and starts nothing", async () => {
    const { world, terminator, store, resources } = await setup({ servers: 1 });
    const srv = resources.find((r) => r.kind === "ECS")!;
    const ctx = plan(store, [unitOf(srv)], [planned(`ECS_${srv.id}`, "park")]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const a = new Lease(store.path, { name: "eu-de/p", ttlMs: 60_000, holder: "1@host-a/x" });
    const b = new Lease(store.path, { name: "eu-de/p", ttlMs: 60_000, holder: "2@host-b/y" });
    try {
      expect(a.attempt().role).toBe("LEADER");
      store.db.query("UPDATE leases SET expires_at = 0").run();
      expect(b.attempt().role).toBe("LEADER"); // a still believes it leads
      const fenced = fencedStore(store, a, 500);
      await expect(resumeTick(fenced, terminator, { now: period.end, period: billingPeriod(period.end), mode: "period-start" })).rejects.toThrow(StaleLeaderError);
      expect(world.servers.get(srv.id)!.status).toBe("SHUTOFF");
      expect(world.mutations.calls.get(`ECS.start:${srv.id}`)).toBeUndefined();
      expect(store.auditEvents().map((e) => e.action)).not.toContain("resume.about-to-start");
    } finally {
      a.release();
      b.release();
    }
  });

  test("what someone else started or deleted meanwhile is left alone and noted", async () => {
    const { world, terminator, store, resources } = await setup({ servers: 2 });
    const [a, b] = resources.filter((r) => r.kind === "ECS");
    const ctx = plan(store, [unitOf(a!), unitOf(b!)], [planned(`ECS_${a!.id}`, "park"), planned(`ECS_${b!.id}`, "park")]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    world.servers.get(a!.id)!.status = "ACTIVE"; // an owner started it by hand
    world.servers.delete(b!.id); // someone deleted it
    const next = billingPeriod(period.end);
    const done = await resumeTick(store, terminator, { now: period.end, period: next, mode: "period-start" });
    expect(done.length).toBe(2);
    expect(world.mutations.calls.get(`ECS.start:${a!.id}`)).toBeUndefined();
    const notes = store.listItems().flatMap((i) => i.journal!.resume!.steps.map((s) => `${s.outcome}: ${s.note}`)).sort();
    expect(notes).toEqual(["left-alone: deleted meanwhile; nothing to start", "left-alone: started by someone else meanwhile; left as it is"]);
  });

  test("ot3c resume ID brings a park back within the period; on-recovery when the headroom covers its saving", async () => {
    const { world, terminator, store, resources } = await setup({ servers: 2 });
    const [a, b] = resources.filter((r) => r.kind === "ECS");
    const ctx = plan(store, [unitOf(a!), unitOf(b!)], [planned(`ECS_${a!.id}`, "park"), planned(`ECS_${b!.id}`, "park")]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const items = store.listItems();
    const itemA = items.find((i) => i.vrId === `ECS_${a!.id}`)!;
    // Over the control socket's protocol and the lifecycle, as `ot3c resume` sends it.
    const cmd = toCommand({ id: 1, cmd: "resume", ids: [itemA.id, "nope"], actor: "alice", source: "cli" });
    if (typeof cmd === "string") throw new Error(cmd);
    const r = applyCommand(store, cmd, T0 + H);
    expect(r.results.map((x) => [x.id, x.ok])).toEqual([[itemA.id, true], ["nope", false]]);
    expect(store.auditEvents().find((e) => e.action === "resume.requested")).toMatchObject({ actor: "alice", source: "cli", itemId: itemA.id });
    expect(requestResume(store, [itemA.id], T0 + H, { actor: "alice", source: "cli" }).accepted).toEqual([itemA.id]);
    // period-start mode, headroom large: only the requested one.
    expect(await resumeTick(store, terminator, { now: T0 + H, period, mode: "period-start", headroom: 1000 })).toEqual([itemA.id]);
    expect(world.servers.get(a!.id)!.status).toBe("ACTIVE");
    expect(world.servers.get(b!.id)!.status).toBe("SHUTOFF");
    // on-recovery: not while the headroom is below what the park saves (10), then yes.
    expect(await resumeTick(store, terminator, { now: T0 + 2 * H, period, mode: "on-recovery", headroom: 9 })).toEqual([]);
    expect((await resumeTick(store, terminator, { now: T0 + 3 * H, period, mode: "on-recovery", headroom: 10 })).length).toBe(1);
    expect(world.servers.get(b!.id)!.status).toBe("ACTIVE");
  });

  test("snapshot-delete: the backup is COMPLETED before the database is deleted, and kept after it", async () => {
    const { world, terminator, store, resources } = await setup({ rds: 1 });
    const db = resources.find((r) => r.kind === "RDS")!;
    const ctx = plan(store, [unitOf(db)], [planned(`RDS_${db.id}`, "snapshot-delete")]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("DONE");
    expect(world.rds.has(db.id)).toBe(false);
    const backups = [...(world.backups?.values() ?? [])];
    expect(backups.map((b) => [b.name, b.status])).toEqual([[copyName(item.id, db), "COMPLETED"]]);
    expect(store.auditEvents().map((e) => e.action)).toContain("terminate.snapshot-deleted");
  });

  test("a restart finds its backup still BUILDING: it waits for that one, never makes a second, then deletes", async () => {
    const { world, terminator, store, resources } = await setup({ rds: 1 });
    const db = resources.find((r) => r.kind === "RDS")!;
    const ctx = plan(store, [unitOf(db)], [planned(`RDS_${db.id}`, "snapshot-delete")]);
    const item = store.listItems()[0]!;
    // What a process killed while waiting for its backup leaves behind: the backup, still being made.
    (world.backups ??= new Map()).set("bk-1", {
      id: "bk-1", instanceId: db.id, name: copyName(item.id, db), description: "", status: "BUILDING", sizeKb: 1024, datastore: "PostgreSQL",
      beginTime: "2026-11-20T08:00:00+0000", pollsUntilDone: 3,
    });
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    expect(store.getItem(item.id)!.state).toBe("DONE");
    expect([...world.backups!.values()].map((b) => [b.id, b.status])).toEqual([["bk-1", "COMPLETED"]]);
    expect(world.mutations.calls.get(`RDS.backup:${db.id}`)).toBeUndefined();
    expect(world.rds.has(db.id)).toBe(false);
  });

  test("snapshot-delete of a server with its volume (a plan file can name one): refused before any call", async () => {
    const { world, terminator, store, resources } = await setup({ servers: 1 });
    const srv = resources.find((r) => r.kind === "ECS")!;
    const vol = resources.find((r) => r.kind === "EVS")!;
    const members = [unitOf(srv), unitOf(vol)];
    const g: VirtualResource = { id: `GR_[${members.map((m) => m.id).join(",")}]`, kind: "GROUP", name: "g", prio: 5, tags: {}, members, daily: NO_DAYS };
    const ctx = plan(store, [g], [planned(g.id, "snapshot-delete")]);
    await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    const item = store.listItems()[0]!;
    expect(item.state).toBe("FAILED");
    expect(item.error).toMatch(/cannot keep a copy of EVS .* nothing deleted/);
    expect(world.mutations.total).toBe(0);
    expect(world.servers.has(srv.id)).toBe(true);
  });

  test("snapshot-delete without a way to copy, or with a copy the cloud refuses: FAILED, nothing deleted", async () => {
    const bare = await setup({ rds: 1 }, false);
    const db = bare.resources.find((r) => r.kind === "RDS")!;
    const ctx = plan(bare.store, [unitOf(db)], [planned(`RDS_${db.id}`, "snapshot-delete")]);
    await new Executor(bare.store, bare.terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx(T0));
    expect(bare.store.listItems()[0]!.state).toBe("FAILED");
    expect(bare.store.listItems()[0]!.error).toMatch(/cannot make copies; nothing deleted/);
    expect(bare.world.rds.has(db.id)).toBe(true);

    // A stopped instance cannot be backed up (the simulator refuses, like OTC): the delete is never sent.
    const s = await setup({ rds: 1 });
    const db2 = s.resources.find((r) => r.kind === "RDS")!;
    s.world.rds.get(db2.id)!.status = "SHUTDOWN";
    const ctx2 = plan(s.store, [unitOf(db2)], [planned(`RDS_${db2.id}`, "snapshot-delete")]);
    await new Executor(s.store, s.terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx2(T0));
    expect(s.store.listItems()[0]!.state).toBe("FAILED");
    expect(s.world.rds.has(db2.id)).toBe(true);
    expect(s.world.mutations.calls.get(`RDS.delete:${db2.id}`)).toBeUndefined();
  });
});
