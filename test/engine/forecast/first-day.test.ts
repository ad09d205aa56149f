/**
 * The creation day found from the UTC day and cached midnights equals the plain definition (the instant's local
 * calendar day in the zone, that day's midnight and the next), in zones east and west of UTC, with half-hour
 * offsets, and on the days clocks change.
 */
import { describe, expect, test } from "bun:test";
import { partialFirstDay } from "../../../src/engine/forecast/first-day.ts";
import { epochDay } from "../../../src/engine/forecast/dates.ts";
import { addDays, dayStart, isoDay } from "../../../src/engine/period.ts";

function reference(createdAt: string, timeZone: string) {
  const t = Date.parse(createdAt);
  const day = isoDay(t, timeZone);
  const start = dayStart(day, timeZone);
  const end = dayStart(addDays(day, 1), timeZone);
  const fraction = (end - t) / (end - start);
  return fraction > 0 && fraction < 0.999 ? { day: epochDay(day), fraction } : undefined;
}

const ZONES = ["Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/St_Johns", "Pacific/Kiritimati"];

describe("partialFirstDay", () => {
  test("equals the local-calendar definition, bit for bit, over a year of instants in seven zones", () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const from = Date.parse("2026-01-01T00:00:00Z");
    for (const zone of ZONES) {
      for (let i = 0; i < 1500; i++) {
        const at = new Date(from + Math.floor(rnd() * 365 * 86_400_000)).toISOString();
        expect(partialFirstDay(at, zone)).toEqual(reference(at, zone));
      }
    }
  });

  test("around local midnight and on the days clocks change (Berlin: 29 March and 25 October 2026)", () => {
    const instants = ["2026-03-28T22:59:59Z", "2026-03-28T23:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T21:59:59Z", "2026-03-29T22:00:01Z", "2026-10-24T21:59:59Z", "2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:01Z"];
    for (const zone of ZONES) for (const at of instants) expect(partialFirstDay(at, zone)).toEqual(reference(at, zone));
    expect(partialFirstDay("2026-03-29T10:00:00Z", "Europe/Berlin")!.fraction).toBeCloseTo(12 / 23, 12); // a 23-hour day
    expect(partialFirstDay("2026-10-24T22:00:00Z", "Europe/Berlin")).toBeUndefined(); // created at local midnight: a full day
    expect(partialFirstDay(undefined, "UTC")).toBeUndefined();
    expect(partialFirstDay("not a date", "UTC")).toBeUndefined();
  });
});
