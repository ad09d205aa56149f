/**
 * Billing-row times, never-listed identities and the simulator's objects as the real APIs have them (issue #13,
 * items 7, 8 and 10): a sync over HTTP against the simulated Confluent Cloud, then the ledger is read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Allocator } from "../../../src/engine/chargeback/allocate.ts";
import { ObjectsIndex } from "../../../src/engine/chargeback/objects-index.ts";
import { ConfluentClient } from "../../../src/providers/confluent/client.ts";
import { fetchObjects } from "../../../src/providers/confluent/objects.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { Ledger } from "../../../src/store/chargeback/ledger.ts";
import { syncChargeback } from "../../../src/store/chargeback/sync.ts";
import { simSource } from "./helpers.ts";

const NOW = Date.parse("2026-06-15T08:00:00Z");
const opts = { now: NOW, lookbackDays: 10, cutoffDays: 3, ckuUsageRatio: 0.7 };
let sim: ConfluentSim;
let dir: string;
let ledger: Ledger;

const extraRow = (id: string, start: string, end: string, amount: number, resource = "lfcp-timing") => ({
  id,
  start_date: start,
  end_date: end,
  granularity: "DAILY",
  product: "FIDELITY",
  line_type: "FIDELITY_TEST",
  amount,
  original_amount: amount,
  discount_amount: 0,
  quantity: 1,
  price: amount,
  unit: "Hour",
  resource: { id: resource, display_name: resource, environment: { id: "env-0000" } },
});

beforeAll(async () => {
  sim = startConfluentSim({ scenario: { seed: 5, now: NOW, days: 12, clusters: 3, serviceAccounts: 10 } });
  const st = sim.state;
  st.costs.push(
    // 23:00Z to 23:00Z the next day: one hour on the 8th, 23 on the 9th.
    extraRow("fid-2300", "2026-06-08T23:00:00Z", "2026-06-09T23:00:00Z", 24),
    // 12 hours: the amount divided by 12, not by 24.
    extraRow("fid-12h", "2026-06-10T00:00:00Z", "2026-06-10T12:00:00Z", 12),
    // A Berlin day with its offset: [06-10 22:00Z, 06-11 22:00Z).
    extraRow("fid-offset", "2026-06-11T00:00:00+02:00", "2026-06-12T00:00:00+02:00", 48),
    // A cluster whose only key belongs to an account no listing contains.
    { ...extraRow("fid-ghost", "2026-06-09", "2026-06-10", 24, "lkc-ghost"), product: "KAFKA", line_type: "KAFKA_BASE" },
  );
  st.costs.sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : 0));
  st.apiKeys.push({
    obj: { id: "GHOSTKEY00000001", spec: { display_name: "ghost", owner: { id: "sa-ghost1", kind: "ServiceAccount" }, resource: { id: "lkc-ghost", kind: "Cluster" } }, metadata: { created_at: "2026-01-01T00:00:00Z" } },
    createdAt: Date.parse("2026-01-01T00:00:00Z"),
  });
  dir = mkdtempSync(join(tmpdir(), "ot3c-fidelity-"));
  ledger = Ledger.open(dir);
  await syncChargeback(ledger, simSource(sim, 100), opts);
});
afterAll(async () => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
  await sim.stop();
});

const piecesOf = (rowKey: string) => ledger.pieces().filter((p) => p.rowKey === rowKey);
const perDay = (rowKey: string) => Object.fromEntries(piecesOf(rowKey).map((p) => [p.day, p.micros]));
const hoursOf = (rowKey: string, day: string) => {
  const rows = ledger.rowsForDay(day).filter((r) => r.key === rowKey);
  return new Allocator(new ObjectsIndex(ledger.objects()), []).hourlyDay(rows, day).map((h) => [new Date(h.hour).toISOString().slice(11, 13), h.micros]);
};

describe("billing rows cover [start, end) in UTC with their real hours", () => {
  test("23:00Z → 23:00Z: one hour on the first day, 23 on the next", () => {
    expect(perDay("fid-2300")).toEqual({ "2026-06-08": 1_000_000, "2026-06-09": 23_000_000 });
    expect(hoursOf("fid-2300", "2026-06-08")).toEqual([["23", 1_000_000]]);
  });

  test("a 12-hour row is divided by 12 hours, all of them before noon", () => {
    const hours = hoursOf("fid-12h", "2026-06-10");
    expect(hours).toHaveLength(12);
    expect(hours.every(([h, m]) => Number(h) < 12 && m === 1_000_000)).toBe(true);
  });

  test("an offset moves the row to its UTC instants", () => {
    expect(perDay("fid-offset")).toEqual({ "2026-06-10": 4_000_000, "2026-06-11": 44_000_000 });
  });

  test("every row still adds up to its amount to the micro-unit", () => {
    for (const r of ledger.conservation()) expect(r.allocated).toBe(r.amount);
  });
});

describe("identities the objects API never listed are unknown, not alive in every hour", () => {
  test("a key whose owner was never listed does not make that owner an active key owner", () => {
    const pieces = piecesOf("fid-ghost");
    expect(pieces.map((p) => p.principal)).toEqual(["lkc-ghost"]);
    expect(pieces[0]!.reason).toBe("OWNER_UNKNOWN_TO_RESOURCE");
  });

  test("a ksqlDB cluster whose credential identity no listing contains goes to the cluster, with its reason", () => {
    const ksql = ledger.pieces().filter((p) => p.lineType.startsWith("KSQL_"));
    const unknown = ksql.filter((p) => p.resourceId === "lksqlc-0001");
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((p) => p.principal === "lksqlc-0001" && p.reason === "OWNER_UNKNOWN_TO_RESOURCE")).toBe(true);
    expect(ksql.filter((p) => p.resourceId === "lksqlc-0000").every((p) => p.principal === "sa-00001" && p.reason === "DIRECT_OWNER")).toBe(true);
  });
});

describe("simulated Confluent objects as the real API has them", () => {
  test("every ksqlDB cluster has spec.credential_identity; a connector's service account lives as long as the connector", async () => {
    const client = new ConfluentClient({ apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, baseUrl: sim.url, http: { retries: 0 } });
    const res = await fetch(`${sim.url}/ksqldbcm/v2/clusters?environment=env-0001`, {
      headers: { authorization: `Basic ${Buffer.from(`${sim.state.apiKey}:${sim.state.apiSecret}`).toString("base64")}` },
    });
    const body = (await res.json()) as { data: Array<{ spec: { credential_identity?: { id: string } } }> };
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.every((k) => typeof k.spec.credential_identity?.id === "string")).toBe(true);
    const objects = await fetchObjects(client);
    const ids = new Map(objects.identities.map((i) => [i.id, i]));
    for (const c of objects.connectors.filter((x) => x.ownerId?.startsWith("sa-"))) {
      const sa = ids.get(c.ownerId!);
      expect(sa).toBeDefined();
      expect(sa!.deletedAt).toBeUndefined();
      expect(sa!.createdAt ?? -Infinity).toBeLessThanOrEqual(c.createdAt ?? Infinity);
    }
    // Hence every hour of a service-account connector is charged to its owner.
    const saConnector = objects.connectors.find((x) => x.ownerId?.startsWith("sa-"))!;
    const pieces = ledger.pieces().filter((p) => p.resourceId === saConnector.id);
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.every((p) => p.principal === saConnector.ownerId && p.reason === "DIRECT_OWNER")).toBe(true);
  });
});
