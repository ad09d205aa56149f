import { describe, expect, test } from "bun:test";
import {
  addDays,
  billingPeriod,
  dayStart,
  daysBetween,
  daysOf,
  isoDay,
  lastCompleteDay,
  lastDayOf,
} from "../../src/engine/period.ts";

const utc = (s: string) => Date.parse(s);

describe("billingPeriod", () => {
  test("November in Berlin (winter time): start/end are Berlin midnights, end exclusive", () => {
    const p = billingPeriod(utc("2026-11-22T13:00:00Z"));
    expect(p.startDate).toBe("2026-11-01");
    expect(p.endDate).toBe("2026-12-01");
    expect(p.days).toBe(30);
    expect(p.start).toBe(utc("2026-10-31T23:00:00Z"));
    expect(p.end).toBe(utc("2026-11-30T23:00:00Z"));
    expect(lastDayOf(p)).toBe("2026-11-30");
  });

  test("an instant that is still the previous month in UTC but already the 1st in Berlin", () => {
    // 2026-11-30T23:30Z is 2026-12-01 00:30 in Berlin: the December period.
    const p = billingPeriod(utc("2026-11-30T23:30:00Z"));
    expect(p.startDate).toBe("2026-12-01");
    expect(p.endDate).toBe("2027-01-01");
    expect(p.days).toBe(31);
    // One millisecond before Berlin midnight is still November.
    expect(billingPeriod(utc("2026-11-30T22:59:59.999Z")).startDate).toBe("2026-11-01");
  });

  test("March contains the spring DST change: start +01:00, end +02:00", () => {
    const p = billingPeriod(utc("2026-03-29T12:00:00Z"));
    expect(p.startDate).toBe("2026-03-01");
    expect(p.start).toBe(utc("2026-02-28T23:00:00Z"));
    expect(p.end).toBe(utc("2026-03-31T22:00:00Z"));
    expect(p.days).toBe(31);
    // The period is one hour shorter than 31 × 24 h.
    expect(p.end - p.start).toBe(31 * 24 * 3600_000 - 3600_000);
  });

  test("October contains the autumn DST change", () => {
    const p = billingPeriod(utc("2026-10-25T12:00:00Z"));
    expect(p.start).toBe(utc("2026-09-30T22:00:00Z"));
    expect(p.end).toBe(utc("2026-10-31T23:00:00Z"));
    expect(dayStart("2026-10-26")).toBe(utc("2026-10-25T23:00:00Z"));
    expect(dayStart("2026-10-25")).toBe(utc("2026-10-24T22:00:00Z"));
  });

  test("begin day 15: before the 15th belongs to the period that started last month", () => {
    const a = billingPeriod(utc("2026-11-14T12:00:00Z"), 15);
    expect(a.startDate).toBe("2026-10-15");
    expect(a.endDate).toBe("2026-11-15");
    expect(a.days).toBe(31);
    const b = billingPeriod(utc("2026-11-15T00:30:00Z"), 15); // 01:30 Berlin on the 15th
    expect(b.startDate).toBe("2026-11-15");
    expect(b.endDate).toBe("2026-12-15");
    const c = billingPeriod(utc("2027-01-10T12:00:00Z"), 15);
    expect(c.startDate).toBe("2026-12-15");
    expect(c.endDate).toBe("2027-01-15");
  });

  test("February, leap and non-leap years", () => {
    expect(billingPeriod(utc("2027-02-10T12:00:00Z")).days).toBe(28);
    expect(billingPeriod(utc("2028-02-29T12:00:00Z")).days).toBe(29);
    const p = billingPeriod(utc("2027-02-20T12:00:00Z"), 15);
    expect(p.startDate).toBe("2027-02-15");
    expect(p.endDate).toBe("2027-03-15");
    expect(p.days).toBe(28);
    expect(daysOf(p).length).toBe(28);
  });

  test("begin day 31 clamps to the last day of short months", () => {
    const p = billingPeriod(utc("2027-02-28T12:00:00Z"), 31);
    expect(p.startDate).toBe("2027-02-28");
    expect(p.endDate).toBe("2027-03-31");
  });

  test("rejects an invalid begin day", () => {
    expect(() => billingPeriod(Date.now(), 0)).toThrow();
    expect(() => billingPeriod(Date.now(), 1.5)).toThrow();
  });

  test("another time zone", () => {
    const p = billingPeriod(utc("2026-11-30T23:30:00Z"), 1, "UTC");
    expect(p.startDate).toBe("2026-11-01");
    expect(p.start).toBe(utc("2026-11-01T00:00:00Z"));
  });
});

describe("calendar helpers", () => {
  test("daysOf lists each day once, start inclusive, end exclusive", () => {
    const p = billingPeriod(utc("2026-11-22T13:00:00Z"));
    const days = daysOf(p);
    expect(days[0]).toBe("2026-11-01");
    expect(days[days.length - 1]).toBe("2026-11-30");
    expect(new Set(days).size).toBe(30);
  });

  test("isoDay uses Berlin days", () => {
    expect(isoDay(utc("2026-06-30T22:30:00Z"))).toBe("2026-07-01");
    expect(isoDay(utc("2026-06-30T21:30:00Z"))).toBe("2026-06-30");
  });

  test("addDays and daysBetween across month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-12-25", "2027-01-05")).toBe(11);
    expect(() => addDays("2026-1-5", 1)).toThrow();
  });

  test("lastCompleteDay: before today and present in the data (the dashboard lags)", () => {
    const now = utc("2026-11-22T08:00:00Z"); // Nov 22 in Berlin
    expect(lastCompleteDay(now, ["2026-11-19", "2026-11-20", "2026-11-22"])).toBe("2026-11-20");
    expect(lastCompleteDay(now, new Set(["2026-11-21", "2026-11-01"]))).toBe("2026-11-21");
    expect(lastCompleteDay(now, ["2026-11-22"])).toBeUndefined();
    expect(lastCompleteDay(now, [])).toBeUndefined();
    // 23:30Z on the 21st is already the 22nd in Berlin: the 21st is complete.
    expect(lastCompleteDay(utc("2026-11-21T23:30:00Z"), ["2026-11-21"])).toBe("2026-11-21");
  });
});

describe("localTime", () => {
  test("wall-clock time on a DST day", async () => {
    const { localTime } = await import("../../src/engine/period.ts");
    expect(localTime(utc("2026-03-29T10:15:00Z"))).toBe("12:15");
    expect(localTime(utc("2026-03-29T00:15:00Z"))).toBe("01:15");
  });
});
