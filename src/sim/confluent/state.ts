/**
 * State of a simulated Confluent Cloud organisation: Core Objects (in their wire shapes, plus lifetimes so the
 * listing at simulated "now" hides what was deleted or not yet created), daily Cost rows, and the Kafka byte
 * counters behind the Metrics export endpoint and the simulated Prometheus.
 */
import type { PrometheusAuth } from "../../config/types.ts";
import type {
  WireApiKey,
  WireConnectorExpanded,
  WireCost,
  WireEnvironment,
  WireFlinkPool,
  WireIdentityPool,
  WireIdentityProvider,
  WireKafkaCluster,
  WireKsqlCluster,
  WireSchemaRegistry,
  WireServiceAccount,
  WireUser,
} from "../../providers/confluent/wire.ts";

export interface Lived<T> {
  obj: T;
  createdAt: number;
  deletedAt?: number;
}

export interface SimConnector extends Lived<WireConnectorExpanded> {
  envId: string;
  clusterId: string;
}

/** Bytes one principal moves on one cluster: a per-hour volume with deterministic noise and idle hours. */
export interface TrafficStream {
  kafkaId: string;
  /** What the Metrics API reports as `principal_id` (an SA/user id, or an API key id). */
  principalId: string;
  /** Hour-aligned epoch ms, inclusive / exclusive. */
  fromHour: number;
  toHour: number;
  requestPerHour: number;
  responsePerHour: number;
  seed: number;
}

export interface ConfluentSimState {
  apiKey: string;
  apiSecret: string;
  /** Simulated "now" (epoch ms): objects are listed as they exist at this instant. */
  now: number;
  environments: Array<Lived<WireEnvironment>>;
  clusters: Array<Lived<WireKafkaCluster>>;
  serviceAccounts: Array<Lived<WireServiceAccount>>;
  users: Array<Lived<WireUser>>;
  apiKeys: Array<Lived<WireApiKey>>;
  identityProviders: Array<Lived<WireIdentityProvider>>;
  identityPools: Array<Lived<WireIdentityPool> & { providerId: string }>;
  connectors: SimConnector[];
  ksqlClusters: Array<Lived<WireKsqlCluster>>;
  schemaRegistries: Array<Lived<WireSchemaRegistry>>;
  flinkPools: Array<Lived<WireFlinkPool>>;
  /** Cost rows ascending by start_date. */
  costs: WireCost[];
  traffic: TrafficStream[];
  /** Auth the simulated Prometheus demands (default none). */
  prometheusAuth?: PrometheusAuth;
  /** Responses to send before any real one (tests: "429 then success"); consumed in order. */
  scriptedFailures: Array<{ status: number; retryAfterSeconds?: number; pathPrefix?: string }>;
  /** Request counts per path, for tests. */
  requests: Map<string, number>;
}

export function aliveAt<T>(o: Lived<T>, t: number): boolean {
  return o.createdAt <= t && (o.deletedAt === undefined || o.deletedAt > t);
}

function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Bytes of a stream in the hour starting at `hour` (0 outside its lifetime, and in about 1 hour of 10). */
export function hourBytes(s: TrafficStream, hour: number, which: "request" | "response"): number {
  if (hour < s.fromHour || hour >= s.toHour) return 0;
  const r = mix(s.seed, Math.floor(hour / 3_600_000)) / 4294967296;
  if (r < 0.1) return 0;
  const base = which === "request" ? s.requestPerHour : s.responsePerHour;
  return Math.round(base * (0.4 + 1.2 * r));
}

/** 1-minute delta of a stream at minute `minuteMs` (the hour's bytes spread evenly, remainder to early minutes). */
export function minuteBytes(s: TrafficStream, minuteMs: number, which: "request" | "response"): number {
  const hour = Math.floor(minuteMs / 3_600_000) * 3_600_000;
  const total = hourBytes(s, hour, which);
  const idx = Math.floor((minuteMs - hour) / 60_000);
  const base = Math.floor(total / 60);
  return base + (idx < total - base * 60 ? 1 : 0);
}

/** Sum of a stream's 1-minute deltas over [fromMs, toMs) (minute-aligned bounds are exact). */
export function rangeBytes(s: TrafficStream, fromMs: number, toMs: number, which: "request" | "response"): number {
  let sum = 0;
  let t = Math.ceil(fromMs / 60_000) * 60_000;
  while (t < toMs) {
    if (t % 3_600_000 === 0 && t + 3_600_000 <= toMs) {
      sum += hourBytes(s, t, which);
      t += 3_600_000;
    } else {
      sum += minuteBytes(s, t, which);
      t += 60_000;
    }
  }
  return sum;
}

/** Is a stream present at all in [fromMs, toMs)? (Prometheus returns no point where no sample exists.) */
export function streamPresent(s: TrafficStream, fromMs: number, toMs: number): boolean {
  return s.fromHour < toMs && s.toHour > fromMs;
}
