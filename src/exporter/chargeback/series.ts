/**
 * The seed's metric families for one hour, computed from the ledger (reference §4, names and labels unchanged so
 * existing dashboards keep working). Hourly values are recomputed per day from the stored billing rows, usage and
 * object registry with the same allocator as the ledger, so a day's hourly chargeback sums to its ledger pieces.
 */
import { Allocator } from "../../engine/chargeback/allocate.ts";
import { dayOf, segmentsForDay } from "../../engine/chargeback/hours.ts";
import { formatMicros, splitEven } from "../../engine/chargeback/money.ts";
import { aliveDuring, ObjectsIndex } from "../../engine/chargeback/objects-index.ts";
import { HOUR_MS, type ChargebackObjects, type HourlyPiece } from "../../engine/chargeback/types.ts";
import type { Ledger } from "../../store/chargeback/ledger.ts";
import type { MetricFamily, Sample } from "./format.ts";

export const CHARGEBACK_METRIC = "confluent_cloud_chargeback_details";
export const BILLING_METRIC = "confluent_cloud_billing_details";
export const STATUS_METRIC = "confluent_cloud_custom_scrape_status";

interface BillingPiece {
  hour: number;
  labels: Record<string, string>;
  micros: number;
}

interface DayData {
  version: number;
  chargeback: Map<number, HourlyPiece[]>;
  billing: Map<number, BillingPiece[]>;
  objects: ChargebackObjects;
}

/** Kafka clusters a billed resource maps to (v1's billing_details rule). */
function clustersFor(resourceId: string, envId: string, idx: ObjectsIndex, objects: ChargebackObjects, from: number): { ids: string[]; reason: string } {
  if (!resourceId) return { ids: [], reason: "no_data_in_api" };
  if (resourceId.startsWith("lkc-")) return { ids: [resourceId], reason: "" };
  if (resourceId.startsWith("lcc-")) {
    const c = idx.connectors.get(resourceId);
    return c ? { ids: [c.clusterId], reason: "" } : { ids: [], reason: "no_data_in_api" };
  }
  if (resourceId.startsWith("lksql")) {
    const k = idx.ksql.get(resourceId);
    return k?.kafkaClusterId ? { ids: [k.kafkaClusterId], reason: "" } : { ids: [], reason: "no_data_in_api" };
  }
  if (resourceId.startsWith("lsr")) {
    const ids = objects.clusters.filter((c) => c.envId === envId && aliveDuring(c, from, from + HOUR_MS)).map((c) => c.id).sort();
    return ids.length ? { ids, reason: "" } : { ids: [], reason: "no_cluster_in_env" };
  }
  return { ids: [], reason: "unknown_resource_type" };
}

/**
 * One spelling per line type in the `product_type` label: the Costs API bills CKUs and CSUs under a singular and a
 * plural name, which would otherwise be two series for one cost. The plural is the one the original tool (v1.0.4)
 * matched, so dashboards written for it keep working; case differences fold into upper case.
 */
const PRODUCT_TYPE_SPELLING: Readonly<Record<string, string>> = {
  KAFKA_NUM_CKU: "KAFKA_NUM_CKUS",
  KSQL_NUM_CSU: "KSQL_NUM_CSUS",
  KAFKA_PARTITIONS: "KAFKA_PARTITION",
};

export function productTypeLabel(lineType: string): string {
  const upper = lineType.toUpperCase();
  return PRODUCT_TYPE_SPELLING[upper] ?? upper;
}

export class HourlySeries {
  private cache = new Map<string, DayData>();

  constructor(
    private readonly ledger: Ledger,
    private readonly ckuUsageRatio = 0.7,
  ) {}

  private day(day: string): DayData | undefined {
    const rec = this.ledger.dayRecord(day);
    if (!rec) return undefined;
    const hit = this.cache.get(day);
    if (hit && hit.version === rec.version) return hit;
    const objects = this.ledger.objects();
    const idx = new ObjectsIndex(objects);
    const rows = this.ledger.rowsForDay(day);
    const allocator = new Allocator(idx, this.ledger.usageForDay(day), { ckuUsageRatio: this.ckuUsageRatio });
    const chargeback = new Map<number, HourlyPiece[]>();
    for (const p of allocator.hourlyDay(rows, day)) {
      let list = chargeback.get(p.hour);
      if (!list) chargeback.set(p.hour, (list = []));
      list.push(p);
    }
    const billing = new Map<number, BillingPiece[]>();
    for (const seg of segmentsForDay(rows, day)) {
      const r = seg.row;
      const envId = r.envId || idx.envOf(r.resourceId) || "";
      seg.hours.forEach((hour, i) => {
        const { ids, reason } = clustersFor(r.resourceId, envId, idx, objects, hour);
        const targets = ids.length ? ids : ["unknown"];
        const parts = splitEven(seg.amounts[i]!, targets.length);
        let list = billing.get(hour);
        if (!list) billing.set(hour, (list = []));
        targets.forEach((cluster, j) =>
          list!.push({
            hour,
            micros: parts[j]!,
            labels: {
              env_id: envId,
              kafka_cluster_id: cluster,
              kafka_cluster_unknown_reason: reason,
              resource_id: r.resourceId,
              product_name: r.product,
              product_line_type: r.lineType,
            },
          }),
        );
      });
    }
    const data = { version: rec.version, chargeback, billing, objects };
    if (this.cache.size > 8) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(day, data);
    return data;
  }

  /** All families for one hour (epoch ms, hour-aligned). Status gauges are present even for an hour without costs. */
  families(hour: number): MetricFamily[] {
    const data = this.day(dayOf(hour));
    const ts = hour;
    const s = (labels: Record<string, string>, value: string): Sample => ({ labels, value, timestampMs: ts });

    // chargeback_details: both UsageCost and SharedCost per (principal, product_type, env_id), as v1 emitted them.
    const cb = new Map<string, { principal: string; lineType: string; envId: string; usage: number; shared: number }>();
    for (const p of data?.chargeback.get(hour) ?? []) {
      const lineType = productTypeLabel(p.lineType);
      const key = `${p.principal}\u0000${lineType}\u0000${p.envId}`;
      let e = cb.get(key);
      if (!e) cb.set(key, (e = { principal: p.principal, lineType, envId: p.envId, usage: 0, shared: 0 }));
      if (p.costType === "USAGE") e.usage += p.micros;
      else e.shared += p.micros;
    }
    const chargeback: Sample[] = [];
    for (const e of [...cb.values()].sort((a, b) => (a.principal + a.lineType + a.envId).localeCompare(b.principal + b.lineType + b.envId))) {
      const base = { principal: e.principal, product_type: e.lineType, env_id: e.envId };
      chargeback.push(s({ ...base, cost_type: "UsageCost" }, formatMicros(e.usage)), s({ ...base, cost_type: "SharedCost" }, formatMicros(e.shared)));
    }

    const bd = new Map<string, { labels: Record<string, string>; micros: number }>();
    for (const b of data?.billing.get(hour) ?? []) {
      const key = JSON.stringify(b.labels);
      const e = bd.get(key);
      if (e) e.micros += b.micros;
      else bd.set(key, { labels: b.labels, micros: b.micros });
    }
    const billing = [...bd.values()].map((e) => s(e.labels, formatMicros(e.micros)));

    const objects = data?.objects ?? this.ledger.objects();
    const alive = <T extends { createdAt?: number; deletedAt?: number }>(list: T[]) => list.filter((o) => aliveDuring(o, hour, hour + HOUR_MS));
    const ids = alive(objects.identities);
    const fam = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name, help, type: "gauge", samples });
    return [
      fam(CHARGEBACK_METRIC, "Approximate Chargeback Distribution details for costs w.r.t contextual access within CCloud", chargeback),
      fam(BILLING_METRIC, "Confluent Cloud Costs API data distribution details divided on a per hour basis", billing),
      fam("confluent_cloud_sa", "Service Account Details for every Service Account created within CCloud",
        ids.filter((i) => i.kind === "service-account").map((i) => s({ sa_id: i.id, display_name: i.displayName }, "1"))),
      fam("confluent_cloud_user", "User Details for every User created within CCloud",
        ids.filter((i) => i.kind === "user").map((i) => s({ sa_id: i.id, display_name: i.displayName }, "1"))),
      fam("confluent_cloud_api_key", "API Key details for every API Key created within CCloud",
        alive(objects.apiKeys).map((k) => s({ api_key: k.id, owner_id: k.ownerId, resource_id: k.resourceId }, "1"))),
      fam("confluent_cloud_environment", "Environment Details for every Environment created within CCloud",
        alive(objects.environments).map((e) => s({ env_id: e.id, display_name: e.displayName ?? e.id }, "1"))),
      fam("confluent_cloud_kafka_cluster", "Kafka Cluster details for every Kafka Cluster created within CCloud",
        alive(objects.clusters).map((c) => s({ cluster_id: c.id, env_id: c.envId, display_name: c.displayName }, "1"))),
      fam("confluent_cloud_connector", "Connector details for every Fully Managed Connector created within CCloud",
        alive(objects.connectors).map((c) => s({ connector_id: c.id, cluster_id: c.clusterId, env_id: c.envId }, "1"))),
      fam("confluent_cloud_ksqldb_cluster", "ksqlDB cluster details for every ksqlDB cluster created within CCloud",
        alive(objects.ksqlClusters).map((k) => s({ cluster_id: k.id, env_id: k.envId, kafka_cluster_id: k.kafkaClusterId }, "1"))),
      // Last, as in v1: the marker that this hour was exported (and what the read-back confirmation looks for).
      fam(STATUS_METRIC, "CCloud Scrape Status for various object types", [
        s({ object_type: "ccloud_objects" }, "1"),
        s({ object_type: "billing_chargeback" }, "1"),
      ]),
    ];
  }
}
