/**
 * The replay cloud's billing processes: each (resource, product) of the history continues as a weekday/weekend mean
 * of its last two weeks plus its recurring (RC) fee, which the cloud then bills day by day (cloud.ts).
 */
import { addDays } from "../../engine/period.ts";
import type { CostRecord, IsoDate } from "../../engine/types.ts";
import { isStorageProduct } from "../../engine/virtual/tags.ts";

export interface Series {
  resourceId: string;
  product: string;
  consumptionType: string;
  weekday: number;
  weekend: number;
  /** The last RC fee (charged again on a period's first day). */
  rc: number;
  storage: boolean;
  projectId?: string;
  projectName?: string;
  region?: string;
  /** Bills from this instant on (a backup made during the replay). */
  from?: number;
}

/** The process each (resource, product) continues: its last two weeks' weekday and weekend means, its RC fee. */
export function fitSeries(history: CostRecord[], historyEnd: IsoDate): Series[] {
  const since = addDays(historyEnd, -13);
  const endedBefore = addDays(historyEnd, -1);
  const by = new Map<string, { s: Series; days: Map<IsoDate, number>; last: IsoDate }>();
  for (const c of history) {
    const key = `${c.resourceId}|${c.product}|${c.consumptionType ?? "EL"}`;
    let e = by.get(key);
    if (!e) {
      e = {
        s: { resourceId: c.resourceId, product: c.product, consumptionType: c.consumptionType ?? "EL", weekday: 0, weekend: 0, rc: 0, storage: isStorageProduct(c.product), projectId: c.projectId, projectName: c.projectName, region: c.region },
        days: new Map(),
        last: c.date,
      };
      by.set(key, e);
    }
    if (c.date > e.last) e.last = c.date;
    if (e.s.consumptionType === "RC") e.s.rc = c.amount;
    else if (c.date >= since) e.days.set(c.date, (e.days.get(c.date) ?? 0) + c.amount);
  }
  const out: Series[] = [];
  for (const e of by.values()) {
    if (e.s.consumptionType !== "RC") {
      if (e.last < endedBefore) continue; // ended (deleted or stopped) before the replay
      let wdSum = 0, wdN = 0, weSum = 0, weN = 0;
      for (let d = since; d <= historyEnd; d = addDays(d, 1)) {
        const v = e.days.get(d) ?? 0;
        const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
        if (wd === 0 || wd === 6) { weSum += v; weN++; } else { wdSum += v; wdN++; }
      }
      e.s.weekday = wdN ? wdSum / wdN : 0;
      e.s.weekend = weN ? weSum / weN : e.s.weekday;
      if (e.s.weekday <= 0 && e.s.weekend <= 0) continue;
    }
    out.push(e.s);
  }
  out.sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : a.product < b.product ? -1 : 1));
  return out;
}
