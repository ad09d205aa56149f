/**
 * The Resources view as data: the virtual-resource tree flattened into visible rows, honouring collapsed groups,
 * the filter and the sort order. Pure and memoisable: cursor moves never recompute it, only snapshot, filter,
 * sort or expand/collapse changes do.
 */
import type { EngineSnapshot, PlanItem, PlanState, VirtualResource } from "../engine/types.ts";

export type SortKey = "prio" | "cost" | "forecast" | "name";
export interface SortOrder {
  key: SortKey;
  reverse: boolean;
}

export interface TreeRow {
  /** Unique per row: a member id can only appear under one group. */
  id: string;
  depth: number;
  vr: VirtualResource;
  isGroup: boolean;
  expanded: boolean;
  /** Id of the group this row sits in (depth > 0). */
  parentId?: string;
  cost: number;
  forecast?: number;
  state?: PlanState;
}

/** Plan state per virtual resource: the most recent item wins (a re-planned resource shows its newest state). */
export function planStateByVr(plan: PlanItem[]): Map<string, PlanState> {
  const newest = new Map<string, PlanItem>();
  for (const item of plan) {
    const prev = newest.get(item.vrId);
    if (!prev || item.updatedAt >= prev.updatedAt) newest.set(item.vrId, item);
  }
  return new Map([...newest].map(([k, v]) => [k, v.state]));
}

function costSoFar(vr: VirtualResource, snap: EngineSnapshot): number {
  const f = snap.forecasts[vr.id];
  if (f) return f.costSoFar;
  const start = snap.period.startDate;
  let sum = 0;
  for (const d of vr.daily) if (d.date >= start) sum += d.amount;
  return sum;
}

export function matches(vr: VirtualResource, state: PlanState | undefined, needle: string): boolean {
  if (!needle) return true;
  const hay = `${vr.id}\u0000${vr.name}\u0000${vr.owner ?? ""}\u0000${vr.kind}\u0000${state ?? ""}\u0000${vr.group ?? ""}`;
  return hay.toLowerCase().includes(needle);
}

export interface FlattenOptions {
  collapsed: ReadonlySet<string>;
  filter: string;
  sort: SortOrder;
}

export function flattenTree(snap: EngineSnapshot, opts: FlattenOptions): TreeRow[] {
  const states = planStateByVr(snap.plan);
  const needle = opts.filter.trim().toLowerCase();
  const row = (vr: VirtualResource, depth: number, parentId?: string): TreeRow => ({
    id: vr.id,
    depth,
    vr,
    isGroup: vr.kind === "GROUP",
    expanded: vr.kind === "GROUP" && (needle !== "" || !opts.collapsed.has(vr.id)),
    parentId,
    cost: costSoFar(vr, snap),
    forecast: snap.forecasts[vr.id]?.monthEnd.p50,
    // Plan items name the unit that is terminated: members inherit their group's state.
    state: states.get(vr.id) ?? (parentId ? states.get(parentId) : undefined),
  });

  const roots = snap.resources.map((vr, index) => ({ r: row(vr, 0), index }));
  const cmp = comparator(opts.sort.key);
  roots.sort((a, b) => {
    const c = cmp(a.r, b.r) || a.index - b.index;
    return opts.sort.reverse ? -c : c;
  });

  const out: TreeRow[] = [];
  for (const { r } of roots) {
    if (!r.isGroup) {
      if (matches(r.vr, r.state, needle)) out.push(r);
      continue;
    }
    // A group stays visible when it or any member matches; a filter shows the matching members expanded.
    const members = r.vr.members.map((m) => row(m, 1, r.id));
    const selfHit = matches(r.vr, r.state, needle);
    const hits = needle ? members.filter((m) => selfHit || matches(m.vr, m.state, needle)) : members;
    if (!selfHit && hits.length === 0) continue;
    out.push(r);
    if (r.expanded) out.push(...hits);
  }
  return out;
}

function comparator(key: SortKey): (a: TreeRow, b: TreeRow) => number {
  switch (key) {
    case "cost":
      return (a, b) => b.cost - a.cost;
    case "forecast":
      return (a, b) => (b.forecast ?? -Infinity) - (a.forecast ?? -Infinity);
    case "name":
      return (a, b) => a.vr.name.localeCompare(b.vr.name);
    default:
      // The engine already sends roots most-expendable first; keep its order.
      return () => 0;
  }
}

/** Next sort order when a sort key is pressed: a new key starts ascending-natural, the same key flips. */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  return current.key === key ? { key, reverse: !current.reverse } : { key, reverse: false };
}
