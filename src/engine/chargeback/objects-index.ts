/**
 * Temporal look-ups over the Core Objects: who held a key on a cluster *in that hour*, which service accounts and
 * users existed *in that hour*. v1 applied today's objects to every past hour, so deleted keys and accounts vanished
 * from history; here every object carries [createdAt, deletedAt) and every query takes the interval it is about.
 *
 * Results are interned: equal sets are the same array object, which lets the allocator group hours that split the
 * same way and compute each split once.
 */
import { HOUR_MS, type ApiKey, type ChargebackObjects, type Connector, type Identity, type KsqlCluster } from "./types.ts";

interface Lifetime {
  createdAt?: number;
  deletedAt?: number;
}

/** Alive at some instant of [from, to). Unknown creation = always existed; unknown deletion = still exists. */
export function aliveDuring(o: Lifetime, from: number, to: number): boolean {
  return (o.createdAt ?? -Infinity) < to && (o.deletedAt ?? Infinity) > from;
}

export type IdSet = readonly string[];

export const EMPTY_SET: IdSet = Object.freeze([]) as IdSet;

export class ObjectsIndex {
  readonly identities = new Map<string, Identity>();
  readonly apiKeys = new Map<string, ApiKey>();
  private readonly keysByResource = new Map<string, ApiKey[]>();
  private readonly resourceEnv = new Map<string, string>();
  private readonly resourcesByEnv = new Map<string, string[]>();
  readonly connectors = new Map<string, Connector>();
  private readonly connectorsByEnvName = new Map<string, Connector>();
  private readonly connectorsByCluster = new Map<string, Connector[]>();
  readonly ksql = new Map<string, KsqlCluster>();
  private readonly humans: Identity[] = [];
  private readonly interned = new Map<string, IdSet>();
  private readonly cache = new Map<string, IdSet>();

  constructor(objects: ChargebackObjects) {
    for (const i of objects.identities) {
      this.identities.set(i.id, i);
      if (i.kind === "service-account" || i.kind === "user") this.humans.push(i);
    }
    for (const k of objects.apiKeys) {
      this.apiKeys.set(k.id, k);
      let list = this.keysByResource.get(k.resourceId);
      if (!list) this.keysByResource.set(k.resourceId, (list = []));
      list.push(k);
    }
    const addResource = (id: string, envId: string) => {
      if (!id || !envId) return;
      this.resourceEnv.set(id, envId);
      let list = this.resourcesByEnv.get(envId);
      if (!list) this.resourcesByEnv.set(envId, (list = []));
      if (!list.includes(id)) list.push(id);
    };
    for (const c of objects.clusters) addResource(c.id, c.envId);
    for (const s of objects.schemaRegistries) addResource(s.id, s.envId);
    for (const c of objects.connectors) {
      this.connectors.set(c.id, c);
      this.connectorsByEnvName.set(`${c.envId}|${c.name.replace(/\s+/g, "")}`, c);
      let list = this.connectorsByCluster.get(c.clusterId);
      if (!list) this.connectorsByCluster.set(c.clusterId, (list = []));
      list.push(c);
    }
    for (const k of objects.ksqlClusters) this.ksql.set(k.id, k);
  }

  /** The one shared array for a sorted, de-duplicated set of ids. */
  intern(ids: Iterable<string>): IdSet {
    const sorted = [...new Set(ids)].sort();
    if (sorted.length === 0) return EMPTY_SET;
    const key = sorted.join("\u0000");
    let set = this.interned.get(key);
    if (!set) this.interned.set(key, (set = Object.freeze(sorted)));
    return set;
  }

  private cached(key: string, compute: () => Iterable<string>): IdSet {
    let set = this.cache.get(key);
    if (!set) this.cache.set(key, (set = this.intern(compute())));
    return set;
  }

  /** An identity id counts as alive in [from, to) if we know it and it was alive, or if we never saw it at all. */
  private ownerAlive(ownerId: string, from: number, to: number): boolean {
    const who = this.identities.get(ownerId);
    return who ? aliveDuring(who, from, to) : true;
  }

  private *ownersOf(resourceIds: readonly string[], from: number, to: number): Iterable<string> {
    for (const r of resourceIds) {
      for (const k of this.keysByResource.get(r) ?? []) {
        if (k.ownerId && aliveDuring(k, from, to) && this.ownerAlive(k.ownerId, from, to)) yield k.ownerId;
      }
    }
  }

  /** Owners of API keys on `resourceId` whose key and owner were alive in [from, to). */
  keyOwners(resourceId: string, from: number, to: number = from + HOUR_MS): IdSet {
    return this.cached(`ko|${resourceId}|${from}|${to}`, () => this.ownersOf([resourceId], from, to));
  }

  /** Key owners for Stream Governance in an env: keys on the env's Schema Registries, else on any of its resources. */
  envKeyOwners(envId: string, from: number, to: number = from + HOUR_MS): IdSet {
    return this.cached(`eko|${envId}|${from}|${to}`, () => {
      const resources = this.resourcesByEnv.get(envId) ?? [];
      const sr = [...this.ownersOf(resources.filter((r) => r.startsWith("lsrc-")), from, to)];
      return sr.length > 0 ? sr : this.ownersOf(resources, from, to);
    });
  }

  /** Service accounts and users alive in [from, to) (AUDIT_LOG_READ, SUPPORT). */
  orgIdentities(from: number, to: number = from + HOUR_MS): IdSet {
    return this.cached(`org|${from}|${to}`, () => this.humans.filter((h) => aliveDuring(h, from, to)).map((h) => h.id));
  }

  /** Resolved owners of the connectors on a Kafka cluster alive in [from, to). */
  connectorOwnersOnCluster(clusterId: string, from: number, to: number = from + HOUR_MS): IdSet {
    return this.cached(`cco|${clusterId}|${from}|${to}`, () =>
      (this.connectorsByCluster.get(clusterId) ?? [])
        .filter((c) => c.ownerId && aliveDuring(c, from, to) && this.ownerAlive(c.ownerId, from, to))
        .map((c) => c.ownerId!),
    );
  }

  /** The connector a billing row is about: by lcc id (the fix), else v1's env + display-name match. */
  findConnector(resourceId: string, envId: string, displayName: string): Connector | undefined {
    return this.connectors.get(resourceId) ?? this.connectorsByEnvName.get(`${envId}|${displayName.replace(/\s+/g, "")}`);
  }

  /** Is this principal (owner of a connector/ksqlDB) usable in [from, to)? Unknown ids are taken as alive. */
  principalAlive(id: string, from: number, to: number = from + HOUR_MS): boolean {
    return this.ownerAlive(id, from, to);
  }

  /** Metric principal → owner: API keys map to their owner, everything else is already a principal. */
  principalFor(metricPrincipal: string): string {
    return this.apiKeys.get(metricPrincipal)?.ownerId || metricPrincipal;
  }

  envOf(resourceId: string): string | undefined {
    return this.resourceEnv.get(resourceId);
  }
}
