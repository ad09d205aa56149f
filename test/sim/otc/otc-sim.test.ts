import { afterAll, describe, expect, test } from "bun:test";
import { HttpClient } from "../../../src/providers/http.ts";
import { createSigner } from "../../../src/providers/otc/signer.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";
import { otcSimRoutes } from "../../../src/sim/otc/index.ts";
import { makeWorld, startSim, type RunningSim } from "./world.ts";

const sims: RunningSim[] = [];
afterAll(() => sims.forEach((s) => s.stop()));

function client(sim: RunningSim, secretKey: string, accessKey = "SIMACCESSKEY00000001") {
  return new HttpClient({
    endpoint: "test.otc",
    baseURL: sim.baseUrl,
    retries: 0,
    sign: createSigner({ accessKey, secretKey }),
  });
}

describe("simulated OTC", () => {
  const world = makeWorld({ servers: 30, freeVolumes: 5, clusters: 1, poolsPerCluster: 1, rds: 2 });
  const sim = startSim(world, { pollsUntilDone: 2 });
  sims.push(sim);
  const pid = world.projectId;
  const ok = client(sim, world.credentials.secretKey);

  test("returns undefined for paths that are not OTC's, so simulators can share one server", async () => {
    const handler = otcSimRoutes(world);
    for (const path of ["/v2/daily/consumption/", "/billing/v1/costs", "/api/v1/query", "/v1/x/other"]) {
      expect(await handler(new Request(`http://h${path}`), new URL(`http://h${path}`))).toBeUndefined();
    }
  });

  test("rejects unsigned requests and bad signatures with a gateway-style 401", async () => {
    const unsigned = await fetch(`${sim.baseUrl}/v1/${pid}/cloudservers/detail`);
    expect(unsigned.status).toBe(401);
    const body = (await unsigned.json()) as Record<string, string>;
    expect(body.error_code).toBe("APIGW.0301");
    expect(body.error_msg).toContain("missing Authorization");
    const bad = await client(sim, "not-the-secret").raw("GET", `/v1/${pid}/cloudservers/detail`, { acceptStatus: [401] });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as Record<string, string>).error_msg).toContain("signature mismatch");
    const unknownAk = await client(sim, "x", "OTHERAK").raw("GET", `/v1/${pid}/cloudservers/detail`, { acceptStatus: [401] });
    expect(((await unknownAk.json()) as Record<string, string>).error_msg).toContain("ak OTHERAK not exist");
    // A body altered after signing is caught too.
    const signed = { method: "POST", headers: new Headers({ "content-type": "application/json" }), url: new URL(`${sim.baseUrl}/v1/${pid}/cloudservers/delete`), body: '{"servers":[]}' };
    createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey })(signed);
    const tampered = await fetch(signed.url, { method: "POST", headers: signed.headers, body: '{"servers":[{"id":"x"}]}' });
    expect(tampered.status).toBe(401);
    expect(world.mutations.total).toBe(0);
  });

  test("ECS pages by page number (0 behaves like 1) and validates limit", async () => {
    type L = { count: number; servers: Array<{ id: string; tags: string[]; sys_tags: unknown[] }> };
    const p1 = await ok.get<L>(`/v1/${pid}/cloudservers/detail`, { query: { offset: 1, limit: 12 } });
    const p0 = await ok.get<L>(`/v1/${pid}/cloudservers/detail`, { query: { offset: 0, limit: 12 } });
    const p3 = await ok.get<L>(`/v1/${pid}/cloudservers/detail`, { query: { offset: 3, limit: 12 } });
    expect(p1.count).toBe(30);
    expect(p1.servers.map((s) => s.id)).toEqual(p0.servers.map((s) => s.id));
    expect(p3.servers).toHaveLength(6);
    expect(p1.servers[0]!.tags).toContain("_sys_enterprise_project_id=0");
    expect(p1.servers[0]!.sys_tags).toEqual([{ key: "_sys_enterprise_project_id", value: "0" }]);
    const def = await ok.get<L>(`/v1/${pid}/cloudservers/detail`);
    expect(def.servers).toHaveLength(25); // documented default page size
    await expect(ok.get(`/v1/${pid}/cloudservers/detail`, { query: { limit: 1001 } })).rejects.toThrow(/HTTP 400 Ecs\.0005/);
    await expect(ok.get(`/v1/wrong-project/cloudservers/detail`)).rejects.toThrow(/HTTP 404/);
  });

  test("EVS pages by item offset with volumes_links; RDS limits pages to 100", async () => {
    type V = { count: number; volumes: Array<{ id: string }>; volumes_links?: Array<{ rel: string }> };
    const a = await ok.get<V>(`/v2/${pid}/cloudvolumes/detail`, { query: { limit: 20, offset: 0 } });
    const b = await ok.get<V>(`/v2/${pid}/cloudvolumes/detail`, { query: { limit: 20, offset: 20 } });
    expect(a.count).toBe(35);
    expect(a.volumes_links?.[0]?.rel).toBe("next");
    expect(b.volumes).toHaveLength(15);
    expect(b.volumes_links).toBeUndefined();
    expect(new Set([...a.volumes, ...b.volumes].map((v) => v.id)).size).toBe(35);
    await expect(ok.get(`/v3/${pid}/instances`, { query: { limit: 101 } })).rejects.toThrow(/HTTP 400 DBS/);
    const r = await ok.get<{ total_count: number; instances: Array<{ tags: unknown }> }>(`/v3/${pid}/instances`);
    expect(r.total_count).toBe(2);
    expect(r.instances[0]!.tags).toEqual([{ key: "ot3c_prio", value: "20" }, { key: "ot3c_group", value: "db" }]);
  });

  test("a delete is a job: INIT → RUNNING → SUCCESS after the polls, applied only then, counted once", async () => {
    const id = [...world.servers.keys()][0]!;
    const { job_id } = await ok.json<{ job_id: string }>("POST", `/v1/${pid}/cloudservers/delete`, {
      body: { servers: [{ id }], delete_publicip: false, delete_volume: true },
    });
    const boot = world.servers.get(id)!.volumeIds[0]!;
    expect(world.jobs.get(job_id)!.status).toBe("INIT");
    const poll = () => ok.get<{ status: string; entities: { sub_jobs: Array<{ entities: { server_id: string } }> } }>(`/v1/${pid}/jobs/${job_id}`);
    const first = await poll();
    expect(first.status).toBe("RUNNING");
    expect(world.servers.has(id)).toBe(true);
    const second = await poll();
    expect(second.status).toBe("SUCCESS");
    expect(second.entities.sub_jobs[0]!.entities.server_id).toBe(id);
    expect(world.servers.has(id)).toBe(false);
    expect(world.volumes.has(boot)).toBe(false); // delete_volume: true
    expect((await poll()).status).toBe("SUCCESS");
    expect(world.mutations.calls.get(`ECS.delete:${id}`)).toBe(1);
    await expect(ok.get(`/v3/${pid}/jobs`, { query: { id: job_id } })).rejects.toThrow(/HTTP 404/); // not an RDS job
  });

  test("IAM answers the name filter and project reads", async () => {
    const hit = await ok.get<{ projects: Array<{ id: string }> }>("/v3/projects", { query: { name: world.projectName } });
    expect(hit.projects.map((p) => p.id)).toEqual([pid]);
    const miss = await ok.get<{ projects: unknown[] }>("/v3/projects", { query: { name: "nope" } });
    expect(miss.projects).toEqual([]);
    expect((await ok.get<{ project: { name: string } }>(`/v3/projects/${pid}`)).project.name).toBe(world.projectName);
    expect((await ok.get<{ projects: Array<{ id: string }> }>("/v3/auth/projects")).projects.map((p) => p.id)).toEqual([pid]);
  });

  test("fault injection wraps OTC routes (429 with Retry-After)", async () => {
    const faults = new FaultInjector({ rate: 1, kinds: ["429"], retryAfterSeconds: 3, slowMs: 0, seed: 1 });
    const faulty = startSim(world, {}, undefined, faults);
    sims.push(faulty);
    const res = await client(faulty, world.credentials.secretKey).raw("GET", `/v1/${pid}/cloudservers/detail`, { acceptStatus: [429] });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(faults.injected["429"]).toBe(1);
  });
});

describe("simulated OTC enforces each service's tag rules", () => {
  const world = makeWorld({ servers: 1, freeVolumes: 1 });
  const sim = startSim(world);
  sims.push(sim);
  const pid = world.projectId;
  const c = client(sim, world.credentials.secretKey);
  const srv = [...world.servers.keys()][0]!;
  const vol = [...world.volumes.values()].find((v) => v.serverIds.length === 0)!.id;
  const post = (path: string, body: unknown) => c.raw("POST", path, { body, acceptStatus: [400] });

  test("ECS: an owner address cannot be stored on a server, a handle can", async () => {
    const bad = await post(`/v1/${pid}/cloudservers/${srv}/tags/action`, { action: "create", tags: [{ key: "ot3c_owner", value: "alice@example.com" }] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("only letters, digits, - and _");
    const ok = await post(`/v1/${pid}/cloudservers/${srv}/tags/action`, { action: "create", tags: [{ key: "ot3c_owner", value: "alice" }] });
    expect(ok.status).toBe(204);
    const tags = await c.get<{ tags: Array<{ key: string; value: string }> }>(`/v1/${pid}/cloudservers/${srv}/tags`);
    expect(tags.tags).toContainEqual({ key: "ot3c_owner", value: "alice" });
  });

  test("ECS: value ≤ 43 characters, key ≤ 36, at most 10 tags", async () => {
    const create = (tags: Array<{ key: string; value: string }>) => post(`/v1/${pid}/cloudservers/${srv}/tags/action`, { action: "create", tags });
    expect((await create([{ key: "k", value: "v".repeat(44) }])).status).toBe(400);
    expect((await create([{ key: "k".repeat(37), value: "v" }])).status).toBe(400);
    expect((await create([{ key: "k", value: "v".repeat(43) }])).status).toBe(204);
    const many = Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: "x" }));
    const res = await create(many);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("at most 10");
  });

  test("EVS: an address fits on a volume; the 11th tag does not", async () => {
    const create = (tags: Array<{ key: string; value: string }>) => post(`/v2/${pid}/cloudvolumes/${vol}/tags/action`, { action: "create", tags });
    expect((await create([{ key: "ot3c_owner", value: "alice.schmidt@example.com" }])).status).toBe(204);
    expect(world.volumes.get(vol)!.tags.ot3c_owner).toBe("alice.schmidt@example.com");
    const many = Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: "x" }));
    expect((await create(many)).status).toBe(400);
  });

  test("a world holding a tag the cloud cannot store is refused at mount", () => {
    const w = makeWorld({ servers: 1 });
    w.servers.values().next().value!.tags.push("ot3c_owner=alice@example.com");
    expect(() => otcSimRoutes(w)).toThrow(/cannot store/);
  });
});
