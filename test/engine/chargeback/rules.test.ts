/** One test per line-type rule and per step of the fallback chain (ALLOCATION.md). */
import { describe, expect, test } from "bun:test";
import { Allocator } from "../../../src/engine/chargeback/allocate.ts";
import type { AllocationPiece, UsageSample } from "../../../src/engine/chargeback/types.ts";
import { H, objects, row, sumBy, T0 } from "./fixtures.ts";

const byPrincipal = (pieces: AllocationPiece[]) =>
  Object.fromEntries(sumBy(pieces, (p) => `${p.principal}/${p.costType}/${p.reason}`, (p) => p.micros));

const everyHour = (kafkaId: string, principal: string, req: number, resp: number): UsageSample[] =>
  Array.from({ length: 24 }, (_, i) => ({ hour: T0 + i * H, kafkaId, principal, requestBytes: req, responseBytes: resp }));

describe("kafka cluster rules", () => {
  test("KAFKA_BASE/PARTITION/STORAGE: even split over the cluster's key owners (SHARED)", () => {
    for (const lineType of ["KAFKA_BASE", "KAFKA_PARTITION", "KAFKA_STORAGE"]) {
      const a = new Allocator(objects(), []);
      expect(byPrincipal(a.allocateRows([row({ lineType, amountMicros: 2_400_001 })]))).toEqual({
        "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 1_200_001,
        "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 1_200_000,
      });
    }
  });

  test("a key deleted mid-day only counts for the hours it existed", () => {
    const o = objects();
    o.apiKeys[1]!.deletedAt = T0 + 12 * H; // sa-b's key gone at noon
    const pieces = new Allocator(o, []).allocateRows([row({ lineType: "KAFKA_BASE", amountMicros: 24_000_000 })]);
    // 12 hours shared by two (0.5 each), 12 hours sa-a alone.
    expect(byPrincipal(pieces)).toEqual({ "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 18_000_000, "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 6_000_000 });
  });

  test("an owner deleted mid-day stops sharing even though the key still exists", () => {
    const o = objects();
    o.identities[0]!.deletedAt = T0 + 6 * H;
    const pieces = new Allocator(o, []).allocateRows([row({ lineType: "KAFKA_BASE", amountMicros: 24_000_000 })]);
    expect(byPrincipal(pieces)).toEqual({ "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 3_000_000, "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 21_000_000 });
  });

  test("no key owners in an hour → owners of the period; none at all → the cluster id", () => {
    const o = objects();
    o.apiKeys = [{ id: "K", ownerId: "sa-a", resourceId: "lkc-1", createdAt: T0 + 20 * H }];
    const pieces = new Allocator(o, []).allocateRows([row({ lineType: "KAFKA_STORAGE", amountMicros: 24_000_000 })]);
    expect(byPrincipal(pieces)).toEqual({
      "sa-a/SHARED/NO_ACTIVE_EVEN_SPLIT_PERIOD": 20_000_000,
      "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 4_000_000,
    });
    const none = new Allocator(objects({ apiKeys: [] }), []).allocateRows([row({ lineType: "KAFKA_STORAGE", amountMicros: 5 })]);
    expect(byPrincipal(none)).toEqual({ "lkc-1/SHARED/NO_IDENTITIES_TO_RESOURCE": 5 });
  });

  test("KAFKA_NETWORK_READ by response bytes, WRITE by request bytes (USAGE); API keys map to owners", () => {
    const usage = [...everyHour("lkc-1", "sa-a", 300, 100), ...everyHour("lkc-1", "KEYB", 100, 300)];
    const a = new Allocator(objects(), usage);
    expect(byPrincipal(a.allocateRows([row({ lineType: "KAFKA_NETWORK_READ", amountMicros: 24_000_000 })]))).toEqual({
      "sa-a/USAGE/USAGE_RATIO": 6_000_000,
      "sa-b/USAGE/USAGE_RATIO": 18_000_000,
    });
    expect(byPrincipal(a.allocateRows([row({ lineType: "KAFKA_NETWORK_WRITE", amountMicros: 24_000_000 })]))).toEqual({
      "sa-a/USAGE/USAGE_RATIO": 18_000_000,
      "sa-b/USAGE/USAGE_RATIO": 6_000_000,
    });
  });

  test("a burst counts in its own hour only (range sum, not a point sample)", () => {
    const usage: UsageSample[] = [
      { hour: T0, kafkaId: "lkc-1", principal: "sa-a", requestBytes: 200, responseBytes: 0 },
      ...everyHour("lkc-1", "sa-b", 100, 0),
    ];
    const pieces = new Allocator(objects(), usage).allocateRows([row({ lineType: "KAFKA_NETWORK_WRITE", amountMicros: 24_000_000 })]);
    // hour 0: a 2/3, b 1/3 of 1.0; the other 23 hours all b.
    expect(byPrincipal(pieces)).toEqual({ "sa-a/USAGE/USAGE_RATIO": 666_667, "sa-b/USAGE/USAGE_RATIO": 23_333_333 });
  });

  test("network without usage in an hour → even split over key owners, reason recorded", () => {
    const usage = [{ hour: T0, kafkaId: "lkc-1", principal: "u-c", requestBytes: 10, responseBytes: 10 }];
    const pieces = new Allocator(objects(), usage).allocateRows([row({ lineType: "KAFKA_NETWORK_READ", amountMicros: 24_000_000 })]);
    expect(byPrincipal(pieces)).toEqual({
      "u-c/USAGE/USAGE_RATIO": 1_000_000,
      "sa-a/SHARED/NO_USAGE_EVEN_SPLIT_ACTIVE": 11_500_000,
      "sa-b/SHARED/NO_USAGE_EVEN_SPLIT_ACTIVE": 11_500_000,
    });
  });

  test("KAFKA_NUM_CKU and KAFKA_NUM_CKUS: 70% usage (half request, half response share), 30% shared", () => {
    const usage = [...everyHour("lkc-1", "sa-a", 100, 0), ...everyHour("lkc-1", "sa-b", 100, 100)];
    for (const lineType of ["KAFKA_NUM_CKU", "KAFKA_NUM_CKUS"]) {
      const pieces = new Allocator(objects(), usage).allocateRows([row({ lineType, amountMicros: 24_000_000 })]);
      expect(byPrincipal(pieces)).toEqual({
        "sa-a/USAGE/USAGE_RATIO": 4_200_000, // 0.7 × (0.5 × 0.5 + 0.5 × 0) × 24
        "sa-b/USAGE/USAGE_RATIO": 12_600_000, // 0.7 × (0.5 × 0.5 + 0.5 × 1) × 24
        "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 3_600_000,
        "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 3_600_000,
      });
    }
  });

  test("CKU ratio is configurable; without usage the usage part falls back to an even split", () => {
    const pieces = new Allocator(objects(), [], { ckuUsageRatio: 0.5 }).allocateRows([row({ lineType: "KAFKA_NUM_CKU", amountMicros: 24_000_000 })]);
    expect(byPrincipal(pieces)).toEqual({
      "sa-a/SHARED/NO_USAGE_EVEN_SPLIT_ACTIVE": 6_000_000,
      "sa-b/SHARED/NO_USAGE_EVEN_SPLIT_ACTIVE": 6_000_000,
      "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 6_000_000,
      "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 6_000_000,
    });
  });
});

describe("org-wide, connector, ksqlDB, governance and resource rules", () => {
  test("AUDIT_LOG_READ and SUPPORT: even over SAs and users alive in the hour; nobody → UNALLOCATED", () => {
    for (const [product, lineType] of [["AUDIT_LOG", "AUDIT_LOG_READ"], ["SUPPORT", "SUPPORT"], ["SUPPORT", "SUPPORT_CLOUD_BUSINESS"]]) {
      const pieces = new Allocator(objects(), []).allocateRows([row({ product, lineType, resourceId: "", amountMicros: 7_200_000 })]);
      expect(byPrincipal(pieces)).toEqual({
        "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 2_400_000,
        "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 2_400_000,
        "u-c/SHARED/EVEN_SPLIT_ACTIVE": 2_400_000,
      });
      const nobody = new Allocator(objects({ identities: [] }), []).allocateRows([row({ product, lineType, resourceId: "", amountMicros: 7 })]);
      expect(byPrincipal(nobody)).toEqual({ "UNALLOCATED/SHARED/NO_IDENTITIES_UNALLOCATED": 7 });
    }
  });

  test("connectors: matched by lcc id; capacity SHARED, tasks/throughput USAGE; unresolved owner → the lcc", () => {
    const o = objects({
      connectors: [
        { id: "lcc-1", name: "orders sink", envId: "env-1", clusterId: "lkc-1", ownerId: "sa-a" },
        { id: "lcc-2", name: "masked", envId: "env-1", clusterId: "lkc-1", ownerProblem: "connector_api_key_masked" },
      ],
    });
    const a = new Allocator(o, []);
    const r = (lineType: string, resourceId: string, resourceName = "x") =>
      byPrincipal(a.allocateRows([row({ product: "CONNECT", lineType, resourceId, resourceName, amountMicros: 100 })]));
    expect(r("CONNECT_CAPACITY", "lcc-1")).toEqual({ "sa-a/SHARED/DIRECT_OWNER": 100 });
    expect(r("CONNECT_NUM_TASKS", "lcc-1")).toEqual({ "sa-a/USAGE/DIRECT_OWNER": 100 });
    expect(r("CONNECT_THROUGHPUT", "lcc-unknown", "orders sink")).toEqual({ "sa-a/USAGE/DIRECT_OWNER": 100 });
    expect(r("CONNECT_THROUGHPUT", "lcc-2")).toEqual({ "lcc-2/SHARED/OWNER_UNRESOLVED_TO_RESOURCE": 100 });
    expect(r("CONNECT_CAPACITY", "lkc-1")).toEqual({ "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 100 });
  });

  test("ksqlDB: credential identity (USAGE), else the ksqlDB cluster", () => {
    const o = objects({ ksqlClusters: [{ id: "lksqlc-1", envId: "env-1", kafkaClusterId: "lkc-1", ownerId: "sa-b" }, { id: "lksqlc-2", envId: "env-1", kafkaClusterId: "lkc-1" }] });
    const a = new Allocator(o, []);
    expect(byPrincipal(a.allocateRows([row({ product: "KSQL", lineType: "KSQL_NUM_CSU", resourceId: "lksqlc-1", amountMicros: 9 })]))).toEqual({ "sa-b/USAGE/DIRECT_OWNER": 9 });
    expect(byPrincipal(a.allocateRows([row({ product: "KSQL", lineType: "KSQL_NUM_CSUS", resourceId: "lksqlc-2", amountMicros: 9 })]))).toEqual({
      "lksqlc-2/SHARED/OWNER_UNRESOLVED_TO_RESOURCE": 9,
    });
  });

  test("Stream Governance: owners of Schema Registry keys in the env, else all key owners in the env", () => {
    const o = objects({ schemaRegistries: [{ id: "lsrc-1", envId: "env-1" }] });
    o.apiKeys.push({ id: "SRKEY", ownerId: "u-c", resourceId: "lsrc-1" });
    const a = new Allocator(o, []);
    const r = () => byPrincipal(a.allocateRows([row({ product: "STREAM_GOVERNANCE", lineType: "GOVERNANCE_BASE", resourceId: "lsrc-1", amountMicros: 10 })]));
    expect(r()).toEqual({ "u-c/SHARED/EVEN_SPLIT_ACTIVE": 10 });
    o.apiKeys.pop();
    expect(byPrincipal(new Allocator(o, []).allocateRows([row({ product: "STREAM_GOVERNANCE", lineType: "SCHEMA_REGISTRY", resourceId: "lsrc-1", amountMicros: 480 })]))).toEqual({
      "sa-a/SHARED/EVEN_SPLIT_ACTIVE": 240,
      "sa-b/SHARED/EVEN_SPLIT_ACTIVE": 240,
    });
  });

  test("cluster linking, Flink, Tableflow go to the resource; unknown types to the resource or UNALLOCATED", () => {
    const a = new Allocator(objects(), []);
    const r = (product: string, lineType: string, resourceId: string) =>
      byPrincipal(a.allocateRows([row({ product, lineType, resourceId, amountMicros: 11 })]));
    expect(r("CLUSTER_LINK", "CLUSTER_LINKING_PER_LINK", "lkc-1")).toEqual({ "lkc-1/SHARED/RESOURCE_DIRECT": 11 });
    expect(r("FLINK", "FLINK_NUM_CFU", "lfcp-1")).toEqual({ "lfcp-1/SHARED/RESOURCE_DIRECT": 11 });
    expect(r("TABLEFLOW", "TABLEFLOW_DATA_PROCESSED", "lkc-1")).toEqual({ "lkc-1/SHARED/RESOURCE_DIRECT": 11 });
    expect(r("NEW", "SOMETHING_NEW", "x-1")).toEqual({ "x-1/SHARED/UNKNOWN_LINE_TYPE": 11 });
    expect(r("PROMO", "PROMO_CREDIT", "")).toEqual({ "UNALLOCATED/SHARED/NO_IDENTITIES_UNALLOCATED": 11 });
  });

  test("the hourly exporter view splits each hour by its own identities", () => {
    const o = objects();
    o.apiKeys[1]!.createdAt = T0 + 23 * H;
    const hourly = new Allocator(o, []).hourlyDay([row({ lineType: "KAFKA_BASE", amountMicros: 24_000_000 })], "2026-03-10");
    const last = hourly.filter((p) => p.hour === T0 + 23 * H);
    expect(last.map((p) => [p.principal, p.micros])).toEqual([["sa-a", 500_000], ["sa-b", 500_000]]);
    expect(hourly.filter((p) => p.hour === T0).map((p) => [p.principal, p.micros])).toEqual([["sa-a", 1_000_000]]);
  });
});
