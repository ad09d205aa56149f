/**
 * CCE node pool scaling and cluster hibernation (opentelekomcloud-docs/cloud-container-engine, api-ref "Cluster
 * Management"):
 * - `PUT /api/v3/projects/{pid}/clusters/{cid}/nodepools/{npid}` with `{metadata:{name}, spec:{initialNodeCount,
 *   autoscaling, nodeTemplate}}` (name, count and template mandatory; "only the node pool name and scaling parameters
 *   in spec can be updated"). The answer is the pool; the scaling runs afterwards, so we read the pool until
 *   `status.currentNode` equals the target and the phase is empty again. A pool is parked with autoscaling OFF —
 *   with it on, the autoscaler would bring it back to `minNodeCount`.
 * - `POST …/clusters/{cid}/operation/hibernate` | `…/operation/awake` → 200 without a body; "keep querying the
 *   cluster status" (`GET …/clusters/{cid}`) until `Hibernation` / `Available`. Hibernation ends the master fee;
 *   the cluster's nodes bill on (documented), so park the pools as well.
 */
import type { HttpClient } from "../../http.ts";
import { HttpError } from "../../http.ts";
import { getNodePool, type CceNodePool } from "../cce.ts";
import type { JobState } from "../jobs.ts";

export interface CceAutoscaling {
  enable: boolean;
  minNodeCount?: number;
  maxNodeCount?: number;
}

type PoolWithTemplate = CceNodePool & { spec?: CceNodePool["spec"] & { autoscaling?: CceAutoscaling; nodeTemplate?: Record<string, unknown> } };

function poolPath(projectId: string, clusterId: string, id: string): string {
  return `/api/v3/projects/${projectId}/clusters/${encodeURIComponent(clusterId)}/nodepools/${encodeURIComponent(id)}`;
}

function clusterPath(projectId: string, clusterId: string): string {
  return `/api/v3/projects/${projectId}/clusters/${encodeURIComponent(clusterId)}`;
}

/** The pool as it is now (count, autoscaling), or an error when it is gone. */
export async function readPool(cce: HttpClient, projectId: string, clusterId: string, id: string): Promise<PoolWithTemplate> {
  const np = (await getNodePool(cce, projectId, clusterId, id)) as PoolWithTemplate | undefined;
  if (!np) throw new HttpError(`${cce.endpoint}: node pool ${id} not found in cluster ${clusterId}`, cce.endpoint, 404);
  return np;
}

/**
 * Sets the pool's node count and autoscaling. The node template is sent back as read (the API requires it), so
 * nothing but the count and autoscaling changes.
 */
export async function scaleNodePool(
  cce: HttpClient,
  projectId: string,
  clusterId: string,
  current: PoolWithTemplate,
  count: number,
  autoscaling: CceAutoscaling,
): Promise<void> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`node pool ${current.metadata.uid}: node count must be an integer >= 0, got ${count}`);
  await cce.json("PUT", poolPath(projectId, clusterId, current.metadata.uid), {
    body: {
      metadata: { name: current.metadata.name },
      spec: { initialNodeCount: count, autoscaling, nodeTemplate: current.spec?.nodeTemplate ?? {} },
    },
  });
}

/**
 * Scaling progress: done when the pool has `count` nodes and a settled phase (blank = normal, or `Synchronized`, as
 * the API reference lists them); `Error`, `SoldOut` (no capacity for the nodes) or a vanished pool = failed.
 */
export async function scaleState(cce: HttpClient, projectId: string, clusterId: string, id: string, count: number): Promise<JobState> {
  const np = await getNodePool(cce, projectId, clusterId, id);
  if (!np) return { done: true, ok: false, reason: `node pool ${id} no longer exists` };
  const phase = np.status?.phase ?? "";
  if (phase === "Error") return { done: true, ok: false, reason: np.status?.message || "node pool scaling failed (phase Error)" };
  if (phase === "SoldOut") return { done: true, ok: false, reason: np.status?.message || "node pool scaling failed: nodes sold out (no capacity)" };
  if ((phase === "" || phase === "Synchronized") && np.status?.currentNode === count) return { done: true, ok: true };
  // Right after the PUT the pool may still show its old count with no phase (the scaling has not started), so a
  // count that differs is "not yet", never "failed"; a pool held elsewhere (autoscaler) ends in the poll timeout.
  return { done: false };
}

export async function clusterOperation(cce: HttpClient, projectId: string, clusterId: string, op: "hibernate" | "awake"): Promise<void> {
  await cce.json("POST", `${clusterPath(projectId, clusterId)}/operation/${op}`, { body: {} });
}

/** Hibernation/wake-up progress: done at `target` phase; `Unavailable` = failed. */
export async function clusterPhaseState(cce: HttpClient, projectId: string, clusterId: string, target: "Hibernation" | "Available"): Promise<JobState> {
  const c = await cce.get<{ status?: { phase?: string; message?: string } }>(clusterPath(projectId, clusterId));
  const phase = c?.status?.phase ?? "";
  if (phase === target) return { done: true, ok: true };
  if (phase === "Unavailable" || phase === "Error") return { done: true, ok: false, reason: c?.status?.message || `cluster ${clusterId} is ${phase}` };
  return { done: false };
}
