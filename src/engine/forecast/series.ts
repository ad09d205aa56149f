/**
 * Turns a resource's sparse daily cost records into the dense series the models work on.
 *
 * Decisions (documented here because every model depends on them):
 * - **Zeros only where the resource existed.** The series starts at the resource's first record (its creation as
 *   far as billing can tell) and ends at `lastCompleteDay`; a day without a record in between is a real 0 (the
 *   server was stopped or deleted). Days before the first record are *absent*, not 0, so a resource created
 *   mid-period is not averaged down by the days before it existed.
 * - **Reporting lag.** Records dated after `lastCompleteDay` are ignored (that day is still being filled in by the
 *   dashboard); the forecast path starts the day after `lastCompleteDay`, and days between it and "today" are
 *   forecast like any other remaining day.
 * - **Month-start lump charges.** A recurring (RC) fee is billed on a period's first day. When the amount on a
 *   period's first day stands above `LUMP_FACTOR` × the median of the following week, the excess is a lump: it
 *   stays in `soFar`, but the cleaned series `y` carries the ordinary daily level that day, so no model
 *   extrapolates it. If the current period's first day itself is still to be forecast (lag at the turn of the
 *   month), the lump seen at the previous period start is expected again (`expectedLump`).
 * - **Window.** Only the last `HISTORY_DAYS` days feed the models (9 weeks: enough for a weekly season and a trend,
 *   short enough that the fit follows the current regime and stays cheap over 100k series).
 */
import type { BillingPeriod, DailyCost, DaySeries, IsoDate } from "../types.ts";
import { dayOfMonth, epochDay } from "./dates.ts";

export const HISTORY_DAYS = 63;
/**
 * A monthly recurring fee is roughly a month of daily spend, so even a small RC share lifts the first day far
 * above this factor, while weekday swings and ordinary noise stay well below it.
 */
export const LUMP_FACTOR = 3;

/** Computed once per forecast run (not per series). */
export interface SeriesContext {
  lastCompleteDay: number;
  periodStart: number;
  /** Exclusive. */
  periodEnd: number;
  periodDays: number;
  windowStart: number;
  /** Epoch days in [windowStart, lastCompleteDay] that start a billing period (same day of month as the period). */
  periodStarts: number[];
  /** Complete period days up to lastCompleteDay (0..periodDays). */
  elapsed: number;
  /** Days after lastCompleteDay before the period starts (> 0 only when the data ends before the period). */
  gap: number;
  /** Remaining days of the period to forecast. */
  horizon: number;
}

export function seriesContext(period: BillingPeriod, lastCompleteDay: IsoDate): SeriesContext {
  const last = epochDay(lastCompleteDay);
  const periodStart = epochDay(period.startDate);
  const periodEnd = epochDay(period.endDate);
  const windowStart = last - HISTORY_DAYS + 1;
  const startDom = dayOfMonth(periodStart);
  const periodStarts: number[] = [];
  for (let d = windowStart; d <= last; d++) if (dayOfMonth(d) === startDom) periodStarts.push(d);
  const elapsed = Math.max(0, Math.min(periodEnd, last + 1) - periodStart);
  const gap = Math.max(0, periodStart - (last + 1));
  const horizon = Math.max(0, periodEnd - Math.max(last + 1, periodStart));
  return { lastCompleteDay: last, periodStart, periodEnd, periodDays: periodEnd - periodStart, windowStart, periodStarts, elapsed, gap, horizon };
}

export interface PreparedSeries {
  ctx: SeriesContext;
  /** Cleaned dense history (lumps replaced by the daily level), oldest first; the last value is lastCompleteDay. */
  y: Float64Array;
  n: number;
  /** Raw spend inside the period up to lastCompleteDay (lumps included). */
  soFar: number;
  /** Cleaned spend inside the period (lumps removed). */
  cleanSoFar: number;
  /** Period days up to lastCompleteDay on which the resource existed. */
  elapsedExisting: number;
  /** Lump charge expected on the period's first day when that day is still to be forecast. */
  expectedLump: number;
  /** The seed model's input: the last record (≤ lastCompleteDay) as a day and amount. */
  lastRecordDay?: number;
  lastRecordAmount: number;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const windowScratch = new Float64Array(HISTORY_DAYS);

/**
 * A resource created during a day is billed only for the hours it existed: read as a day's rate, that first day
 * would pull the forecast down (by an eighth for a resource created at 03:00, for a week of history). `fraction`
 * is the part of the creation day (`day`, an epoch day) the resource existed.
 */
export interface PartialFirstDay {
  day: number;
  fraction: number;
}

export function prepareSeries(daily: DaySeries, ctx: SeriesContext, partialFirst?: PartialFirstDay): PreparedSeries {
  const { days, amounts } = daily;
  const last = ctx.lastCompleteDay;
  let soFar = 0;
  let first = Infinity;
  let lastRecordDay: number | undefined;
  let lastRecordAmount = 0;
  // One backward pass (the history is ascending by contract): records after the last complete day are skipped,
  // and the walk stops at the first record older than both the window and the period.
  const stopBelow = Math.min(ctx.windowStart, ctx.periodStart);
  // One window-sized buffer for every series (the result is a copy of its used part): ~13k series per sync.
  const scratch = windowScratch.fill(0);
  for (let r = days.length - 1; r >= 0; r--) {
    const d = days[r]!;
    const amount = amounts[r]!;
    if (d > last) continue;
    if (d < stopBelow) break;
    if (d >= ctx.periodStart && d < ctx.periodEnd) soFar += amount;
    if (lastRecordDay === undefined) {
      lastRecordDay = d;
      lastRecordAmount = amount;
    } else if (d === lastRecordDay) {
      lastRecordAmount += amount;
    }
    if (d >= ctx.windowStart) {
      scratch[d - ctx.windowStart] += amount;
      if (d < first) first = d;
    }
  }
  if (lastRecordDay === undefined) {
    // Nothing recent: the seed model still looks at the very last record, however old.
    for (let r = days.length - 1; r >= 0; r--) {
      const d = days[r]!;
      if (d <= last) {
        lastRecordDay = d;
        lastRecordAmount = amounts[r]!;
        break;
      }
    }
  }
  // The creation day: dropped from the model's view when later days exist (it stays in soFar), else scaled to a
  // full day's rate.
  if (partialFirst && first === partialFirst.day && partialFirst.fraction > 0 && partialFirst.fraction < 1) {
    if (first < last) first++;
    else scratch[first - ctx.windowStart] /= partialFirst.fraction;
  }
  const n = first === Infinity ? 0 : last - first + 1;
  const y = n === 0 ? new Float64Array(0) : scratch.slice(first - ctx.windowStart);
  // Lumps: remove the excess on each period start inside the series; remember the latest one.
  let lastLump = 0;
  let lumpInPeriod = 0;
  for (const p of ctx.periodStarts) {
    const i = p - first;
    if (i < 0 || i >= n) continue;
    const neighbours: number[] = [];
    if (i + 1 < n) for (let j = i + 1; j < Math.min(n, i + 8); j++) neighbours.push(y[j]);
    else for (let j = Math.max(0, i - 7); j < i; j++) neighbours.push(y[j]);
    if (neighbours.length === 0) continue;
    const level = median(neighbours);
    if (y[i] > LUMP_FACTOR * level && y[i] > 0) {
      const lump = y[i] - level;
      y[i] = level;
      lastLump = lump;
      if (p === ctx.periodStart) lumpInPeriod = lump;
    } else {
      lastLump = 0;
    }
  }
  const elapsedExisting = n === 0 ? 0 : Math.max(0, last + 1 - Math.max(first, ctx.periodStart));
  return {
    ctx,
    y,
    n,
    soFar,
    cleanSoFar: soFar - lumpInPeriod,
    elapsedExisting: Math.min(elapsedExisting, ctx.elapsed),
    expectedLump: ctx.elapsed === 0 && ctx.horizon > 0 ? lastLump : 0,
    lastRecordDay,
    lastRecordAmount,
  };
}

/** Sum of several dense-able daily histories (used for groups without their own history and for the total). */
export function sumDaily(series: DailyCost[][]): DailyCost[] {
  const by = new Map<string, number>();
  for (const s of series) for (const r of s) by.set(r.date, (by.get(r.date) ?? 0) + r.amount);
  return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([date, amount]) => ({ date, amount }));
}
