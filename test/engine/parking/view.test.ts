/**
 * What the Parked view is built from (engine/parking/view.ts), over parks executed against the simulated OTC over
 * HTTP: when each comes back (next period start; a database at OTC's 7-day restart; earlier when an operator asked),
 * schedules' stops with their next start, and notes only from an inventory read after the park.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "../../../src/engine/executor.ts";
import type { ExecTerminator, ExecutionContext } from "../../../src/engine/execution.ts";
import { reconcile } from "../../../src/engine/lifecycle.ts";
import { parkedEntries, requestResume } from "../../../src/engine/parking/index.ts";
import { billingPeriod } from "../../../src/engine/period.ts";
import type { CloudResource, PlannedTermination, ResourceUnit, VirtualResource } from "../../../src/engine/types.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { Store } from "../../../src/store/store.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";
import { NO_DAYS } from "../../../src/engine/virtual/day-series.ts";

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse("2026-11-20T09:00:00Z");
const period = billingPeriod(T0);
const dirs: string[] = [];
let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const unitOf = (r: CloudResource): VirtualResource => ({ id: `${r.kind}_${r.id}`, kind: r.kind, name: r.name, prio: 5, tags: r.tags, members: [], daily: NO_DAYS, resource: r });
const asRoots = (rs: CloudResource[]): ResourceUnit[] => rs.map(unitOf);

async function parked() {
  const world = makeWorld({ servers: 2, rds: 1 });
  const sim = startSim(world, { pollsUntilDone: 1 });
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 },
  });
  const terminator: ExecTerminator = { get: (r) => provider.terminator.get(r), stop: (r) => provider.terminator.stop(r), delete: (r) => provider.terminator.delete(r), actions: provider.actions };
  const dir = mkdtempSync(join(tmpdir(), "ot3c-view-"));
  dirs.push(dir);
  const store = Store.open(dir);
  const resources = await provider.listResources();
  const [a, b] = resources.filter((r) => r.kind === "ECS");
  const db = resources.find((r) => r.kind === "RDS")!;
  const desired: PlannedTermination[] = [a!, db].map((r) => ({ vrId: `${r.kind}_${r.id}`, action: "park", prio: 5, tdate: T0, tsave: 10, tasap: true, reason: `budget gap: park ${r.name}` }));
  const roots = new Map([a!, db].map((r) => [`${r.kind}_${r.id}`, unitOf(r)]));
  reconcile(store, { now: T0 - 2 * H, graceMs: H, periodStart: period.start, desired, origin: "engine", roots, budgetAtRisk: true });
  const ctx: ExecutionContext = { now: T0, dataFresh: true, isWanted: () => true, budgetAtRisk: true, roots };
  await new Executor(store, terminator, { enforce: true, approval: "none", maxTerminationsPerRun: 10 }).tick(ctx);
  expect(store.listItems().map((i) => i.state)).toEqual(["DONE", "DONE"]);
  return { world, provider, store, a: a!, b: b!, db };
}

describe("the Parked view's data", () => {
  test("back at the next period start; a database at OTC's 7-day restart; earlier when an operator asked", async () => {
    const { store, a, db } = await parked();
    const rows = parkedEntries(store, { now: T0 + H, billingBeginDay: 1 });
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by[a.id]).toMatchObject({ source: "park", kind: "ECS", name: a.name, since: T0, backAt: period.end, backBy: "period-start", why: `budget gap: park ${a.name}` });
    expect(by[db.id]).toMatchObject({ kind: "RDS", backAt: T0 + 7 * DAY, backBy: "otc-restart" });
    // Soonest back first.
    expect(rows.map((r) => r.id)).toEqual([db.id, a.id]);
    const item = store.listItems().find((i) => i.vrId === `ECS_${a.id}`)!;
    requestResume(store, [item.id], T0 + 2 * H, { actor: "op", source: "cli" });
    expect(parkedEntries(store, { now: T0 + 2 * H, billingBeginDay: 1 }).find((r) => r.id === a.id)).toMatchObject({ backAt: T0 + 2 * H, backBy: "operator", itemId: item.id });
  });

  test("someone started or deleted it: noted only from an inventory read after the park", async () => {
    const { world, provider, store, a, db } = await parked();
    world.servers.get(a.id)!.status = "ACTIVE";
    world.rds.delete(db.id);
    const now = await provider.listResources();
    const roots = asRoots(now);
    const notes = (inventoryAt: number | undefined) =>
      Object.fromEntries(parkedEntries(store, { now: T0 + 3 * H, billingBeginDay: 1, roots, ...(inventoryAt !== undefined ? { inventoryAt } : {}) }).map((r) => [r.id, r.note]));
    expect(notes(T0 + 2 * H)).toEqual({ [a.id]: "started by someone else meanwhile; will be left alone", [db.id]: "deleted meanwhile; will be left alone" });
    // An inventory read before the park (the evaluation the schedule tick followed) proves nothing.
    expect(notes(T0 - H)).toEqual({ [a.id]: undefined, [db.id]: undefined });
    expect(notes(undefined)).toEqual({ [a.id]: undefined, [db.id]: undefined });
  });

  test("a schedule's stop is listed with its next start; one a park holds is listed once, as the park", async () => {
    const { store, a, b } = await parked();
    store.putScheduleRun({ resourceId: b.id, kind: "ECS", schedule: "office-hours", stoppedAt: T0 - 2 * H, nextStartAt: T0 + 20 * H, nextStopAt: T0 + 32 * H, since: T0 - DAY, updatedAt: T0 });
    store.putScheduleRun({ resourceId: a.id, kind: "ECS", schedule: "office-hours", stoppedAt: T0 - 2 * H, nextStartAt: T0 + 20 * H, since: T0 - DAY, updatedAt: T0 });
    const rows = parkedEntries(store, { now: T0 + H, billingBeginDay: 1 });
    expect(rows.filter((r) => r.id === a.id).map((r) => r.source)).toEqual(["park"]);
    expect(rows.find((r) => r.id === b.id)).toMatchObject({ source: "schedule", backAt: T0 + 20 * H, backBy: "schedule", schedule: "office-hours", why: "outside the hours of schedule office-hours" });
    expect(rows.find((r) => r.id === b.id)!.itemId).toBeUndefined();
    // A stop-only schedule never starts it: no time, "by hand".
    store.putScheduleRun({ resourceId: b.id, kind: "ECS", schedule: "nights", stoppedAt: T0 - 2 * H, since: T0 - DAY, updatedAt: T0 });
    const stopOnly = parkedEntries(store, { now: T0 + H, billingBeginDay: 1 }).find((r) => r.id === b.id)!;
    expect(stopOnly.backAt).toBeUndefined();
    expect(stopOnly).toMatchObject({ backBy: "by-hand", why: "outside the hours of schedule nights (stop-only: started by hand, not by ot3c)" });
  });
});
