/**
 * What the views show, derived from the snapshot and the operator's sort/filter/collapse choices. Memoised per
 * input, so a cursor move or a countdown tick never recomputes the tree or the plan order.
 */
import { useEffect, useMemo } from "react";
import type { EngineSnapshot } from "../engine/types.ts";
import type { ViewId } from "./keys.ts";
import { indexTree, orderRoots, visibleRows, warmTreeStep, type SortOrder } from "./tree.ts";
import { filterPlan, sortPlan } from "./views/Pending.tsx";
import { chargebackMatrix, filterChargeback } from "./views/Chargeback.tsx";
import { eventRows, filterEvents, type LogFeed } from "./views/Events.tsx";
import { indexUnits } from "../format/members.ts";
import { parkedKey, parkedRows } from "./views/Parked.tsx";
import { groupByProject } from "./scope/index.ts";

export type Filters = Record<ViewId, string>;

export function useViewData(
  snap: EngineSnapshot | undefined,
  o: { sort: SortOrder; collapsed: ReadonlySet<string>; filters: Filters; logs?: LogFeed; view?: ViewId },
) {
  const { sort, collapsed, filters, logs } = o;
  // Several projects: the tree's roots sit under one group row per project (scope/index.ts).
  const treeIndex = useMemo(() => (snap ? indexTree(groupByProject(snap)) : { roots: [] }), [snap]);
  // While the Resources view is shown, the other sort orders and the search text are prepared between frames, so
  // the first sort or filter keystroke on a 10,000-resource tree does not pay for them.
  const onResources = o.view === "resources";
  useEffect(() => {
    if (!onResources) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      timer = warmTreeStep(treeIndex) ? setTimeout(step, 50) : undefined;
    };
    timer = setTimeout(step, 100);
    return () => clearTimeout(timer);
  }, [treeIndex, onResources]);
  const ordered = useMemo(() => orderRoots(treeIndex, sort.key), [treeIndex, sort.key]);
  const treeRows = useMemo(
    () => visibleRows(ordered, { collapsed, filter: filters.resources, reverse: sort.reverse }),
    [ordered, collapsed, filters.resources, sort.reverse],
  );
  const units = useMemo(() => indexUnits(snap?.resources ?? []), [snap?.resources]);
  const allPlan = useMemo(() => (snap ? sortPlan(snap.plan) : []), [snap]);
  const planRows = useMemo(() => filterPlan(allPlan, filters.pending, units), [allPlan, filters.pending, units]);
  const pendingItems = useMemo(() => allPlan.filter((p) => p.state === "PENDING"), [allPlan]);
  const allEvents = useMemo(() => (snap ? eventRows(snap.events, logs?.recent(), (id) => units.get(id)?.name || undefined) : []), [snap, logs, units]);
  const events = useMemo(() => filterEvents(allEvents, filters.events), [allEvents, filters.events]);
  const cbKeys = useMemo(
    () => (snap?.chargeback ? filterChargeback(chargebackMatrix(snap.chargeback).rows, filters.chargeback).map((r) => r.principal) : []),
    [snap?.chargeback, filters.chargeback],
  );
  const parked = useMemo(() => parkedRows(snap?.parking, filters.parked), [snap?.parking, filters.parked]);
  /** Row keys per view, in display order: the cursor follows the item with the key, not the row number. */
  const keys: Record<ViewId, (i: number) => string | undefined> = {
    overview: () => undefined,
    resources: (i) => treeRows[i]?.key,
    pending: (i) => planRows[i]?.id,
    chargeback: (i) => cbKeys[i],
    events: (i) => events[i]?.key,
    parked: (i) => (parked[i] ? parkedKey(parked[i]!) : undefined),
  };
  const counts: Record<ViewId, number> = { overview: 0, resources: treeRows.length, pending: planRows.length, chargeback: cbKeys.length, events: events.length, parked: parked.length };
  return { treeRows, planRows, units, pendingItems, events, parked, counts, keys };
}
