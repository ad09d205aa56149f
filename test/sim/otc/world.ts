/**
 * Tiny hand-built worlds for the OTC client/simulator tests (the seeded scenario generator lives elsewhere), and a
 * helper that serves the simulator on 127.0.0.1 with a random port.
 */
import type { OtcCredentials } from "../../../src/config/types.ts";
import { deriveEndpoints } from "../../../src/providers/otc/endpoints.ts";
import type { FaultInjector } from "../../../src/sim/faults.ts";
import { otcSimRoutes, type OtcSimHandler, type OtcSimOptions } from "../../../src/sim/otc/index.ts";
import type { SimWorld } from "../../../src/sim/world.ts";

export interface WorldSpec {
  servers?: number;
  /** Data volumes per server (each server also gets a boot volume). */
  dataVolumesPerServer?: number;
  /** Extra unattached volumes. */
  freeVolumes?: number;
  clusters?: number;
  poolsPerCluster?: number;
  rds?: number;
}

const hex = (n: number, width = 8) => n.toString(16).padStart(width, "0");

export function makeWorld(spec: WorldSpec = {}): SimWorld {
  const world: SimWorld = {
    projectId: "0123456789abcdef0123456789abcdef",
    projectName: "eu-de_test",
    region: "eu-de",
    domainId: "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0",
    credentials: { accessKey: "SIMACCESSKEY00000001", secretKey: "sim-secret-key-do-not-log-0001", dashboardToken: "tok-sim-0001" },
    servers: new Map(),
    volumes: new Map(),
    clusters: new Map(),
    nodePools: new Map(),
    rds: new Map(),
    jobs: new Map(),
    costs: [],
    mutations: { calls: new Map(), total: 0 },
    generatedAt: Date.UTC(2026, 10, 20),
  };
  const created = "2026-11-01T08:00:00Z";
  let volumeSeq = 0;
  const addVolume = (serverId: string | undefined, bootable: boolean) => {
    const id = `vol-${hex(++volumeSeq)}-0000-4000-8000-000000000000`;
    world.volumes.set(id, {
      id,
      name: `disk-${volumeSeq}`,
      status: serverId ? "in-use" : "available",
      size: bootable ? 40 : 100,
      volumeType: "SSD",
      bootable,
      tags: volumeSeq % 3 === 0 ? { ot3c_prio: "7", team: "data" } : {},
      serverIds: serverId ? [serverId] : [],
      created,
    });
    return id;
  };
  for (let i = 1; i <= (spec.servers ?? 0); i++) {
    const id = `srv-${hex(i)}-0000-4000-8000-000000000000`;
    const volumeIds = [addVolume(id, true)];
    for (let d = 0; d < (spec.dataVolumesPerServer ?? 0); d++) volumeIds.push(addVolume(id, false));
    world.servers.set(id, {
      id,
      name: `ecs-${i}`,
      status: "ACTIVE",
      flavorId: i % 2 ? "s3.large.2" : "c4.xlarge.2",
      created,
      tags: [`ot3c_prio=${(i % 9) + 1}`, `ot3c_owner=owner${i % 4}`, i % 5 === 0 ? "ot3c_group=web" : "standalone", "_sys_enterprise_project_id=0"],
      volumeIds,
    });
  }
  for (let i = 0; i < (spec.freeVolumes ?? 0); i++) addVolume(undefined, false);
  for (let c = 1; c <= (spec.clusters ?? 0); c++) {
    const uid = `cluster-${hex(c)}`;
    world.clusters.set(uid, { uid, name: `cce-${c}` });
    for (let p = 1; p <= (spec.poolsPerCluster ?? 0); p++) {
      const npid = `pool-${hex(c, 4)}${hex(p, 4)}`;
      world.nodePools.set(npid, {
        uid: npid,
        clusterUid: uid,
        name: `pool-${c}-${p}`,
        initialNodeCount: 3,
        flavor: "s3.xlarge.4",
        tags: { ot3c_prio: String(p + 10), ot3c_owner: "k8s@example.com" },
        phase: "",
      });
    }
  }
  for (let r = 1; r <= (spec.rds ?? 0); r++) {
    const id = `${hex(r, 32)}in03`;
    world.rds.set(id, {
      id,
      name: `db-${r}`,
      status: "ACTIVE",
      datastore: r % 3 === 0 ? "SQLServer" : r % 2 ? "PostgreSQL" : "MySQL",
      flavorRef: "rds.pg.c2.large",
      tags: { ot3c_prio: "20", ot3c_group: "db" },
      created: "2026-11-01T08:00:00+0000",
    });
  }
  return world;
}

export interface RunningSim {
  baseUrl: string;
  handler: OtcSimHandler;
  /** Requests seen by the server (any path), for the HTTP-layer tests. */
  requests: Array<{ method: string; path: string; headers: Headers }>;
  stop(): void;
}

/**
 * Serves the OTC simulator. `wrap` may answer a request itself first (e.g. a 429 once) — that tests the HTTP layer
 * against a real server, not a mock of our own code.
 */
export function startSim(
  world: SimWorld,
  opts: OtcSimOptions = {},
  wrap?: (req: Request, url: URL) => Response | undefined,
  faults?: FaultInjector,
): RunningSim {
  const handler = otcSimRoutes(world, faults, opts);
  const requests: RunningSim["requests"] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      requests.push({ method: req.method, path: url.pathname + url.search, headers: req.headers });
      const early = wrap?.(req, url);
      if (early) return early;
      return (await handler(req, url)) ?? new Response("not found", { status: 404 });
    },
  });
  return { baseUrl: `http://127.0.0.1:${server.port}`, handler, requests, stop: () => server.stop(true) };
}

/** Credentials pointing every service at the simulator. */
export function credsFor(world: SimWorld, baseUrl: string, over: Partial<OtcCredentials> = {}): OtcCredentials {
  const base = { ecs: baseUrl, evs: baseUrl, cce: baseUrl, rds: baseUrl, iam: `${baseUrl}/v3` };
  return {
    identityEndpoint: `${baseUrl}/v3`,
    projectName: world.projectName,
    accessKey: world.credentials.accessKey,
    secretKey: world.credentials.secretKey,
    region: world.region,
    endpoints: deriveEndpoints(world.region, base),
    ...over,
  };
}

/** Job polling that never waits. */
export const instantJobs = { intervalMs: 0, sleep: async () => {} };
