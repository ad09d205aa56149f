/**
 * A volume can only be deleted once no server outside its termination unit still uses it. The seed's rule lets an
 * EVS with its own `ot3c_group` leave its server's group; when the server is not in that `ot3c_group` too, the
 * unit holding the volume cannot be terminated (the delete would fail with "volume in use"). Such units are marked
 * unmanaged, with a note saying how to fix the tags, so the planner never proposes them and their spend counts as
 * baseline.
 */
import type { VirtualResource } from "../types.ts";

function leavesOf(vr: VirtualResource): VirtualResource[] {
  return vr.members.length === 0 ? [vr] : vr.members.flatMap(leavesOf);
}

/** The first volume of the unit that is attached to a server outside the unit, with that server's id. */
export function volumeHeldOutside(unit: VirtualResource): { volume: VirtualResource; serverId: string } | undefined {
  const leaves = leavesOf(unit);
  const servers = new Set(leaves.filter((l) => l.kind === "ECS").map((l) => l.resource!.id));
  for (const l of leaves) {
    if (l.kind !== "EVS") continue;
    const outside = (l.resource?.attachedServerIds ?? []).find((sid) => !servers.has(sid));
    if (outside) return { volume: l, serverId: outside };
  }
  return undefined;
}

export function markUnitsWithVolumesHeldOutside(roots: VirtualResource[]): void {
  for (const unit of roots) {
    if (unit.managed === false) continue;
    const held = volumeHeldOutside(unit);
    if (!held) continue;
    unit.managed = false;
    unit.note =
      `${held.volume.id} is attached to server ECS_${held.serverId}, which is not part of this unit: deleting it would fail. ` +
      `Give the server the same ot3c_group, or detach the volume. Unmanaged until then; its spend is baseline.`;
  }
}
