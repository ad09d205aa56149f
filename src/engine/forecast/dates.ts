/**
 * Calendar-day arithmetic for the forecast. Days are handled as integer "epoch days" (days since 1970-01-01, UTC
 * calendar) because the forecast loops over hundreds of thousands of series: parsing an ISO string once per
 * distinct date (cached) and then adding integers is far cheaper than building Date objects per record.
 */
import type { IsoDate } from "../types.ts";

const DAY_MS = 86_400_000;
const parsed = new Map<string, number>();

/** `YYYY-MM-DD` → days since 1970-01-01. Cached: a project has only a few dozen distinct dates. */
export function epochDay(date: IsoDate): number {
  let d = parsed.get(date);
  if (d === undefined) {
    const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
    if (!Number.isFinite(ms)) throw new Error(`not a calendar day: ${JSON.stringify(date)}`);
    d = Math.round(ms / DAY_MS);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(date, d);
  }
  return d;
}

const formatted = new Map<number, string>();

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function isoDay(day: number): IsoDate {
  let s = formatted.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (formatted.size > 10_000) formatted.clear();
    formatted.set(day, s);
  }
  return s;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return isoDay(epochDay(date) + n);
}

/** Day of month (1..31) of an epoch day. */
export function dayOfMonth(day: number): number {
  return new Date(day * DAY_MS).getUTCDate();
}

/** A calendar-month billing period containing `date` (the Enterprise Dashboard bills per calendar month). */
export function monthPeriodOf(date: IsoDate): { start: number; end: number; startDate: IsoDate; endDate: IsoDate; days: number } {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1;
  const start = Date.UTC(y, m, 1);
  const end = Date.UTC(y, m + 1, 1);
  const startDate = isoDay(Math.round(start / DAY_MS));
  const endDate = isoDay(Math.round(end / DAY_MS));
  return { start, end, startDate, endDate, days: Math.round((end - start) / DAY_MS) };
}
