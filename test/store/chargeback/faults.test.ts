/** Under 5xx, 429 and truncated bodies from the simulator, a sync still produces exactly the fault-free ledger. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfluentClient } from "../../../src/providers/confluent/client.ts";
import { chargebackSource } from "../../../src/providers/confluent/source.ts";
import { PrometheusClient } from "../../../src/providers/prometheus/client.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { Ledger } from "../../../src/store/chargeback/ledger.ts";
import { syncChargeback } from "../../../src/store/chargeback/sync.ts";

const NOW = Date.parse("2026-09-12T07:00:00Z");
const scenario = { seed: 17, now: NOW, days: 9, clusters: 3, serviceAccounts: 40, users: 5 };
const opts = { now: NOW, lookbackDays: 8, cutoffDays: 2, ckuUsageRatio: 0.7 };
const sims: ConfluentSim[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of sims) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function syncAgainst(sim: ConfluentSim): Promise<Ledger> {
  const dir = mkdtempSync(join(tmpdir(), "ot3c-cb-faults-"));
  dirs.push(dir);
  const http = { retries: 10, sleep: async () => {} };
  const source = chargebackSource(
    new ConfluentClient({ apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, baseUrl: sim.url, http, pageSize: 7, billingPageSize: 40 }),
    new PrometheusClient({ url: sim.url, http }),
  );
  const ledger = Ledger.open(dir);
  await syncChargeback(ledger, source, opts);
  return ledger;
}

describe("sync under faults", () => {
  test("5xx, 429 and truncated bodies change nothing in the result", async () => {
    const clean = startConfluentSim({ scenario });
    const faulty = startConfluentSim({ scenario, faults: { rate: 0.3, kinds: ["5xx", "429", "truncate"], retryAfterSeconds: 0, slowMs: 0, seed: 99 } });
    sims.push(clean, faulty);
    const a = await syncAgainst(clean);
    const b = await syncAgainst(faulty);
    const injected = faulty.faults!.injected;
    expect(injected["5xx"] + injected["429"]).toBeGreaterThan(5);
    expect(injected.truncate).toBeGreaterThan(2);
    expect(b.pieces()).toEqual(a.pieces());
    expect(b.days().map((d) => d.hash)).toEqual(a.days().map((d) => d.hash));
    a.close();
    b.close();
  });
});
