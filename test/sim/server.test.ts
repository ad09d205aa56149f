import { afterAll, beforeAll, expect, test } from "bun:test";
import { parse } from "yaml";
import { generateScenario } from "../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../src/sim/server.ts";
import { createOtcProvider, deriveEndpoints } from "../../src/providers/otc/index.ts";
import { createDashboardClient } from "../../src/providers/dashboard/index.ts";

const scenario = generateScenario({ seed: 5, now: Date.parse("2026-05-20T12:00:00Z"), ecs: 10, evs: 15 });
let sim: RunningSim;
let extraHits = 0;

beforeAll(() => {
  sim = startSim({
    world: scenario.world,
    targetBudget: scenario.targetBudget,
    extraRoutes: [
      async (_req, url) => {
        if (url.pathname !== "/extra/ping") return undefined;
        extraHits++;
        return Response.json({ pong: true });
      },
    ],
  });
});
afterAll(async () => {
  await sim.stop();
});

test("listens on 127.0.0.1 with an OS-chosen port", () => {
  expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
  expect(sim.port).toBeGreaterThan(0);
});

test("configYaml is a ready-to-use ot3c.yaml pointing every endpoint at the simulator", () => {
  const cfg = parse(sim.configYaml());
  const c = scenario.world.credentials;
  expect(cfg["dashboard-secret"]).toBe(c.dashboardToken);
  expect(cfg["dashboard-endpoint"]).toBe(sim.url);
  expect(cfg.otccreds).toMatchObject({
    identityendpoint: `${sim.url}/v3`,
    projectid: scenario.world.projectId,
    projectname: scenario.world.projectName,
    accesskey: c.accessKey,
    secretkey: c.secretKey,
    region: "eu-de",
    endpoints: { ecs: sim.url, evs: sim.url, cce: sim.url, rds: sim.url },
  });
  expect(cfg["target-budget"]).toBe(scenario.targetBudget);
  expect(cfg.enforce).toBe(false);
  // Servers carry owner handles; the printed config resolves every one of them.
  const handles = new Set([...scenario.world.servers.values()].flatMap((s) => s.tags.filter((t) => t.startsWith("ot3c_owner=")).map((t) => t.slice(11))));
  expect(handles.size).toBeGreaterThan(0);
  for (const h of handles) expect(cfg.owners[h]).toMatch(/^[^@\s]+@example\.com$/);
});

test("routes: dashboard answers, extra routes come after, anything else is 404", async () => {
  const health = await fetch(`${sim.url}/v2/health`);
  expect(health.status).toBe(200);
  const ping = await fetch(`${sim.url}/extra/ping`);
  expect(await ping.json()).toEqual({ pong: true });
  expect(extraHits).toBe(1);
  expect((await fetch(`${sim.url}/nothing/here`)).status).toBe(404);
});

test("the simulated OTC is mounted: the OTC provider lists the world's resources through the same port", async () => {
  const w = scenario.world;
  const endpoints = deriveEndpoints(w.region, { iam: `${sim.url}/v3`, ecs: sim.url, evs: sim.url, cce: sim.url, rds: sim.url });
  const otc = createOtcProvider({
    identityEndpoint: endpoints.iam, projectName: w.projectName, accessKey: w.credentials.accessKey,
    secretKey: w.credentials.secretKey, region: w.region, endpoints,
  });
  const resources = await otc.listResources();
  expect(resources.length).toBe(w.servers.size + w.volumes.size + w.nodePools.size + w.rds.size);
  const ed = createDashboardClient({ endpoint: sim.url, secret: w.credentials.dashboardToken });
  expect((await ed.dailyCosts(scenario.facts.firstDay, "2026-05-20")).length).toBe(w.costs.length);
  expect(sim.otcCounts.get("ECS.list")).toBeGreaterThanOrEqual(1);
});

test("`ot3c sim` prints the YAML on stdout, serves it, and stops cleanly on SIGTERM", async () => {
  const proc = Bun.spawn([process.execPath, "src/main.ts", "sim", "--port", "0", "--scenario", "demo", "--seed", "4"], {
    cwd: `${import.meta.dir}/../..`,
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("enforce: false")) {
      const { done, value } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    expect(out.startsWith("# ot3c.yaml for the simulated clouds at http://127.0.0.1:")).toBe(true);
    const cfg = parse(out);
    expect(cfg["target-budget"]).toBeGreaterThan(0);
    const res = await fetch(`${cfg["dashboard-endpoint"]}/v2/daily/consumption/?consumption_type=RC`, {
      headers: { authorization: `Bearer ${cfg["dashboard-secret"]}` },
    });
    expect(res.status).toBe(200);
    await res.text();
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  }
});
