/**
 * What the views show, derived from the snapshot and the operator's sort/filter/collapse choices. Memoised per
 * input, so a cursor move or a countdown tick never recomputes the tree or the plan order.
 */
import { useMemo } from "react";
import type { EngineSnapshot } from "../engine/types.ts";
import type { ViewId } from "./keys.ts";
import { indexTree, orderRoots, visibleRows, type SortOrder } from "./tree.ts";
import { resourceNames, sortPlan } from "./views/Pending.tsx";
import { chargebackMatrix } from "./views/Chargeback.tsx";
import { eventRows, type LogFeed } from "./views/Events.tsx";

export function useViewData(snap: EngineSnapshot | undefined, o: { sort: SortOrder; collapsed: ReadonlySet<string>; filter: string; logs?: LogFeed }) {
  const { sort, collapsed, filter, logs } = o;
  const treeIndex = useMemo(() => (snap ? indexTree(snap) : { roots: [] }), [snap]);
  const ordered = useMemo(() => orderRoots(treeIndex, sort.key), [treeIndex, sort.key]);
  const treeRows = useMemo(() => visibleRows(ordered, { collapsed, filter, reverse: sort.reverse }), [ordered, collapsed, filter, sort.reverse]);
  const planRows = useMemo(() => (snap ? sortPlan(snap.plan) : []), [snap]);
  const names = useMemo(() => resourceNames(snap?.resources ?? []), [snap?.resources]);
  const pendingItems = useMemo(() => planRows.filter((p) => p.state === "PENDING"), [planRows]);
  const events = useMemo(() => (snap ? eventRows(snap.events, logs?.recent()) : []), [snap, logs]);
  const cbRows = useMemo(() => (snap?.chargeback ? chargebackMatrix(snap.chargeback).rows.length : 0), [snap?.chargeback]);
  /** Rows per view, for cursor bounds. */
  const counts: Record<ViewId, number> = { overview: 0, resources: treeRows.length, pending: planRows.length, chargeback: cbRows, events: events.length };
  return { treeRows, planRows, names, pendingItems, events, counts };
}
