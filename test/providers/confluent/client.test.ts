/** The Confluent client against the simulator over HTTP: paging, month windows, 429 back-off, 401, objects. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ConfluentClient, monthWindows } from "../../../src/providers/confluent/client.ts";
import { fetchObjects } from "../../../src/providers/confluent/objects.ts";
import { costToRow } from "../../../src/providers/confluent/normalise.ts";
import { HttpError } from "../../../src/providers/http.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";

const NOW = Date.parse("2026-05-20T10:00:00Z");
let sim: ConfluentSim;
const waits: number[] = [];

function client(secret?: string, extra: Partial<ConstructorParameters<typeof ConfluentClient>[0]> = {}) {
  return new ConfluentClient({
    apiKey: sim.state.apiKey,
    apiSecret: secret ?? sim.state.apiSecret,
    baseUrl: sim.url,
    http: { sleep: async (ms) => void waits.push(ms), retries: 3 },
    ...extra,
  });
}

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 3, now: NOW, days: 45, serviceAccounts: 230, users: 30, clusters: 6, churn: 0.2 } });
});
afterAll(() => sim.stop());

describe("Confluent client", () => {
  test("reads every page of a listing (230 service accounts at 100 per page)", async () => {
    sim.state.requests.clear();
    const sas = await client().serviceAccounts();
    const expected = sim.state.serviceAccounts.filter((s) => s.createdAt <= NOW && (s.deletedAt ?? Infinity) > NOW).length;
    expect(expected).toBeGreaterThan(200);
    expect(sas.length).toBe(expected);
    expect(new Set(sas.map((s) => s.id)).size).toBe(expected);
    expect(sim.state.requests.get("/iam/v2/service-accounts")).toBe(Math.ceil(expected / 100));
  });

  test("costs: ≤ 1-month windows, every page of each, end exclusive", async () => {
    expect(monthWindows("2026-01-31", "2026-04-02")).toEqual([
      ["2026-01-31", "2026-02-28"],
      ["2026-02-28", "2026-03-28"],
      ["2026-03-28", "2026-04-02"],
    ]);
    sim.state.requests.clear();
    const rows = await client(undefined, { billingPageSize: 97 }).costs("2026-04-05", "2026-05-19");
    const expected = sim.state.costs.filter((c) => c.start_date >= "2026-04-05" && c.start_date < "2026-05-19");
    expect(rows.length).toBe(expected.length);
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id!).sort());
    expect(sim.state.requests.get("/billing/v1/costs")!).toBeGreaterThan(10);
    // Money arrives as exact micros.
    const sum = rows.map(costToRow).reduce((s, r) => s + r.amountMicros, 0);
    const ref = expected.reduce((s, r) => s + Math.round(r.amount * 1e6), 0);
    expect(sum).toBe(ref);
  });

  test("429 with Retry-After is waited out and retried, then succeeds", async () => {
    waits.length = 0;
    sim.state.scriptedFailures.push({ status: 429, retryAfterSeconds: 2, pathPrefix: "/org/" }, { status: 429, retryAfterSeconds: 1, pathPrefix: "/org/" });
    const envs = await client().environments();
    expect(envs.length).toBe(2);
    expect(waits).toEqual([2000, 1000]);
  });

  test("a 429 in the middle of paging loses no page", async () => {
    sim.state.scriptedFailures.push({ status: 429, retryAfterSeconds: 0, pathPrefix: "/iam/v2/users" });
    const first = await client().users();
    sim.state.scriptedFailures.push({ status: 503, pathPrefix: "/iam/v2/users" });
    const again = await client(undefined, { pageSize: 7 }).users();
    expect(again.map((u) => u.id)).toEqual(first.map((u) => u.id));
  });

  test("wrong secret → 401 HttpError, secret never in the message", async () => {
    const err = await client("definitely-wrong-secret").environments().catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(401);
    expect(String(err.message)).not.toContain("definitely-wrong-secret");
  });

  test("fetchObjects: every object type, connector and ksqlDB owners resolved", async () => {
    const o = await fetchObjects(client());
    expect(o.environments.length).toBe(2);
    expect(o.clusters.length).toBe(6);
    expect(o.schemaRegistries.length).toBe(2);
    expect(o.flinkPools.length).toBe(2);
    expect(o.ksqlClusters.length).toBe(2);
    expect(o.identities.some((i) => i.kind === "identity-pool")).toBe(true);
    expect(o.connectors.length).toBe(6);
    const byMode = o.connectors.map((c) => (c.ownerId ? "owner" : c.ownerProblem));
    expect(byMode).toContain("owner");
    expect(byMode).toContain("connector_api_key_masked");
    // The KAFKA_API_KEY connector maps to the owner of its key.
    const keyed = sim.state.connectors[1]!.obj.info.config["kafka.api.key"]!;
    const owner = sim.state.apiKeys.find((k) => k.obj.id === keyed)!.obj.spec.owner.id;
    expect(o.connectors.find((c) => c.id === "lcc-0001")!.ownerId).toBe(owner);
    expect(o.ksqlClusters.find((k) => k.id === "lksqlc-0000")!.ownerId).toBe("sa-00001");
    // Identities created inside the period carry their creation time.
    expect(o.identities.some((i) => (i.createdAt ?? 0) > NOW - 45 * 86_400_000)).toBe(true);
  });
});

describe("chargeback preflight checks", () => {
  test("GO against the simulator, NO-GO with a wrong secret (redacted)", async () => {
    const { chargebackChecks } = await import("../../../src/providers/confluent/checks.ts");
    const cfg = {
      confluent: { apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, baseUrl: sim.url },
      prometheus: { url: sim.url, auth: { type: "none" as const } },
      lookbackDays: 3, cutoffDays: 1, ckuUsageRatio: 0.7, syncIntervalMs: 3_600_000,
    };
    const ok = await chargebackChecks(cfg, { retries: 0 }, NOW);
    expect(ok.map((c) => c.ok)).toEqual([true, true, true, true, true]);
    expect(ok[0]!.detail).toContain("cost row(s)");
    const bad = await chargebackChecks({ ...cfg, confluent: { ...cfg.confluent, apiSecret: "wrong-secret-123" } }, { retries: 0 }, NOW);
    expect(bad.slice(0, 4).every((c) => !c.ok && c.detail.includes("401"))).toBe(true);
    expect(bad.some((c) => c.detail.includes("wrong-secret-123"))).toBe(false);
  });
});
