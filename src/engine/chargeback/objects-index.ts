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

/**
 * Sets of ids whose members live in [createdAt, deletedAt) — possibly several lifetimes per member (a key *and* its
 * owner must both be alive). Which members are alive in [from, to) depends only on how many creations happened
 * before `to` and how many deletions happened by `from`, so those two counts are the cache key: each distinct set is
 * computed once, however many hours ask for it.
 */
class TemporalSet {
  private readonly creates: number[];
  private readonly deletes: number[];
  private readonly memo = new Map<number, IdSet>();

  constructor(
    private readonly members: Array<{ id: string; lifetimes: Lifetime[] }>,
    private readonly index: ObjectsIndex,
  ) {
    this.creates = members.flatMap((m) => m.lifetimes.map((l) => l.createdAt ?? -Infinity)).sort((a, b) => a - b);
    this.deletes = members.flatMap((m) => m.lifetimes.map((l) => l.deletedAt ?? Infinity)).filter((d) => d !== Infinity).sort((a, b) => a - b);
  }

  /** Number of values in sorted `a` that are < x (strict) or ≤ x. */
  private static count(a: number[], x: number, inclusive: boolean): number {
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < x || (inclusive && a[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(from: number, to: number): IdSet {
    if (this.members.length === 0) return EMPTY_SET;
    const sig = TemporalSet.count(this.creates, to, false) * (this.deletes.length + 1) + TemporalSet.count(this.deletes, from, true);
    let set = this.memo.get(sig);
    if (!set) {
      const ids: string[] = [];
      for (const m of this.members) if (m.lifetimes.every((l) => aliveDuring(l, from, to))) ids.push(m.id);
      this.memo.set(sig, (set = this.index.intern(ids)));
    }
    return set;
  }
}

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
  private readonly singles = new Map<string, IdSet>();
  private readonly temporal = new Map<string, TemporalSet>();

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
    if (sorted.length === 1) return this.single(sorted[0]!);
    const key = sorted.join("\u0000");
    let set = this.interned.get(key);
    if (!set) this.interned.set(key, (set = sorted)); // shared: never mutated (IdSet is readonly)
    return set;
  }

  /** The shared one-element set of `id`. */
  single(id: string): IdSet {
    let set = this.singles.get(id);
    if (!set) this.singles.set(id, (set = [id]));
    return set;
  }

  private temporalSet(key: string, members: () => Array<{ id: string; lifetimes: Lifetime[] }>): TemporalSet {
    let t = this.temporal.get(key);
    if (!t) this.temporal.set(key, (t = new TemporalSet(members(), this)));
    return t;
  }

  /**
   * A key counts while the key *and* its owner live (ALLOCATION.md rule 2). An owner the objects API never listed
   * has no known lifetime, so it is unknown, not "alive in every hour": its keys do not count.
   */
  private keyMembers(resourceIds: readonly string[]): Array<{ id: string; lifetimes: Lifetime[] }> {
    const out: Array<{ id: string; lifetimes: Lifetime[] }> = [];
    for (const r of resourceIds) {
      for (const k of this.keysByResource.get(r) ?? []) {
        if (!k.ownerId) continue;
        const owner = this.identities.get(k.ownerId);
        if (owner) out.push({ id: k.ownerId, lifetimes: [k, owner] });
      }
    }
    return out;
  }

  /** Does any key on `resourceId` name an owner the objects API never listed? (Reason code of the fallback.) */
  hasUnlistedKeyOwner(resourceId: string): boolean {
    return (this.keysByResource.get(resourceId) ?? []).some((k) => !!k.ownerId && !this.identities.has(k.ownerId));
  }

  /** Was this principal ever listed by the objects API? */
  isListed(id: string): boolean {
    return this.identities.has(id);
  }

  /** Owners of API keys on `resourceId` whose key and owner were alive in [from, to). */
  keyOwners(resourceId: string, from: number, to: number = from + HOUR_MS): IdSet {
    return this.temporalSet(`ko|${resourceId}`, () => this.keyMembers([resourceId])).get(from, to);
  }

  /** Key owners for Stream Governance in an env: keys on the env's Schema Registries, else on any of its resources. */
  envKeyOwners(envId: string, from: number, to: number = from + HOUR_MS): IdSet {
    const resources = this.resourcesByEnv.get(envId) ?? [];
    const sr = this.temporalSet(`eksr|${envId}`, () => this.keyMembers(resources.filter((r) => r.startsWith("lsrc-")))).get(from, to);
    return sr.length > 0 ? sr : this.temporalSet(`eko|${envId}`, () => this.keyMembers(resources)).get(from, to);
  }

  /** Service accounts and users alive in [from, to) (AUDIT_LOG_READ, SUPPORT). */
  orgIdentities(from: number, to: number = from + HOUR_MS): IdSet {
    return this.temporalSet("org", () => this.humans.map((h) => ({ id: h.id, lifetimes: [h] }))).get(from, to);
  }

  /** Resolved owners of the connectors on a Kafka cluster alive in [from, to). */
  connectorOwnersOnCluster(clusterId: string, from: number, to: number = from + HOUR_MS): IdSet {
    return this.temporalSet(`cco|${clusterId}`, () =>
      (this.connectorsByCluster.get(clusterId) ?? [])
        // A connector counts while it and its (listed) owner live; an owner never listed is unknown.
        .filter((c) => c.ownerId && this.identities.has(c.ownerId))
        .map((c) => ({ id: c.ownerId!, lifetimes: [c, this.identities.get(c.ownerId!)!] })),
    ).get(from, to);
  }

  /** The connector a billing row is about: by lcc id (the fix), else v1's env + display-name match. */
  findConnector(resourceId: string, envId: string, displayName: string): Connector | undefined {
    return this.connectors.get(resourceId) ?? this.connectorsByEnvName.get(`${envId}|${displayName.replace(/\s+/g, "")}`);
  }

  /** Is this principal (owner of a connector/ksqlDB) usable in [from, to)? One never listed is not (unknown). */
  principalAlive(id: string, from: number, to: number = from + HOUR_MS): boolean {
    const who = this.identities.get(id);
    return who ? aliveDuring(who, from, to) : false;
  }

  /** Metric principal → owner: API keys map to their owner, everything else is already a principal. */
  principalFor(metricPrincipal: string): string {
    return this.apiKeys.get(metricPrincipal)?.ownerId || metricPrincipal;
  }

  envOf(resourceId: string): string | undefined {
    return this.resourceEnv.get(resourceId);
  }
}
