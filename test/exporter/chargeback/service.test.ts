/** The daemon-facing service: one sync at a time, render through the cursor, summary for the snapshot. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/engine/types.ts";
import { ChargebackService } from "../../../src/exporter/chargeback/service.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { simSource } from "../../store/chargeback/helpers.ts";

const NOW = Date.parse("2026-08-20T09:00:00Z");
let sim: ConfluentSim;
let dir: string;
let service: ChargebackService;

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 13, now: NOW, days: 5, clusters: 2, serviceAccounts: 5 } });
  dir = mkdtempSync(join(tmpdir(), "ot3c-cb-svc-"));
  service = new ChargebackService({
    config: {
      confluent: { apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, baseUrl: sim.url },
      prometheus: { url: sim.url, auth: { type: "none" } },
      lookbackDays: 3,
      cutoffDays: 1,
      ckuUsageRatio: 0.7,
      syncIntervalMs: 3_600_000,
    },
    stateDir: dir,
    clock: new ManualClock(NOW),
    source: simSource(sim),
  });
});
afterAll(async () => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
  await sim.stop();
});

describe("ChargebackService", () => {
  test("concurrent syncs share one run; summary and render follow the ledger", async () => {
    const [a, b] = await Promise.all([service.sync(), service.sync()]);
    expect(a).toBe(b);
    expect(a.daysRecomputed.length).toBe(3);
    const s = service.summary();
    expect(s.totalMicros).toBe(service.ledger.days().reduce((t, d) => t + d.totalMicros, 0));
    expect(s.byPrincipal.length).toBeGreaterThan(0);
    const r = await service.render(new Request("http://x/", { headers: { accept: "application/openmetrics-text", "user-agent": "Prometheus/2.42.0" } }));
    expect(r.hour).toBe(Date.parse("2026-08-17T00:00:00Z"));
    expect(r.body).toContain("confluent_cloud_chargeback_details{");
    expect(service.summary().cursorHour).toBe(r.hour);
  });
});
