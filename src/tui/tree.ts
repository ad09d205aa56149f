/**
 * The Resources view as data: the virtual-resource tree flattened into visible rows, honouring collapsed groups,
 * the filter and the sort order. Split in three memoisable steps so a key press does only the work it needs:
 * `indexTree` once per snapshot (costs, states, search text, row objects), `orderRoots` once per sort key,
 * `visibleRows` per collapse/filter change (a linear scan). Row objects are reused, so memoised row components
 * re-render only when their own data changed.
 */
import type { EngineSnapshot, PlanItem, PlanState, ResourceUnit } from "../engine/types.ts";

export type SortKey = "prio" | "cost" | "forecast" | "name";
export interface SortOrder {
  key: SortKey;
  reverse: boolean;
}

export interface TreeRow {
  /** Unique per row: a member id can only appear under one group. */
  id: string;
  depth: number;
  vr: ResourceUnit;
  isGroup: boolean;
  expanded: boolean;
  /** Id of the group this row sits in (depth > 0). */
  parentId?: string;
  cost: number;
  forecast?: number;
  state?: PlanState;
}

interface Node {
  /** Lower-cased id, name, owner, kind, state and group, for the filter; built on first use. */
  hay?: string;
  row: TreeRow;
  /** Groups only: the same row with `expanded: false`; built on first use. */
  collapsedRow?: TreeRow;
}

function hay(n: Node): string {
  if (n.hay === undefined) {
    const vr = n.row.vr;
    n.hay = `${vr.id}\u0000${vr.name}\u0000${vr.owner ?? ""}\u0000${vr.kind}\u0000${n.row.state ?? ""}\u0000${vr.group ?? ""}`.toLowerCase();
  }
  return n.hay;
}

function collapsedRow(n: Node): TreeRow {
  return (n.collapsedRow ??= { ...n.row, expanded: false });
}

export interface RootEntry {
  node: Node;
  /** Members (groups can contain groups: a server group inside an ot3c_group). */
  children: RootEntry[];
  /** Position in the engine's order (most expendable first). */
  index: number;
}

export interface TreeIndex {
  roots: RootEntry[];
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

export function indexTree(snap: EngineSnapshot): TreeIndex {
  const states = planStateByVr(snap.plan);
  // A veto covers resources, not group ids: a resource vetoed before it was regrouped still shows VETOED, and so
  // does the unit that now holds it.
  const vetoed = new Set(Object.keys(snap.vetoedResources ?? {}));
  const holdsVeto = (vr: ResourceUnit): boolean => vetoed.has(vr.id) || vr.members.some(holdsVeto);
  const entry = (vr: ResourceUnit, index: number, depth: number, parent?: TreeRow): RootEntry => {
    // Plan items name the unit that is terminated: members inherit their group's state.
    const state = states.get(vr.id) ?? (vetoed.size > 0 && holdsVeto(vr) ? "VETOED" : parent?.state);
    const row: TreeRow = {
      id: vr.id,
      depth,
      vr,
      isGroup: vr.kind === "GROUP",
      expanded: vr.kind === "GROUP",
      parentId: parent?.id,
      // Every unit of an evaluation (roots and members) has a forecast; a unit without one has no cost data.
      cost: snap.forecasts[vr.id]?.costSoFar ?? 0,
      forecast: snap.forecasts[vr.id]?.monthEnd.p50,
      state,
    };
    return { node: { row }, children: vr.members.map((m, i) => entry(m, i, depth + 1, row)), index };
  };
  return { roots: snap.resources.map((vr, index) => entry(vr, index, 0)) };
}

/** Roots in sort order (ascending-natural); `visibleRows` walks it backwards for a reversed sort. */
export function orderRoots(index: TreeIndex, key: SortKey): RootEntry[] {
  if (key === "prio") return index.roots; // the engine already sends most-expendable first
  const cmp: (a: RootEntry, b: RootEntry) => number =
    key === "cost"
      ? (a, b) => b.node.row.cost - a.node.row.cost
      : key === "forecast"
        ? (a, b) => (b.node.row.forecast ?? -Infinity) - (a.node.row.forecast ?? -Infinity)
        : (a, b) => (a.node.row.vr.name < b.node.row.vr.name ? -1 : a.node.row.vr.name > b.node.row.vr.name ? 1 : 0);
  return [...index.roots].sort((a, b) => cmp(a, b) || a.index - b.index);
}

/** Does this entry or anything below it match? (Filter results keep the path to every hit.) */
function subtreeMatches(e: RootEntry, needle: string): boolean {
  return hay(e.node).includes(needle) || e.children.some((c) => subtreeMatches(c, needle));
}

export function visibleRows(ordered: RootEntry[], opts: { collapsed: ReadonlySet<string>; filter: string; reverse: boolean }): TreeRow[] {
  const needle = opts.filter.trim().toLowerCase();
  const out: TreeRow[] = [];
  // Members keep the engine's termination order; only roots are sorted.
  const walk = (e: RootEntry, parentHit: boolean) => {
    const selfHit = parentHit || !needle || hay(e.node).includes(needle);
    if (!e.node.row.isGroup) {
      if (selfHit) out.push(e.node.row);
      return;
    }
    if (!selfHit && !e.children.some((c) => subtreeMatches(c, needle))) return;
    // A filter shows the matches expanded; otherwise the operator's collapsed set decides.
    const expanded = needle !== "" || !opts.collapsed.has(e.node.row.id);
    out.push(expanded ? e.node.row : collapsedRow(e.node));
    if (expanded) for (const c of e.children) walk(c, selfHit && needle !== "");
  };
  const n = ordered.length;
  for (let k = 0; k < n; k++) walk(ordered[opts.reverse ? n - 1 - k : k], false);
  return out;
}

export interface FlattenOptions {
  collapsed: ReadonlySet<string>;
  filter: string;
  sort: SortOrder;
}

/** All three steps at once (tests, one-off callers). */
export function flattenTree(snap: EngineSnapshot, opts: FlattenOptions): TreeRow[] {
  return visibleRows(orderRoots(indexTree(snap), opts.sort.key), { ...opts, reverse: opts.sort.reverse });
}

/** Next sort order when a sort key is pressed: a new key starts ascending-natural, the same key flips. */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  return current.key === key ? { key, reverse: !current.reverse } : { key, reverse: false };
}
