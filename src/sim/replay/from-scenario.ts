/**
 * A generated scenario (src/sim/scenario) as the replay cloud's input: its resources in the engine's vocabulary
 * (what the OTC providers would return for them) and its cost history in the dashboard's.
 */
import type { CloudResource, CostRecord } from "../../engine/types.ts";
import type { SimWorld } from "../world.ts";

function ecsTags(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list) {
    if (t.startsWith("_sys_")) continue;
    const i = t.indexOf("=");
    if (i < 0) out[t] = "";
    else out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

export function resourcesOfWorld(world: SimWorld): CloudResource[] {
  const out: CloudResource[] = [];
  for (const s of world.servers.values()) {
    if (s.status === "DELETED") continue;
    out.push({ kind: "ECS", id: s.id, name: s.name, status: s.status, tags: ecsTags(s.tags), createdAt: s.created, attachedVolumeIds: [...s.volumeIds], flavor: s.flavorId, ...(s.prepaid ? { prepaid: true } : {}) });
  }
  for (const v of world.volumes.values()) {
    out.push({ kind: "EVS", id: v.id, name: v.name, status: v.status, tags: { ...v.tags }, createdAt: v.created, attachedServerIds: [...v.serverIds], ...(v.prepaid ? { prepaid: true } : {}) });
  }
  for (const p of world.nodePools.values()) {
    out.push({ kind: "CCE", id: p.uid, name: p.name, status: "Active", tags: { ...p.tags }, clusterId: p.clusterUid, nodeCount: p.currentNode ?? p.initialNodeCount, ...(p.prepaid ? { prepaid: true } : {}) });
  }
  for (const r of world.rds.values()) {
    out.push({ kind: "RDS", id: r.id, name: r.name, status: r.status, tags: { ...r.tags }, createdAt: r.created, flavor: r.flavorRef, ...(r.prepaid ? { prepaid: true } : {}) });
  }
  return out;
}

export function costsOfWorld(world: SimWorld): CostRecord[] {
  return world.costs.map((c) => ({ date: c.date, resourceId: c.resourceId, product: c.product, amount: c.amount, consumptionType: c.consumptionType, projectId: world.projectId, projectName: world.projectName, region: world.region }));
}
