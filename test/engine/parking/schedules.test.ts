/**
 * Office-hours schedules run against the simulated OTC over HTTP: stopped when the hours end, started when they
 * begin — only what ot3c stopped, never what a person stopped or what a park holds — durable across restarts, and a
 * dry run calls nothing.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileActions } from "../../../src/engine/actions/index.ts";
import type { ExecTerminator } from "../../../src/engine/execution.ts";
import { scheduleTick, type ScheduledResource, type ScheduleTickContext } from "../../../src/engine/parking/index.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { Store } from "../../../src/store/store.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

const office = compileActions({
  schedules: { office: { timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }] } },
  defaultLimit: "delete",
  copyBeforeDelete: true,
  resume: "period-start",
}).schedules.get("office")!;
// Friday Nov 20 2026 (Berlin = UTC+1).
const FRI_1800 = Date.parse("2026-11-20T17:00:00Z");
const FRI_1930 = Date.parse("2026-11-20T18:30:00Z");
const SAT_1000 = Date.parse("2026-11-21T09:00:00Z");
const MON_0705 = Date.parse("2026-11-23T06:05:00Z");
const MON_2000 = Date.parse("2026-11-23T19:00:00Z");
const TUE_0800 = Date.parse("2026-11-24T07:00:00Z");

const dirs: string[] = [];
let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function setup(servers: number) {
  const world = makeWorld({ servers });
  const sim = startSim(world, { pollsUntilDone: 1 });
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: 1, timeoutMs: 60_000, sleep: async () => {}, now: () => 0 },
  });
  const t: ExecTerminator = { get: (r) => provider.terminator.get(r), stop: (r) => provider.terminator.stop(r), delete: (r) => provider.terminator.delete(r), actions: provider.actions };
  const dir = mkdtempSync(join(tmpdir(), "ot3c-sched-"));
  dirs.push(dir);
  const servers_ = (await provider.listResources()).filter((r) => r.kind === "ECS");
  const scheduled: ScheduledResource[] = servers_.map((r) => ({ leaf: `ECS_${r.id}`, resource: r, schedule: office }));
  return { world, t, dir, scheduled };
}
const ctx = (now: number, over: Partial<ScheduleTickContext> = {}): ScheduleTickContext => ({ now, enforce: true, vetoed: new Set(), parked: new Set(), complete: true, ...over });

describe("schedules run", () => {
  test("stop at the end of the hours, start at the next beginning; a person's stop is theirs; durable across a restart", async () => {
    const { world, t, dir, scheduled } = await setup(2);
    const [a, b] = scheduled;
    let store = Store.open(dir);
    expect(await scheduleTick(store, t, scheduled, ctx(FRI_1800))).toBe(0); // inside the hours: nothing
    world.servers.get(b!.resource.id)!.status = "SHUTOFF"; // its owner stopped it at 18:30
    expect(await scheduleTick(store, t, scheduled, ctx(FRI_1930))).toBe(1);
    expect(world.servers.get(a!.resource.id)!.status).toBe("SHUTOFF");
    expect(world.mutations.calls.get(`ECS.stop:${b!.resource.id}`)).toBeUndefined();
    // Over the weekend nothing happens, also not after a restart (the edges are in the store).
    store.close();
    store = Store.open(dir);
    expect(await scheduleTick(store, t, scheduled, ctx(SAT_1000))).toBe(0);
    expect(store.scheduleRuns().find((r) => r.resourceId === a!.resource.id)).toMatchObject({ nextStartAt: Date.parse("2026-11-23T06:00:00Z"), stoppedAt: FRI_1930 });
    // Monday 07:00: ot3c starts what it stopped, not what the owner stopped.
    expect(await scheduleTick(store, t, scheduled, ctx(MON_0705))).toBe(1);
    expect(world.servers.get(a!.resource.id)!.status).toBe("ACTIVE");
    expect(world.servers.get(b!.resource.id)!.status).toBe("SHUTOFF");
    const actions = store.auditEvents().map((e) => e.action);
    expect(actions.indexOf("schedule.about-to-stop")).toBeLessThan(actions.indexOf("schedule.stopped"));
    expect(actions).toContain("schedule.started");
    store.close();
  });

  test("first sight outside the hours stops at once; after a night down only the later edge counts", async () => {
    const { world, t, dir, scheduled } = await setup(1);
    const store = Store.open(dir);
    const [a] = scheduled;
    expect(await scheduleTick(store, t, scheduled, ctx(SAT_1000))).toBe(1);
    expect(world.servers.get(a!.resource.id)!.status).toBe("SHUTOFF");
    expect(await scheduleTick(store, t, scheduled, ctx(MON_0705))).toBe(1);
    expect(world.servers.get(a!.resource.id)!.status).toBe("ACTIVE");
    // Down from Monday 18:00 to Tuesday 08:00: the stop at 19:00 and the start at 07:00 are both due; running is right.
    const calls = world.mutations.total;
    expect(await scheduleTick(store, t, scheduled, ctx(TUE_0800))).toBe(0);
    expect(world.mutations.total).toBe(calls);
    expect(world.servers.get(a!.resource.id)!.status).toBe("ACTIVE");
    store.close();
  });

  test("dry run calls nothing; a vetoed or parked resource is left to its veto or park", async () => {
    const { world, t, dir, scheduled } = await setup(3);
    const store = Store.open(dir);
    const [a, b, c] = scheduled;
    await scheduleTick(store, t, [a!], ctx(FRI_1800, { enforce: false }));
    expect(await scheduleTick(store, t, [a!], ctx(FRI_1930, { enforce: false }))).toBe(0);
    expect(world.servers.get(a!.resource.id)!.status).toBe("ACTIVE");
    expect(store.auditEvents().map((e) => e.action)).toContain("schedule.would-stop");
    await scheduleTick(store, t, [b!, c!], ctx(FRI_1800));
    expect(await scheduleTick(store, t, [b!, c!], ctx(FRI_1930, { vetoed: new Set([b!.leaf]) }))).toBe(1);
    expect(world.servers.get(b!.resource.id)!.status).toBe("ACTIVE");
    expect(world.servers.get(c!.resource.id)!.status).toBe("SHUTOFF");
    // c is parked for the budget meanwhile: Monday's start is the park's business, not the schedule's.
    expect(await scheduleTick(store, t, [b!, c!], ctx(MON_0705, { parked: new Set([c!.resource.id]) }))).toBe(0);
    expect(world.servers.get(c!.resource.id)!.status).toBe("SHUTOFF");
    expect(await scheduleTick(store, t, [b!, c!], ctx(MON_2000, { vetoed: new Set([b!.leaf]), parked: new Set([c!.resource.id]) }))).toBe(0);
    store.close();
  });
});

describe("schedules and the one acting engine", () => {
  test("a process that may no longer act sends nothing", async () => {
    const { world, t, dir, scheduled } = await setup(1);
    const store = Store.open(dir);
    await scheduleTick(store, t, scheduled, ctx(FRI_1800));
    expect(await scheduleTick(store, t, scheduled, ctx(FRI_1930, { mayAct: () => false }))).toBe(0);
    expect(world.servers.get(scheduled[0]!.resource.id)!.status).toBe("ACTIVE");
    // The edge is still due for the leader.
    expect(await scheduleTick(store, t, scheduled, ctx(FRI_1930 + 60_000))).toBe(1);
    store.close();
  });
});
