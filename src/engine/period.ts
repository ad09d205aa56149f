/**
 * Billing periods and calendar days in the dashboard's time zone.
 *
 * The Enterprise Dashboard reports consumption per Europe/Berlin calendar day, so every day boundary ot3c uses is
 * a Berlin midnight (DST-correct through Intl, no fixed offsets). A period starts on `beginDay` of a month at
 * 00:00 local time (inclusive) and ends at the same day of the next month (exclusive). The seed counted the
 * first day of the next period as part of the current one (its `CostItemBetween` was inclusive at both ends);
 * here the last day of a period is always `endDate − 1 day`.
 */
import type { BillingPeriod, IsoDate } from "./types.ts";

export const DEFAULT_TIME_ZONE = "Europe/Berlin";
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached en-US, 24-hour formatter per zone (wall-clock parts); shared with engine/actions/zone.ts. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Berlin: +1h in winter, +2h in summer). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function toIso(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function parseIso(iso: IsoDate): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** The calendar day of instant `ms` in `timeZone`. */
export function isoDay(ms: number, timeZone = DEFAULT_TIME_ZONE): IsoDate {
  const w = wallClock(ms, timeZone);
  return toIso(w.year, w.month, w.day);
}

/** Wall-clock time `HH:MM` of instant `ms` in `timeZone`. */
export function localTime(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const w = wallClock(ms, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** `iso` shifted by `n` calendar days (pure date arithmetic, no time zone involved). */
export function addDays(iso: IsoDate, n: number): IsoDate {
  const { year, month, day } = parseIso(iso);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return toIso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole calendar days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  const pa = parseIso(a);
  const pb = parseIso(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / DAY_MS);
}

/** Per time zone, day → instant. Two levels, not a joined key: the planner asks millions of times per sync. */
const dayStartCache = new Map<string, Map<IsoDate, number>>();
let dayStartEntries = 0;

/** The instant 00:00 of calendar day `iso` in `timeZone` (a Berlin midnight never falls into a DST gap). */
export function dayStart(iso: IsoDate, timeZone = DEFAULT_TIME_ZONE): number {
  let zone = dayStartCache.get(timeZone);
  if (zone === undefined) dayStartCache.set(timeZone, (zone = new Map()));
  const cached = zone.get(iso);
  if (cached !== undefined) return cached;
  const { year, month, day } = parseIso(iso);
  const guess = Date.UTC(year, month - 1, day);
  // Two passes: the offset at the guessed instant may differ from the offset at the real local midnight when a
  // DST change happens within the first hours of the day.
  let t = guess - zoneOffsetMs(guess, timeZone);
  t = guess - zoneOffsetMs(t, timeZone);
  if (++dayStartEntries > 10_000) {
    for (const m of dayStartCache.values()) m.clear();
    dayStartEntries = 1;
  }
  zone.set(iso, t);
  return t;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day `beginDay` of the given month, clamped to the month's length (so 31 means "last day" in short months). */
function periodStartDay(year: number, month: number, beginDay: number): IsoDate {
  return toIso(year, month, Math.min(beginDay, daysInMonth(year, month)));
}

/**
 * The billing period containing `now`: from `beginDay` 00:00 (local) of this or the previous month, to the same
 * day of the following month (exclusive).
 */
export function billingPeriod(now: number, beginDay = 1, timeZone = DEFAULT_TIME_ZONE): BillingPeriod {
  if (!Number.isInteger(beginDay) || beginDay < 1 || beginDay > 31) {
    throw new Error(`billing begin day must be an integer 1..31, got ${beginDay}`);
  }
  const today = parseIso(isoDay(now, timeZone));
  let year = today.year;
  let month = today.month;
  let startDate = periodStartDay(year, month, beginDay);
  if (startDate > toIso(today.year, today.month, today.day)) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    startDate = periodStartDay(year, month, beginDay);
  }
  let endYear = year;
  let endMonth = month + 1;
  if (endMonth === 13) {
    endMonth = 1;
    endYear += 1;
  }
  const endDate = periodStartDay(endYear, endMonth, beginDay);
  return {
    start: dayStart(startDate, timeZone),
    end: dayStart(endDate, timeZone),
    startDate,
    endDate,
    days: daysBetween(startDate, endDate),
  };
}

/** Every calendar day of the period, start inclusive, end exclusive. */
export function daysOf(period: BillingPeriod): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = period.startDate; d < period.endDate; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The last day of the period (the seed's off-by-one fixed: the end date itself belongs to the next period). */
export function lastDayOf(period: BillingPeriod): IsoDate {
  return addDays(period.endDate, -1);
}

/**
 * The last day whose dashboard data we treat as complete: the latest day that is before today (in `timeZone`)
 * and present in the data. The dashboard lags by a day or more, and today's figures are always partial.
 * Undefined when the data has no day before today.
 */
export function lastCompleteDay(
  now: number,
  dataDays: Iterable<IsoDate>,
  timeZone = DEFAULT_TIME_ZONE,
): IsoDate | undefined {
  const today = isoDay(now, timeZone);
  let best: IsoDate | undefined;
  for (const d of dataDays) {
    if (d < today && (best === undefined || d > best)) best = d;
  }
  return best;
}
