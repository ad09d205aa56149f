/**
 * The body of the current view (Overview, Resources, Pending, Chargeback, Events) from the view data App.tsx
 * derives; App decides when a modal replaces it.
 */
import type { ReactNode } from "react";
import type { EngineSnapshot } from "../../engine/types.ts";
import type { ViewId } from "../keys.ts";
import type { SortOrder } from "../tree.ts";
import { unitsOf } from "../format.ts";
import type { Filters, useViewData } from "../use-view-data.ts";
import { Overview } from "../views/Overview.tsx";
import { Resources } from "../views/Resources.tsx";
import { Pending } from "../views/Pending.tsx";
import { Chargeback } from "../views/Chargeback.tsx";
import { Events } from "../views/Events.tsx";
import { Parked } from "../views/Parked.tsx";

export interface ViewBodyProps {
  view: ViewId;
  snap: EngineSnapshot;
  data: ReturnType<typeof useViewData>;
  cursor(view: ViewId): number;
  marked: ReadonlySet<string>;
  filters: Filters;
  sort: SortOrder;
  /** No key may change a plan item (--read-only, or the daemon is gone). */
  locked: boolean;
  width: number;
  height: number;
}

export function viewBody(p: ViewBodyProps): ReactNode {
  const { snap, data, width: w, height: h, filters } = p;
  const { currency, tz } = unitsOf(snap);
  switch (p.view) {
    case "overview":
      return <Overview snap={snap} width={w} height={h} filter={filters.overview} />;
    case "resources":
      return <Resources rows={data.treeRows} cursor={p.cursor("resources")} width={w} height={h} filter={filters.resources} sort={p.sort} total={snap.resources.length} currency={currency} />;
    case "pending":
      return (
        <Pending
          items={data.planRows}
          units={data.units}
          cursor={p.cursor("pending")}
          marked={p.marked}
          width={w}
          height={h}
          approval={snap.approval}
          readOnly={p.locked}
          currency={currency}
          filter={filters.pending}
        />
      );
    case "parked":
      return <Parked parking={snap.parking} rows={data.parked} cursor={p.cursor("parked")} width={w} height={h} timeZone={tz} locked={p.locked} filter={filters.parked} now={snap.at} />;
    case "chargeback":
      return <Chargeback cb={snap.chargeback} cursor={p.cursor("chargeback")} width={w} height={h} filter={filters.chargeback} />;
    default:
      return <Events rows={data.events} cursor={p.cursor("events")} width={w} height={h} timeZone={tz} filter={filters.events} />;
  }
}
