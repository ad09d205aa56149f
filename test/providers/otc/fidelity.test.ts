/**
 * What the real OTC does that a kinder simulator hid (issue #13, items 1, 2 and 6), checked over HTTP against the
 * simulator: system disks go with their server, a delete whose target is already gone is done, prepaid resources
 * are recognised (and refused by the cloud), and the ECS shapes follow the docs.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { CloudResource } from "../../../src/engine/types.ts";
import { HttpClient } from "../../../src/providers/http.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { createHash, createHmac } from "node:crypto";
import { createSigner, sdkDate } from "../../../src/providers/otc/signer.ts";
import type { SimWorld } from "../../../src/sim/world.ts";
import { credsFor, instantJobs, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

let sims: RunningSim[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
});

function setup(world: SimWorld) {
  const sim = startSim(world, { pollsUntilDone: 2 });
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), { sleep: async () => {}, jobs: instantJobs });
  const raw = new HttpClient({
    endpoint: "test.otc",
    baseURL: sim.baseUrl,
    retries: 0,
    sign: createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey }),
  });
  return { sim, provider, t: provider.terminator, raw };
}

const SRV = "srv-00000001-0000-4000-8000-000000000000";

describe("system disks and deletes of resources already gone", () => {
  test("a server delete takes its system disk along and keeps the data disk detached", async () => {
    const world = makeWorld({ servers: 1, dataVolumesPerServer: 1 });
    const { provider, t } = setup(world);
    const srv = (await provider.listResources()).find((r) => r.id === SRV)!;
    const [boot, data] = srv.attachedVolumeIds!;
    await t.delete(srv);
    expect(world.volumes.has(boot!)).toBe(false);
    expect(world.volumes.get(data!)).toMatchObject({ status: "available", serverIds: [] });
  });

  test("deleting the server, then its system disk, then its data disk ends done although the system disk answers 404", async () => {
    const world = makeWorld({ servers: 1, dataVolumesPerServer: 1 });
    const { sim, provider, t } = setup(world);
    const all = await provider.listResources();
    const srv = all.find((r) => r.id === SRV)!;
    const [bootId, dataId] = srv.attachedVolumeIds!;
    const boot = all.find((r) => r.id === bootId)!;
    const data = all.find((r) => r.id === dataId)!;
    // The group order of the executor: the server first, then its volumes one by one.
    await t.delete(srv);
    await t.delete(boot);
    await t.delete(data);
    expect(world.servers.size).toBe(0);
    expect(world.volumes.size).toBe(0);
    // The system disk's delete really went out and was answered "not found"; the re-read confirmed it gone.
    expect(sim.requests.filter((r) => r.method === "DELETE" && r.path.endsWith(`/cloudvolumes/${bootId}`))).toHaveLength(1);
    expect(sim.handler.counts.get("EVS.get")).toBeGreaterThanOrEqual(1);
  });

  test("a delete of a server, volume, node pool or instance that no longer exists is done; one that still exists and fails is not", async () => {
    const world = makeWorld({ servers: 1, clusters: 1, poolsPerCluster: 1, rds: 1 });
    const { provider, t } = setup(world);
    const all = await provider.listResources();
    const gone = (r: CloudResource): CloudResource => ({ ...r, id: r.kind === "RDS" ? "f".repeat(32) + "in03" : r.id.replace(/^(....)/, "dead") });
    for (const kind of ["ECS", "EVS", "CCE", "RDS"] as const) {
      await t.delete(gone(all.find((r) => r.kind === kind)!));
    }
    world.servers.get(SRV)!.tags.push("ot3c_sim_fail=server is locked");
    await expect(t.delete(all.find((r) => r.id === SRV)!)).rejects.toThrow(/server is locked/);
    expect(world.servers.has(SRV)).toBe(true);
  });
});

describe("prepaid (yearly/monthly) resources", () => {
  function prepaidWorld() {
    const world = makeWorld({ servers: 2, freeVolumes: 2, clusters: 1, poolsPerCluster: 2, rds: 2 });
    world.servers.get(SRV)!.prepaid = true;
    const freeVolume = [...world.volumes.values()].find((v) => v.serverIds.length === 0)!;
    freeVolume.prepaid = true;
    const pool = [...world.nodePools.values()][0]!;
    pool.prepaid = true;
    const db = [...world.rds.values()][0]!;
    db.prepaid = true;
    return { world, prepaidIds: new Set([SRV, freeVolume.id, pool.uid, db.id]) };
  }

  test("ECS charging_mode 1, EVS metadata.orderID, CCE billingMode 1 and RDS prePaid are read as prepaid; the rest is not", async () => {
    const { world, prepaidIds } = prepaidWorld();
    const { provider } = setup(world);
    const all = await provider.listResources();
    const prepaid = all.filter((r) => r.prepaid).map((r) => r.id);
    expect(new Set(prepaid)).toEqual(prepaidIds);
    expect(all.filter((r) => !prepaidIds.has(r.id)).every((r) => r.prepaid === undefined)).toBe(true);
    // One resource re-read on its own is prepaid too (the executor's re-check path).
    const srv = all.find((r) => r.id === SRV)!;
    expect((await provider.terminator.get(srv))?.prepaid).toBe(true);
  });

  test("the cloud refuses to delete a prepaid resource and the refusal reaches the caller", async () => {
    const { world, prepaidIds } = prepaidWorld();
    const { provider, t } = setup(world);
    const all = await provider.listResources();
    for (const r of all.filter((x) => prepaidIds.has(x.id))) {
      await expect(t.delete(r)).rejects.toThrow(/yearly\/monthly/);
    }
    expect(world.servers.has(SRV)).toBe(true);
    expect(world.rds.size).toBe(2);
  });
});

describe("ECS shapes as documented", () => {
  test("data disks carry a string bootIndex other than \"0\"; the system disk \"0\"", async () => {
    const world = makeWorld({ servers: 1, dataVolumesPerServer: 2 });
    const { raw } = setup(world);
    const res = await raw.get<{ servers: Array<Record<string, any>> }>(`/v1/${world.projectId}/cloudservers/detail`);
    const attached = res.servers[0]!["os-extended-volumes:volumes_attached"] as Array<{ bootIndex: unknown }>;
    expect(attached.map((a) => typeof a.bootIndex)).toEqual(["string", "string", "string"]);
    expect(attached[0]!.bootIndex).toBe("0");
    expect(attached.slice(1).every((a) => a.bootIndex !== "0")).toBe(true);
  });

  test("a batch delete's sub-jobs are typed deleteVM", async () => {
    const world = makeWorld({ servers: 1 });
    const { raw } = setup(world);
    const { job_id } = await raw.json<{ job_id: string }>("POST", `/v1/${world.projectId}/cloudservers/delete`, {
      body: { servers: [{ id: SRV }], delete_publicip: false, delete_volume: false },
    });
    const job = await raw.get<{ job_type: string; entities: { sub_jobs: Array<{ job_type: string }> } }>(`/v1/${world.projectId}/jobs/${job_id}`);
    expect(job.job_type).toBe("deleteServers");
    expect(job.entities.sub_jobs.map((s) => s.job_type)).toEqual(["deleteVM"]);
  });
});

describe("AK/SK signatures over the bytes on the wire (item 4)", () => {
  const signer = (world: SimWorld) => createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey });

  test("a space in a query value goes out as %20 and the gateway accepts the signature", async () => {
    const world = makeWorld({ servers: 1 });
    const { sim, raw } = setup(world);
    const res = await raw.get<{ count: number }>(`/v1/${world.projectId}/cloudservers/detail`, { query: { name: "ecs 1 (web)*", limit: 5 } });
    expect(typeof res.count).toBe("number");
    const sent = sim.requests.at(-1)!.path;
    expect(sent).toContain("name=ecs%201%20%28web%29%2A");
    expect(sent).not.toContain("+");
  });

  test("a client that sends + but signs %20 is rejected, as a gateway that reads + literally does", async () => {
    const world = makeWorld({ servers: 1 });
    const { sim } = setup(world);
    // Sign the decoded form (space → %20) …
    const prepared = { method: "GET", url: new URL(`${sim.baseUrl}/v1/${world.projectId}/cloudservers/detail?name=a%20b`), headers: new Headers(), body: "" };
    signer(world)(prepared);
    // … but put the space on the wire as "+".
    const wire = await fetch(`${sim.baseUrl}/v1/${world.projectId}/cloudservers/detail?name=a+b`, { headers: prepared.headers });
    expect(wire.status).toBe(401);
    expect(((await wire.json()) as { error_msg: string }).error_msg).toContain("signature mismatch");
    // The same signature with the bytes it was computed over passes.
    const same = await fetch(prepared.url, { headers: prepared.headers });
    expect(same.status).toBe(200);
  });

  test("an X-Sdk-Date more than 15 minutes off is rejected; within 15 minutes it passes", async () => {
    const world = makeWorld({ servers: 1 });
    const { sim } = setup(world);
    const at = async (offsetMs: number) => {
      const prepared = { method: "GET", url: new URL(`${sim.baseUrl}/v1/${world.projectId}/cloudservers/detail`), headers: new Headers(), body: "" };
      createSigner({ accessKey: world.credentials.accessKey, secretKey: world.credentials.secretKey, now: () => Date.now() + offsetMs })(prepared);
      return fetch(prepared.url, { headers: prepared.headers });
    };
    for (const off of [-16 * 60_000, 16 * 60_000]) {
      const res = await at(off);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_msg: string }).error_msg).toContain("clock skew");
    }
    expect((await at(-14 * 60_000)).status).toBe(200);
  });

  test("X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD signs the literal instead of the body, as the gateway accepts", async () => {
    const world = makeWorld({ servers: 1 });
    const { sim } = setup(world);
    const url = new URL(`${sim.baseUrl}/v1/${world.projectId}/cloudservers/action`);
    const body = JSON.stringify({ "os-stop": { type: "SOFT", servers: [{ id: SRV }] } });
    const date = sdkDate(Date.now());
    // Signed by hand as an SDK does it (not with our signer): the payload line is the literal, not sha256(body).
    const headers: Record<string, string> = { "content-type": "application/json", host: url.host, "x-sdk-content-sha256": "UNSIGNED-PAYLOAD", "x-sdk-date": date };
    const names = Object.keys(headers).sort();
    const canonical = ["POST", `${url.pathname}/`, "", names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
    const toSign = `SDK-HMAC-SHA256\n${date}\n${createHash("sha256").update(canonical).digest("hex")}`;
    const signature = createHmac("sha256", world.credentials.secretKey).update(toSign).digest("hex");
    const authorization = `SDK-HMAC-SHA256 Access=${world.credentials.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    const res = await fetch(url, { method: "POST", headers: { ...headers, authorization }, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { job_id?: string }).job_id).toBeString();
    // Without the header the same signature is not valid for this body.
    const { "x-sdk-content-sha256": _, ...without } = headers;
    const bad = await fetch(url, { method: "POST", headers: { ...without, authorization }, body });
    expect(bad.status).toBe(401);
  });
});
