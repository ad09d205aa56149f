/** When a resource was created during a day: that day and the part of it the resource existed (series.ts). */
import { dayStart } from "../period.ts";
import { isoDay } from "./dates.ts";
import type { PartialFirstDay } from "./series.ts";

const DAY_MS = 86_400_000;

/**
 * The creation day of a resource and the part of it the resource existed, when it was created after midnight.
 * The local day is found from the UTC one (a zone is less than a day off) with the cached midnights of
 * `dayStart` — no per-resource zone formatting, so nothing has to be cached per resource between syncs (a map of
 * 100,000 creation instants held ~15 MB in a daemon's steady state).
 */
export function partialFirstDay(createdAt: string | undefined, timeZone: string): PartialFirstDay | undefined {
  if (!createdAt) return undefined;
  const t = Date.parse(createdAt);
  if (!Number.isFinite(t)) return undefined;
  let day = Math.floor(t / DAY_MS);
  let start = dayStart(isoDay(day), timeZone);
  let end: number;
  if (t < start) {
    end = start;
    start = dayStart(isoDay(--day), timeZone);
  } else {
    end = dayStart(isoDay(day + 1), timeZone);
    if (t >= end) {
      day++;
      start = end;
      end = dayStart(isoDay(day + 1), timeZone);
    }
  }
  const fraction = (end - t) / (end - start);
  return fraction > 0 && fraction < 0.999 ? { day, fraction } : undefined;
}
