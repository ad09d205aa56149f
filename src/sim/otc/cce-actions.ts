/**
 * Simulated CCE v3 actions beside the listing/deletion of cce.ts (opentelekomcloud-docs/cloud-container-engine,
 * api-ref "Cluster Management"):
 * - `PUT …/clusters/{cid}/nodepools/{npid}` `{metadata:{name}, spec:{initialNodeCount, autoscaling?,
 *   nodeTemplate}}` → 200 with the pool. The scaling runs afterwards: the pool is `Synchronizing` and each read of
 *   it is one poll; until it finished the old node count exists and bills. With autoscaling on, the autoscaler keeps
 *   at least `minNodeCount` nodes, so a pool "scaled to zero" with autoscaling on does not reach zero.
 * - `GET …/clusters/{cid}` → the cluster; each read is one poll of a running hibernation/wake-up.
 * - `POST …/clusters/{cid}/operation/hibernate` and `…/operation/awake` → 200 without a body. Documented: "Keep
 *   querying the cluster status. When the cluster status changes to Hibernation, the cluster is hibernated" (and
 *   to Available when woken). The transitional phases "Hibernating"/"Awaking" are the simulator's names; they show
 *   once the job runs (during an INIT hold the cluster reads as before). A second operation while one is pending is
 *   refused (409), never queued.
 */
import type { SimCluster, SimNodePool, SimWorld } from "../world.ts";
import { recordMutation } from "../world.ts";
import { advanceJob, cceError, createJob, failureFor, jobFamily, json, parseJson, type Route, type SimContext } from "./common.ts";
import { clusterJson, poolJson } from "./cce.ts";

function pendingJob(world: SimWorld, entity: string) {
  for (const job of world.jobs.values()) {
    if (jobFamily(job) === "cce" && job.entities[0] === entity && (job.status === "INIT" || job.status === "RUNNING")) return job;
  }
  return undefined;
}

function updatePool(ctx: SimContext, np: SimNodePool, body: string): Response {
  const { world } = ctx;
  recordMutation(world, `CCE.update:${np.uid}`);
  const req = parseJson(body);
  const count = req?.spec?.initialNodeCount;
  if (typeof req?.metadata?.name !== "string" || req.metadata.name === "") return cceError(400, "CCE.01400001", "metadata.name is required");
  if (!Number.isInteger(count) || count < 0) return cceError(400, "CCE.01400001", "spec.initialNodeCount must be an integer >= 0");
  if (!req.spec.nodeTemplate || typeof req.spec.nodeTemplate !== "object") return cceError(400, "CCE.01400001", "spec.nodeTemplate is required");
  if (np.phase === "Deleting") return cceError(409, "CCE.01409001", `node pool ${np.uid} is being deleted`);
  if (pendingJob(world, np.uid)) return cceError(409, "CCE.01409001", `node pool ${np.uid} is already being updated`);
  const as = req.spec.autoscaling;
  if (as && typeof as === "object") {
    np.autoscaling = {
      enable: as.enable === true,
      minNodeCount: Number.isInteger(as.minNodeCount) ? as.minNodeCount : np.autoscaling?.minNodeCount,
      maxNodeCount: Number.isInteger(as.maxNodeCount) ? as.maxNodeCount : np.autoscaling?.maxNodeCount,
    };
  }
  const before = np.currentNode ?? np.initialNodeCount;
  np.currentNode = before;
  np.initialNodeCount = count;
  np.phase = "Synchronizing";
  createJob(
    ctx,
    "cce",
    "scaleNodePool",
    [np.uid],
    {
      onSuccess: () => {
        const floor = np.autoscaling?.enable ? (np.autoscaling.minNodeCount ?? 0) : 0;
        np.currentNode = Math.max(count, floor);
        np.phase = "";
      },
      onFail: () => (np.phase = "Error"),
    },
    failureFor(ctx, "CCE.scale", np.uid, np.tags),
  );
  return json(poolJson(np));
}

function clusterOperation(ctx: SimContext, c: SimCluster, op: "hibernate" | "awake"): Response {
  const { world } = ctx;
  recordMutation(world, `CCE.${op}:${c.uid}`);
  // An accepted operation still in INIT leaves the phase as it was: a second one is refused, not queued.
  if (pendingJob(world, c.uid)) return cceError(409, "CCE.01409001", `cluster ${c.uid}: another operation is in progress`);
  const phase = c.phase ?? "Available";
  const from = op === "hibernate" ? "Available" : "Hibernation";
  if (phase !== from) return cceError(400, "CCE.01400013", `cluster ${c.uid} is ${phase}; ${op} needs a cluster that is ${from}`);
  createJob(
    ctx,
    "cce",
    op === "hibernate" ? "hibernateCluster" : "awakeCluster",
    [c.uid],
    {
      // Like every job: until it runs (the INIT hold) the cluster reads exactly as before, and it still bills.
      onStart: () => (c.phase = op === "hibernate" ? "Hibernating" : "Awaking"),
      onSuccess: () => (c.phase = op === "hibernate" ? "Hibernation" : "Available"),
      onFail: () => (c.phase = phase),
    },
    failureFor(ctx, `CCE.${op}`, c.uid, {}),
  );
  return new Response(null, { status: 200 });
}

export function cceActionRoute(ctx: SimContext, method: string, seg: string[]): Route | undefined {
  // /api/v3/projects/{pid}/clusters/{cid}[/operation/{op} | /nodepools/{npid} (PUT)]
  if (seg[0] !== "api" || seg[1] !== "v3" || seg[2] !== "projects" || seg[4] !== "clusters") return undefined;
  const { world } = ctx;
  const cid = seg[5];
  const guard = (want: string, fn: (c: SimCluster) => Response) => () => {
    if (method !== want) return cceError(405, "CCE.01405001", `method ${method} not allowed`);
    if (seg[3] !== world.projectId) return cceError(404, "CCE.01404001", `project ${seg[3]} not found`);
    const c = world.clusters.get(cid!);
    return c ? fn(c) : cceError(404, "CCE.01404001", `cluster ${cid} not found`);
  };
  if (seg.length === 6) {
    return {
      name: "CCE.cluster",
      handle: guard("GET", (c) => {
        const job = pendingJob(world, c.uid);
        if (job) advanceJob(job);
        return json(clusterJson(world, c));
      }),
    };
  }
  if (seg.length === 8 && seg[6] === "operation" && (seg[7] === "hibernate" || seg[7] === "awake")) {
    const op = seg[7];
    return { name: `CCE.${op}`, handle: guard("POST", (c) => clusterOperation(ctx, c, op)) };
  }
  if (seg.length === 8 && seg[6] === "nodepools" && method === "PUT") {
    const npid = seg[7]!;
    return {
      name: "CCE.updateNodePool",
      handle: (body) =>
        guard("PUT", (c) => {
          const np = world.nodePools.get(npid);
          if (!np || np.clusterUid !== c.uid) return cceError(404, "CCE.01404001", `node pool ${npid} not found`);
          return updatePool(ctx, np, body);
        })(),
    };
  }
  return undefined;
}
