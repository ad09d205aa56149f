/**
 * Daily (or longer, or shorter) billing rows → hours. A row covers [start_date, end_date) in UTC — with the time of
 * day and offset they carry, not cut to their dates; its amount is divided by its *real* number of hours (24 for a
 * daily row, 12 for a 12-hour row, 744 for a 31-day row — v1 always divided by 24), the first
 * |amount| mod H hours getting one micro more. The hours are then grouped per calendar day, because the ledger
 * stores and recomputes per day.
 */
import { splitEven } from "./money.ts";
import { DAY_MS, HOUR_MS, type BillingRow } from "./types.ts";

export function dayStart(day: string): number {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`not a date: ${day}`);
  return t;
}

const dayNames = new Map<number, string>();

/** `YYYY-MM-DD` (UTC) of an instant; memoised per day number because it runs for every hour of every row. */
export function dayOf(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  let s = dayNames.get(n);
  if (s === undefined) {
    s = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size < 100_000) dayNames.set(n, s);
  }
  return s;
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStart(day) + n * DAY_MS);
}

/** Every day in [from, toExclusive). */
export function daysBetween(from: string, toExclusive: string): string[] {
  const out: string[] = [];
  for (let t = dayStart(from), end = dayStart(toExclusive); t < end; t += DAY_MS) out.push(dayOf(t));
  return out;
}

/**
 * [start, end) of a row in ms, on whole hours: the exact instants when the row carries them (a row from 23:00Z to
 * 23:00Z the next day starts at 23:00, a 12-hour row has 12 hours), else the UTC midnights of its dates. A row
 * whose end is not after its start is taken as one day (bad data, not lost).
 */
export function rowPeriod(row: BillingRow): { start: number; end: number } {
  const start = Math.floor((row.startMs ?? dayStart(row.startDate)) / HOUR_MS) * HOUR_MS;
  let end = Math.ceil((row.endMs ?? dayStart(row.endDate)) / HOUR_MS) * HOUR_MS;
  if (!(end > start)) end = start + DAY_MS;
  return { start, end };
}

/** The part of a row that falls into one day: its hours (ascending) and the micros of each. */
export interface RowDaySegment {
  row: BillingRow;
  day: string;
  hours: number[];
  amounts: number[];
  /** The whole row's period (for "identities active at any time in the period"). */
  periodStart: number;
  periodEnd: number;
}

/** Splits a row into hourly amounts and groups them by day; the segments' amounts sum exactly to the row's. */
export function segmentRow(row: BillingRow): RowDaySegment[] {
  const { start, end } = rowPeriod(row);
  const n = Math.round((end - start) / HOUR_MS);
  const hourly = splitEven(row.amountMicros, n);
  const out: RowDaySegment[] = [];
  let current: RowDaySegment | undefined;
  for (let i = 0; i < n; i++) {
    const hour = start + i * HOUR_MS;
    const day = dayOf(hour);
    if (!current || current.day !== day) {
      current = { row, day, hours: [], amounts: [], periodStart: start, periodEnd: end };
      out.push(current);
    }
    current.hours.push(hour);
    current.amounts.push(hourly[i]!);
  }
  return out;
}

/** Segments of many rows that fall on `day`. */
export function segmentsForDay(rows: BillingRow[], day: string): RowDaySegment[] {
  const out: RowDaySegment[] = [];
  for (const row of rows) for (const seg of segmentRow(row)) if (seg.day === day) out.push(seg);
  return out;
}
