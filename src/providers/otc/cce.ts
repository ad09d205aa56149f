/**
 * CCE v3: clusters (`GET /api/v3/projects/{pid}/clusters` → `{kind:"List", items:[Cluster]}`) and their node
 * pools (`…/clusters/{cid}/nodepools` → items `{kind:"NodePool", metadata{name,uid}, spec{initialNodeCount,
 * nodeTemplate{flavor, userTags:[{key,value}]}}, status{phase, currentNode}}`). Neither list is paged, so one call
 * per cluster is the minimum. A node pool is the unit ot3c manages (`CCE_<nodepool-uid>`).
 *
 * Deleting a node pool answers with the pool (phase "Deleting"), not a job: completion is the pool returning 404;
 * phase "Error" means the deletion failed.
 */
import type { CloudResource } from "../../engine/types.ts";
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";
import { parseKeyValueTags } from "./ecs.ts";
import type { JobState } from "./jobs.ts";
import { mapLimit } from "./paging.ts";

export interface CceCluster {
  kind?: string;
  metadata: { uid: string; name: string };
  status?: { phase?: string };
}

export interface CceNodePool {
  kind?: string;
  metadata: { uid: string; name: string; creationTimestamp?: string };
  spec?: {
    initialNodeCount?: number;
    nodeTemplate?: { flavor?: string; billingMode?: number; userTags?: Array<{ key: string; value: string }> };
  };
  status?: { phase?: string; currentNode?: number; message?: string };
}

function items<T>(res: { items?: T[] } | undefined, client: HttpClient, what: string): T[] {
  if (!res || !Array.isArray(res.items)) throw new HttpError(`${client.endpoint}: ${what} without "items"`, client.endpoint);
  return res.items;
}

export async function listClusters(cce: HttpClient, projectId: string): Promise<CceCluster[]> {
  return items(await cce.get<{ items?: CceCluster[] }>(`/api/v3/projects/${projectId}/clusters`), cce, "cluster list");
}

export function normaliseNodePool(np: CceNodePool, clusterId: string): CloudResource {
  return {
    kind: "CCE",
    id: np.metadata.uid,
    name: np.metadata.name ?? "",
    // An empty phase is how CCE reports a usable pool.
    status: np.status?.phase || "Available",
    tags: parseKeyValueTags(np.spec?.nodeTemplate?.userTags),
    createdAt: np.metadata.creationTimestamp,
    clusterId,
    ...(typeof np.status?.currentNode === "number" ? { nodeCount: np.status.currentNode } : {}),
    flavor: np.spec?.nodeTemplate?.flavor,
    // `nodeTemplate.billingMode`: 0 pay-per-use, 1 yearly/monthly.
    ...(Number(np.spec?.nodeTemplate?.billingMode ?? 0) === 1 ? { prepaid: true } : {}),
  };
}

export async function listNodePools(cce: HttpClient, projectId: string, clusterId: string): Promise<CloudResource[]> {
  const res = await cce.get<{ items?: CceNodePool[] }>(`/api/v3/projects/${projectId}/clusters/${encodeURIComponent(clusterId)}/nodepools`);
  // CCE lists a pseudo pool "DefaultPool" (uid "DefaultPool") for nodes created outside any pool. It is not a
  // node pool one can delete, and its uid repeats in every cluster, so it is not a manageable resource.
  return items(res, cce, `node pool list of cluster ${clusterId}`)
    .filter((np) => np.metadata?.uid !== "DefaultPool")
    .map((np) => normaliseNodePool(np, clusterId));
}

export async function listAllNodePools(cce: HttpClient, projectId: string, concurrency = 4): Promise<CloudResource[]> {
  const clusters = await listClusters(cce, projectId);
  const perCluster = await mapLimit(clusters, concurrency, (c) => listNodePools(cce, projectId, c.metadata.uid));
  return perCluster.flat();
}

function poolPath(projectId: string, clusterId: string, id: string): string {
  return `/api/v3/projects/${projectId}/clusters/${encodeURIComponent(clusterId)}/nodepools/${encodeURIComponent(id)}`;
}

export async function getNodePool(cce: HttpClient, projectId: string, clusterId: string, id: string): Promise<CceNodePool | undefined> {
  const res = await cce.jsonWithStatus<CceNodePool>("GET", poolPath(projectId, clusterId, id), { acceptStatus: [404] });
  if (res.status === 404) return undefined;
  const np = res.data;
  if (!np?.metadata?.uid) throw new HttpError(`${cce.endpoint}: node pool ${id}: response without metadata`, cce.endpoint, res.status);
  return np;
}

export async function deleteNodePool(cce: HttpClient, projectId: string, clusterId: string, id: string): Promise<void> {
  await cce.json("DELETE", poolPath(projectId, clusterId, id));
}

/** Deletion progress: gone = done, phase Error = failed. */
export async function nodePoolDeletionState(cce: HttpClient, projectId: string, clusterId: string, id: string): Promise<JobState> {
  const np = await getNodePool(cce, projectId, clusterId, id);
  if (!np) return { done: true, ok: true };
  if (np.status?.phase === "Error") return { done: true, ok: false, reason: np.status.message || "node pool deletion failed (phase Error)" };
  return { done: false };
}
