/**
 * The simulator's real-cloud timing: an accepted job sits in INIT (resource unchanged, polls do not move it), then
 * runs (its effect shows: ECS task_state, EVS deleting) and finishes by itself; and the accept-* faults process a
 * mutation and then lose its answer (gateway 502, connection reset).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { deleteServer, getServer } from "../../../src/providers/otc/ecs.ts";
import { deleteVolume, getVolume } from "../../../src/providers/otc/evs.ts";
import { ecsJobState } from "../../../src/providers/otc/jobs.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";
import { ManualClock } from "../../../src/engine/types.ts";
import { HttpError } from "../../../src/providers/http.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "./world.ts";

const MIN = 60_000;
let sims: RunningSim[] = [];
afterEach(() => {
  sims.forEach((s) => s.stop());
  sims = [];
});

function setup(faults?: FaultInjector) {
  const clock = new ManualClock(Date.UTC(2026, 10, 20));
  const world = makeWorld({ servers: 1, freeVolumes: 1 });
  const sim = startSim(world, { jobInitHoldMs: 10 * MIN, jobRunMs: 5 * MIN, now: () => clock.now() }, undefined, faults);
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), { sleep: async () => {} });
  return { clock, world, sim, provider };
}

describe("job timing", () => {
  test("ECS delete: INIT with ACTIVE and task_state null during the hold (polls do not move it), then deleting, then gone", async () => {
    const { clock, world, provider } = setup();
    const c = await provider.session.clients();
    const id = [...world.servers.keys()][0]!;
    const job = await deleteServer(c.ecs, c.projectId, id);
    for (let i = 0; i < 5; i++) {
      expect(await ecsJobState(c.ecs, c.projectId, job)).toEqual({ done: false });
      const raw = (await getServer(c.ecs, c.projectId, id))!.raw as unknown as Record<string, unknown>;
      expect([raw.status, raw["OS-EXT-STS:task_state"]]).toEqual(["ACTIVE", null]);
      clock.advance(MIN);
    }
    expect(world.jobs.get(job)!.status).toBe("INIT");
    clock.advance(5 * MIN);
    const running = (await getServer(c.ecs, c.projectId, id))!.raw as unknown as Record<string, unknown>;
    expect(running["OS-EXT-STS:task_state"]).toBe("deleting");
    clock.advance(5 * MIN); // nobody polls: the job finishes by itself
    expect(await getServer(c.ecs, c.projectId, id)).toBeUndefined();
    expect(world.jobs.get(job)!.status).toBe("SUCCESS");
  });

  test("EVS delete: available during the hold, deleting once the job runs", async () => {
    const { clock, world, provider } = setup();
    const c = await provider.session.clients();
    const vol = [...world.volumes.values()].find((v) => v.serverIds.length === 0)!;
    await deleteVolume(c.evs, c.projectId, vol.id);
    expect((await getVolume(c.evs, c.projectId, vol.id))!.status).toBe("available");
    clock.advance(10 * MIN);
    expect((await getVolume(c.evs, c.projectId, vol.id))!.status).toBe("deleting");
  });
});

describe("answers lost after acceptance", () => {
  for (const kind of ["accept-502", "accept-reset"] as const) {
    test(`${kind}: the delete is processed once, the client gets a transient error`, async () => {
      const { world, provider } = setup(new FaultInjector({ rate: 1, kinds: [kind], retryAfterSeconds: 0, slowMs: 0, seed: 1 }));
      const c = await provider.session.clients();
      const id = [...world.servers.keys()][0]!;
      const err = (await deleteServer(c.ecs, c.projectId, id).catch((e) => e)) as HttpError;
      expect(err).toBeInstanceOf(HttpError);
      expect(err.retryable).toBe(true);
      if (kind === "accept-502") expect(err.status).toBe(502);
      expect(world.mutations.calls.get(`ECS.delete:${id}`)).toBe(1);
      expect(world.jobs.size).toBe(1); // accepted: the job exists
    });
  }
});
