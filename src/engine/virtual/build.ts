/**
 * The seed's data chain (reference/otc-and-ot3c.md §1.3–1.7) with its bugs fixed:
 *
 *   leaves (ECS_, EVS_, CCE_, RDS_) → ECS grouped with its attached EVS → equal `ot3c_group` values grouped →
 *   ghosts (GH_) from this period's cost records whose resource no longer exists → sorted most expendable first.
 *
 * Fixed against the seed: cost records are joined by exact resource id (the seed used substring matching), a
 * missing volume no longer aborts all grouping, groups are built without mutating the list being iterated,
 * products without `_` do not panic, untagged resources stay visible (flagged unmanaged, so the budget counts
 * them as baseline instead of ignoring them), and `ot3c_instance` is implemented.
 *
 * Deliberate difference: an `ot3c_group` value with a single member does not wrap it in a one-member group (the
 * seed made `GR_[ECS_x]`); the resource keeps its own id and its `group` field.
 */
import type { BillingPeriod, CloudResource, CostRecord, IsoDate, VirtualResource } from "../types.ts";
import { markUnitsWithVolumesHeldOutside } from "./attachments.ts";
import { CostIndex } from "./daily.ts";
import { sumSeries } from "./day-series.ts";
import type { CostInput } from "./columns.ts";
import {
  TAG_GROUP,
  TAG_INSTANCE,
  TAG_OWNER,
  TAG_PRIO,
  ghostProductToken,
  groupTag,
  isStorageProduct,
  ownerTag,
  parsePrio,
  shareFromTotals,
} from "./tags.ts";

export interface BuildInput {
  resources: CloudResource[];
  /** Records as objects or as columns (columns.ts: a large sync's records streamed into typed arrays). */
  costs: CostInput;
  period: BillingPeriod;
  /** This ot3c instance's name: only resources whose `ot3c_instance` tag equals it are managed by it. */
  instance?: string;
  /**
   * A resource outside the inventory that was billed on or after this day is still billing (a service ot3c does
   * not list, like OBS or EIP): it becomes a ghost even before its first record of the period arrives, so the
   * forecast of a period's first days does not leave its spend out. Default: only this period's records count.
   */
  recentFrom?: IsoDate;
}

export interface VirtualInventory {
  /** The tree: roots most expendable first (prio descending, 0 last, ties by id). */
  roots: VirtualResource[];
  /**
   * Resources left out because their `ot3c_instance` belongs to another instance, as plain leaves. They are not in
   * the tree and no plan of ours touches them, but their spend still lands on the same bill: the pipeline
   * forecasts them and hands the result to `computeBudget` as `excludedSpend`, where it counts as baseline.
   */
  excluded: VirtualResource[];
}

/**
 * The share a stop ends (`computeShare`), from this period's records, or from all history when the period has
 * none yet (e.g. on its first day). From the per-day sums (columns.ts), added day by day in date order.
 */
function stopShareOf(costs: CostIndex, resourceId: string, period: BillingPeriod): number {
  let inPeriod = 0;
  let periodTotal = 0;
  let periodStorage = 0;
  let allTotal = 0;
  let allStorage = 0;
  let records = 0;
  costs.forEachDay(resourceId, (c) => {
    records += c.records;
    allTotal += c.amount;
    allStorage += c.storage;
    if (c.date >= period.startDate && c.date < period.endDate) {
      inPeriod += c.records;
      periodTotal += c.amount;
      periodStorage += c.storage;
    }
  });
  if (records === 0) return 1;
  return inPeriod > 0 ? shareFromTotals(periodTotal, periodStorage) : shareFromTotals(allTotal, allStorage);
}

function leafFor(r: CloudResource, costs: CostIndex, period: BillingPeriod): VirtualResource {
  const p = parsePrio(r.tags);
  const vr: VirtualResource = {
    id: `${r.kind}_${r.id}`,
    kind: r.kind,
    name: r.name,
    prio: p.prio,
    owner: ownerTag(r.tags),
    group: groupTag(r.tags),
    tags: r.tags, // shared with the resource, not copied: 100,000 resources (nothing changes a unit's tags)
    members: [],
    resource: r,
    daily: costs.daily(r.id),
    managed: p.managed && !r.prepaid && !r.held,
  };
  // A DEGRADED project's resource (engine/fleet-sync.ts): shown and counted as baseline, never planned this round.
  if (r.held) vr.note = r.held;
  else if (r.prepaid) vr.note = "prepaid (monthly/yearly package): OTC refuses to delete it and stopping saves nothing; its spend is baseline";
  else if (p.note) vr.note = p.note;
  // A node pool parked at 0 nodes bills nothing for nodes (the cluster's fee is the cluster's own record).
  if (r.kind === "ECS" || r.kind === "RDS" || r.kind === "CCE") vr.stopShare = stopShareOf(costs, r.id, period);
  return vr;
}

type GroupKind = "server" | "tag";

/**
 * Why a member keeps its whole `ot3c_group` group out of every plan, or undefined when it does not. A group made
 * by `ot3c_group` is plannable only when every member is managed with prio > 0 (a server group counts as its
 * server: volumes attached to a managed server are part of that server). The seed gave a group its minimum member
 * prio, so an untagged member made the group untouchable; a group is never more expendable than its most
 * protected member.
 */
function protectingNote(m: VirtualResource): string | undefined {
  if (m.managed === false) {
    if (m.resource?.held) return `member ${m.id} (${m.name}) is in a DEGRADED project`;
    if (m.resource?.prepaid) return `member ${m.id} (${m.name}) is prepaid`;
    return `member ${m.id} (${m.name}) has no ot3c_prio tag`;
  }
  if (m.prio === 0) return `member ${m.id} (${m.name}) has prio 0`;
  return undefined;
}

/**
 * A group: one unit for the planner. Prio = the minimum prio of its members. Managed:
 * - a server group (a server with its attached volumes) when the server itself is — its untagged volumes follow
 *   their server, but a tagged volume does not drag an untagged server into a plan;
 * - an `ot3c_group` group only when every member is managed with prio > 0; otherwise the whole group is baseline
 *   and its note names the member that protects it.
 */
function makeGroup(members: VirtualResource[], kind: GroupKind, groupName?: string): VirtualResource {
  let managed: boolean;
  let note: string | undefined;
  let prio = 0;
  if (kind === "server") {
    const server = members[0];
    managed = server.managed !== false;
    if (managed) {
      prio = Math.min(...members.filter((m) => m.managed !== false).map((m) => m.prio));
      if (prio === 0) note = `member ${members.find((m) => m.managed !== false && m.prio === 0)!.id} has prio 0: the group is never terminated`;
    } else {
      note = server.resource?.prepaid
        ? "the server is prepaid: OTC refuses to delete it and stopping saves nothing; its spend is baseline"
        : "the server has no ot3c_prio tag: unmanaged, its spend is baseline";
    }
  } else {
    const unmanagedMember = members.find((m) => m.managed === false);
    const zeroMember = members.find((m) => m.managed !== false && m.prio === 0);
    managed = unmanagedMember === undefined;
    if (unmanagedMember) {
      note = `${protectingNote(unmanagedMember)}: the whole ot3c_group is unmanaged, its spend is baseline`;
    } else if (zeroMember) {
      note = `${protectingNote(zeroMember)}: the group is never terminated`;
    } else {
      prio = Math.min(...members.map((m) => m.prio));
    }
  }
  const owner = members.find((m) => m.owner)?.owner;
  const group = groupName ?? members[0].group;
  const tags: Record<string, string> = {};
  if (group !== undefined) tags[TAG_GROUP] = group;
  if (managed) tags[TAG_PRIO] = String(prio);
  if (owner) tags[TAG_OWNER] = owner;
  const vr: VirtualResource = {
    id: `GR_[${members.map((m) => m.id).join(",")}]`,
    kind: "GROUP",
    name: kind === "server" ? members[0].name : (group ?? members[0].name),
    prio,
    owner,
    group,
    tags,
    members,
    daily: sumSeries(members.map((m) => m.daily)),
    managed,
  };
  if (note) vr.note = note;
  return vr;
}

/** Termination order inside an `ot3c_group` group: servers (with their volumes) before databases, node pools and loose volumes. */
function memberRank(vr: VirtualResource): number {
  if (vr.kind === "GROUP") return vr.members[0]?.kind === "ECS" ? 0 : 5;
  return { ECS: 1, RDS: 2, CCE: 3, EVS: 4 }[vr.kind as "ECS" | "RDS" | "CCE" | "EVS"] ?? 6;
}

export function compareRoots(a: VirtualResource, b: VirtualResource): number {
  if (a.prio !== b.prio) return b.prio - a.prio;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function buildVirtualInventory(input: BuildInput): VirtualInventory {
  const { period, instance } = input;
  const costs = new CostIndex(input.costs);

  const known = new Set<string>();
  const included: CloudResource[] = [];
  const excluded: VirtualResource[] = [];
  for (const r of input.resources) {
    known.add(r.id);
    if (instance !== undefined && r.tags[TAG_INSTANCE] !== instance) {
      const leaf = leafFor(r, costs, period);
      leaf.managed = false;
      leaf.prio = 0;
      leaf.note = `ot3c_instance ${JSON.stringify(r.tags[TAG_INSTANCE] ?? "")} is not this instance (${instance}): excluded, its spend is baseline`;
      excluded.push(leaf);
    } else {
      included.push(r);
    }
  }

  // Leaves, in a deterministic order (by kind and id) so that ids and grouping never depend on API order.
  const leaves = included.map((r) => leafFor(r, costs, period));
  leaves.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const evsByVolumeId = new Map<string, VirtualResource>();
  for (const l of leaves) if (l.kind === "EVS") evsByVolumeId.set(l.resource!.id, l);

  // Volumes named by the server's attachment list first (attach order), then volumes that name the server.
  const volumesOfServer = new Map<string, string[]>();
  for (const l of leaves) {
    if (l.kind === "ECS") volumesOfServer.set(l.resource!.id, [...(l.resource!.attachedVolumeIds ?? [])]);
  }
  for (const l of leaves) {
    if (l.kind !== "EVS") continue;
    for (const sid of l.resource!.attachedServerIds ?? []) {
      const list = volumesOfServer.get(sid);
      if (list && !list.includes(l.resource!.id)) list.push(l.resource!.id);
    }
  }

  // Step 1: each server with its attached volumes, except volumes with their own ot3c_group (seed rule). A
  // multi-attached volume goes with the first server (by id) that claims it.
  const claimed = new Set<string>();
  const roots: VirtualResource[] = [];
  for (const l of leaves) {
    if (l.kind !== "ECS") continue;
    const vols: VirtualResource[] = [];
    for (const vid of volumesOfServer.get(l.resource!.id) ?? []) {
      const evs = evsByVolumeId.get(vid);
      if (!evs || claimed.has(evs.id) || evs.group !== undefined) continue;
      claimed.add(evs.id);
      vols.push(evs);
    }
    roots.push(vols.length > 0 ? makeGroup([l, ...vols], "server") : l);
  }
  for (const l of leaves) if (l.kind !== "ECS" && !claimed.has(l.id)) roots.push(l);

  // Step 2: equal ot3c_group values form one group (a server group carries its server's ot3c_group).
  const buckets = new Map<string, VirtualResource[]>();
  const loose: VirtualResource[] = [];
  for (const vr of roots) {
    if (vr.group === undefined) {
      loose.push(vr);
      continue;
    }
    const b = buckets.get(vr.group);
    if (b) b.push(vr);
    else buckets.set(vr.group, [vr]);
  }
  const grouped: VirtualResource[] = loose;
  for (const [name, members] of buckets) {
    if (members.length === 1) {
      grouped.push(members[0]);
      continue;
    }
    members.sort((a, b) => memberRank(a) - memberRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    grouped.push(makeGroup(members, "tag", name));
  }

  // A volume still attached to a server outside its unit cannot be deleted with that unit.
  markUnitsWithVolumesHeldOutside(grouped);

  // Step 3: ghosts — this period's cost records whose resource is in no inventory (deleted since, or a type ot3c
  // does not list), and resources still billing recently (`recentFrom`). One per resource id; the product token
  // comes from its first record of the period (or its latest record).
  for (const rid of costs.resourceIds) {
    if (known.has(rid)) continue;
    // Per day the smallest product name of its records: the first such day is the period's first record by (date,
    // product), the last in the recent window its latest. Copies, not the cell: `forEachDay` reuses one object.
    let first: { date: IsoDate; product: string } | undefined;
    let latest: { date: IsoDate; product: string } | undefined;
    costs.forEachDay(rid, (c) => {
      if (input.recentFrom !== undefined && c.date >= input.recentFrom && c.date < period.endDate) latest = { date: c.date, product: c.product };
      if (c.date < period.startDate || c.date >= period.endDate) return;
      first ??= { date: c.date, product: c.product };
    });
    first ??= latest;
    if (!first) continue;
    grouped.push({
      id: `GH_${ghostProductToken(first.product)}_${rid}`,
      kind: "GHOST",
      name: first.product,
      prio: 0,
      tags: { [TAG_PRIO]: "0" },
      members: [],
      daily: costs.daily(rid),
      managed: false,
      ghostOf: rid,
      note: "cost records without a resource in the inventory (deleted, or a type ot3c does not manage): baseline",
      ...ghostProject(costs.placeOf(rid)),
    });
  }

  grouped.sort(compareRoots);
  excluded.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { roots: grouped, excluded };
}

/** The project and region a ghost's cost record names, for project budgets (engine/budgets); nothing when none. */
function ghostProject(c: Pick<CostRecord, "projectId" | "projectName" | "region"> | undefined): Pick<VirtualResource, "costProject"> {
  if (!c || (c.projectId === undefined && c.projectName === undefined && c.region === undefined)) return {};
  return {
    costProject: {
      ...(c.projectId !== undefined ? { id: c.projectId } : {}),
      ...(c.projectName !== undefined ? { name: c.projectName } : {}),
      ...(c.region !== undefined ? { region: c.region } : {}),
    },
  };
}

/** The tree only (see `buildVirtualInventory` for the resources excluded by `ot3c_instance`). */
export function buildVirtualResources(input: BuildInput): VirtualResource[] {
  return buildVirtualInventory(input).roots;
}

/** Every virtual resource in the tree, depth first (roots and all group members). */
export function* walkVirtual(roots: Iterable<VirtualResource>): Generator<VirtualResource> {
  for (const r of roots) {
    yield r;
    if (r.members.length > 0) yield* walkVirtual(r.members);
  }
}
