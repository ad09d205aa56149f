import { describe, expect, test } from "bun:test";
import {
  compileSchedule,
  isRunningAt,
  nextStart,
  nextStop,
  runningFraction,
  runningIntervals,
  runningMs,
  runningShareByDay,
  type Schedule,
  type ScheduleSpec,
} from "../../../src/engine/actions/index.ts";
import { localDate, offsetMs, plusDays, wallMs, weekdayOf } from "../../../src/engine/actions/zone.ts";
import { mulberry32 } from "../../../src/util/random.ts";

const H = 3_600_000;
const D = 24 * H;
const at = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

function compile(spec: ScheduleSpec, name = "s"): Schedule {
  const r = compileSchedule(name, spec);
  if (!r.schedule) throw new Error(r.issues.join("; "));
  return r.schedule;
}

const office = compile({ timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }], holidays: ["2026-12-24", "2026-12-25"] }, "office");

describe("office hours Mon–Fri 07:00–19:00 Europe/Berlin", () => {
  test("running inside, stopped outside, at weekends and on holidays", () => {
    expect(isRunningAt(office, at("2026-12-07T06:00:00Z"))).toBe(true); // Mon 07:00 CET
    expect(isRunningAt(office, at("2026-12-07T05:59:59Z"))).toBe(false);
    expect(isRunningAt(office, at("2026-12-07T17:59:59Z"))).toBe(true);
    expect(isRunningAt(office, at("2026-12-07T18:00:00Z"))).toBe(false); // 19:00 CET: the end is exclusive
    expect(isRunningAt(office, at("2026-12-05T12:00:00Z"))).toBe(false); // Saturday
    expect(isRunningAt(office, at("2026-12-24T12:00:00Z"))).toBe(false); // holiday
  });

  test("next stop and start are absolute instants, across the weekend and the holidays", () => {
    const fridayNoon = at("2026-12-04T11:00:00Z");
    expect(iso(nextStop(office, fridayNoon))).toBe("2026-12-04T18:00:00.000Z");
    expect(iso(nextStart(office, fridayNoon))).toBe("2026-12-07T06:00:00.000Z"); // Monday
    expect(iso(nextStart(office, at("2026-12-23T19:00:00Z")))).toBe("2026-12-28T06:00:00.000Z"); // after 24th, 25th and the weekend
    // Summer time: 07:00 CEST is 05:00Z.
    expect(iso(nextStart(office, at("2026-07-01T00:00:00Z")))).toBe("2026-07-01T05:00:00.000Z");
  });

  test("fraction of the remaining period: 12 of 24 hours on 5 of 7 days, fewer with holidays", () => {
    const week = runningFraction(office, at("2026-11-29T23:00:00Z"), at("2026-12-06T23:00:00Z")); // Mon 00:00 to next Mon 00:00 CET
    expect(week).toBeCloseTo((5 * 12) / (7 * 24), 12);
    const christmasWeek = runningFraction(office, at("2026-12-20T23:00:00Z"), at("2026-12-27T23:00:00Z"));
    expect(christmasWeek).toBeCloseTo((3 * 12) / (7 * 24), 12);
  });
});

describe("DST", () => {
  test("a window across the spring-forward night runs 3 real hours, across the autumn night 5", () => {
    const s = compile({ timezone: "Europe/Berlin", hours: [{ days: ["sun"], from: "01:00", to: "05:00" }] });
    expect(runningMs(s, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(3 * H);
    expect(runningMs(s, at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"))).toBe(5 * H);
  });

  test("a start inside the spring gap starts when the clocks jump; in the autumn overlap at the first 02:30", () => {
    const s = compile({ timezone: "Europe/Berlin", hours: [{ days: ["sun"], from: "02:30", to: "06:00" }] });
    expect(iso(nextStart(s, at("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z"); // 03:00 CEST
    expect(iso(nextStart(s, at("2026-10-24T12:00:00Z")))).toBe("2026-10-25T00:30:00.000Z"); // first 02:30 (CEST)
  });

  test("office hours stay 07:00 local on both sides of a change (UTC instants move by an hour)", () => {
    expect(iso(nextStart(office, at("2026-03-27T18:00:00Z")))).toBe("2026-03-30T05:00:00.000Z");
    expect(iso(nextStart(office, at("2026-10-23T18:00:00Z")))).toBe("2026-10-26T06:00:00.000Z");
  });

  test("share per Berlin billing day divides by 23 or 25 hours on change days", () => {
    const always = compile({ timezone: "UTC", hours: [{ days: ["mon-sun"], from: "00:00", to: "24:00" }] });
    const night = compile({ timezone: "UTC", hours: [{ days: ["sat-sun"], from: "00:00", to: "12:00" }] });
    const shares = runningShareByDay(always, ["2026-03-29", "2026-03-30", "2026-10-25"], "Europe/Berlin");
    expect([...shares.values()]).toEqual([1, 1, 1]);
    // Sunday 2026-03-29 in Berlin lasts 23 h (22:00Z Sat → 22:00Z Sun); UTC 00:00–12:00 on Sunday lies inside it.
    const spring = runningShareByDay(night, ["2026-03-29"], "Europe/Berlin").get("2026-03-29")!;
    // Saturday's window runs until 12:00Z Saturday, so in Sunday's Berlin day only Sunday 00:00–12:00Z counts.
    expect(spring).toBeCloseTo(12 / 23, 12);
    const autumn = runningShareByDay(night, ["2026-10-25"], "Europe/Berlin").get("2026-10-25")!;
    expect(autumn).toBeCloseTo(12 / 25, 12);
  });
});

describe("overnight windows and holidays", () => {
  const nightly = compile({ timezone: "Europe/Berlin", hours: [{ days: ["mon"], from: "22:00", to: "06:00" }], holidays: ["2026-12-08", "2026-12-14"] });

  test("Mon 22:00–06:00 runs into Tuesday; a holiday on Tuesday does not cut it, a holiday on Monday removes it", () => {
    expect(runningIntervals(nightly, at("2026-12-07T00:00:00Z"), at("2026-12-09T00:00:00Z")).map(([a, b]) => [iso(a), iso(b)])).toEqual([
      ["2026-12-07T21:00:00.000Z", "2026-12-08T05:00:00.000Z"],
    ]);
    expect(runningMs(nightly, at("2026-12-14T00:00:00Z"), at("2026-12-16T00:00:00Z"))).toBe(0);
    expect(iso(nextStop(nightly, at("2026-12-07T23:00:00Z")))).toBe("2026-12-08T05:00:00.000Z");
  });

  test("touching windows merge: no stop at midnight between them; an always-on schedule never stops", () => {
    const s = compile({ timezone: "Europe/Berlin", hours: [{ days: ["mon"], from: "18:00", to: "24:00" }, { days: ["tue"], from: "00:00", to: "08:00" }] });
    expect(iso(nextStop(s, at("2026-12-07T20:00:00Z")))).toBe("2026-12-08T07:00:00.000Z");
    const always = compile({ timezone: "Europe/Berlin", hours: [{ days: ["mon-sun"], from: "00:00", to: "24:00" }] });
    expect(nextStop(always, at("2026-12-07T20:00:00Z"))).toBeUndefined();
    expect(nextStart(always, at("2026-12-07T20:00:00Z"))).toBeUndefined();
  });

  test("stop-only / start-only leave the other edge to people", () => {
    const stopOnly = compile({ timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }], enforce: "stop-only" });
    expect(nextStart(stopOnly, at("2026-12-07T00:00:00Z"))).toBeUndefined();
    expect(nextStop(stopOnly, at("2026-12-07T00:00:00Z"))).toBeDefined();
  });
});

describe("validation", () => {
  test("each mistake is named with its path", () => {
    const r = compileSchedule("bad", {
      timezone: "Mars/Olympus",
      hours: [
        { days: ["mon", "funday"], from: "7:00", to: "25:00" },
        { days: ["tue"], from: "08:00", to: "08:00" },
        { days: [], from: "08:00", to: "09:00" },
      ],
      holidays: ["2026-02-30"],
    });
    expect(r.schedule).toBeUndefined();
    const text = r.issues.join("\n");
    expect(text).toContain('schedules.bad.timezone: "Mars/Olympus" is not an IANA time zone');
    expect(text).toContain('schedules.bad.hours[0].days: "funday" is not a day');
    expect(text).toContain('schedules.bad.hours[0].from: expected a time "HH:MM"');
    expect(text).toContain('schedules.bad.hours[0].to: expected a time "HH:MM" from 00:00 to 24:00, got "25:00"');
    expect(text).toContain("schedules.bad.hours[1]: from and to are both 08:00");
    expect(text).toContain("schedules.bad.hours[2].days: name at least one day");
    expect(text).toContain('schedules.bad.holidays: "2026-02-30" is not a date');
  });

  test("day ranges wrap around the week", () => {
    const s = compile({ timezone: "UTC", hours: [{ days: ["fri-mon"], from: "00:00", to: "24:00" }] });
    expect(s.windows[0]!.weekdays).toEqual(new Set([5, 6, 0, 1]));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests: random schedules in zones with DST (incl. a 30-minute one), random instants over two years.

const ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Santiago"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function randomSchedule(rnd: () => number): Schedule {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const windows = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
    const from = Math.floor(rnd() * 96) * 15;
    let to = Math.floor(rnd() * 97) * 15;
    if (to === from) to = (from + 60) % 1440;
    return { days: DAY_NAMES.filter(() => rnd() < 0.5).concat(pick(DAY_NAMES)), from: hh(from), to: to === 1440 ? "24:00" : hh(to) };
  });
  const base = Date.UTC(2026, 0, 1);
  const holidays = Array.from({ length: Math.floor(rnd() * 20) }, () => new Date(base + Math.floor(rnd() * 730) * D).toISOString().slice(0, 10));
  return compile({ timezone: pick(ZONES), hours: windows, holidays });
}

/** Oracle on the local wall clock, independent of the interval construction. Valid away from DST changes. */
function runsByWallClock(s: Schedule, t: number): boolean {
  const wall = wallMs(s.zone, t);
  const day = new Date(wall).toISOString().slice(0, 10);
  const minute = Math.floor((wall % D) / 60_000);
  const yesterday = plusDays(day, -1);
  for (const w of s.windows) {
    if (!s.holidays.has(day) && w.weekdays.has(weekdayOf(day))) {
      if (!w.overnight && minute >= w.from && minute < w.to) return true;
      if (w.overnight && minute >= w.from) return true;
    }
    if (w.overnight && !s.holidays.has(yesterday) && w.weekdays.has(weekdayOf(yesterday)) && minute < w.to) return true;
  }
  return false;
}

const nearDstChange = (zone: string, t: number) => offsetMs(zone, t - 3 * H) !== offsetMs(zone, t + 3 * H);

describe("schedule calendar properties (200 random schedules × 10 instants)", () => {
  const rnd = mulberry32(17);
  const cases = Array.from({ length: 200 }, () => randomSchedule(rnd));
  const start = Date.UTC(2026, 0, 1);

  test("isRunningAt agrees with the wall-clock oracle (away from the DST hours)", () => {
    let checked = 0;
    for (const s of cases) {
      for (let i = 0; i < 10; i++) {
        const t = start + Math.floor(rnd() * 700 * D);
        if (nearDstChange(s.zone, t)) continue;
        expect({ zone: s.zone, t: iso(t), running: isRunningAt(s, t) }).toEqual({ zone: s.zone, t: iso(t), running: runsByWallClock(s, t) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1800);
  });

  test("next start/stop are real edges after t, and nothing changes between t and the next edge", () => {
    for (const s of cases) {
      for (let i = 0; i < 10; i++) {
        const t = start + Math.floor(rnd() * 700 * D);
        const running = isRunningAt(s, t);
        const up = nextStart(s, t);
        const down = nextStop(s, t);
        if (up !== undefined) {
          expect(up).toBeGreaterThan(t);
          expect(isRunningAt(s, up)).toBe(true);
          expect(isRunningAt(s, up - 1)).toBe(false);
        }
        if (down !== undefined) {
          expect(down).toBeGreaterThan(t);
          expect(isRunningAt(s, down)).toBe(false);
          expect(isRunningAt(s, down - 1)).toBe(true);
        }
        // The next edge is the one the current state implies, and the state holds until then.
        const edge = running ? down : up;
        if (edge !== undefined) {
          for (let k = 1; k <= 4; k++) expect(isRunningAt(s, t + Math.floor(((edge - t) * k) / 5))).toBe(running);
          // A stop only ever follows running, a start only stopped: the other edge comes later.
          const other = running ? up : down;
          if (other !== undefined) expect(other).toBeGreaterThan(edge);
        }
      }
    }
  });

  test("running time is additive, the fraction lies in [0, 1], and the per-day shares add up to it", () => {
    for (const s of cases.slice(0, 60)) {
      const a = start + Math.floor(rnd() * 600 * D);
      const b = a + Math.floor(rnd() * 20 * D);
      const c = b + Math.floor(rnd() * 20 * D);
      expect(runningMs(s, a, c)).toBe(runningMs(s, a, b) + runningMs(s, b, c));
      const f = runningFraction(s, a, c);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
      const firstDay = localDate("Europe/Berlin", a);
      const days = Array.from({ length: 10 }, (_, i) => plusDays(firstDay, i));
      const shares = runningShareByDay(s, days, "Europe/Berlin");
      const from = Date.parse(`${days[0]}T00:00:00Z`) - offsetMs("Europe/Berlin", Date.parse(`${days[0]}T00:00:00Z`));
      const end = Date.parse(`${plusDays(days[9]!, 1)}T00:00:00Z`);
      const to = end - offsetMs("Europe/Berlin", end);
      let sum = 0;
      for (const [day, share] of shares) {
        const d0 = Date.parse(`${day}T00:00:00Z`);
        const d1 = Date.parse(`${plusDays(day, 1)}T00:00:00Z`);
        sum += share * (d1 - offsetMs("Europe/Berlin", d1) - (d0 - offsetMs("Europe/Berlin", d0)));
      }
      expect(Math.abs(sum - runningMs(s, from, to))).toBeLessThan(1);
    }
  });
});
