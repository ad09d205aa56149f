import { afterEach, describe, expect, test } from "bun:test";
import { httpStats, resetHttpStats } from "../../../src/providers/http.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";
import { credsFor, instantJobs, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
  resetHttpStats();
});
function serve(...args: Parameters<typeof startSim>): RunningSim {
  const s = startSim(...args);
  sims.push(s);
  return s;
}
const noWait = { sleep: async () => {}, jobs: instantJobs };

describe("OTC inventory against the simulator", () => {
  test("resolves the project by name through IAM and normalises ECS, EVS, CCE and RDS", async () => {
    const world = makeWorld({ servers: 5, dataVolumesPerServer: 1, freeVolumes: 2, clusters: 2, poolsPerCluster: 2, rds: 3 });
    const sim = serve(world);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl), noWait);
    const all = await provider.listResources();
    expect(await provider.projectId()).toBe(world.projectId);
    expect(sim.handler.counts.get("IAM.projects")).toBe(1);
    const lookup = sim.requests.find((r) => r.path.startsWith("/v3/projects"))!;
    expect(lookup.path).toBe(`/v3/projects?name=${world.projectName}`);
    // Service calls carry the resolved project id.
    const list = sim.requests.find((r) => r.path.includes("/cloudservers/detail"))!;
    expect(list.headers.get("x-project-id")).toBe(world.projectId);

    const byKind = (k: string) => all.filter((r) => r.kind === k);
    expect(byKind("ECS")).toHaveLength(5);
    expect(byKind("EVS")).toHaveLength(12);
    expect(byKind("CCE")).toHaveLength(4); // the pseudo pool "DefaultPool" of each cluster is skipped
    expect(byKind("CCE").some((r) => r.id === "DefaultPool")).toBe(false);
    expect(byKind("RDS")).toHaveLength(3);

    const srv = world.servers.get("srv-00000005-0000-4000-8000-000000000000")!;
    const ecs = all.find((r) => r.id === srv.id)!;
    // "k=v" parsed, `_sys_*` skipped; i=5 has ot3c_group=web.
    expect(ecs.tags).toEqual({ ot3c_prio: "6", ot3c_owner: "owner1", ot3c_group: "web" });
    expect(ecs.attachedVolumeIds).toEqual(srv.volumeIds);
    expect(ecs.flavor).toBe("s3.large.2");
    // A bare "key" tag means an empty value.
    expect(all.find((r) => r.id === "srv-00000001-0000-4000-8000-000000000000")!.tags.standalone).toBe("");

    const vol = byKind("EVS").find((v) => v.id === srv.volumeIds[1])!;
    expect(vol.attachedServerIds).toEqual([srv.id]);
    expect(vol.status).toBe("in-use");
    expect(byKind("EVS").some((v) => v.tags.ot3c_prio === "7")).toBe(true);

    const pool = byKind("CCE")[0]!;
    expect(pool).toMatchObject({ kind: "CCE", clusterId: "cluster-00000001", status: "Available", flavor: "s3.xlarge.4" });
    expect(pool.tags).toEqual({ ot3c_prio: "11", ot3c_owner: "k8s@example.com" });

    expect(byKind("RDS")[0]!.tags).toEqual({ ot3c_prio: "20", ot3c_group: "db" });
  });

  test("signs odd query values end to end (project names with spaces, unicode, reserved characters)", async () => {
    const world = makeWorld({ servers: 1 });
    world.projectName = "eu-de_Ümlaut team (a+b)*";
    const sim = serve(world);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl), noWait);
    expect(await provider.projectId()).toBe(world.projectId);
    expect((await provider.listResources()).length).toBe(2);
  });

  test("pages ECS by page number, EVS and RDS by item offset, with the minimum number of calls", async () => {
    const world = makeWorld({ servers: 2500, rds: 250 });
    const sim = serve(world);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), noWait);
    const all = await provider.listResources();
    expect(all.filter((r) => r.kind === "ECS")).toHaveLength(2500);
    expect(all.filter((r) => r.kind === "EVS")).toHaveLength(2500);
    expect(all.filter((r) => r.kind === "RDS")).toHaveLength(250);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(sim.handler.counts.get("ECS.list")).toBe(3);
    expect(sim.handler.counts.get("EVS.list")).toBe(3);
    expect(sim.handler.counts.get("RDS.list")).toBe(3);
    expect(sim.handler.counts.get("ECS.tags")).toBeUndefined(); // tags came from the list
    expect(sim.handler.counts.get("IAM.projects")).toBeUndefined(); // project id configured
    const ecsPages = sim.requests.filter((r) => r.path.includes("cloudservers/detail")).map((r) => new URL(r.path, "http://x").searchParams);
    expect(ecsPages.map((p) => p.get("offset")).sort()).toEqual(["1", "2", "3"]);
    expect(ecsPages.every((p) => p.get("limit") === "1000")).toBe(true);
    const evsOffsets = sim.requests.filter((r) => r.path.includes("cloudvolumes/detail")).map((r) => new URL(r.path, "http://x").searchParams.get("offset"));
    expect(evsOffsets.sort()).toEqual(["0", "1000", "2000"]);
    expect(httpStats().find((s) => s.endpoint === "otc.ecs")?.requests).toBe(3);
  });

  test("an exact multiple of the page size stops when count is reached", async () => {
    const world = makeWorld({ servers: 2000 });
    const sim = serve(world);
    await createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), noWait).listResources();
    expect(sim.handler.counts.get("ECS.list")).toBe(2);
    expect(sim.handler.counts.get("EVS.list")).toBe(2);
  });

  test("falls back to the tags API only for entries without a tags field", async () => {
    const world = makeWorld({ servers: 3 });
    const sim = serve(world, { ecsListOmitsTags: true });
    const all = await createOtcProvider(credsFor(world, sim.baseUrl), noWait).listResources();
    expect(sim.handler.counts.get("ECS.tags")).toBe(3);
    const ecs = all.find((r) => r.id === "srv-00000002-0000-4000-8000-000000000000")!;
    expect(ecs.tags).toEqual({ ot3c_prio: "3", ot3c_owner: "owner2", standalone: "" });
  });

  test("429 with Retry-After is retried and then succeeds", async () => {
    const world = makeWorld({ servers: 2 });
    let limited = 0;
    const sim = serve(world, {}, (req, url) => {
      if (url.pathname.endsWith("/cloudservers/detail") && limited++ === 0) {
        return Response.json({ error: { code: "APIGW.0308", message: "request throttled" } }, { status: 429, headers: { "Retry-After": "1" } });
      }
      return undefined;
    });
    const waits: number[] = [];
    const provider = createOtcProvider(credsFor(world, sim.baseUrl), { sleep: async (ms) => void waits.push(ms), jobs: instantJobs });
    expect((await provider.listResources()).filter((r) => r.kind === "ECS")).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(httpStats().find((s) => s.endpoint === "otc.ecs")).toMatchObject({ requests: 2, retries: 1, errors: 1 });
  });

  test("a wrong secret key gives a clear 401 naming the endpoint, never the secret", async () => {
    const world = makeWorld({ servers: 1 });
    const sim = serve(world);
    const wrongSecret = "wrong-secret-key-123456789";
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId, secretKey: wrongSecret }), noWait);
    const err = (await provider.listResources().catch((e) => e)) as Error & { status?: number };
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(401);
    expect(err.message).toContain(sim.baseUrl);
    expect(err.message).toContain("APIGW.0301");
    expect(err.message).toMatch(/secretkey/);
    expect(err.message).not.toContain(wrongSecret);
    expect(err.message).not.toContain(world.credentials.secretKey);
    // The IAM lookup fails the same way when the project must be resolved by name.
    const byName = createOtcProvider(credsFor(world, sim.baseUrl, { secretKey: wrongSecret }), noWait);
    const err2 = (await byName.listResources().catch((e) => e)) as Error;
    expect(err2.message).toContain("OTC IAM");
    expect(err2.message).toContain("401");
    expect(err2.message).not.toContain(wrongSecret);
  });

  test("a truncated body or a short listing throws instead of returning partial data", async () => {
    const world = makeWorld({ servers: 30 });
    const faults = new FaultInjector({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 0, slowMs: 0, seed: 7 });
    const sim = serve(world, {}, undefined, faults);
    const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), { ...noWait, retries: 1 });
    await expect(provider.listResources()).rejects.toThrow(/not valid JSON/);

    // A gateway that reports more servers than it returns: the listing is incomplete.
    const liar = serve(world, {}, (_req, url) => {
      if (!url.pathname.endsWith("/cloudservers/detail")) return undefined;
      const page = Number(url.searchParams.get("offset"));
      const servers = page === 1 ? [...world.servers.keys()].slice(0, 10).map((id) => ({ id, name: id, status: "ACTIVE", tags: [] })) : [];
      return Response.json({ count: 30, servers });
    });
    const p2 = createOtcProvider(credsFor(world, liar.baseUrl, { projectId: world.projectId }), { ...noWait, pageSize: { ecs: 10 } });
    await expect(p2.listResources()).rejects.toThrow(/incomplete listing of ECS servers/);
  });

  test("checks() reports GO per service, and NO-GO with the reason when credentials are wrong", async () => {
    const world = makeWorld({ servers: 2, clusters: 1, rds: 1 });
    const sim = serve(world);
    const good = await createOtcProvider(credsFor(world, sim.baseUrl), noWait).checks();
    expect(good.map((c) => [c.name, c.ok])).toEqual([
      ["OTC IAM", true],
      ["OTC ECS", true],
      ["OTC EVS", true],
      ["OTC CCE", true],
      ["OTC RDS", true],
    ]);
    expect(good[1]!.detail).toContain("2 servers");
    const withId = await createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), noWait).checks();
    expect(withId.every((c) => c.ok)).toBe(true);
    expect(sim.handler.counts.get("IAM.authProjects")).toBe(1);
    const otherId = await createOtcProvider(credsFor(world, sim.baseUrl, { projectId: "ffffffffffffffffffffffffffffffff" }), noWait).checks();
    expect(otherId[0]!.ok).toBe(false);
    expect(otherId[0]!.detail).toContain("not accessible");
    const bad = await createOtcProvider(credsFor(world, sim.baseUrl, { secretKey: "nope-nope-nope" }), noWait).checks();
    expect(bad.every((c) => !c.ok)).toBe(true);
    expect(bad[0]!.detail).toContain("401");
    expect(bad[2]!.detail).toMatch(/skipped: no project id/);
    const unknown = await createOtcProvider(credsFor(world, sim.baseUrl, { projectName: "eu-de_other" }), noWait).checks();
    expect(unknown[0]).toMatchObject({ ok: false });
    expect(unknown[0]!.detail).toContain('no project named "eu-de_other"');
  });
});
