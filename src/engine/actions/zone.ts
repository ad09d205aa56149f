/**
 * Wall-clock time in an IANA time zone ↔ instants, with the platform's tz database (Intl), no library.
 *
 * Local times that do not exist (the spring-forward gap, e.g. 02:30 on the last Sunday of March in Berlin) map to
 * the instant the clocks jump (03:00 local): a window "from 02:30" starts when the day reaches it. Local times
 * that exist twice (the autumn overlap) map to their first occurrence, so a window is never shortened by the
 * repeated hour and never starts late.
 */
import type { IsoDate } from "../types.ts";
import { formatter } from "../period.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** True when the platform knows the zone (e.g. "Europe/Berlin", "UTC"). */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `zone` at instant `t`, as if it were UTC (epoch ms, whole seconds). */
export function wallMs(zone: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(t))) if (part.type !== "literal") p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** UTC offset of `zone` at `t` in ms (wall − instant), to the minute. */
export function offsetMs(zone: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  return Math.round((wallMs(zone, whole) - whole) / MINUTE_MS) * MINUTE_MS;
}

/** The local calendar day of `t` in `zone`. */
export function localDate(zone: string, t: number): IsoDate {
  return new Date(wallMs(zone, t)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` + n days (calendar arithmetic, zone-free). */
export function plusDays(date: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
export function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * The instant at which the wall clock of `zone` shows `date` + `minutes` (0…1440; 1440 = the next day's 00:00).
 * Gap → the instant the clocks jump; overlap → the first occurrence (see the file comment).
 */
export function instantAt(zone: string, date: IsoDate, minutes: number): number {
  // Schedules ask for the same few local times over and over; Intl is the slow part, so answers are memoised.
  const key = `${zone}|${date}|${minutes}`;
  const hit = instants.get(key);
  if (hit !== undefined) return hit;
  if (instants.size >= 200_000) instants.clear();
  const t = computeInstantAt(zone, date, minutes);
  instants.set(key, t);
  return t;
}

const instants = new Map<string, number>();

function computeInstantAt(zone: string, date: IsoDate, minutes: number): number {
  const local = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE_MS;
  // Offsets well before and after: a transition near `local` lies between them (zones change at most once a day).
  const before = offsetMs(zone, local - DAY_MS);
  const after = offsetMs(zone, local + DAY_MS);
  const candidates = [...new Set([local - before, local - after])].filter((c) => c + offsetMs(zone, c) === local);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: find the transition between the two readings (minute precision is exact, offsets are whole minutes).
  let lo = Math.min(local - before, local - after);
  let hi = Math.max(local - before, local - after);
  const offLo = offsetMs(zone, lo);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetMs(zone, mid) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}
