/**
 * What a fleet sync (`projects:`, issue #18) adds to the engine's round: which projects are DEGRADED, and the
 * rule that keeps a DEGRADED project safe — nothing is planned or executed on its resources this round, and
 * nothing already planned on them is ended (GONE, regrouped) because they were not listed.
 *
 * The provider hands back a DEGRADED project's last listing with `held` set; after a restart there is none, so
 * the resources of open plan items in a DEGRADED project are added back from the items themselves (as stored when
 * planned). Held resources count in the budget as baseline (virtual/build.ts), and the executor skips items that
 * touch a DEGRADED project (engine.ts).
 */
import type { StoredPlanItem } from "../store/store.ts";
import type { CloudResource, InventorySource, ProjectSyncState } from "./types.ts";

export interface FleetRound {
  resources: CloudResource[];
  /** undefined when the inventory is a single project. */
  states?: ProjectSyncState[];
  degraded: Set<string>;
}

export function fleetRound(inventory: InventorySource, listed: CloudResource[], openItems: () => StoredPlanItem[]): FleetRound {
  const states = inventory.projectStates?.();
  if (!states) return { resources: listed, degraded: new Set() };
  const degraded = new Set(states.filter((s) => s.status === "DEGRADED").map((s) => s.id));
  if (degraded.size === 0) return { resources: listed, states, degraded };
  const present = new Set(listed.map((r) => `${r.kind}:${r.id}`));
  const extra: CloudResource[] = [];
  for (const item of openItems()) {
    for (const r of item.resources) {
      if (!r.projectId || !degraded.has(r.projectId) || present.has(`${r.kind}:${r.id}`)) continue;
      present.add(`${r.kind}:${r.id}`);
      const s = states.find((x) => x.id === r.projectId);
      extra.push({ ...r, held: `project ${s?.name ?? r.projectId} (${s?.region ?? r.region ?? "?"}) DEGRADED: as planned in item ${item.id}; not planned until it lists again` });
    }
  }
  return { resources: extra.length ? [...listed, ...extra] : listed, states, degraded };
}

/** An item with a resource in a DEGRADED project must not start: its data is incomplete this round. */
export function touchesDegraded(item: Pick<StoredPlanItem, "resources">, degraded: Set<string>): boolean {
  if (degraded.size === 0) return false;
  return item.resources.some((r) => r.projectId !== undefined && degraded.has(r.projectId));
}

/** The alert line naming the DEGRADED projects (at most a few names, then a count). */
export function degradedAlert(states: ProjectSyncState[] | undefined): string | undefined {
  const bad = (states ?? []).filter((s) => s.status === "DEGRADED");
  if (bad.length === 0) return undefined;
  const names = bad.slice(0, 5).map((s) => `${s.name} (${s.region})`).join(", ");
  return `${bad.length} project(s) DEGRADED, not planned this round: ${names}${bad.length > 5 ? ", …" : ""}`;
}
