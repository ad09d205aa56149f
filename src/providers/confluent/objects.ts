/**
 * Lists every Core Object the allocation needs and returns them as engine shapes. Per-environment and
 * per-cluster listings run with bounded concurrency (the APIs rate-limit; http.ts backs off on 429).
 */
import type { ApiKey, ChargebackObjects, Identity } from "../../engine/chargeback/types.ts";
import type { ConfluentClient } from "./client.ts";
import { connectorFrom, lifetime } from "./normalise.ts";

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export async function fetchObjects(client: ConfluentClient, concurrency = 4): Promise<ChargebackObjects> {
  const [envs, sas, users, keys, providers] = await Promise.all([
    client.environments(),
    client.serviceAccounts(),
    client.users(),
    client.apiKeys(),
    client.identityProviders(),
  ]);
  const pools = (await mapLimit(providers, concurrency, (p) => client.identityPools(p.id))).flat();

  const apiKeys: ApiKey[] = keys.map((k) => ({
    id: k.id,
    ownerId: k.spec?.owner?.id ?? "",
    resourceId: k.spec?.resource?.id ?? "",
    ...lifetime(k.metadata),
  }));
  const keyMap = new Map(apiKeys.map((k) => [k.id, k]));

  const identities: Identity[] = [
    ...sas.map((s) => ({ id: s.id, kind: "service-account" as const, displayName: s.display_name, ...lifetime(s.metadata) })),
    ...users.map((u) => ({ id: u.id, kind: "user" as const, displayName: u.full_name || u.email || u.id, ...lifetime(u.metadata) })),
    ...pools.map((p) => ({ id: p.id, kind: "identity-pool" as const, displayName: p.display_name, ...lifetime(p.metadata) })),
  ];

  const perEnv = await mapLimit(envs, concurrency, async (env) => {
    const [clusters, ksql, sr, flink] = await Promise.all([
      client.kafkaClusters(env.id),
      client.ksqlClusters(env.id),
      client.schemaRegistries(env.id),
      client.flinkPools(env.id),
    ]);
    return { env, clusters, ksql, sr, flink };
  });

  const clusters = perEnv.flatMap(({ env, clusters }) =>
    clusters.map((c) => ({ id: c.id, envId: c.spec?.environment?.id ?? env.id, displayName: c.spec?.display_name ?? c.id, ...lifetime(c.metadata) })),
  );
  const connectorLists = await mapLimit(clusters, concurrency, async (c) => {
    const map = await client.connectors(c.envId, c.id);
    return Object.entries(map).map(([name, conn]) => connectorFrom(c.envId, c.id, name, conn, keyMap));
  });

  return {
    environments: envs.map((e) => ({ id: e.id, envId: e.id, displayName: e.display_name, ...lifetime(e.metadata) })),
    clusters,
    identities,
    apiKeys,
    connectors: connectorLists.flat(),
    ksqlClusters: perEnv.flatMap(({ env, ksql }) =>
      ksql.map((k) => {
        const cred = k.spec?.credential_identity?.id;
        return {
          id: k.id,
          envId: k.spec?.environment?.id ?? env.id,
          kafkaClusterId: k.spec?.kafka_cluster?.id ?? "",
          // A credential that is an API key is charged to the key's owner.
          ownerId: cred ? (keyMap.get(cred)?.ownerId ?? cred) : undefined,
          ...lifetime(k.metadata),
        };
      }),
    ),
    schemaRegistries: perEnv.flatMap(({ env, sr }) =>
      sr.map((s) => ({ id: s.id, envId: s.spec?.environment?.id ?? env.id, displayName: s.spec?.display_name, ...lifetime(s.metadata) })),
    ),
    flinkPools: perEnv.flatMap(({ env, flink }) =>
      flink.map((f) => ({ id: f.id, envId: f.spec?.environment?.id ?? env.id, displayName: f.spec?.display_name, ...lifetime(f.metadata) })),
    ),
  };
}
