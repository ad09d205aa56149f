/**
 * A daily cost history as two typed arrays: epoch days (ascending) and the amount of each. Every leaf, group and
 * ghost of an evaluation carries one (`VirtualResource.daily`); with 100,000 resources and two months of data an
 * object per day (`{ date, amount }`) made ~9 million small objects per sync, most of the engine's peak memory
 * (issue #18). Days as integers also spare the forecast from parsing a date string per day and series.
 *
 * The entries are exactly those the object form had: one per day with records (a day whose records add up to 0
 * included), in the same order, with the same sums — every function below adds amounts in the order the
 * object-based code did, so figures are bit-for-bit the same.
 */
import type { DailyCost, DaySeries } from "../types.ts";
import { epochDay, isoDay } from "../forecast/dates.ts";

/** No days (a resource without records, a unit whose history is not needed). */
export const NO_DAYS: DaySeries = Object.freeze({ days: new Int32Array(0), amounts: new Float64Array(0) });

/** From `{ date, amount }` entries, one to one (order and duplicates kept). */
export function seriesOf(list: readonly DailyCost[]): DaySeries {
  if (list.length === 0) return NO_DAYS;
  const days = new Int32Array(list.length);
  const amounts = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    days[i] = epochDay(list[i]!.date);
    amounts[i] = list[i]!.amount;
  }
  return { days, amounts };
}

/** As `{ date, amount }` entries (for the few places that keep or show a history: the bill's total, schedules). */
export function dailyCostsOf(s: DaySeries): DailyCost[] {
  const out: DailyCost[] = new Array(s.days.length);
  for (let i = 0; i < s.days.length; i++) out[i] = { date: isoDay(s.days[i]!), amount: s.amounts[i]! };
  return out;
}

/** The entries before `day` (an epoch day), in order. */
export function seriesBefore(s: DaySeries, day: number): DaySeries {
  let n = 0;
  for (let i = 0; i < s.days.length; i++) if (s.days[i]! < day) n++;
  if (n === s.days.length) return s;
  const days = new Int32Array(n);
  const amounts = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < s.days.length; i++) {
    if (s.days[i]! >= day) continue;
    days[k] = s.days[i]!;
    amounts[k++] = s.amounts[i]!;
  }
  return { days, amounts };
}

/** The sum of the last `n` entries, oldest of them first (a unit's recent spend). */
export function recentSum(s: DaySeries | undefined, n: number): number {
  if (!s) return 0;
  let sum = 0;
  for (let i = Math.max(0, s.days.length - n); i < s.days.length; i++) sum += s.amounts[i]!;
  return sum;
}

/** Scratch for `sumSeries`, grown on demand: group sums run tens of thousands of times per sync. */
let scratchSum = new Float64Array(0);
let scratchSeen = new Uint8Array(0);

/**
 * Several histories added per day: one entry per day any of them has, ascending; each day's sum is
 * 0 + a₁ + a₂ … in the order of `list` (a group's members, in member order). A single history is returned as is.
 */
export function sumSeries(list: readonly DaySeries[]): DaySeries {
  if (list.length === 1) return list[0]!;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of list) {
    if (s.days.length === 0) continue;
    for (let i = 0; i < s.days.length; i++) {
      const d = s.days[i]!;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
  }
  if (hi < lo) return NO_DAYS;
  const span = hi - lo + 1;
  if (scratchSum.length < span) {
    scratchSum = new Float64Array(span);
    scratchSeen = new Uint8Array(span);
  }
  for (const s of list) {
    for (let i = 0; i < s.days.length; i++) {
      const k = s.days[i]! - lo;
      scratchSum[k] += s.amounts[i]!;
      scratchSeen[k] = 1;
    }
  }
  let n = 0;
  for (let k = 0; k < span; k++) n += scratchSeen[k]!;
  const days = new Int32Array(n);
  const amounts = new Float64Array(n);
  let j = 0;
  for (let k = 0; k < span; k++) {
    if (scratchSeen[k] === 0) continue;
    days[j] = lo + k;
    amounts[j++] = scratchSum[k]!;
    scratchSum[k] = 0;
    scratchSeen[k] = 0;
  }
  return { days, amounts };
}
