/**
 * Office-hours schedules: when a scheduled resource runs, and when ot3c must stop and start it.
 *
 * A schedule is a set of weekly windows in one IANA time zone during which resources tagged
 * `ot3c_schedule=<name>` RUN; outside them they are stopped. A window whose end is not after its start runs
 * overnight into the next day (Mon 22:00–06:00 = Monday 22:00 to Tuesday 06:00); `24:00` ends at midnight. A
 * window belongs to the day it starts on: on a holiday (a date in the schedule's zone) the windows starting that
 * day do not run, while an overnight window from the evening before still ends as usual. Windows that touch or
 * overlap merge into one running interval, so Mon–Sun 00:00–24:00 is "always on" without a stop at midnight.
 *
 * Every answer is an absolute instant (epoch ms), so it can be stored and survives restarts and DST changes; time
 * is always passed in, never read.
 */
import type { IsoDate } from "../types.ts";
import { instantAt, isValidZone, localDate, plusDays, weekdayOf } from "./zone.ts";

/** A schedule as written in `schedules:` of ot3c.yaml. */
export interface ScheduleSpec {
  timezone: string;
  /** Windows in which resources run. */
  hours: Array<{ days: string[]; from: string; to: string }>;
  /** Dates (`YYYY-MM-DD`, in the schedule's zone) on which no window starts. */
  holidays?: IsoDate[];
  /** `stop-and-start` (default); `stop-only`: stop after hours, people start by hand; `start-only`: only start. */
  enforce?: ScheduleEnforce;
}

export type ScheduleEnforce = "stop-and-start" | "stop-only" | "start-only";

export interface Window {
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: ReadonlySet<number>;
  /** Minutes after local midnight, 0…1439. */
  from: number;
  /** Minutes after local midnight of the end day, 1…1440. */
  to: number;
  /** True when `to` is on the day after `from`. */
  overnight: boolean;
}

export interface Schedule {
  name: string;
  zone: string;
  windows: Window[];
  holidays: ReadonlySet<IsoDate>;
  enforce: ScheduleEnforce;
}

/** [start, end) in epoch ms. */
export type Interval = readonly [number, number];

const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const DAY_MS = 86_400_000;
/** How far ahead `next*` looks for a window before concluding there is none (holidays can blank long stretches). */
const HORIZON_DAYS = 400;

function parseDays(items: string[], where: string, issues: string[]): Set<number> {
  const out = new Set<number>();
  for (const raw of items) {
    const item = String(raw).trim().toLowerCase();
    const range = /^([a-z]{3})-([a-z]{3})$/.exec(item);
    if (range) {
      const a = DAYS[range[1]!];
      const b = DAYS[range[2]!];
      if (a === undefined || b === undefined) {
        issues.push(`${where}: "${raw}" is not a day range such as mon-fri`);
        continue;
      }
      // A range may wrap around the week: fri-mon = Fri, Sat, Sun, Mon.
      for (let d = a; ; d = (d + 1) % 7) {
        out.add(d);
        if (d === b) break;
      }
      continue;
    }
    const d = DAYS[item];
    if (d === undefined) issues.push(`${where}: "${raw}" is not a day (mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri)`);
    else out.add(d);
  }
  return out;
}

function parseClock(value: string, allow24: boolean): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(String(value));
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allow24) return 1440;
  return h <= 23 ? h * 60 + min : undefined;
}

/** Validates a written schedule; returns the compiled schedule or the reasons it is invalid (one sentence each). */
export function compileSchedule(name: string, spec: ScheduleSpec): { schedule?: Schedule; issues: string[] } {
  const issues: string[] = [];
  const where = `schedules.${name}`;
  if (!isValidZone(spec.timezone)) issues.push(`${where}.timezone: "${spec.timezone}" is not an IANA time zone such as Europe/Berlin`);
  if (!Array.isArray(spec.hours) || spec.hours.length === 0) issues.push(`${where}.hours: at least one window is needed`);
  const windows: Window[] = [];
  (spec.hours ?? []).forEach((h, i) => {
    const w = `${where}.hours[${i}]`;
    const weekdays = parseDays(h.days ?? [], `${w}.days`, issues);
    if ((h.days ?? []).length === 0) issues.push(`${w}.days: name at least one day`);
    const from = parseClock(h.from, false);
    const to = parseClock(h.to, true);
    if (from === undefined) issues.push(`${w}.from: expected a time "HH:MM" from 00:00 to 23:59, got "${h.from}"`);
    if (to === undefined) issues.push(`${w}.to: expected a time "HH:MM" from 00:00 to 24:00, got "${h.to}"`);
    if (from === undefined || to === undefined) return;
    if (from === to % 1440 && to !== 1440) {
      issues.push(`${w}: from and to are both ${h.from}; write 00:00–24:00 for a whole day`);
      return;
    }
    const overnight = to !== 1440 && to <= from;
    windows.push({ weekdays, from, to: overnight && to === 0 ? 1440 : to, overnight: overnight && to !== 0 });
  });
  const holidays = new Set<IsoDate>();
  for (const d of spec.holidays ?? []) {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
    if (ok) holidays.add(d);
    else issues.push(`${where}.holidays: "${d}" is not a date YYYY-MM-DD`);
  }
  const enforce = spec.enforce ?? "stop-and-start";
  if (!["stop-and-start", "stop-only", "start-only"].includes(enforce)) issues.push(`${where}.enforce: expected stop-and-start, stop-only or start-only`);
  if (issues.length > 0) return { issues };
  return { schedule: { name, zone: spec.timezone, windows, holidays, enforce }, issues };
}

/**
 * The running intervals that overlap [from, to), merged and clipped to it. Windows are generated per local day
 * from the day before `from` (an overnight window of that day may still run) to the local day of `to`.
 */
export function runningIntervals(s: Schedule, from: number, to: number): Interval[] {
  if (to <= from) return [];
  const raw: Array<[number, number]> = [];
  const last = localDate(s.zone, to);
  for (let day = plusDays(localDate(s.zone, from), -1); day <= last; day = plusDays(day, 1)) {
    if (s.holidays.has(day)) continue;
    const wd = weekdayOf(day);
    for (const w of s.windows) {
      if (!w.weekdays.has(wd)) continue;
      const start = instantAt(s.zone, day, w.from);
      const end = instantAt(s.zone, w.overnight ? plusDays(day, 1) : day, w.to);
      if (end > start) raw.push([start, end]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of raw) {
    const prev = merged[merged.length - 1];
    if (prev && a <= prev[1]) prev[1] = Math.max(prev[1], b);
    else merged.push([a, b]);
  }
  const out: Interval[] = [];
  for (const [a, b] of merged) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

/** Whether the schedule wants the resource running at `t`. */
export function isRunningAt(s: Schedule, t: number): boolean {
  return runningIntervals(s, t, t + 1).length > 0;
}

/**
 * The next instant after `t` at which the schedule starts (`start`) or stops (`stop`) the resource, or undefined
 * when none comes within 400 days or the schedule's `enforce` leaves that edge to people.
 */
export function nextEdge(s: Schedule, t: number, edge: "start" | "stop"): number | undefined {
  if ((edge === "start" && s.enforce === "stop-only") || (edge === "stop" && s.enforce === "start-only")) return undefined;
  // Look in growing chunks (most edges are hours away). Each chunk starts a day before the previous one ended, so
  // an interval cut by a chunk's end (a false edge, skipped) is seen whole in the next chunk; the first chunk
  // starts a day before t so an interval already running at t is seen with its real start.
  let from = t - DAY_MS;
  for (const days of [3, 10, ...Array(Math.ceil(HORIZON_DAYS / 30)).fill(31)] as number[]) {
    const to = from + days * DAY_MS;
    for (const [a, b] of runningIntervals(s, from, to)) {
      if (edge === "start" && a > t && a > from) return a;
      if (edge === "stop" && b > t && b < to) return b;
    }
    from = to - DAY_MS;
  }
  return undefined;
}

export const nextStart = (s: Schedule, t: number) => nextEdge(s, t, "start");
export const nextStop = (s: Schedule, t: number) => nextEdge(s, t, "stop");

/** Milliseconds of [from, to) in which the schedule keeps the resource running. */
export function runningMs(s: Schedule, from: number, to: number): number {
  return runningIntervals(s, from, to).reduce((sum, [a, b]) => sum + (b - a), 0);
}

/** The fraction (0…1) of [from, to) the schedule keeps the resource running — e.g. of the period's remaining hours. */
export function runningFraction(s: Schedule, from: number, to: number): number {
  return to > from ? runningMs(s, from, to) / (to - from) : 0;
}

/**
 * Per calendar day of `dayZone` (the billing day: Europe/Berlin for the Enterprise Dashboard), the fraction of
 * that day the schedule keeps the resource running. Days are 23, 24 or 25 hours long around DST changes. This is
 * what the forecast multiplies a resource's stoppable share by.
 */
export function runningShareByDay(s: Schedule, days: readonly IsoDate[], dayZone: string): Map<IsoDate, number> {
  const out = new Map<IsoDate, number>();
  for (const day of days) {
    const start = instantAt(dayZone, day, 0);
    const end = instantAt(dayZone, plusDays(day, 1), 0);
    out.set(day, runningFraction(s, start, end));
  }
  return out;
}
