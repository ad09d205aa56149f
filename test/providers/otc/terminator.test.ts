import { afterEach, describe, expect, test } from "bun:test";
import type { CloudResource } from "../../../src/engine/types.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { credsFor, instantJobs, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});

function setup(spec: Parameters<typeof makeWorld>[0], simOpts: Parameters<typeof startSim>[1] = {}) {
  const world = makeWorld(spec);
  const sim = startSim(world, { pollsUntilDone: 3, ...simOpts });
  sims.push(sim);
  const sleeps: number[] = [];
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: 250, sleep: async (ms) => void sleeps.push(ms) },
  });
  return { world, sim, provider, t: provider.terminator, sleeps };
}

const find = async (p: ReturnType<typeof setup>["provider"], id: string): Promise<CloudResource> =>
  (await p.listResources()).find((r) => r.id === id)!;

describe("OtcTerminator against the simulator", () => {
  test("ECS stop runs os-stop as a job and waits for it (SHUTOFF after the polls)", async () => {
    const { world, sim, provider, t, sleeps } = setup({ servers: 2 });
    const srv = await find(provider, "srv-00000001-0000-4000-8000-000000000000");
    await t.stop(srv);
    expect(world.servers.get(srv.id)!.status).toBe("SHUTOFF");
    expect(world.servers.get("srv-00000002-0000-4000-8000-000000000000")!.status).toBe("ACTIVE");
    expect(sim.handler.counts.get("JOBS.v1")).toBe(3);
    expect(sleeps).toEqual([250, 250]);
    expect(world.mutations.calls.get(`ECS.stop:${srv.id}`)).toBe(1);
    expect((await t.get(srv))?.status).toBe("SHUTOFF");
    const body = sim.requests.find((r) => r.path.endsWith("/cloudservers/action"));
    expect(body?.method).toBe("POST");
  });

  test("ECS delete removes the server and its system disk, keeps and detaches its data disks; get() then says gone", async () => {
    const { world, provider, t } = setup({ servers: 1, dataVolumesPerServer: 1 });
    const srv = await find(provider, "srv-00000001-0000-4000-8000-000000000000");
    const [boot, data] = srv.attachedVolumeIds!;
    await t.delete(srv);
    expect(world.servers.has(srv.id)).toBe(false);
    expect(world.volumes.get(data!)).toMatchObject({ status: "available", serverIds: [] });
    expect(world.volumes.has(boot!)).toBe(false);
    expect(await t.get(srv)).toBeUndefined();
    expect(world.mutations.calls.get(`ECS.delete:${srv.id}`)).toBe(1);
  });

  test("EVS delete is refused while attached, and works after the server is gone", async () => {
    const { world, provider, t } = setup({ servers: 1, dataVolumesPerServer: 1 });
    const all = await provider.listResources();
    const srv = all.find((r) => r.kind === "ECS")!;
    const data = all.find((r) => r.id === srv.attachedVolumeIds![1])!;
    await expect(t.delete(data)).rejects.toThrow(/HTTP 400 EVS\.2021.*must not be attached/);
    expect(world.volumes.has(data.id)).toBe(true);
    await t.delete(srv);
    await t.delete(data);
    expect(world.volumes.has(data.id)).toBe(false);
    expect(await t.get(data)).toBeUndefined();
    await expect(t.stop(data)).rejects.toThrow(/cannot be stopped/);
  });

  test("a FAIL job rejects with the API's reason, is sent once, and leaves the resource in place", async () => {
    const { world, provider, t } = setup(
      { servers: 2 },
      { failJob: (action, id) => (action === "ECS.delete" && id.startsWith("srv-00000002") ? { failReason: "server is locked", errorCode: "Ecs.0040" } : undefined) },
    );
    const srv = await find(provider, "srv-00000002-0000-4000-8000-000000000000");
    const err = (await t.delete(srv).catch((e) => e)) as Error;
    expect(err.message).toContain("OTC ECS");
    expect(err.message).toContain("Ecs.0040");
    expect(err.message).toContain("server is locked");
    expect(world.servers.has(srv.id)).toBe(true);
    expect(world.mutations.calls.get(`ECS.delete:${srv.id}`)).toBe(1);
    expect(world.mutations.total).toBe(1);
  });

  test("a resource tagged ot3c_sim_fail fails its job without a hook", async () => {
    const { world, provider, t } = setup({ servers: 1 });
    const id = "srv-00000001-0000-4000-8000-000000000000";
    world.servers.get(id)!.tags.push("ot3c_sim_fail=quota frozen");
    await expect(t.stop(await find(provider, id))).rejects.toThrow(/quota frozen/);
    expect(world.servers.get(id)!.status).toBe("ACTIVE");
  });

  test("a job that never finishes times out instead of hanging", async () => {
    const world = makeWorld({ servers: 1 });
    const sim = startSim(world, { pollsUntilDone: 1000 });
    sims.push(sim);
    let clock = 0;
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
      jobs: { intervalMs: 1000, timeoutMs: 5000, now: () => clock, sleep: async (ms) => void (clock += ms) },
    });
    const srv = (await provider.listResources()).find((r) => r.kind === "ECS")!;
    await expect(provider.terminator.stop(srv)).rejects.toThrow(/did not finish within 5 s/);
    expect(sim.handler.counts.get("JOBS.v1")).toBe(6);
  });

  test("CCE node pool delete waits until the pool is gone; a failed deletion rejects", async () => {
    const { world, provider, t } = setup(
      { clusters: 1, poolsPerCluster: 2 },
      { failJob: (action, id) => (action === "CCE.delete" && id.endsWith("0002") ? { failReason: "nodes could not be drained" } : undefined) },
    );
    const pools = (await provider.listResources()).filter((r) => r.kind === "CCE");
    const [ok, bad] = [pools.find((p) => p.id.endsWith("0001"))!, pools.find((p) => p.id.endsWith("0002"))!];
    expect((await t.get(ok))?.status).toBe("Available");
    await t.delete(ok);
    expect(world.nodePools.has(ok.id)).toBe(false);
    expect(await t.get(ok)).toBeUndefined();
    await expect(t.delete(bad)).rejects.toThrow(/nodes could not be drained/);
    expect(world.nodePools.get(bad.id)!.phase).toBe("Error");
    await expect(t.stop(bad)).rejects.toThrow(/cannot be stopped/);
  });

  test("RDS stop and delete run as v3 jobs; unsupported engines are refused by the API", async () => {
    const { world, provider, t } = setup({ rds: 3 });
    const dbs = (await provider.listResources()).filter((r) => r.kind === "RDS");
    const [pg, my, sql] = dbs;
    await t.stop(pg!);
    expect(world.rds.get(pg!.id)!.status).toBe("SHUTDOWN");
    expect((await t.get(pg!))?.status).toBe("SHUTDOWN");
    await expect(t.stop(sql!)).rejects.toThrow(/DBS\.201014/);
    await t.delete(my!);
    expect(world.rds.has(my!.id)).toBe(false);
    expect(await t.get(my!)).toBeUndefined();
    expect(world.mutations.calls.get(`RDS.stop:${pg!.id}`)).toBe(1);
    expect(world.mutations.calls.get(`RDS.delete:${my!.id}`)).toBe(1);
  });

  test("a 503 on a mutation is not retried (mutations are not idempotent)", async () => {
    const world = makeWorld({ servers: 1 });
    let posts = 0;
    const sim = startSim(world, {}, (req) => {
      if (req.method === "POST" && posts++ === 0) return Response.json({ error: { code: "SYS.0503", message: "busy" } }, { status: 503 });
      return undefined;
    });
    sims.push(sim);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), { sleep: async () => {}, jobs: instantJobs });
    const srv = (await provider.listResources()).find((r) => r.kind === "ECS")!;
    await expect(provider.terminator.delete(srv)).rejects.toThrow(/HTTP 503/);
    expect(posts).toBe(1);
    expect(world.servers.has(srv.id)).toBe(true);
  });
});
