/** The cost range the daemon, `list`, `plan` and `dump-data` fetch (src/engine/sync-range.ts `costRange`). */
import { describe, expect, test } from "bun:test";
import { HISTORY_DAYS } from "../../src/engine/forecast/series.ts";
import { addDays, dayStart } from "../../src/engine/period.ts";
import { costRange } from "../../src/providers/sources.ts";

const at = (day: string, hour = 10) => dayStart(day) + hour * 3_600_000;

describe("costRange", () => {
  test("covers the whole period so far and the forecast's history window ending yesterday", () => {
    for (const today of ["2026-11-22", "2026-11-01", "2026-03-31", "2026-01-02"]) {
      const r = costRange(at(today), { billingBeginDay: 1 });
      expect(r.toExclusive).toBe(addDays(today, 1));
      expect(r.from <= r.period.startDate).toBe(true);
      // The forecast reads HISTORY_DAYS ending at the last complete day (at most yesterday).
      expect(r.from <= addDays(addDays(today, -1), -(HISTORY_DAYS - 1))).toBe(true);
      // …and no more than that.
      expect(r.from).toBe(addDays(today, -HISTORY_DAYS));
    }
  });

  test("billing-begin moves the period, not the history", () => {
    const r = costRange(at("2026-11-03"), { billingBeginDay: 15 });
    expect(r.period.startDate).toBe("2026-10-15");
    expect(r.period.endDate).toBe("2026-11-15");
    expect(r.from).toBe(addDays("2026-11-03", -HISTORY_DAYS));
  });

  test("the day is the Berlin calendar day (the dashboard's), also just after midnight there", () => {
    // 23:30 UTC on Nov 21 is already Nov 22 in Berlin.
    const r = costRange(Date.parse("2026-11-21T23:30:00Z"), { billingBeginDay: 1 });
    expect(r.toExclusive).toBe("2026-11-23");
  });
});
