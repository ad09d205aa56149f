/**
 * Calendar-day arithmetic for the forecast. Days are handled as integer "epoch days" (days since 1970-01-01, UTC
 * calendar) because the forecast loops over hundreds of thousands of series: parsing an ISO string once per
 * distinct date (cached) and then adding integers is far cheaper than building Date objects per record.
 */
import type { IsoDate } from "../types.ts";

const DAY_MS = 86_400_000;
/**
 * `YYYY-MM-DD` → days since 1970-01-01, by digit arithmetic (days-from-civil, H. Hinnant): this runs once per
 * cost record, millions of times per forecast, so no Date objects and no string maps.
 */
export function epochDay(date: IsoDate): number {
  let y = date.charCodeAt(0) * 1000 + date.charCodeAt(1) * 100 + date.charCodeAt(2) * 10 + date.charCodeAt(3) - 53328;
  const m = date.charCodeAt(5) * 10 + date.charCodeAt(6) - 528;
  const d = date.charCodeAt(8) * 10 + date.charCodeAt(9) - 528;
  if (date.length !== 10 || !(m >= 1 && m <= 12 && d >= 1 && d <= 31) || !(y >= 0)) throw new Error(`not a calendar day: ${JSON.stringify(date)}`);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
