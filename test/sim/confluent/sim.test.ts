/** The Confluent/Prometheus simulator: scenario coverage, documented shapes, auth, paging, mountable routes. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { confluentSimRoutes } from "../../../src/sim/confluent/routes.ts";
import { generateConfluentScenario } from "../../../src/sim/confluent/scenario.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { prometheusSimRoutes } from "../../../src/sim/prometheus/routes.ts";

const NOW = Date.parse("2026-04-10T12:00:00Z");
let sim: ConfluentSim;
const auth = () => ({ authorization: `Basic ${Buffer.from(`${sim.state.apiKey}:${sim.state.apiSecret}`).toString("base64")}` });

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 2, now: NOW, days: 30, clusters: 4, serviceAccounts: 20, users: 5, churn: 0.4 } });
});
afterAll(() => sim.stop());

describe("Confluent scenario", () => {
  test("costs for every line type, both CKU spellings, rare multi-day rows; deterministic per seed", () => {
    const s = sim.state;
    const types = new Set(s.costs.map((c) => c.line_type));
    for (const t of ["KAFKA_BASE", "KAFKA_PARTITION", "KAFKA_STORAGE", "KAFKA_NETWORK_READ", "KAFKA_NETWORK_WRITE", "KAFKA_NUM_CKU", "KAFKA_NUM_CKUS",
      "CONNECT_CAPACITY", "CONNECT_NUM_TASKS", "CONNECT_THROUGHPUT", "KSQL_NUM_CSU", "KSQL_NUM_CSUS", "GOVERNANCE_BASE", "SCHEMA_REGISTRY",
      "FLINK_NUM_CFU", "TABLEFLOW_DATA_PROCESSED", "CLUSTER_LINKING_PER_LINK", "AUDIT_LOG_READ", "SUPPORT"]) {
      expect(types.has(t)).toBe(true);
    }
    const multi = s.costs.filter((c) => Date.parse(c.end_date) - Date.parse(c.start_date) > 86_400_000);
    expect(multi.length).toBeGreaterThan(0);
    expect(multi.length / s.costs.length).toBeLessThan(0.05);
    for (const c of s.costs) expect(Math.round((c.original_amount! - c.discount_amount!) * 1e6)).toBe(Math.round(c.amount * 1e6));
    expect(generateConfluentScenario({ seed: 2, now: NOW, days: 30, clusters: 4, serviceAccounts: 20, users: 5, churn: 0.4 }).costs).toEqual(s.costs);
  });

  test("principals are created and deleted inside the period", () => {
    const start = NOW - 30 * 86_400_000;
    const all = [...sim.state.serviceAccounts, ...sim.state.users];
    expect(all.some((p) => p.createdAt > start)).toBe(true);
    expect(all.some((p) => p.deletedAt !== undefined && p.deletedAt > start)).toBe(true);
  });
});

describe("Confluent simulator over HTTP", () => {
  test("401 without or with wrong Basic auth", async () => {
    expect((await fetch(`${sim.url}/org/v2/environments`)).status).toBe(401);
    const bad = await fetch(`${sim.url}/org/v2/environments`, { headers: { authorization: "Basic " + btoa("x:y") } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).errors[0].status).toBe("401");
  });

  test("list shape with metadata.next carrying page_token; deleted objects are not listed", async () => {
    const r = await fetch(`${sim.url}/iam/v2/service-accounts?page_size=5`, { headers: auth() });
    const body = (await r.json()) as any;
    expect(body.api_version).toBe("iam/v2");
    expect(body.kind).toBe("ServiceAccountList");
    expect(body.data.length).toBe(5);
    expect(new URL(body.metadata.next).searchParams.get("page_token")).toBeTruthy();
    const live = sim.state.serviceAccounts.filter((s) => s.deletedAt === undefined || s.deletedAt > NOW).length;
    expect(body.metadata.total_size).toBe(live);
  });

  test("costs: parameters required, one month at most", async () => {
    expect((await fetch(`${sim.url}/billing/v1/costs`, { headers: auth() })).status).toBe(400);
    expect((await fetch(`${sim.url}/billing/v1/costs?start_date=2026-01-01&end_date=2026-03-15`, { headers: auth() })).status).toBe(400);
    const ok = (await (await fetch(`${sim.url}/billing/v1/costs?start_date=2026-03-20&end_date=2026-03-21`, { headers: auth() })).json()) as any;
    expect(ok.kind).toBe("CostList");
    expect(ok.data.every((c: { start_date: string }) => c.start_date === "2026-03-20")).toBe(true);
  });

  test("connectors: a map keyed by name with id, info and status", async () => {
    const env = sim.state.clusters[0]!.obj.spec.environment.id;
    const r = (await (await fetch(`${sim.url}/connect/v1/environments/${env}/clusters/lkc-0000/connectors?expand=info,status,id`, { headers: auth() })).json()) as any;
    const [name, c] = Object.entries(r)[0] as [string, any];
    expect(c.info.name).toBe(name);
    expect(c.id.id).toMatch(/^lcc-/);
    expect(c.status.connector.state).toBe("RUNNING");
  });

  test("scripted 429 carries Retry-After", async () => {
    sim.state.scriptedFailures.push({ status: 429, retryAfterSeconds: 3 });
    const r = await fetch(`${sim.url}/iam/v2/users`, { headers: auth() });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("3");
  });

  test("routes answer undefined for paths that are not theirs (mountable in the shared sim server)", async () => {
    const state = generateConfluentScenario({ seed: 1, now: NOW, days: 2 });
    const u = new URL("http://x/v3/projects");
    expect(await confluentSimRoutes(state)(new Request(u.toString()), u)).toBeUndefined();
    expect(await prometheusSimRoutes(state)(new Request(u.toString()), u)).toBeUndefined();
  });
});
