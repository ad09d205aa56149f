/**
 * OtcResourceActions against the simulated OTC over HTTP on 127.0.0.1: park/resume/start per kind, safety copies
 * and cluster hibernation, each waiting for the cloud's job and failing with its reason.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { CloudResource } from "../../../src/engine/types.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { backupName } from "../../../src/providers/otc/actions/index.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

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
    jobs: { intervalMs: 250, timeoutMs: 60_000, sleep: async (ms) => void sleeps.push(ms), now: () => 0 },
  });
  return { world, sim, provider, a: provider.actions, sleeps };
}

const byKind = async (p: ReturnType<typeof setup>["provider"], kind: CloudResource["kind"]) => (await p.listResources()).filter((r) => r.kind === kind);

describe("park and resume", () => {
  test("ECS: park stops through a batch os-stop job, resume starts through os-start, both polled to SUCCESS", async () => {
    const { world, sim, provider, a, sleeps } = setup({ servers: 2 });
    const [srv] = await byKind(provider, "ECS");
    const jobs: string[] = [];
    const parked = await a.park(srv!, { onJob: (id) => jobs.push(id) });
    expect(parked).toMatchObject({ kind: "ECS", id: srv!.id });
    // The job id is reported (for the execution journal, so a restart can await the job).
    expect(jobs).toHaveLength(1);
    expect(world.jobs.get(jobs[0]!)!.type).toBe("stopServer");
    expect(world.servers.get(srv!.id)!.status).toBe("SHUTOFF");
    expect(sleeps).toEqual([250, 250]);
    await a.resume(srv!, parked);
    expect(world.servers.get(srv!.id)!.status).toBe("ACTIVE");
    expect(world.mutations.calls.get(`ECS.start:${srv!.id}`)).toBe(1);
    const bodies = sim.requests.filter((r) => r.path.endsWith("/cloudservers/action"));
    expect(bodies).toHaveLength(2);
    // A start of a running server is no call at all (decided on a fresh read, not the inventory entry).
    await a.start({ ...srv!, status: "SHUTOFF" });
    expect(world.mutations.calls.get(`ECS.start:${srv!.id}`)).toBe(1);
  });

  test("ECS: a failed start job rejects with the cloud's reason", async () => {
    const { world, provider, a } = setup({ servers: 1 });
    const [srv] = await byKind(provider, "ECS");
    await a.park(srv!);
    world.servers.get(srv!.id)!.tags.push("ot3c_sim_fail=host capacity exhausted");
    await expect(a.start(srv!)).rejects.toThrow(/start of server .* failed.*host capacity exhausted/);
    expect(world.servers.get(srv!.id)!.status).toBe("SHUTOFF");
  });

  test("CCE: park scales the pool to 0 with autoscaling off and remembers 3 nodes + autoscaling; resume restores both", async () => {
    const { world, sim, provider, a } = setup({ clusters: 1, poolsPerCluster: 1 });
    const [pool] = await byKind(provider, "CCE");
    const np = world.nodePools.get(pool!.id)!;
    np.autoscaling = { enable: true, minNodeCount: 1, maxNodeCount: 6 };
    const parked = await a.park(pool!);
    expect(parked).toMatchObject({ kind: "CCE", formerNodeCount: 3, formerAutoscaling: { enable: true, minNodeCount: 1, maxNodeCount: 6 } });
    expect(np.currentNode).toBe(0);
    expect(np.autoscaling!.enable).toBe(false);
    await a.resume(pool!, parked);
    expect(np.currentNode).toBe(3);
    expect(np.autoscaling).toEqual({ enable: true, minNodeCount: 1, maxNodeCount: 6 });
    expect(sim.handler.counts.get("CCE.updateNodePool")).toBe(2);
  });

  test("CCE: a pool whose scaling fails rejects with the pool's message", async () => {
    const { world, provider, a } = setup({ clusters: 1, poolsPerCluster: 1 });
    const [pool] = await byKind(provider, "CCE");
    world.nodePools.get(pool!.id)!.tags.ot3c_sim_fail = "quota of the cluster reached";
    await expect(a.park(pool!)).rejects.toThrow(/scaling of node pool .* failed: quota of the cluster reached/);
  });

  test("CCE: scaling is done at the count with a blank or Synchronized phase (both documented); SoldOut fails", async () => {
    const { world, sim, provider } = setup({ clusters: 1, poolsPerCluster: 1 });
    const [pool] = await byKind(provider, "CCE");
    const np = world.nodePools.get(pool!.id)! as unknown as { phase: string; currentNode?: number };
    const { scaleState } = await import("../../../src/providers/otc/actions/cce.ts");
    const { HttpClient } = await import("../../../src/providers/http.ts");
    const { createSigner } = await import("../../../src/providers/otc/signer.ts");
    const c = new HttpClient({ endpoint: "test.cce", baseURL: sim.baseUrl, retries: 0, sign: createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey }) });
    const state = () => scaleState(c, world.projectId, pool!.clusterId!, pool!.id, 0);
    np.currentNode = 0;
    np.phase = "Synchronized";
    expect(await state()).toEqual({ done: true, ok: true });
    np.phase = "Synchronizing";
    expect(await state()).toEqual({ done: false });
    np.phase = "SoldOut";
    expect(await state()).toMatchObject({ done: true, ok: false, reason: expect.stringContaining("sold out") });
  });

  test("RDS: park stops (a job), resume starts (a job); a yearly/monthly instance is refused by the cloud", async () => {
    const { world, provider, a } = setup({ rds: 2 });
    const [db, other] = (await byKind(provider, "RDS")).filter((r) => world.rds.get(r.id)!.datastore !== "SQLServer");
    const parked = await a.park(db!);
    expect(world.rds.get(db!.id)!.status).toBe("SHUTDOWN");
    await a.resume(db!, parked);
    expect(world.rds.get(db!.id)!.status).toBe("ACTIVE");
    expect(world.mutations.calls.get(`RDS.start:${db!.id}`)).toBe(1);
    if (other) {
      world.rds.get(other.id)!.chargeMode = "prePaid";
      await expect(a.park(other)).rejects.toThrow(/HTTP 400 DBS\.201016/);
    }
  });

  test("EVS cannot be parked; resume refuses a parked state of another resource", async () => {
    const { provider, a } = setup({ servers: 1, freeVolumes: 1 });
    const [vol] = await byKind(provider, "EVS");
    await expect(a.park(vol!)).rejects.toThrow(/cannot be parked/);
    const [srv] = await byKind(provider, "ECS");
    await expect(a.resume(srv!, { kind: "ECS", id: "other", parkedAt: 0 })).rejects.toThrow(/parked state is for ECS other/);
  });
});

describe("safety copies", () => {
  test("EVS snapshot: created, waited for until available, listed; it does not survive its disk", async () => {
    const { world, provider, a } = setup({ freeVolumes: 2 });
    const [vol, other] = await byKind(provider, "EVS");
    const copy = await a.copy(vol!, "ot3c-before-delete");
    expect(copy).toMatchObject({ kind: "EVS_SNAPSHOT", resourceId: vol!.id, status: "available", sizeGb: 100, survivesDeletion: false });
    expect(world.snapshots!.get(copy.id)!.status).toBe("available");
    await a.copy(other!, "ot3c-other");
    const listed = await a.listCopies(vol!);
    expect(listed.map((c) => c.id)).toEqual([copy.id]);
  });

  test("EVS snapshot ending in error rejects", async () => {
    const { world, provider, a } = setup({ freeVolumes: 1 });
    const [vol] = await byKind(provider, "EVS");
    world.volumes.get(vol!.id)!.tags.ot3c_sim_fail = "snapshot quota exceeded";
    await expect(a.copy(vol!, "ot3c-x")).rejects.toThrow(/snapshot .* failed: snapshot .* ended in status error/);
  });

  test("RDS manual backup: waited for until COMPLETED; it outlives the instance and stays listed", async () => {
    const { world, provider, a } = setup({ rds: 1 });
    const [db] = await byKind(provider, "RDS");
    const name = backupName("ot3c", db!.id, Date.UTC(2026, 11, 6, 12));
    expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{3,63}$/);
    const copy = await a.copy(db!, name);
    expect(copy).toMatchObject({ kind: "RDS_BACKUP", resourceId: db!.id, status: "COMPLETED", survivesDeletion: true });
    expect(copy.sizeGb).toBeGreaterThan(0);
    await provider.terminator.delete(db!);
    expect(world.rds.has(db!.id)).toBe(false);
    expect((await a.listCopies(db!)).map((c) => c.id)).toEqual([copy.id]);
    // The same name again is refused by the cloud (names are unique).
    world.rds.set(db!.id, { id: db!.id, name: "db", status: "ACTIVE", datastore: "MySQL", flavorRef: "x", tags: {}, created: "" });
    await expect(a.copy(db!, name)).rejects.toThrow(/HTTP 400 DBS\.200036/);
  });

  test("backup names start with a letter and fit 64 characters whatever the id", () => {
    expect(backupName("ot3c", "0123456789abcdef", 0)).toBe("ot3c-0123456789ab-19700101T000000");
    expect(backupName("9x", "id", 0)).toMatch(/^b9x-/);
    expect(backupName("p".repeat(80), "id", 0)).toHaveLength(64);
  });
});

describe("cluster hibernation", () => {
  test("hibernate waits for Hibernation, awake for Available; awake of a running cluster is refused", async () => {
    const { world, a } = setup({ clusters: 1 });
    const cid = [...world.clusters.keys()][0]!;
    await expect(a.awakeCluster(cid)).rejects.toThrow(/HTTP 400/);
    await a.hibernateCluster(cid);
    expect(world.clusters.get(cid)!.phase).toBe("Hibernation");
    await a.awakeCluster(cid);
    expect(world.clusters.get(cid)!.phase).toBe("Available");
  });
});
