/** Ledger + sync against the simulator over HTTP: conservation, idempotence, restatements, incremental, registry. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { Ledger } from "../../../src/store/chargeback/ledger.ts";
import { SCHEMA_VERSION } from "../../../src/store/chargeback/schema.ts";
import { syncChargeback } from "../../../src/store/chargeback/sync.ts";
import { simSource } from "./helpers.ts";

const NOW = Date.parse("2026-06-15T08:00:00Z");
const opts = { now: NOW, lookbackDays: 10, cutoffDays: 3, ckuUsageRatio: 0.7 };
let sim: ConfluentSim;
let dir: string;
let ledger: Ledger;

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 5, now: NOW, days: 12, clusters: 3, serviceAccounts: 10 } });
  dir = mkdtempSync(join(tmpdir(), "ot3c-ledger-"));
  ledger = Ledger.open(dir);
});
afterAll(async () => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
  await sim.stop();
});

const expectConserved = () => {
  const rows = ledger.conservation();
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) if (r.amount !== r.allocated) throw new Error(`${r.day} ${r.row_key}: ${r.allocated} ≠ ${r.amount}`);
};

describe("chargeback ledger", () => {
  test("first sync allocates every day of the lookback; pieces sum to the bill to the micro-unit", async () => {
    const res = await syncChargeback(ledger, simSource(sim, 50), opts);
    expect(res.fetchedFrom).toBe("2026-06-05");
    expect(res.daysRecomputed.length).toBe(10);
    expectConserved();
    const billed = sim.state.costs
      .filter((c) => c.start_date >= "2026-06-05" && c.start_date < "2026-06-15")
      .reduce((s, c) => s + Math.round(c.amount * 1e6), 0);
    expect(ledger.totals([])[0]!.micros).toBe(billed);
    // Every line type of the scenario made it into the ledger.
    const types = new Set(ledger.totals(["line_type"]).map((t) => t.line_type));
    for (const t of ["SUPPORT", "FLINK_NUM_CFU", "TABLEFLOW_DATA_PROCESSED", "CLUSTER_LINKING_PER_LINK", "KAFKA_NUM_CKU", "KAFKA_NUM_CKUS", "AUDIT_LOG_READ"]) {
      expect(types.has(t)).toBe(true);
    }
    expect(ledger.totals(["reason"]).some((r) => r.reason === "USAGE_RATIO")).toBe(true);
  });

  test("a second sync on unchanged data fetches only the cutoff window and recomputes nothing", async () => {
    const before = ledger.pieces();
    const res = await syncChargeback(ledger, simSource(sim), opts);
    expect(res.fetchedFrom).toBe("2026-06-12");
    expect(res.daysRecomputed).toEqual([]);
    expect(ledger.pieces()).toEqual(before);
  });

  test("a restatement inside cutoff-days recomputes exactly that day, cleanly", async () => {
    const row = sim.state.costs.find((c) => c.start_date === "2026-06-13" && c.line_type === "KAFKA_BASE")!;
    const versionBefore = ledger.dayRecord("2026-06-13")!.version;
    const otherBefore = ledger.pieces("2026-06-12", "2026-06-13");
    row.amount = Math.round((row.amount + 1.234567) * 1e6) / 1e6;
    const res = await syncChargeback(ledger, simSource(sim), opts);
    expect(res.daysRecomputed).toEqual(["2026-06-13"]);
    expect(ledger.dayRecord("2026-06-13")!.version).toBe(versionBefore + 1);
    expect(ledger.pieces("2026-06-12", "2026-06-13")).toEqual(otherBefore);
    const allocated = ledger.pieces("2026-06-13", "2026-06-14").filter((p) => p.rowKey === row.id).reduce((s, p) => s + p.micros, 0);
    expect(allocated).toBe(Math.round(row.amount * 1e6));
    expectConserved();
  });

  test("a change to a final day (older than cutoff) is not refetched; --full picks it up", async () => {
    const row = sim.state.costs.find((c) => c.start_date === "2026-06-06" && c.line_type === "KAFKA_STORAGE")!;
    row.amount = Math.round((row.amount + 2) * 1e6) / 1e6;
    expect((await syncChargeback(ledger, simSource(sim), opts)).daysRecomputed).toEqual([]);
    const full = await syncChargeback(ledger, simSource(sim), { ...opts, full: true });
    expect(full.daysRecomputed).toEqual(["2026-06-06"]);
    expectConserved();
  });

  test("objects that disappear from the API stay in the registry with a deletion time", async () => {
    const sa = sim.state.serviceAccounts.find((s) => s.deletedAt === undefined && s.createdAt < NOW)!;
    sa.deletedAt = NOW + 3_600_000;
    sim.state.now = NOW + 2 * 3_600_000;
    try {
      await syncChargeback(ledger, simSource(sim), { ...opts, now: NOW + 2 * 3_600_000 });
      const ident = ledger.objects().identities.find((i) => i.id === sa.obj.id)!;
      expect(ident.deletedAt).toBe(NOW + 2 * 3_600_000);
    } finally {
      sim.state.now = NOW;
      sa.deletedAt = undefined;
    }
  });

  test("schema version is recorded and a newer DB is refused", () => {
    expect((ledger.db.query("PRAGMA user_version").get() as any).user_version).toBe(SCHEMA_VERSION);
    expect((ledger.db.query("PRAGMA journal_mode").get() as any).journal_mode).toBe("wal");
    const p = join(dir, "future.db");
    const db = new Database(p, { create: true });
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => new Ledger(p)).toThrow(/newer/);
  });
});

describe("billing rows without ids", () => {
  test("identical-looking rows are both kept (no money dropped as a duplicate)", async () => {
    const { uniqueKeys } = await import("../../../src/store/chargeback/sync.ts");
    const { costToRow } = await import("../../../src/providers/confluent/normalise.ts");
    const wire = { start_date: "2026-06-01", end_date: "2026-06-02", product: "PROMO", line_type: "PROMO_CREDIT", amount: -5 };
    const rows = uniqueKeys([costToRow(wire), costToRow({ ...wire, amount: -7 }), costToRow({ ...wire, line_type: "X" })]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    expect(rows[1]!.key).toBe(`${rows[0]!.key}#2`);
    // Restating an amount keeps the key (the key is what identifies the charge, not what it costs).
    expect(costToRow({ ...wire, amount: -6 }).key).toBe(rows[0]!.key);
  });
});

describe("totals", () => {
  test("agree with SQL over the allocation view for every kind of grouping", () => {
    const sets: Array<Parameters<Ledger["totals"]>[0]> = [[], ["principal"], ["principal", "cost_type"], ["reason"], ["line_type"], ["product", "line_type"], ["env_id", "principal"], ["resource_id"], ["day"]];
    for (const cols of sets) {
      const got = ledger.totals(cols, "2026-06-06", "2026-06-14");
      const sqlCols = cols.join(", ");
      const want = ledger.db
        .query(`SELECT ${sqlCols}${sqlCols ? "," : ""} SUM(micros) AS micros FROM allocation WHERE day >= ? AND day < ? ${sqlCols ? `GROUP BY ${sqlCols}` : ""}`)
        .all("2026-06-06", "2026-06-14") as Array<Record<string, unknown>>;
      const norm = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]))).sort();
      expect(norm(got)).toEqual(norm(want));
    }
  });
});
