/**
 * Europe/Berlin calendar arithmetic without Intl (called millions of times while serving a large world, and Intl
 * time-zone formatting is slow). The Enterprise Dashboard reports consumption per Berlin day and stamps
 * `consumption_date` with the offset in force, e.g. `2024-07-16T00:00:00+02:00`.
 *
 * EU rule since 1996: summer time (+02:00) from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC; otherwise +01:00.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Day number (days since 1970-01-01) of the last Sunday of a month (month 1–12). */
function lastSundayDay(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0) / DAY_MS; // day 0 of the next month = last day of this one
  const weekday = (lastDay + 4) % 7; // 1970-01-01 was a Thursday (4)
  return lastDay - weekday;
}

const dstCache = new Map<number, [number, number]>();

/** [start, end) of summer time in a year, as UTC epoch ms. */
function summerTime(year: number): [number, number] {
  let r = dstCache.get(year);
  if (!r) {
    r = [lastSundayDay(year, 3) * DAY_MS + HOUR_MS, lastSundayDay(year, 10) * DAY_MS + HOUR_MS];
    dstCache.set(year, r);
  }
  return r;
}

/** Berlin's UTC offset in hours (1 or 2) at an instant. */
export function berlinOffsetHoursAt(epochMs: number): number {
  const year = new Date(epochMs).getUTCFullYear();
  const [start, end] = summerTime(year);
  return epochMs >= start && epochMs < end ? 2 : 1;
}

/** The Berlin calendar day (`YYYY-MM-DD`) of an instant. */
export function berlinDate(epochMs: number): string {
  return isoDay(Math.floor((epochMs + berlinOffsetHoursAt(epochMs) * HOUR_MS) / DAY_MS));
}

/** `YYYY-MM-DD` for a day number. */
export function isoDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` string. */
export function dayNumber(isoDate: string): number {
  return Math.round(Date.parse(isoDate + "T00:00:00Z") / DAY_MS);
}

export function addDays(isoDate: string, days: number): string {
  return isoDay(dayNumber(isoDate) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(isoDate: string): number {
  return (dayNumber(isoDate) + 4) % 7;
}

/** Berlin offset in hours at local wall-clock `hour` of a Berlin day (the skipped/doubled hour is approximated). */
export function berlinOffsetHoursOn(isoDate: string, hour = 0): number {
  const year = Number(isoDate.slice(0, 4));
  const d = dayNumber(isoDate);
  const march = lastSundayDay(year, 3);
  const october = lastSundayDay(year, 10);
  if (d === march) return hour < 2 ? 1 : 2;
  if (d === october) return hour < 3 ? 2 : 1;
  return d > march && d < october ? 2 : 1;
}

/** `2024-07-16T00:00:00+02:00`: the Berlin wall-clock time of a day (and hour) with its offset. */
export function berlinTimestamp(isoDate: string, hour = 0): string {
  const hh = hour < 10 ? `0${hour}` : String(hour);
  return `${isoDate}T${hh}:00:00+0${berlinOffsetHoursOn(isoDate, hour)}:00`;
}

/** ISO-8601 week number and week-based year of a day. */
export function isoWeek(isoDate: string): { week: number; year: number } {
  const d = dayNumber(isoDate);
  const wd = (d + 3) % 7; // Monday = 0
  const thursday = d - wd + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  return { week: Math.floor((thursday - jan1) / 7) + 1, year };
}

/** Number of days in the month of a `YYYY-MM-DD`. */
export function daysInMonth(isoDate: string): number {
  return new Date(Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)), 0)).getUTCDate();
}
