/**
 * The allocation rule of every Confluent line type (reference §3, with the fixes of §9; the table is ALLOCATION.md).
 * For one billing row and one hour, a rule answers "who shares this hour's amount, by what weights, as USAGE or
 * SHARED, and why". Every rule ends in a fallback chain that cannot come back empty:
 *   usage ratio → even split over identities active in the hour → even split over identities active at any time in
 *   the row's period → the resource id (or UNALLOCATED for org-wide cost).
 */
import type { RowDaySegment } from "./hours.ts";
import { EMPTY_SET, type IdSet, type ObjectsIndex } from "./objects-index.ts";
import { HOUR_MS, UNALLOCATED, type CostType, type ReasonCode } from "./types.ts";
import type { UsageIndex } from "./usage-index.ts";

export interface Share {
  ids: readonly string[];
  /** Integer weights aligned with ids; undefined = even split. */
  weights?: readonly number[];
  costType: CostType;
  reason: ReasonCode;
}

/** How one hour's amount is divided: portions by integer weight, each portion by its share. */
export interface Split {
  parts: ReadonlyArray<{ weight: number; share: Share }>;
}

export type RuleName =
  | "network-read"
  | "network-write"
  | "cku"
  | "cluster-shared"
  | "org-shared"
  | "connector"
  | "ksql"
  | "governance"
  | "resource"
  | "unknown";

/** Which rule a line type follows. Singular and plural spellings are the same line type. */
export function ruleFor(lineType: string, product: string): RuleName {
  const t = lineType.toUpperCase();
  const p = product.toUpperCase();
  if (t === "KAFKA_NETWORK_READ") return "network-read";
  if (t === "KAFKA_NETWORK_WRITE" || t === "KAFKA_REST_PRODUCE") return "network-write";
  if (t === "KAFKA_NUM_CKU" || t === "KAFKA_NUM_CKUS") return "cku";
  if (t === "KAFKA_BASE" || t === "KAFKA_PARTITION" || t === "KAFKA_PARTITIONS" || t === "KAFKA_STORAGE") return "cluster-shared";
  if (t === "AUDIT_LOG_READ" || t === "SUPPORT" || t.startsWith("SUPPORT_") || p === "SUPPORT" || p === "AUDIT_LOG") return "org-shared";
  if (t.startsWith("CONNECT_") || t.startsWith("CUSTOM_CONNECT")) return "connector";
  if (t === "KSQL_NUM_CSU" || t === "KSQL_NUM_CSUS") return "ksql";
  if (t === "GOVERNANCE_BASE" || t === "SCHEMA_REGISTRY" || t === "NUM_RULES" || p === "STREAM_GOVERNANCE") return "governance";
  if (t.startsWith("CLUSTER_LINKING") || p === "CLUSTER_LINK" || t.startsWith("FLINK_") || p === "FLINK" || t.startsWith("TABLEFLOW") || p === "TABLEFLOW")
    return "resource";
  return "unknown";
}

export class Rules {
  private readonly setIds = new WeakMap<IdSet, number>();
  private nextSetId = 1;
  private readonly shares = new Map<string, Share>();
  private readonly splits = new Map<string, Split>();
  private readonly usageWeight: number;
  private readonly sharedWeight: number;

  constructor(
    private readonly idx: ObjectsIndex,
    private readonly usage: UsageIndex,
    ckuUsageRatio = 0.7,
  ) {
    const u = Math.round(Math.min(1, Math.max(0, ckuUsageRatio)) * 1_000_000);
    // Usage is halved between request and response bytes, so weights are doubled to stay integers.
    this.usageWeight = u;
    this.sharedWeight = 2 * (1_000_000 - u);
  }

  private setId(set: IdSet): number {
    let id = this.setIds.get(set);
    if (id === undefined) this.setIds.set(set, (id = this.nextSetId++));
    return id;
  }

  /** Interned even-split share (same inputs → same object). */
  private even(ids: IdSet, reason: ReasonCode, costType: CostType): Share {
    const key = `${this.setId(ids)}|${reason}|${costType}`;
    let s = this.shares.get(key);
    if (!s) this.shares.set(key, (s = { ids, costType, reason }));
    return s;
  }

  private single(share: Share): Split {
    const key = `1|${this.shareKey(share)}`;
    let s = this.splits.get(key);
    if (!s) this.splits.set(key, (s = { parts: [{ weight: 1, share }] }));
    return s;
  }

  /** Key of an even-split share (only those are interned; usage shares differ every hour anyway). */
  private shareKey(share: Share): string {
    return `${this.setId(share.ids as IdSet)}|${share.reason}|${share.costType}`;
  }

  /** Resource id as the principal of last resort; UNALLOCATED when the row names no resource. */
  private toResource(resourceId: string, reason: ReasonCode): Share {
    if (!resourceId) return this.even(this.idx.single(UNALLOCATED), "NO_IDENTITIES_UNALLOCATED", "SHARED");
    return this.even(this.idx.single(resourceId), reason, "SHARED");
  }

  /**
   * active → period → resource (or UNALLOCATED when `orgWide`). `activeReason` says why the active set is used
   * (the rule's own even split, or a usage rule without usage).
   */
  private chain(active: IdSet, period: () => IdSet, resourceId: string, activeReason: ReasonCode, orgWide = false, unknownOwners = false): Share {
    if (active.length > 0) return this.even(active, activeReason, "SHARED");
    const p = period();
    if (p.length > 0) return this.even(p, "NO_ACTIVE_EVEN_SPLIT_PERIOD", "SHARED");
    if (orgWide) return this.even(this.idx.single(UNALLOCATED), "NO_IDENTITIES_UNALLOCATED", "SHARED");
    // Say so when keys were there but their owners were never listed: the owners are unknown, not absent.
    return this.toResource(resourceId, unknownOwners ? "OWNER_UNKNOWN_TO_RESOURCE" : "NO_IDENTITIES_TO_RESOURCE");
  }

  private clusterChain(seg: RowDaySegment, hour: number, reason: ReasonCode): Share {
    const r = seg.row.resourceId;
    return this.chain(this.idx.keyOwners(r, hour), () => this.idx.keyOwners(r, seg.periodStart, seg.periodEnd), r, reason, false, this.idx.hasUnlistedKeyOwner(r));
  }

  private usageShare(seg: RowDaySegment, hour: number, which: "request" | "response"): Share | undefined {
    const u = this.usage.get(seg.row.resourceId, hour);
    if (!u) return undefined;
    const total = which === "request" ? u.totalRequest : u.totalResponse;
    if (total <= 0) return undefined;
    const weights = which === "request" ? u.request : u.response;
    const ids: string[] = [];
    const w: number[] = [];
    for (let i = 0; i < u.principals.length; i++) {
      if (weights[i]! > 0) {
        ids.push(u.principals[i]!);
        w.push(weights[i]!);
      }
    }
    return { ids, weights: w, costType: "USAGE", reason: "USAGE_RATIO" };
  }

  /** The split of one hour of one row segment. */
  splitFor(seg: RowDaySegment, hour: number): Split {
    const row = seg.row;
    switch (ruleFor(row.lineType, row.product)) {
      case "network-read":
      case "network-write": {
        const which = ruleFor(row.lineType, row.product) === "network-read" ? "response" : "request";
        const usage = this.usageShare(seg, hour, which);
        if (usage) return { parts: [{ weight: 1, share: usage }] };
        return this.single(this.clusterChain(seg, hour, "NO_USAGE_EVEN_SPLIT_ACTIVE"));
      }
      case "cku": {
        const shared = this.clusterChain(seg, hour, "EVEN_SPLIT_ACTIVE");
        const req = this.usageShare(seg, hour, "request");
        const resp = this.usageShare(seg, hour, "response");
        if (!req && !resp) {
          const fallback = this.clusterChain(seg, hour, "NO_USAGE_EVEN_SPLIT_ACTIVE");
          const key = `cku|${this.shareKey(fallback)}|${this.shareKey(shared)}`;
          let s = this.splits.get(key);
          if (!s)
            this.splits.set(
              key,
              (s = { parts: [{ weight: 2 * this.usageWeight, share: fallback }, { weight: this.sharedWeight, share: shared }] }),
            );
          return s;
        }
        const parts: Array<{ weight: number; share: Share }> = [];
        // v1's formula: usage/2 by request share + usage/2 by response share; a missing side gives its half away.
        if (req && resp) parts.push({ weight: this.usageWeight, share: req }, { weight: this.usageWeight, share: resp });
        else parts.push({ weight: 2 * this.usageWeight, share: (req ?? resp)! });
        parts.push({ weight: this.sharedWeight, share: shared });
        return { parts: parts.filter((p) => p.weight > 0) };
      }
      case "cluster-shared":
        return this.single(this.clusterChain(seg, hour, "EVEN_SPLIT_ACTIVE"));
      case "org-shared":
        return this.single(
          this.chain(this.idx.orgIdentities(hour), () => this.idx.orgIdentities(seg.periodStart, seg.periodEnd), "", "EVEN_SPLIT_ACTIVE", true),
        );
      case "connector":
        return this.single(this.connectorShare(seg, hour));
      case "ksql": {
        const k = this.idx.ksql.get(row.resourceId);
        if (k?.ownerId && this.idx.principalAlive(k.ownerId, hour))
          return this.single(this.even(this.idx.single(k.ownerId), "DIRECT_OWNER", "USAGE"));
        return this.single(this.toResource(row.resourceId, k?.ownerId && !this.idx.isListed(k.ownerId) ? "OWNER_UNKNOWN_TO_RESOURCE" : "OWNER_UNRESOLVED_TO_RESOURCE"));
      }
      case "governance": {
        const env = row.envId || this.idx.envOf(row.resourceId) || "";
        return this.single(
          this.chain(
            env ? this.idx.envKeyOwners(env, hour) : EMPTY_SET,
            () => (env ? this.idx.envKeyOwners(env, seg.periodStart, seg.periodEnd) : EMPTY_SET),
            row.resourceId || env,
            "EVEN_SPLIT_ACTIVE",
          ),
        );
      }
      case "resource":
        return this.single(this.toResource(row.resourceId, "RESOURCE_DIRECT"));
      case "unknown":
        return this.single(this.toResource(row.resourceId, "UNKNOWN_LINE_TYPE"));
    }
  }

  private connectorShare(seg: RowDaySegment, hour: number): Share {
    const row = seg.row;
    const capacity = row.lineType.toUpperCase() === "CONNECT_CAPACITY";
    if (row.resourceId.startsWith("lkc-")) {
      // Capacity billed per Kafka cluster: the owners of the connectors running on it share it.
      return this.chain(
        this.idx.connectorOwnersOnCluster(row.resourceId, hour),
        () => this.idx.connectorOwnersOnCluster(row.resourceId, seg.periodStart, seg.periodEnd),
        row.resourceId,
        "EVEN_SPLIT_ACTIVE",
      );
    }
    const c = this.idx.findConnector(row.resourceId, row.envId, row.resourceName);
    if (c?.ownerId && this.idx.principalAlive(c.ownerId, hour, hour + HOUR_MS))
      return this.even(this.idx.single(c.ownerId), "DIRECT_OWNER", capacity ? "SHARED" : "USAGE");
    return this.toResource(row.resourceId, c?.ownerId && !this.idx.isListed(c.ownerId) ? "OWNER_UNKNOWN_TO_RESOURCE" : "OWNER_UNRESOLVED_TO_RESOURCE");
  }
}
