/**
 * Vocabulary of the Confluent Cloud chargeback allocation. Providers translate the Costs, Core Objects and
 * Prometheus wire formats into these shapes; the allocator is a pure function over them; the ledger stores them.
 *
 * Money is integer micro-units of the billing currency (1 USD = 1_000_000). Instants are epoch milliseconds;
 * an "hour" is the epoch millisecond of its start (always a multiple of 3_600_000, UTC).
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MICROS = 1_000_000;

/** The synthetic principal for cost nobody can be charged for (org-wide cost with no identities). */
export const UNALLOCATED = "UNALLOCATED";

export type CostType = "USAGE" | "SHARED";

/**
 * Why a piece went where it went; one per allocated piece (FOCUS `x_AllocationReason`). See ALLOCATION.md.
 */
export type ReasonCode =
  /** Split by the principals' bytes on the cluster in that hour. */
  | "USAGE_RATIO"
  /** The rule's own even split over the identities active in that hour (e.g. key owners of the cluster). */
  | "EVEN_SPLIT_ACTIVE"
  /** A usage rule had no bytes for that hour, so the active identities share it evenly. */
  | "NO_USAGE_EVEN_SPLIT_ACTIVE"
  /** Nobody was active in that hour; identities active at any time in the row's period share it. */
  | "NO_ACTIVE_EVEN_SPLIT_PERIOD"
  /** Nobody at all in the period: charged to the resource itself. */
  | "NO_IDENTITIES_TO_RESOURCE"
  /** Org-wide cost and nobody in the period: UNALLOCATED. */
  | "NO_IDENTITIES_UNALLOCATED"
  /** The resource's own owner (connector principal, ksqlDB credential identity). */
  | "DIRECT_OWNER"
  /** The resource exists but its owner cannot be resolved (masked/unknown API key, missing credential). */
  | "OWNER_UNRESOLVED_TO_RESOURCE"
  /** The owner (of the resource, or of every key on it) was never listed by the objects API: unknown, to the resource id. */
  | "OWNER_UNKNOWN_TO_RESOURCE"
  /** Line types that are charged to the resource by rule (cluster linking, Flink pools, Tableflow). */
  | "RESOURCE_DIRECT"
  /** A line type we have no rule for: charged to its resource, or UNALLOCATED when it has none. */
  | "UNKNOWN_LINE_TYPE";

/** One Costs API row (a `data[]` item of `GET /billing/v1/costs`), normalised. */
export interface BillingRow {
  /** Stable key: the API's `id` when present, else a hash of the identifying fields. */
  key: string;
  /** `YYYY-MM-DD` (UTC) of the first hour, inclusive. */
  startDate: string;
  /** `YYYY-MM-DD` (UTC), exclusive: the day after the last hour. */
  endDate: string;
  /**
   * Exact [start, end) instants (epoch ms) when `start_date`/`end_date` carry a time of day or an offset that is
   * not UTC midnight; absent for the usual midnight-to-midnight rows (then the dates are the bounds).
   */
  startMs?: number;
  endMs?: number;
  product: string;
  lineType: string;
  resourceId: string;
  resourceName: string;
  envId: string;
  /** Post-discount amount (what is charged back), in micros. */
  amountMicros: number;
  originalAmountMicros: number;
  discountMicros: number;
  quantity: number;
  price: number;
  unit: string;
  networkAccessType?: string;
  description?: string;
}

export type IdentityKind = "service-account" | "user" | "identity-pool";

/** Anything that can be a principal, with its lifetime (created inclusive, deleted exclusive). */
export interface Identity {
  id: string;
  kind: IdentityKind;
  displayName: string;
  createdAt?: number;
  deletedAt?: number;
}

export interface ApiKey {
  id: string;
  ownerId: string;
  /** `lkc-…`, `lsrc-…`, `cloud`, … */
  resourceId: string;
  createdAt?: number;
  deletedAt?: number;
}

export interface KafkaCluster {
  id: string;
  envId: string;
  displayName: string;
  createdAt?: number;
  deletedAt?: number;
}

export interface Connector {
  /** `lcc-…` */
  id: string;
  name: string;
  envId: string;
  clusterId: string;
  /** Resolved principal (SA/user id), or undefined when it cannot be resolved. */
  ownerId?: string;
  /** Why the owner is missing (`connector_api_key_masked`, `connector_api_key_cannot_be_mapped`, …). */
  ownerProblem?: string;
  createdAt?: number;
  deletedAt?: number;
}

export interface KsqlCluster {
  id: string;
  envId: string;
  kafkaClusterId: string;
  ownerId?: string;
  createdAt?: number;
  deletedAt?: number;
}

export interface SimpleResource {
  id: string;
  envId: string;
  displayName?: string;
  createdAt?: number;
  deletedAt?: number;
}

/** Every object the rules may consult, with lifetimes (identities as they were in each hour). */
export interface ChargebackObjects {
  environments: SimpleResource[];
  clusters: KafkaCluster[];
  identities: Identity[];
  apiKeys: ApiKey[];
  connectors: Connector[];
  ksqlClusters: KsqlCluster[];
  schemaRegistries: SimpleResource[];
  flinkPools: SimpleResource[];
}

/** Bytes of one principal on one cluster in one hour (principal already mapped from API key to owner). */
export interface UsageSample {
  hour: number;
  kafkaId: string;
  principal: string;
  requestBytes: number;
  responseBytes: number;
}

/** One allocated piece: a billing row's share for one principal over the row's hours in one day. */
export interface AllocationPiece {
  rowKey: string;
  /** Day (`YYYY-MM-DD`) of the hours this piece covers. */
  day: string;
  principal: string;
  costType: CostType;
  reason: ReasonCode;
  lineType: string;
  product: string;
  envId: string;
  resourceId: string;
  micros: number;
}

/** One hourly exporter series value (what `confluent_cloud_chargeback_details` shows). */
export interface HourlyPiece {
  hour: number;
  principal: string;
  lineType: string;
  envId: string;
  costType: CostType;
  micros: number;
}
