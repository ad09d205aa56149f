/**
 * Seeded scenario for the simulated Confluent Cloud: environments, clusters, service accounts and users (some
 * created or deleted mid-period), API keys (cluster, Schema Registry and cloud keys), connectors with every auth
 * mode (service account, known key, masked key), ksqlDB, Schema Registry, Flink pools, identity pools; daily cost
 * rows for every line type (including SUPPORT, FLINK, TABLEFLOW, CLUSTER_LINK, both KAFKA_NUM_CKU and
 * KAFKA_NUM_CKUS), a few multi-day rows; and Kafka traffic per principal for the metrics endpoints.
 */
import type { WireCost } from "../../providers/confluent/wire.ts";
import { seededRandom } from "../faults.ts";
import type { ConfluentSimState, Lived, TrafficStream } from "./state.ts";

export interface ConfluentScenarioOptions {
  seed?: number;
  /** Simulated now (epoch ms); costs end the day before (the API is ≥ 1 day late). */
  now?: number;
  days?: number;
  environments?: number;
  clusters?: number;
  serviceAccounts?: number;
  users?: number;
  /** Fraction of principals created or deleted inside the period. */
  churn?: number;
  /** Principals with traffic per cluster (the others only hold keys). */
  activePerCluster?: number;
  apiKey?: string;
  apiSecret?: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

export function generateConfluentScenario(options: ConfluentScenarioOptions = {}): ConfluentSimState {
  const o = {
    seed: 7, now: Date.now(), days: 14, environments: 2, clusters: 4, serviceAccounts: 12, users: 4, churn: 0.2,
    activePerCluster: 4, apiKey: "SIMCCLOUDKEY0001", apiSecret: "sim-ccloud-secret-0123456789", ...options,
  };
  const rnd = seededRandom(o.seed);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  const today = Math.floor(o.now / DAY) * DAY;
  const start = today - o.days * DAY;
  const longAgo = start - 90 * DAY;
  /** Lifetime: mostly existing all along; with probability `churn` created or deleted at a random hour inside. */
  const life = (): { createdAt: number; deletedAt?: number } => {
    const r = rnd();
    const inside = () => start + Math.floor(rnd() * o.days * 24) * HOUR;
    if (r < o.churn / 2) return { createdAt: inside() };
    if (r < o.churn) return { createdAt: longAgo, deletedAt: inside() };
    return { createdAt: longAgo };
  };
  const meta = (l: { createdAt: number; deletedAt?: number }) => ({
    created_at: iso(l.createdAt),
    updated_at: iso(l.createdAt),
    ...(l.deletedAt !== undefined ? { deleted_at: iso(l.deletedAt) } : {}),
  });
  const lived = <T>(obj: T, l: { createdAt: number; deletedAt?: number }): Lived<T> => ({ obj, ...l });
  const pad = (n: number, w = 4) => String(n).padStart(w, "0");

  const envs = Array.from({ length: o.environments }, (_, i) => {
    const l = { createdAt: longAgo };
    return lived({ id: `env-${pad(i)}`, display_name: `env ${i}`, metadata: meta(l) }, l);
  });
  const clusters = Array.from({ length: o.clusters }, (_, i) => {
    const env = envs[i % envs.length]!.obj.id;
    const l = { createdAt: longAgo };
    return lived(
      {
        id: `lkc-${pad(i)}`,
        spec: { display_name: `cluster-${i}`, cloud: "AWS", region: "eu-central-1", availability: "SINGLE_ZONE", kafka_bootstrap_endpoint: `SASL_SSL://pkc-${i}.sim:9092`, environment: { id: env } },
        metadata: meta(l),
      },
      l,
    );
  });
  const sas = Array.from({ length: o.serviceAccounts }, (_, i) => {
    const l = i < 2 ? { createdAt: longAgo } : life();
    return lived({ id: `sa-${pad(i, 5)}`, display_name: `app-${i}`, description: `service account ${i}`, metadata: meta(l) }, l);
  });
  const users = Array.from({ length: o.users }, (_, i) => {
    const l = i === 0 ? { createdAt: longAgo } : life();
    return lived({ id: `u-${pad(i, 5)}`, email: `user${i}@example.com`, full_name: `User ${i}`, metadata: meta(l) }, l);
  });
  const principals = [...sas, ...users];

  const keys: ConfluentSimState["apiKeys"] = [];
  const keyFor = (owner: Lived<{ id: string }>, resourceId: string, kind: string) => {
    const l = { createdAt: Math.max(owner.createdAt, start - 10 * DAY), deletedAt: owner.deletedAt };
    const k = lived(
      {
        id: `SIMK${pad(keys.length, 12)}`,
        spec: { display_name: `key ${keys.length}`, description: "", owner: { id: owner.obj.id, kind: owner.obj.id.startsWith("u-") ? "User" : "ServiceAccount" }, resource: { id: resourceId, kind } },
        metadata: meta(l),
      },
      l,
    );
    keys.push(k);
    return k;
  };
  // Every principal gets a key on one cluster; every cluster gets at least two owners.
  principals.forEach((p, i) => keyFor(p, clusters[i % clusters.length]!.obj.id, "Cluster"));
  for (const p of principals) if (rnd() < 0.2) keyFor(p, pick(clusters).obj.id, "Cluster");

  const srs = envs.map((e, i) => {
    const l = { createdAt: longAgo };
    return lived({ id: `lsrc-${pad(i)}`, spec: { display_name: "Stream Governance", package: "ESSENTIALS", environment: { id: e.obj.id } }, metadata: meta(l) }, l);
  });
  // Schema Registry keys exist only in the first environment (the others fall back to all key owners in the env).
  for (const p of principals.slice(0, 3)) keyFor(p, srs[0]!.obj.id, "SchemaRegistry");
  keyFor(sas[0]!, "cloud", "Cloud");

  const traffic: TrafficStream[] = [];
  for (const c of clusters) {
    const owners = keys.filter((k) => k.obj.spec.resource.id === c.obj.id);
    for (const k of owners.slice(0, o.activePerCluster)) {
      const owner = principals.find((p) => p.obj.id === k.obj.spec.owner.id)!;
      traffic.push({
        kafkaId: c.obj.id,
        // The Metrics API reports some principals as the API key itself; the allocator maps them to the owner.
        principalId: rnd() < 0.3 ? k.obj.id : owner.obj.id,
        fromHour: Math.max(start, Math.ceil(k.createdAt / HOUR) * HOUR),
        // Traffic goes on after the last billed day (billing is a day or more late), so the export endpoint has data now.
        toHour: k.deletedAt === undefined ? today + 366 * DAY : Math.floor(k.deletedAt / HOUR) * HOUR,
        requestPerHour: Math.round(1e6 + rnd() * 5e8),
        responsePerHour: Math.round(1e6 + rnd() * 9e8),
        seed: Math.floor(rnd() * 2 ** 31),
      });
    }
  }

  const connectors: ConfluentSimState["connectors"] = [];
  clusters.forEach((c, i) => {
    const env = c.obj.spec.environment.id;
    const clusterKeys = keys.filter((k) => k.obj.spec.resource.id === c.obj.id);
    const mode = i % 3;
    const name = `conn-${i}`;
    const config: Record<string, string> =
      mode === 0
        ? // The service account of a connector exists for as long as the connector does (the first two live throughout).
          { name, "connector.class": "S3_SINK", "kafka.auth.mode": "SERVICE_ACCOUNT", "kafka.service.account.id": sas[i % 2]!.obj.id }
        : mode === 1
          ? { name, "connector.class": "PostgresSource", "kafka.auth.mode": "KAFKA_API_KEY", "kafka.api.key": clusterKeys[0]!.obj.id, "kafka.api.secret": "****************" }
          : { name, "connector.class": "DatagenSource", "kafka.api.key": "****************", "kafka.api.secret": "****************" };
    const l = { createdAt: longAgo };
    connectors.push({
      obj: { id: { id: `lcc-${pad(i)}`, id_type: "ID" }, info: { name, type: "sink", config }, status: { name, connector: { state: "RUNNING", worker_id: name }, tasks: [], type: "sink" } },
      envId: env,
      clusterId: c.obj.id,
      ...l,
    });
  });

  const ksql = envs.map((e, i) => {
    const l = { createdAt: longAgo };
    const cluster = clusters.find((c) => c.obj.spec.environment.id === e.obj.id)!;
    return lived(
      {
        id: `lksqlc-${pad(i)}`,
        // Every ksqlDB cluster has a credential identity in the real API. On every other one it is an account no listing
        // contains (deleted before anyone listed it): the "owner unknown" case.
        spec: { display_name: `ksql-${i}`, csu: 4, environment: { id: e.obj.id }, kafka_cluster: { id: cluster.obj.id }, credential_identity: { id: i % 2 === 0 ? sas[1]!.obj.id : `sa-x${pad(i, 4)}` } },
        metadata: meta(l),
      },
      l,
    );
  });
  const flink = envs.map((e, i) => {
    const l = { createdAt: longAgo };
    return lived({ id: `lfcp-${pad(i)}`, spec: { display_name: `pool-${i}`, cloud: "AWS", region: "eu-central-1", max_cfu: 10, environment: { id: e.obj.id } }, metadata: meta(l) }, l);
  });
  const providerLife = { createdAt: longAgo };
  const providers = [lived({ id: "op-0001", display_name: "Okta", issuer: "https://okta.example.com", metadata: meta(providerLife) }, providerLife)];
  const pools = [{ ...lived({ id: "pool-0001", display_name: "analytics", identity_claim: "claims.sub", filter: "true", metadata: meta(providerLife) }, providerLife), providerId: "op-0001" }];

  // ---- Costs: one row per resource, line type and day (a few 3-day SUPPORT rows are the rare multi-day ones).
  const costs: WireCost[] = [];
  let costId = 0;
  const add = (d: number, days: number, product: string, lineType: string, resource: { id?: string; name?: string; env?: string }, base: number, unit = "Hour") => {
    const original = Math.round(base * (0.7 + 0.6 * rnd()) * 1e6) / 1e6;
    const discount = rnd() < 0.15 ? Math.round(original * 0.1 * 1e6) / 1e6 : 0;
    const amount = Math.round((original - discount) * 1e6) / 1e6;
    costs.push({
      id: `cost-${pad(costId++, 10)}`,
      start_date: day(d),
      end_date: day(d + days * DAY),
      granularity: "DAILY",
      product,
      line_type: lineType,
      price: 0.1234,
      unit,
      quantity: Math.round(amount / 0.1234),
      original_amount: original,
      discount_amount: discount,
      amount,
      network_access_type: "INTERNET",
      resource: resource.id === undefined ? undefined : { id: resource.id, display_name: resource.name ?? resource.id, environment: { id: resource.env ?? "" } },
    });
  };
  for (let d = start; d < today; d += DAY) {
    clusters.forEach((c, i) => {
      const r = { id: c.obj.id, name: c.obj.spec.display_name, env: c.obj.spec.environment.id };
      add(d, 1, "KAFKA", "KAFKA_BASE", r, 12);
      add(d, 1, "KAFKA", "KAFKA_PARTITION", r, 2);
      add(d, 1, "KAFKA", "KAFKA_STORAGE", r, 5, "GB-Hour");
      add(d, 1, "KAFKA", "KAFKA_NETWORK_READ", r, 8, "GB");
      add(d, 1, "KAFKA", "KAFKA_NETWORK_WRITE", r, 6, "GB");
      add(d, 1, "KAFKA", i % 2 === 0 ? "KAFKA_NUM_CKU" : "KAFKA_NUM_CKUS", r, 40);
      if (i === 0) add(d, 1, "CLUSTER_LINK", "CLUSTER_LINKING_PER_LINK", r, 3);
      if (i === 1 % clusters.length) add(d, 1, "TABLEFLOW", "TABLEFLOW_DATA_PROCESSED", r, 2, "GB");
    });
    for (const c of connectors) {
      const r = { id: c.obj.id.id, name: c.obj.info.name, env: c.envId };
      add(d, 1, "CONNECT", "CONNECT_CAPACITY", r, 4);
      add(d, 1, "CONNECT", "CONNECT_NUM_TASKS", r, 3);
      add(d, 1, "CONNECT", "CONNECT_THROUGHPUT", r, 1, "GB");
    }
    ksql.forEach((k, i) => add(d, 1, "KSQL", i % 2 === 0 ? "KSQL_NUM_CSU" : "KSQL_NUM_CSUS", { id: k.obj.id, name: k.obj.spec.display_name, env: k.obj.spec.environment.id }, 9));
    srs.forEach((s, i) => {
      const r = { id: s.obj.id, name: "Stream Governance", env: s.obj.spec.environment.id };
      add(d, 1, "STREAM_GOVERNANCE", i % 2 === 0 ? "GOVERNANCE_BASE" : "SCHEMA_REGISTRY", r, 1);
    });
    flink.forEach((f) => add(d, 1, "FLINK", "FLINK_NUM_CFU", { id: f.obj.id, name: f.obj.spec.display_name, env: f.obj.spec.environment.id }, 5));
    add(d, 1, "AUDIT_LOG", "AUDIT_LOG_READ", { id: "", name: "", env: "" }, 0.5);
    const idx = Math.round((d - start) / DAY);
    if (idx % 3 === 0) {
      const span = Math.min(3, Math.round((today - d) / DAY));
      add(d, span, "SUPPORT", "SUPPORT", {}, 10 * span);
    }
  }
  costs.sort((a, b) => a.start_date.localeCompare(b.start_date));

  return {
    apiKey: o.apiKey,
    apiSecret: o.apiSecret,
    now: o.now,
    environments: envs,
    clusters,
    serviceAccounts: sas,
    users,
    apiKeys: keys,
    identityProviders: providers,
    identityPools: pools,
    connectors,
    ksqlClusters: ksql,
    schemaRegistries: srs,
    flinkPools: flink,
    costs,
    traffic,
    scriptedFailures: [],
    requests: new Map(),
  };
}
