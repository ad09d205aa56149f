/** Hand-made daily series and virtual resources for the forecast tests. */
import type { DailyCost, VirtualResource } from "../../../src/engine/types.ts";
import { addDays, epochDay, monthPeriodOf } from "../../../src/engine/forecast/dates.ts";
import { seriesOf } from "../../../src/engine/virtual/day-series.ts";

/** November 2026: 30 days, starts on a Sunday. */
export const NOV = monthPeriodOf("2026-11-01");

/** `days` consecutive days from `from`, amount given by a function of the date. */
export function series(from: string, days: number, amount: (date: string, i: number) => number): DailyCost[] {
  const out: DailyCost[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const a = amount(date, i);
    if (a !== 0) out.push({ date, amount: a });
  }
  return out;
}

/** Days from `from` to `to` inclusive. */
export function span(from: string, to: string): number {
  return epochDay(to) - epochDay(from) + 1;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return (((epochDay(date) + 4) % 7) + 7) % 7;
}

export function leaf(id: string, daily: DailyCost[]): VirtualResource {
  return { id, kind: "ECS", name: id, prio: 1, tags: {}, members: [], daily: seriesOf(daily) };
}

export function group(id: string, members: VirtualResource[], daily: DailyCost[] = []): VirtualResource {
  return { id, kind: "GROUP", name: id, prio: 1, tags: {}, members, daily: seriesOf(daily) };
}

export function sumAmounts(d: DailyCost[]): number {
  return d.reduce((a, r) => a + r.amount, 0);
}
