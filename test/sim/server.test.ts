import { afterAll, beforeAll, expect, test } from "bun:test";
import { parse } from "yaml";
import { generateScenario } from "../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../src/sim/server.ts";

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
});

test("routes: dashboard answers, extra routes come after, anything else is 404", async () => {
  const health = await fetch(`${sim.url}/v2/health`);
  expect(health.status).toBe(200);
  const ping = await fetch(`${sim.url}/extra/ping`);
  expect(await ping.json()).toEqual({ pong: true });
  expect(extraHits).toBe(1);
  expect((await fetch(`${sim.url}/nothing/here`)).status).toBe(404);
});
