/**
 * What a plan item really touches: its leaf cloud resources with kind, name, id, prio (or "untagged"), owner and
 * an estimated saving each. "delete staging" is 2 servers, 2 volumes and 2 node pools; every place that names a
 * plan item (TUI details and confirm dialogs, `plan`, Events, the non-TTY summary) lists these, so the operator
 * sees the names of what will go, not only a `GR_[…]` id.
 *
 * The per-member saving is the item's saving split by each member's remaining month-end forecast (a park — or
 * its older name, stop — only counts the stoppable share of servers, databases and node pools: volumes keep
 * billing): an estimate, marked "≈" where it is shown.
 */
import type { CloudResource, ForecastSummary, PlanAction, ResourceUnit } from "../engine/types.ts";
import { parsePrio, ownerTag } from "../engine/virtual/tags.ts";
import { isPark } from "../engine/actions/ladder.ts";
import { amount, prioText } from "./index.ts";

export interface PlanMember {
  kind: string;
  name: string;
  /** Provider id of the cloud resource (or the unit id when no cloud resource is known). */
  id: string;
  /** Undefined: the resource has no `ot3c_prio` tag. */
  prio?: number;
  owner?: string;
  /** Estimated share of the item's saving, in the billing currency. */
  saving?: number;
  status?: string;
}

/** Units by id over the whole tree (groups nest). */
export function indexUnits(roots: readonly ResourceUnit[]): Map<string, ResourceUnit> {
  const byId = new Map<string, ResourceUnit>();
  const walk = (u: ResourceUnit) => {
    byId.set(u.id, u);
    u.members.forEach(walk);
  };
  roots.forEach(walk);
  return byId;
}

/** The leaf units below `u` (itself for a leaf). */
function leafUnits(u: ResourceUnit): ResourceUnit[] {
  return u.members.length === 0 ? [u] : u.members.flatMap(leafUnits);
}

export interface MembersInput {
  vrId: string;
  action: PlanAction;
  tsave: number;
  owner?: string;
  /** The stored item's leaf resources (termination order), when the source has them. */
  resources?: readonly CloudResource[];
}

/**
 * Members of a plan item: from its stored leaf resources when present (they outlive the resource in the tree),
 * else from the unit in the current tree. Empty when neither knows the item (a resource gone before this run).
 */
export function planMembers(
  item: MembersInput,
  units: Map<string, ResourceUnit>,
  forecasts: Record<string, ForecastSummary> = {},
): PlanMember[] {
  const unit = units.get(item.vrId);
  const fromStore = item.resources && item.resources.length > 0 ? item.resources : undefined;
  const leaves: Array<{ unitId: string; resource?: CloudResource; unit?: ResourceUnit }> = fromStore
    ? fromStore.map((r) => ({ unitId: `${r.kind}_${r.id}`, resource: r, unit: units.get(`${r.kind}_${r.id}`) }))
    : unit
      ? leafUnits(unit).map((u) => ({ unitId: u.id, resource: u.resource, unit: u }))
      : [];
  const weights = leaves.map((l) => {
    const f = forecasts[l.unitId];
    const rest = f ? Math.max(0, f.monthEnd.p50 - f.costSoFar) : 0;
    if (isPark(item.action)) return l.unit?.stopShare !== undefined ? rest * l.unit.stopShare : 0;
    return rest;
  });
  const total = weights.reduce((s, w) => s + w, 0);
  return leaves.map((l, i) => {
    const r = l.resource;
    const tags = r?.tags ?? l.unit?.tags ?? {};
    const parsed = parsePrio(tags);
    const m: PlanMember = {
      kind: r?.kind ?? l.unit?.kind ?? "?",
      name: r?.name ?? l.unit?.name ?? "",
      id: r?.id ?? l.unitId,
    };
    // The evaluated unit knows best (a volume takes its server's prio); the tags decide for a resource gone from the tree.
    if (l.unit) {
      if (l.unit.managed !== false) m.prio = l.unit.prio;
    } else if (parsed.managed) m.prio = parsed.prio;
    const owner = ownerTag(tags) ?? l.unit?.owner;
    if (owner) m.owner = owner;
    if (total > 0) m.saving = (item.tsave * weights[i]!) / total;
    else if (leaves.length === 1) m.saving = item.tsave;
    if (r?.status) m.status = r.status;
    return m;
  });
}

/** "2 ECS, 2 EVS, 2 CCE" — the shape of an item at a glance. */
export function memberSummary(members: readonly PlanMember[]): string {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
}

/** "worker-1, worker-1-boot +4" — member names for a narrow cell. */
export function memberNames(members: readonly PlanMember[], max = 2): string {
  const names = members.map((m) => m.name || m.id);
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} +${names.length - max}`;
}

/**
 * One line per member for dialogs, `plan` and mails: "ECS worker-1  3f2a…(full id)  prio 40  owner team-a  ≈12.30 EUR".
 * Nothing is cut: a narrow terminal wraps these lines instead.
 */
export function memberLines(members: readonly PlanMember[], currency: string, indent = "  "): string[] {
  if (members.length === 0) return [`${indent}(members unknown: the resource is no longer in the inventory)`];
  return members.map(
    (m) =>
      `${indent}${m.kind} ${m.name || "(no name)"}  id ${m.id}  prio ${prioText(m.prio)}  owner ${m.owner ?? "-"}` +
      (m.saving !== undefined ? `  saving ≈${amount(m.saving)} ${currency}` : ""),
  );
}
