/**
 * Simulated CCE v3: clusters, node pools per cluster, one node pool, and node pool deletion. Deletion answers with
 * the pool in phase "Deleting"; each read of that pool is one poll; when done the pool is gone (404), or in phase
 * "Error" when the deletion failed.
 */
import type { SimCluster, SimJob, SimNodePool, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { advanceJob, cceError, createJob, failureFor, jobFamily, json, type Route, type SimContext } from "./common.ts";

export function clusterJson(world: SimWorld, c: SimCluster) {
  const { uid, name } = c;
  return {
    kind: "Cluster",
    apiVersion: "v3",
    metadata: { uid, name },
    spec: { type: "VirtualMachine", flavor: "cce.s1.small", version: "v1.29" },
    status: { phase: c.phase ?? "Available", endpoints: [{ url: `https://${uid}.cce.${world.region}.example`, type: "Internal" }] },
  };
}

export function poolJson(np: SimNodePool, message?: string) {
  return {
    kind: "NodePool",
    apiVersion: "v3",
    metadata: { name: np.name, uid: np.uid },
    spec: {
      type: "vm",
      initialNodeCount: np.initialNodeCount,
      nodeTemplate: {
        flavor: np.flavor,
        az: "random",
        os: "EulerOS 2.9",
        // 0 pay-per-use, 1 yearly/monthly.
        billingMode: np.prepaid ? 1 : 0,
        userTags: Object.entries(np.tags).map(([key, value]) => ({ key, value })),
      },
      autoscaling: np.autoscaling ?? { enable: false },
    },
    status: { currentNode: np.currentNode ?? np.initialNodeCount, phase: np.phase, ...(message ? { message } : {}) },
  };
}

/** Pending deletion job of a pool, if any. */
function deletionOf(world: SimWorld, uid: string): SimJob | undefined {
  for (const job of world.jobs.values()) {
    if (jobFamily(job) === "cce" && job.entities[0] === uid && (job.status === "INIT" || job.status === "RUNNING")) return job;
  }
  return undefined;
}

function deletePool(ctx: SimContext, np: SimNodePool): Response {
  const { world } = ctx;
  recordMutation(world, `CCE.delete:${np.uid}`);
  if (np.prepaid) return cceError(400, "CCE.01400013", `node pool ${np.uid} is billed yearly/monthly and cannot be deleted; unsubscribe it instead`);
  if (np.phase === "Deleting") return cceError(409, "CCE.01409001", `node pool ${np.uid} is already being deleted`);
  np.phase = "Deleting";
  createJob(
    ctx,
    "cce",
    "deleteNodePool",
    [np.uid],
    { onSuccess: () => world.nodePools.delete(np.uid), onFail: () => (np.phase = "Error") },
    failureFor(ctx, "CCE.delete", np.uid, np.tags),
  );
  return json(poolJson(np));
}

export function cceRoute(ctx: SimContext, method: string, seg: string[]): Route | undefined {
  // /api/v3/projects/{pid}/clusters[/{cid}/nodepools[/{npid}]]
  if (seg[0] !== "api" || seg[1] !== "v3" || seg[2] !== "projects" || seg[4] !== "clusters") return undefined;
  if (seg.length !== 5 && seg.length !== 7 && seg.length !== 8) return undefined;
  if (seg.length >= 7 && seg[6] !== "nodepools") return undefined;
  const { world } = ctx;
  const guard = (want: string[], fn: () => Response) => () => {
    if (!want.includes(method)) return cceError(405, "CCE.01405001", `method ${method} not allowed`);
    if (seg[3] !== world.projectId) return cceError(404, "CCE.01404001", `project ${seg[3]} not found`);
    return fn();
  };
  if (seg.length === 5) {
    return {
      name: "CCE.clusters",
      handle: guard(["GET"], () =>
        json({ kind: "List", apiVersion: "v3", items: [...world.clusters.values()].map((c) => clusterJson(world, c)) }),
      ),
    };
  }
  const cid = seg[5]!;
  const clusterMissing = () => (world.clusters.has(cid) ? undefined : cceError(404, "CCE.01404001", `cluster ${cid} not found`));
  if (seg.length === 7) {
    return {
      name: "CCE.nodepools",
      handle: guard(["GET"], () => {
        const missing = clusterMissing();
        if (missing) return missing;
        const items: unknown[] = [...world.nodePools.values()].filter((np) => np.clusterUid === cid).map((np) => poolJson(np));
        // Like CCE: nodes created outside any pool show up as the pseudo pool "DefaultPool".
        items.push({
          kind: "NodePool",
          apiVersion: "v3",
          metadata: { name: "DefaultPool", uid: "DefaultPool" },
          spec: { initialNodeCount: 1, nodeTemplate: { flavor: "s3.large.2" }, autoscaling: {} },
          status: { currentNode: 1, phase: "" },
        });
        return json({ kind: "List", apiVersion: "v3", items });
      }),
    };
  }
  const npid = seg[7]!;
  return {
    name: method === "DELETE" ? "CCE.delete" : "CCE.nodepool",
    handle: guard(["GET", "DELETE"], () => {
      const missing = clusterMissing();
      if (missing) return missing;
      const np = world.nodePools.get(npid);
      if (!np || np.clusterUid !== cid) return cceError(404, "CCE.01404001", `node pool ${npid} not found`);
      if (method === "DELETE") return deletePool(ctx, np);
      // Reading a pool that is being deleted is the poll that moves the deletion on.
      const job = deletionOf(world, npid);
      if (job) advanceJob(job);
      if (!world.nodePools.has(npid)) return cceError(404, "CCE.01404001", `node pool ${npid} not found`);
      return json(poolJson(np, np.phase === "Error" ? job?.failReason : undefined));
    }),
  };
}
