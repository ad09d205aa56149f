/**
 * Property: for random billing rows (every line type, negative credits, multi-day rows, odd amounts), random
 * identities with lifetimes and random usage, the pieces of every row sum exactly — to the micro-unit — to the
 * row's amount, and the hourly exporter view sums to the same per day.
 */
import { describe, expect, test } from "bun:test";
import { Allocator } from "../../../src/engine/chargeback/allocate.ts";
import { addDays, segmentRow } from "../../../src/engine/chargeback/hours.ts";
import { splitByWeights, splitEven, toMicros } from "../../../src/engine/chargeback/money.ts";
import type { BillingRow, ChargebackObjects, UsageSample } from "../../../src/engine/chargeback/types.ts";
import { seededRandom } from "../../../src/sim/faults.ts";

const LINE_TYPES: Array<[string, string]> = [
  ["KAFKA", "KAFKA_BASE"], ["KAFKA", "KAFKA_PARTITION"], ["KAFKA", "KAFKA_STORAGE"], ["KAFKA", "KAFKA_NETWORK_READ"],
  ["KAFKA", "KAFKA_NETWORK_WRITE"], ["KAFKA", "KAFKA_NUM_CKU"], ["KAFKA", "KAFKA_NUM_CKUS"], ["AUDIT_LOG", "AUDIT_LOG_READ"],
  ["SUPPORT", "SUPPORT"], ["CONNECT", "CONNECT_CAPACITY"], ["CONNECT", "CONNECT_NUM_TASKS"], ["CONNECT", "CONNECT_THROUGHPUT"],
  ["KSQL", "KSQL_NUM_CSU"], ["KSQL", "KSQL_NUM_CSUS"], ["STREAM_GOVERNANCE", "GOVERNANCE_BASE"], ["STREAM_GOVERNANCE", "SCHEMA_REGISTRY"],
  ["CLUSTER_LINK", "CLUSTER_LINKING_PER_LINK"], ["FLINK", "FLINK_NUM_CFU"], ["TABLEFLOW", "TABLEFLOW_DATA_PROCESSED"],
  ["PROMO", "PROMO_CREDIT"], ["WHATEVER", "BRAND_NEW_TYPE"],
];

function randomWorld(rnd: () => number) {
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  const t0 = Date.parse("2026-02-01T00:00:00Z");
  const life = () => {
    const c = rnd() < 0.3 ? t0 + Math.floor(rnd() * 6 * 86400) * 1000 : undefined;
    const d = rnd() < 0.3 ? (c ?? t0) + Math.floor(rnd() * 4 * 86400) * 1000 : undefined;
    return { createdAt: c, deletedAt: d };
  };
  const clusters = ["lkc-1", "lkc-2", "lkc-3"];
  const ids = Array.from({ length: 1 + Math.floor(rnd() * 8) }, (_, i) => `sa-${i}`);
  const objects: ChargebackObjects = {
    environments: [{ id: "env-1", envId: "env-1" }],
    clusters: clusters.map((id) => ({ id, envId: "env-1", displayName: id })),
    identities: ids.map((id) => ({ id, kind: "service-account" as const, displayName: id, ...life() })),
    apiKeys: Array.from({ length: Math.floor(rnd() * 10) }, (_, i) => ({
      id: `KEY${i}`, ownerId: pick(ids), resourceId: pick([...clusters, "lsrc-1"]), ...life(),
    })),
    connectors: [{ id: "lcc-1", name: "conn1", envId: "env-1", clusterId: "lkc-1", ownerId: rnd() < 0.5 ? pick(ids) : undefined }],
    ksqlClusters: [{ id: "lksqlc-1", envId: "env-1", kafkaClusterId: "lkc-1", ownerId: rnd() < 0.5 ? pick(ids) : undefined }],
    schemaRegistries: [{ id: "lsrc-1", envId: "env-1" }],
    flinkPools: [],
  };
  const rows: BillingRow[] = [];
  const nRows = 1 + Math.floor(rnd() * 25);
  for (let i = 0; i < nRows; i++) {
    const [product, lineType] = pick(LINE_TYPES);
    const start = addDays("2026-02-01", Math.floor(rnd() * 6));
    const days = rnd() < 0.15 ? 2 + Math.floor(rnd() * 30) : 1;
    const amount = Math.floor((rnd() - 0.1) * 50_000_000) + (rnd() < 0.2 ? 7 : 0);
    const resourceId =
      lineType.startsWith("CONNECT") ? pick(["lcc-1", "lcc-gone", "lkc-1"]) : lineType.startsWith("KSQL") ? "lksqlc-1" :
      product === "STREAM_GOVERNANCE" ? "lsrc-1" : product === "SUPPORT" || product === "PROMO" ? "" : pick(clusters);
    rows.push({
      key: `r${i}`, startDate: start, endDate: addDays(start, days), product, lineType, resourceId, resourceName: "conn1",
      envId: rnd() < 0.9 ? "env-1" : "", amountMicros: amount, originalAmountMicros: amount, discountMicros: 0,
      quantity: 1, price: 1, unit: "Hour",
    });
  }
  const usage: UsageSample[] = [];
  for (let h = 0; h < 24 * 8; h++) {
    for (const k of clusters) {
      if (rnd() < 0.5) continue;
      const n = Math.floor(rnd() * 4);
      for (let j = 0; j < n; j++) {
        usage.push({
          hour: t0 + h * 3_600_000, kafkaId: k, principal: rnd() < 0.3 ? `KEY${Math.floor(rnd() * 10)}` : pick(ids),
          requestBytes: rnd() < 0.3 ? 0 : Math.floor(rnd() * 1e13), responseBytes: rnd() < 0.3 ? 0 : Math.floor(rnd() * 1e6),
        });
      }
    }
  }
  return { objects, rows, usage };
}

describe("conservation", () => {
  test("pieces of every billing row sum exactly to its amount (150 random worlds)", () => {
    for (let seed = 1; seed <= 150; seed++) {
      const rnd = seededRandom(seed);
      const { objects, rows, usage } = randomWorld(rnd);
      const alloc = new Allocator(objects, usage, { ckuUsageRatio: [0.7, 0.5, 1, 0, 0.333333][seed % 5] });
      const pieces = alloc.allocateRows(rows);
      for (const r of rows) {
        const sum = pieces.filter((p) => p.rowKey === r.key).reduce((s, p) => s + p.micros, 0);
        if (sum !== r.amountMicros) throw new Error(`seed ${seed}: row ${r.key} ${r.lineType}: ${sum} ≠ ${r.amountMicros}`);
      }
      for (const p of pieces) {
        expect(Number.isSafeInteger(p.micros)).toBe(true);
        expect(p.principal.length).toBeGreaterThan(0);
      }
      // The exporter's hourly view of each day sums to the ledger's pieces of that day.
      const days = new Set(pieces.map((p) => p.day));
      for (const day of days) {
        const ledger = pieces.filter((p) => p.day === day).reduce((s, p) => s + p.micros, 0);
        const hourly = alloc.hourlyDay(rows, day).reduce((s, p) => s + p.micros, 0);
        expect(hourly).toBe(ledger);
      }
    }
  });

  test("money splits are exact and deterministic", () => {
    const rnd = seededRandom(42);
    for (let i = 0; i < 2000; i++) {
      const amount = Math.floor((rnd() - 0.3) * 1e12);
      const n = 1 + Math.floor(rnd() * 50);
      expect(splitEven(amount, n).reduce((a, b) => a + b, 0)).toBe(amount);
      const w: number[] = Array.from({ length: n }, () => Math.floor(rnd() * (rnd() < 0.5 ? 1e15 : 10)));
      if (!w.some((x) => x > 0)) w[0] = 1;
      const parts = splitByWeights(amount, w);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
      expect(splitByWeights(amount, w)).toEqual(parts);
    }
    expect(splitEven(10, 3)).toEqual([4, 3, 3]);
    expect(splitByWeights(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeights(-10, [1, 2])).toEqual([-3, -7]);
    expect(toMicros(12.34)).toBe(12_340_000);
    expect(toMicros("0.0000005")).toBe(1);
    expect(toMicros(0.1 + 0.2)).toBe(300_000);
    expect(toMicros(-2.66)).toBe(-2_660_000);
  });

  test("a row is divided by its real number of hours", () => {
    const r = { key: "m", startDate: "2026-01-01", endDate: "2026-02-01", amountMicros: 744_000_001 } as BillingRow;
    const segs = segmentRow(r);
    expect(segs.length).toBe(31);
    expect(segs.every((s) => s.hours.length === 24)).toBe(true);
    expect(segs[0]!.amounts[0]).toBe(1_000_001);
    expect(segs[0]!.amounts[1]).toBe(1_000_000);
    expect(segs.reduce((s, g) => s + g.amounts.reduce((a, b) => a + b, 0), 0)).toBe(744_000_001);
  });
});
