/**
 * The simulated OTC's parking calls over HTTP on 127.0.0.1, signed like every other call: ECS start, EVS
 * snapshots, CCE node pool scaling and cluster hibernation, RDS start/backup and its 7-day restart, and the live
 * billing each of them changes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { HttpClient } from "../../../src/providers/http.ts";
import { createSigner } from "../../../src/providers/otc/signer.ts";
import { startMeter } from "../../../src/sim/otc/index.ts";
import type { SimWorld } from "../../../src/sim/world.ts";
import { makeWorld, startSim, type RunningSim } from "./world.ts";

const sims: RunningSim[] = [];
afterAll(() => sims.forEach((s) => s.stop()));

const HOUR = 3_600_000;

function setup(spec: Parameters<typeof makeWorld>[0], clockStart = Date.UTC(2026, 10, 20, 12)) {
  const world = makeWorld(spec);
  let t = clockStart;
  const sim = startSim(world, { pollsUntilDone: 2, now: () => t });
  sims.push(sim);
  const c = new HttpClient({
    endpoint: "test.otc",
    baseURL: sim.baseUrl,
    retries: 0,
    sign: createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey }),
  });
  return { world, sim, c, pid: world.projectId, advance: (ms: number) => (t += ms), now: () => t };
}

type Job = { status: string; job_type: string; fail_reason: string | null; entities: { sub_jobs: Array<{ status: string }> } };

async function pollV1(c: HttpClient, pid: string, jobId: string): Promise<Job> {
  for (let i = 0; i < 10; i++) {
    const j = await c.get<Job>(`/v1/${pid}/jobs/${jobId}`);
    if (j.status === "SUCCESS" || j.status === "FAIL") return j;
  }
  throw new Error("job did not finish");
}

const amountOf = (world: SimWorld, id: string, product?: string) =>
  world.costs.filter((r) => r.resourceId === id && (!product || r.product === product)).reduce((s, r) => s + r.amount, 0);

describe("every new call is signed and checked like the others", () => {
  test("unsigned start, snapshot, scale, hibernate, RDS start and backup: 401 APIGW.0301 and nothing changes", async () => {
    const { world, sim, pid } = setup({ servers: 1, freeVolumes: 1, clusters: 1, poolsPerCluster: 1, rds: 1 });
    const np = [...world.nodePools.values()][0]!;
    const db = [...world.rds.keys()][0]!;
    const calls: Array<[string, string, unknown]> = [
      ["POST", `/v1/${pid}/cloudservers/action`, { "os-start": { servers: [{ id: [...world.servers.keys()][0] }] } }],
      ["POST", `/v2/${pid}/cloudsnapshots`, { snapshot: { volume_id: [...world.volumes.keys()][0] } }],
      ["PUT", `/api/v3/projects/${pid}/clusters/${np.clusterUid}/nodepools/${np.uid}`, { metadata: { name: "x" }, spec: { initialNodeCount: 0, nodeTemplate: {} } }],
      ["POST", `/api/v3/projects/${pid}/clusters/${np.clusterUid}/operation/hibernate`, {}],
      ["POST", `/v3/${pid}/instances/${db}/action/startup`, {}],
      ["POST", `/v3/${pid}/backups`, { instance_id: db, name: "nope-unsigned" }],
    ];
    for (const [method, path, body] of calls) {
      const res = await fetch(`${sim.baseUrl}${path}`, { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(((await res.json()) as { error_code: string }).error_code).toBe("APIGW.0301");
    }
    expect(world.mutations.total).toBe(0);
    expect(world.snapshots?.size ?? 0).toBe(0);
    expect(world.backups?.size ?? 0).toBe(0);
  });
});

describe("ECS batch start", () => {
  test("os-start is a job that brings a SHUTOFF server back; starting a running server fails in the job", async () => {
    const { world, c, pid } = setup({ servers: 2 });
    const [a, b] = [...world.servers.keys()];
    const stop = await c.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-stop": { type: "SOFT", servers: [{ id: a }] } } });
    expect((await pollV1(c, pid, stop.job_id)).status).toBe("SUCCESS");
    expect(world.servers.get(a!)!.status).toBe("SHUTOFF");

    const start = await c.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-start": { servers: [{ id: a }] } } });
    expect(world.servers.get(a!)!.status).toBe("SHUTOFF"); // nothing happens before the job ran
    const done = await pollV1(c, pid, start.job_id);
    expect(done.job_type).toBe("batchStartServers");
    expect(done.status).toBe("SUCCESS");
    expect(world.servers.get(a!)!.status).toBe("ACTIVE");

    const bad = await c.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-start": { servers: [{ id: b }] } } });
    const failed = await pollV1(c, pid, bad.job_id);
    expect(failed.status).toBe("FAIL");
    expect(failed.fail_reason).toContain("only a SHUTOFF server can be started");
    expect(world.mutations.calls.get(`ECS.start:${a}`)).toBe(1);
    await expect(c.json("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-start": { servers: [] } } })).rejects.toThrow(/HTTP 400 Ecs\.0005/);
    await expect(c.json("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-start": { servers: [{ id: "nope" }] } } })).rejects.toThrow(/HTTP 404 Ecs\.0114/);
  });
});

describe("EVS snapshots", () => {
  test("create → creating → available after the reads; listed by volume; deletable only when available", async () => {
    const { world, c, pid } = setup({ freeVolumes: 2 });
    const [v1, v2] = [...world.volumes.keys()];
    type S = { snapshot: { id: string; status: string; volume_id: string; size: number } };
    const res = await c.raw("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: v1, name: "ot3c-before-delete", force: false } } });
    expect(res.status).toBe(202);
    const created = (await res.json()) as S;
    expect(created.snapshot.status).toBe("creating");
    expect(created.snapshot.size).toBe(100);
    await expect(c.json("DELETE", `/v2/${pid}/cloudsnapshots/${created.snapshot.id}`)).rejects.toThrow(/HTTP 400 EVS\.2021/);
    const first = await c.get<S>(`/v2/${pid}/cloudsnapshots/${created.snapshot.id}`);
    const second = await c.get<S>(`/v2/${pid}/cloudsnapshots/${created.snapshot.id}`);
    expect([first.snapshot.status, second.snapshot.status]).toEqual(["creating", "available"]);

    await c.json("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: v2 } } });
    type L = { count: number; snapshots: Array<{ id: string; volume_id: string }> };
    const mine = await c.get<L>(`/v2/${pid}/cloudsnapshots/detail`, { query: { volume_id: v1 } });
    expect(mine.count).toBe(1);
    expect(mine.snapshots[0]!.id).toBe(created.snapshot.id);
    expect((await c.get<L>(`/v2/${pid}/cloudsnapshots/detail`)).count).toBe(2);

    const del = await c.raw("DELETE", `/v2/${pid}/cloudsnapshots/${created.snapshot.id}`);
    expect(del.status).toBe(202);
    await c.raw("GET", `/v2/${pid}/cloudsnapshots/${created.snapshot.id}`, { acceptStatus: [404] });
    const gone = await c.raw("GET", `/v2/${pid}/cloudsnapshots/${created.snapshot.id}`, { acceptStatus: [404] });
    expect(gone.status).toBe(404);
    await expect(c.json("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: "missing" } } })).rejects.toThrow(/HTTP 404/);
    await expect(c.json("POST", `/v2/${pid}/cloudsnapshots`, { body: { snap: {} } })).rejects.toThrow(/HTTP 400/);
  });

  test("deleting the disk deletes its snapshots (documented), so an EVS snapshot does not outlive its disk", async () => {
    const { world, c, pid } = setup({ freeVolumes: 1 });
    const [v] = [...world.volumes.keys()];
    const snap = await c.json<{ snapshot: { id: string } }>("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: v } } });
    const job = await c.json<{ job_id: string }>("DELETE", `/v2/${pid}/cloudvolumes/${v}`);
    expect((await pollV1(c, pid, job.job_id)).status).toBe("SUCCESS");
    const read = await c.raw("GET", `/v2/${pid}/cloudsnapshots/${snap.snapshot.id}`, { acceptStatus: [404] });
    expect(read.status).toBe(404);
  });

  test("a snapshot of a volume tagged to fail ends in error", async () => {
    const { world, c, pid } = setup({ freeVolumes: 1 });
    const v = [...world.volumes.values()][0]!;
    v.tags.ot3c_sim_fail = "snapshot quota exceeded";
    const snap = await c.json<{ snapshot: { id: string } }>("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: v.id } } });
    await c.get(`/v2/${pid}/cloudsnapshots/${snap.snapshot.id}`);
    const s = await c.get<{ snapshot: { status: string } }>(`/v2/${pid}/cloudsnapshots/${snap.snapshot.id}`);
    expect(s.snapshot.status).toBe("error");
  });
});

describe("CCE node pool scaling and cluster hibernation", () => {
  test("PUT initialNodeCount 0 with autoscaling off: Synchronizing, then zero nodes after the reads", async () => {
    const { world, c, pid } = setup({ clusters: 1, poolsPerCluster: 1 });
    const np = [...world.nodePools.values()][0]!;
    const path = `/api/v3/projects/${pid}/clusters/${np.clusterUid}/nodepools/${np.uid}`;
    type P = { spec: { initialNodeCount: number; autoscaling: { enable: boolean } }; status: { currentNode: number; phase: string } };
    const body = { metadata: { name: np.name }, spec: { initialNodeCount: 0, autoscaling: { enable: false }, nodeTemplate: { flavor: np.flavor } } };
    const put = await c.json<P>("PUT", path, { body });
    expect(put.spec.initialNodeCount).toBe(0);
    expect(put.status).toEqual({ currentNode: 3, phase: "Synchronizing" });
    await expect(c.json("PUT", path, { body })).rejects.toThrow(/HTTP 409/);
    await c.get<P>(path);
    const done = await c.get<P>(path);
    expect(done.status).toEqual({ currentNode: 0, phase: "" });

    const back = { ...body, spec: { ...body.spec, initialNodeCount: 3 } };
    await c.json("PUT", path, { body: back });
    await c.get(path);
    expect((await c.get<P>(path)).status.currentNode).toBe(3);
    await expect(c.json("PUT", path, { body: { metadata: { name: np.name }, spec: { initialNodeCount: -1, nodeTemplate: {} } } })).rejects.toThrow(/HTTP 400/);
  });

  test("with autoscaling on, the autoscaler keeps minNodeCount nodes: scaling to zero does not reach zero", async () => {
    const { world, c, pid } = setup({ clusters: 1, poolsPerCluster: 1 });
    const np = [...world.nodePools.values()][0]!;
    const path = `/api/v3/projects/${pid}/clusters/${np.clusterUid}/nodepools/${np.uid}`;
    await c.json("PUT", path, { body: { metadata: { name: np.name }, spec: { initialNodeCount: 0, autoscaling: { enable: true, minNodeCount: 1, maxNodeCount: 5 }, nodeTemplate: {} } } });
    await c.get(path);
    expect((await c.get<{ status: { currentNode: number } }>(path)).status.currentNode).toBe(1);
  });

  test("hibernate → Hibernating → Hibernation; awake → Available; each only from the right phase", async () => {
    const { world, c, pid } = setup({ clusters: 1 });
    const cid = [...world.clusters.keys()][0]!;
    const base = `/api/v3/projects/${pid}/clusters/${cid}`;
    type C = { status: { phase: string } };
    await expect(c.json("POST", `${base}/operation/awake`, { body: {} })).rejects.toThrow(/HTTP 400/);
    const r = await c.raw("POST", `${base}/operation/hibernate`, { body: {} });
    expect(r.status).toBe(200);
    expect((await c.get<C>(base)).status.phase).toBe("Hibernating");
    expect((await c.get<C>(base)).status.phase).toBe("Hibernation");
    const list = await c.get<{ items: C[] }>(`/api/v3/projects/${pid}/clusters`);
    expect(list.items[0]!.status.phase).toBe("Hibernation");
    await c.raw("POST", `${base}/operation/awake`, { body: {} });
    await c.get(base);
    expect((await c.get<C>(base)).status.phase).toBe("Available");
    expect(world.mutations.calls.get(`CCE.hibernate:${cid}`)).toBe(1);
  });

  test("INIT hold: the cluster reads Available and bills its fee until the job runs; a second hibernate meanwhile is 409", async () => {
    const world = makeWorld({ clusters: 1 });
    let t = Date.UTC(2026, 10, 20, 12);
    const sim = startSim(world, { pollsUntilDone: 2, jobInitHoldMs: 10 * 60_000, now: () => t });
    sims.push(sim);
    const c = new HttpClient({ endpoint: "test.otc", baseURL: sim.baseUrl, retries: 0, sign: createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey }) });
    const cid = [...world.clusters.keys()][0]!;
    const base = `/api/v3/projects/${world.projectId}/clusters/${cid}`;
    type C = { status: { phase: string } };
    startMeter(world, t);
    await c.raw("POST", `${base}/operation/hibernate`, { body: {} });
    for (let i = 0; i < 4; i++) expect((await c.get<C>(base)).status.phase).toBe("Available");
    await expect(c.json("POST", `${base}/operation/hibernate`, { body: {} })).rejects.toThrow(/HTTP 409/);
    t += 10 * 60_000;
    expect((await c.get<C>(base)).status.phase).toBe("Hibernating");
    expect((await c.get<C>(base)).status.phase).toBe("Hibernation");
    const fee = amountOf(world, cid);
    expect(fee).toBeGreaterThan(0); // the 10 minutes of the hold were billed
    t += 5 * HOUR;
    await c.get<C>(base);
    expect(amountOf(world, cid)).toBe(fee); // hibernated: no fee
    expect(world.mutations.calls.get(`CCE.hibernate:${cid}`)).toBe(2);
    expect([...world.jobs.values()].filter((j) => j.type === "hibernateCluster")).toHaveLength(1);
  });
});

describe("RDS start, 7-day restart and manual backup", () => {
  type J = { job: { status: string } };
  async function pollRds(c: HttpClient, pid: string, id: string) {
    for (let i = 0; i < 10; i++) {
      const j = await c.get<J>(`/v3/${pid}/jobs`, { query: { id } });
      if (j.job.status !== "Running") return j.job.status;
    }
    throw new Error("job did not finish");
  }

  test("shutdown and startup are jobs; startup needs a stopped instance; a yearly/monthly instance cannot stop", async () => {
    const { world, c, pid } = setup({ rds: 2 });
    const [pg, my] = [...world.rds.values()];
    await expect(c.json("POST", `/v3/${pid}/instances/${pg!.id}/action/startup`, { body: {} })).rejects.toThrow(/HTTP 400 DBS\.201015/);
    const stop = await c.json<{ job_id: string }>("POST", `/v3/${pid}/instances/${pg!.id}/action/shutdown`, { body: {} });
    expect(await pollRds(c, pid, stop.job_id)).toBe("Completed");
    expect(pg!.status).toBe("SHUTDOWN");
    const start = await c.json<{ job_id: string }>("POST", `/v3/${pid}/instances/${pg!.id}/action/startup`, { body: {} });
    expect(await pollRds(c, pid, start.job_id)).toBe("Completed");
    expect(pg!.status).toBe("ACTIVE");
    my!.chargeMode = "prePaid";
    await expect(c.json("POST", `/v3/${pid}/instances/${my!.id}/action/shutdown`, { body: {} })).rejects.toThrow(/HTTP 400 DBS\.201016/);
  });

  test("OTC starts a stopped instance by itself 7 days after the stop, on the simulator's clock", async () => {
    const { world, c, pid, advance } = setup({ rds: 1 });
    const db = [...world.rds.values()][0]!;
    const stop = await c.json<{ job_id: string }>("POST", `/v3/${pid}/instances/${db.id}/action/shutdown`, { body: {} });
    await pollRds(c, pid, stop.job_id);
    advance(7 * 24 * HOUR - 1);
    type L = { instances: Array<{ status: string }> };
    expect((await c.get<L>(`/v3/${pid}/instances`)).instances[0]!.status).toBe("SHUTDOWN");
    advance(1);
    expect((await c.get<L>(`/v3/${pid}/instances`)).instances[0]!.status).toBe("ACTIVE");
  });

  test("a manual backup is BUILDING, then COMPLETED after the reads; names are validated and unique", async () => {
    const { world, c, pid } = setup({ rds: 1 });
    const db = [...world.rds.values()][0]!;
    type B = { backup: { id: string; status: string; type: string; instance_id: string } };
    const b = await c.json<B>("POST", `/v3/${pid}/backups`, { body: { instance_id: db.id, name: "ot3c-before-delete", description: "by ot3c" } });
    expect(b.backup).toMatchObject({ status: "BUILDING", type: "manual", instance_id: db.id });
    await expect(c.json("POST", `/v3/${pid}/backups`, { body: { instance_id: db.id, name: "ot3c-before-delete" } })).rejects.toThrow(/HTTP 400 DBS\.200036/);
    await expect(c.json("POST", `/v3/${pid}/backups`, { body: { instance_id: db.id, name: "1bad" } })).rejects.toThrow(/HTTP 400/);
    type L = { backups: Array<{ id: string; status: string; size: number }>; total_count: number };
    await expect(c.get(`/v3/${pid}/backups`)).rejects.toThrow(/HTTP 400/);
    const q = { instance_id: db.id, backup_id: b.backup.id };
    expect((await c.get<L>(`/v3/${pid}/backups`, { query: q })).backups[0]!.status).toBe("BUILDING");
    const done = await c.get<L>(`/v3/${pid}/backups`, { query: q });
    expect(done.backups[0]!.status).toBe("COMPLETED");
    expect(done.backups[0]!.size).toBeGreaterThan(0);
  });
});

describe("live billing follows what the resources do", () => {
  test("a stopped server bills nothing for compute, its disks bill on; start brings compute back", async () => {
    const { world, c, pid, advance, now } = setup({ servers: 1 });
    const s = [...world.servers.values()][0]!;
    const boot = s.volumeIds[0]!;
    startMeter(world, now());
    advance(2 * HOUR);
    const stop = await c.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-stop": { servers: [{ id: s.id }] } } });
    await pollV1(c, pid, stop.job_id);
    const computeRunning = amountOf(world, s.id);
    expect(computeRunning).toBeCloseTo(2 * 0.058, 6); // s3.large.2 for two hours
    advance(10 * HOUR);
    await c.get(`/v1/${pid}/cloudservers/detail`);
    expect(amountOf(world, s.id)).toBeCloseTo(computeRunning, 9); // stopped: no compute
    expect(amountOf(world, boot)).toBeCloseTo((12 * 40 * 0.15) / 730, 6); // the 40 GB SSD boot disk bills throughout
    const start = await c.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/action`, { body: { "os-start": { servers: [{ id: s.id }] } } });
    await pollV1(c, pid, start.job_id);
    advance(HOUR);
    await c.get(`/v1/${pid}/cloudservers/detail`);
    expect(amountOf(world, s.id)).toBeCloseTo(computeRunning + 0.058, 6);
  });

  test("an ultra-high I/O server bills compute while stopped (documented)", async () => {
    const { world, c, pid, advance, now } = setup({ servers: 1 });
    const s = [...world.servers.values()][0]!;
    s.flavorId = "i3.2xlarge.8";
    s.status = "SHUTOFF";
    startMeter(world, now());
    advance(HOUR);
    await c.get(`/v1/${pid}/cloudservers/detail`);
    expect(amountOf(world, s.id)).toBeGreaterThan(0);
  });

  test("snapshots, scaled-to-zero pools, hibernated clusters, stopped and restarted RDS and backups in the bill", async () => {
    const { world, c, pid, advance, now } = setup({ freeVolumes: 1, clusters: 1, poolsPerCluster: 1, rds: 1 });
    const v = [...world.volumes.keys()][0]!;
    const np = [...world.nodePools.values()][0]!;
    const cid = np.clusterUid;
    const db = [...world.rds.values()][0]!;
    db.flavorRef = "rds.pg.s3.medium.4";
    startMeter(world, now());

    const snap = await c.json<{ snapshot: { id: string } }>("POST", `/v2/${pid}/cloudsnapshots`, { body: { snapshot: { volume_id: v } } });
    const pool = `/api/v3/projects/${pid}/clusters/${cid}/nodepools/${np.uid}`;
    await c.json("PUT", pool, { body: { metadata: { name: np.name }, spec: { initialNodeCount: 0, autoscaling: { enable: false }, nodeTemplate: {} } } });
    await c.raw("POST", `/api/v3/projects/${pid}/clusters/${cid}/operation/hibernate`, { body: {} });
    const stop = await c.json<{ job_id: string }>("POST", `/v3/${pid}/instances/${db.id}/action/shutdown`, { body: {} });
    const backup = await c.json<{ backup: { id: string } }>("POST", `/v3/${pid}/backups`, { body: { instance_id: db.id, name: "before-stop" } });
    advance(HOUR); // one hour at the old state: pool of 3, cluster billed, RDS running
    await c.get(pool);
    await c.get(pool);
    await c.get(`/api/v3/projects/${pid}/clusters/${cid}`);
    await c.get(`/api/v3/projects/${pid}/clusters/${cid}`);
    for (let i = 0; i < 3; i++) await c.get(`/v3/${pid}/jobs`, { query: { id: stop.job_id } });
    await c.get(`/v3/${pid}/backups`, { query: { instance_id: db.id } });
    await c.get(`/v3/${pid}/backups`, { query: { instance_id: db.id } });
    expect(np.currentNode).toBe(0);
    expect(world.clusters.get(cid)!.phase).toBe("Hibernation");
    expect(db.status).toBe("SHUTDOWN");
    const afterFirstHour = { pool: amountOf(world, np.uid), cluster: amountOf(world, cid), db: amountOf(world, db.id, "OTC_RDS_PG_S3M4") };
    expect(afterFirstHour.pool).toBeCloseTo(3 * 0.15, 6);
    expect(afterFirstHour.cluster).toBeCloseTo(0.12, 6);
    expect(afterFirstHour.db).toBeCloseTo(0.09, 6);

    advance(24 * HOUR);
    await c.get(`/v1/${pid}/cloudservers/detail`);
    expect(amountOf(world, np.uid)).toBeCloseTo(afterFirstHour.pool, 9);
    expect(amountOf(world, cid)).toBeCloseTo(afterFirstHour.cluster, 9);
    expect(amountOf(world, db.id, "OTC_RDS_PG_S3M4")).toBeCloseTo(afterFirstHour.db, 9);
    expect(amountOf(world, db.id, "OTC_RDS_ST_SSD")).toBeCloseTo((25 * 100 * 0.16) / 730, 6); // storage bills on
    expect(amountOf(world, snap.snapshot.id, "OTC_EVS_SNAPSHOT")).toBeGreaterThan(0);
    expect(amountOf(world, backup.backup.id, "OTC_RDS_BACKUP")).toBeGreaterThan(0);

    // Six more days: the instance restarts by itself 7 days after its stop, and compute bills again from then.
    advance(6 * 24 * HOUR + 5 * HOUR);
    await c.get(`/v1/${pid}/cloudservers/detail`);
    expect(db.status).toBe("ACTIVE");
    const stoppedFor = 7 * 24; // hours from the stop's completion (at +1 h) to the restart
    const runningAfter = 25 + 6 * 24 + 5 - 1 - stoppedFor;
    expect(runningAfter).toBe(5);
    expect(amountOf(world, db.id, "OTC_RDS_PG_S3M4")).toBeCloseTo(afterFirstHour.db + runningAfter * 0.09, 6);
    // Records are per Berlin day and stay ascending by date.
    const dates = world.costs.map((r) => r.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(world.costs.filter((r) => r.resourceId === np.uid).map((r) => r.date)).size).toBe(1);
    expect(new Set(world.costs.filter((r) => r.resourceId === v).map((r) => r.date)).size).toBe(8);
  });
});
