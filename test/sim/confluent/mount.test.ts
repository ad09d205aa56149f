/** The Confluent and Prometheus routes mounted into the shared sim server next to OTC and the dashboard. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { confluentSimRoutes } from "../../../src/sim/confluent/routes.ts";
import { generateConfluentScenario } from "../../../src/sim/confluent/scenario.ts";
import { chargebackConfigYaml, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { prometheusSimRoutes } from "../../../src/sim/prometheus/routes.ts";
import { generateScenario } from "../../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../../src/sim/server.ts";
import { Ledger } from "../../../src/store/chargeback/ledger.ts";
import { syncChargeback } from "../../../src/store/chargeback/sync.ts";
import { simSource } from "../../store/chargeback/helpers.ts";

const NOW = Date.now();
let sim: RunningSim | undefined;
const dir = mkdtempSync(join(tmpdir(), "ot3c-cb-mount-"));
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("mounted in the shared sim server", () => {
  test("a chargeback sync runs against the shared server; other paths keep its 404", async () => {
    const state = generateConfluentScenario({ seed: 8, now: NOW, days: 4, clusters: 2, serviceAccounts: 5 });
    const world = generateScenario({ seed: 3, now: NOW, ecs: 3, evs: 3, cceClusters: 0, cceNodePools: 0, rds: 0, days: 5 }).world;
    sim = startSim({ world, extraRoutes: [confluentSimRoutes(state), prometheusSimRoutes(state)] });
    const ledger = Ledger.open(dir);
    const res = await syncChargeback(ledger, simSource({ url: sim.url, state } as ConfluentSim), { now: NOW, lookbackDays: 3, cutoffDays: 1, ckuUsageRatio: 0.7 });
    expect(res.daysRecomputed.length).toBe(3);
    expect(ledger.conservation().every((r) => r.amount === r.allocated)).toBe(true);
    ledger.close();
    expect(chargebackConfigYaml(sim.url, state)).toContain(`base-url: "${sim.url}"`);
    // An unknown path still gets the shared server's own 404.
    expect((await fetch(`${sim.url}/nothing/here`)).status).toBe(404);
  });
});
