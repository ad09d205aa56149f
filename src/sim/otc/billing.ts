/**
 * Live billing of the simulated OTC: once `startMeter` is called, the time that passes on the simulator's clock
 * is charged into `world.costs` (the Enterprise Dashboard simulator serves them), priced from what each resource is
 * doing at that moment. That is how a stop, a start, a scale to zero, a hibernation, a snapshot or a backup shows
 * up in the bill — and how a replay sees whether an action saved what the forecast said.
 *
 * State only changes while a request is handled (jobs finish on polls), so `accrue` runs before every request and
 * charges the interval since the last one at the state that held throughout it. The one change that happens by
 * itself, RDS restarting after 7 days stopped, is settled by `settle` at its own instant.
 *
 * What a state costs (list prices of src/sim/scenario/catalog.ts; the products are the scenario's, so live
 * records continue the generated history). Where the public documentation is silent the simulator charges, so it
 * is never kinder than the real cloud:
 * - ECS: compute while not SHUTOFF. Stopped, only its disks bill (they are EVS volumes with their own records) —
 *   except ultra-high I/O flavors (`i…`; documented: "will continue to be billed after the ECS is stopped") and
 *   disk-intensive flavors (`d…`, local disks; undocumented, assumed to bill on like ultra-high I/O).
 * - EVS volume: per GB while it exists. EVS snapshot: per GB of its size while it exists (OTC_EVS_SNAPSHOT; the
 *   price is an assumption).
 * - CCE: the cluster's management fee unless hibernated (documented); a node pool per node that exists — a pool
 *   scaling down bills its old count until the scaling finished.
 * - RDS: compute unless SHUTDOWN (documented: "After an instance is stopped, the ECS is no longer billed. Other
 *   resources, including EIPs, storage resources, and backups, are still billed"); storage always; a manual
 *   backup per GB while it exists, also after its instance was deleted (documented), with no free quota.
 */
import type { SimCostRecord, SimMeter, SimWorld } from "../world.ts";
import { berlinDate } from "../scenario/calendar.ts";
import { CCE_CLUSTER_PRODUCT, CCE_NODE_FLAVORS, ECS_FLAVORS, EVS_TYPES, RDS_FLAVORS, RDS_STORAGE } from "../scenario/catalog.ts";
import { tagMap } from "./ecs.ts";

const HOUR_MS = 3_600_000;
const HOURS_PER_MONTH = 730;

/** EVS snapshot storage, EUR per GB and month (assumption: OTC publishes no separate snapshot price we could read). */
export const SNAPSHOT_PRICE = { product: "OTC_EVS_SNAPSHOT", description: "Elastic Volume Service snapshot", perGbMonth: 0.05 };
/** RDS manual backup storage, EUR per GB and month (assumption; the free backup quota is not simulated). */
export const BACKUP_PRICE = { product: "OTC_RDS_BACKUP", description: "RDS backup storage", perGbMonth: 0.03 };

/** One thing that bills right now: a resource, a product and its price per hour. */
export interface BillingLine {
  resourceId: string;
  product: string;
  description: string;
  quantityType: string;
  /** EUR per hour. */
  hourly: number;
  /** Quantity per hour (1 h, or GB-months per hour). */
  perHourQuantity: number;
  tags: Record<string, string>;
}

/** Flavors whose compute bills on while stopped (see the file comment). */
export function billsWhileStopped(flavorId: string): boolean {
  return /^[id]\d/.test(flavorId);
}

function perGb(resourceId: string, product: string, description: string, gb: number, perGbMonth: number, tags: Record<string, string>): BillingLine {
  return { resourceId, product, description, quantityType: "GB/Month", hourly: (gb * perGbMonth) / HOURS_PER_MONTH, perHourQuantity: gb / HOURS_PER_MONTH, tags };
}

/** Everything that bills in the world's current state. */
export function billingLines(world: SimWorld): BillingLine[] {
  const out: BillingLine[] = [];
  for (const s of world.servers.values()) {
    if (s.status === "DELETED") continue;
    if (s.status === "SHUTOFF" && !billsWhileStopped(s.flavorId)) continue;
    const f = ECS_FLAVORS.find((x) => x.flavor === s.flavorId) ?? ECS_FLAVORS[1]!;
    out.push({ resourceId: s.id, product: f.product, description: f.description, quantityType: "h", hourly: f.hourly, perHourQuantity: 1, tags: tagMap(s.tags) });
  }
  for (const v of world.volumes.values()) {
    const t = EVS_TYPES.find((x) => x.volumeType === v.volumeType) ?? EVS_TYPES[0]!;
    out.push(perGb(v.id, t.product, t.description, v.size, t.perGbMonth, v.tags));
  }
  for (const snap of world.snapshots?.values() ?? []) {
    const tags = world.volumes.get(snap.volumeId)?.tags ?? {};
    out.push(perGb(snap.id, SNAPSHOT_PRICE.product, SNAPSHOT_PRICE.description, snap.size, SNAPSHOT_PRICE.perGbMonth, tags));
  }
  for (const c of world.clusters.values()) {
    if (c.phase === "Hibernation") continue;
    const p = CCE_CLUSTER_PRODUCT;
    out.push({ resourceId: c.uid, product: p.product, description: p.description, quantityType: "h", hourly: p.hourly, perHourQuantity: 1, tags: {} });
  }
  for (const np of world.nodePools.values()) {
    const nodes = np.currentNode ?? np.initialNodeCount;
    if (nodes <= 0) continue;
    const f = CCE_NODE_FLAVORS.find((x) => x.flavor === np.flavor) ?? CCE_NODE_FLAVORS[0]!;
    out.push({ resourceId: np.uid, product: f.product, description: f.description, quantityType: "h", hourly: nodes * f.hourly, perHourQuantity: nodes, tags: np.tags });
  }
  for (const i of world.rds.values()) {
    if (i.status !== "SHUTDOWN") {
      const f = RDS_FLAVORS.find((x) => x.flavorRef === i.flavorRef) ?? RDS_FLAVORS[0]!;
      out.push({ resourceId: i.id, product: f.product, description: f.description, quantityType: "h", hourly: f.hourly, perHourQuantity: 1, tags: i.tags });
    }
    out.push(perGb(i.id, RDS_STORAGE.product, RDS_STORAGE.description, i.storageGb ?? 100, RDS_STORAGE.perGbMonth, i.tags));
  }
  for (const b of world.backups?.values() ?? []) {
    if (b.status === "FAILED") continue;
    const tags = world.rds.get(b.instanceId)?.tags ?? {};
    out.push(perGb(b.id, BACKUP_PRICE.product, BACKUP_PRICE.description, b.sizeKb / 1_048_576, BACKUP_PRICE.perGbMonth, tags));
  }
  return out;
}

/** Starts live billing at `fromMs`: from then on, time on the simulator's clock is charged. */
export function startMeter(world: SimWorld, fromMs: number): SimMeter {
  world.meter = { accruedTo: fromMs, open: new Map() };
  return world.meter;
}

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

function charge(world: SimWorld, meter: SimMeter, date: string, line: BillingLine, hours: number): void {
  const key = `${date}|${line.resourceId}|${line.product}`;
  let rec = meter.open.get(key);
  if (!rec) {
    rec = {
      date,
      resourceId: line.resourceId,
      product: line.product,
      productDescription: line.description,
      amount: 0,
      quantity: 0,
      quantityType: line.quantityType,
      consumptionType: "EL",
      tags: line.tags,
    } satisfies SimCostRecord;
    meter.open.set(key, rec);
    // Accrual moves forward in time, so appending keeps `world.costs` ascending by date.
    world.costs.push(rec);
  }
  rec.amount = round9(rec.amount + line.hourly * hours);
  rec.quantity = round9(rec.quantity + line.perHourQuantity * hours);
  rec.tags = line.tags;
}

/** Charges [accruedTo, untilMs) at the current state, split at Berlin midnights (the dashboard bills per Berlin day). */
export function accrue(world: SimWorld, untilMs: number): void {
  const meter = world.meter;
  if (!meter || untilMs <= meter.accruedTo) return;
  const lines = billingLines(world);
  let t = meter.accruedTo;
  while (t < untilMs) {
    const date = berlinDate(t);
    // The next Berlin midnight: step by hours until the date changes (DST-proof, at most 25 steps).
    let next = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
    while (next < untilMs && berlinDate(next) === date) next += HOUR_MS;
    const end = Math.min(next, untilMs);
    const hours = (end - t) / HOUR_MS;
    for (const line of lines) if (line.hourly > 0) charge(world, meter, date, line, hours);
    t = end;
  }
  meter.accruedTo = untilMs;
  // Records of past days are final; drop them from the index so it stays one day small.
  const today = berlinDate(untilMs);
  for (const [key, rec] of meter.open) if (rec.date < today) meter.open.delete(key);
}
