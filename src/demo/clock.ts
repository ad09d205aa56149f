/**
 * The demo's clock. The planner schedules a termination for the start of a day (Europe/Berlin): costs are billed
 * per day, so stopping a resource at 14:00 saves nothing before midnight. Left at real time, a demo started in the
 * afternoon would show countdowns of ten hours. So the demo clock runs at real speed but ahead of real time, such
 * that the next midnight comes `graceMs + leadMs` after the start: the countdowns the newcomer sees are the
 * demo's grace, and the terminations run while they watch.
 *
 * The shift is forward only (at most about a day), so every chargeback hour the demo exposes lies in the real past.
 */
import { addDays, dayStart, isoDay } from "../engine/period.ts";
import type { Clock } from "../engine/types.ts";

export interface DemoClock extends Clock {
  /** How far the demo clock runs ahead of real time (ms). */
  readonly offsetMs: number;
}

/** Simulated start S = (first Berlin midnight at or after realNow + graceMs + leadMs) − graceMs − leadMs. */
export function demoClock(realNow: number, graceMs: number, leadMs = 5_000, realClock: () => number = Date.now): DemoClock {
  const earliest = realNow + graceMs + leadMs;
  const today = dayStart(isoDay(earliest));
  const midnight = today === earliest ? today : dayStart(addDays(isoDay(earliest), 1));
  const offsetMs = midnight - graceMs - leadMs - realNow;
  return { offsetMs, now: () => realClock() + offsetMs };
}
