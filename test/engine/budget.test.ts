import { describe, expect, test } from "bun:test";
import { computeBudget, type ForecastTotal } from "../../src/engine/budget.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import type { DailyCost, ResourceForecast, VirtualResource } from "../../src/engine/types.ts";
import { seriesOf } from "../../src/engine/virtual/day-series.ts";

const now = Date.parse("2026-11-22T12:00:00Z");
const period = billingPeriod(now);

function vr(id: string, prio: number, daily: DailyCost[], extra: Omit<Partial<VirtualResource>, "daily"> = {}): VirtualResource {
  return { id, kind: "ECS", name: id, prio, tags: {}, members: [], daily: seriesOf(daily), managed: true, ...extra };
}
function flat(from: number, to: number, amount: number): DailyCost[] {
  const out: DailyCost[] = [];
  for (let d = from; d <= to; d++) out.push({ date: `2026-11-${String(d).padStart(2, "0")}`, amount });
  return out;
}
function fc(id: string, soFar: number, restPerDay: number): ResourceForecast {
  const rest = flat(21, 30, restPerDay);
  const p50 = soFar + restPerDay * 10;
  return { vrId: id, costSoFar: soFar, rest, monthEnd: { p10: p50 * 0.9, p50, p90: p50 * 1.1 } };
}

// Three roots, 20 complete days (Nov 1..20), 10 forecast days (Nov 21..30).
const roots = [
  vr("ECS_a", 50, flat(1, 20, 2)), // managed: 40 so far, +20 rest
  vr("ECS_u", 0, flat(1, 20, 1), { managed: false }), // untagged: 20 + 10
  vr("GH_X_g", 0, flat(1, 20, 0.5), { kind: "GHOST", managed: false }), // ghost: 10 + 5
];
const forecasts = { ECS_a: fc("ECS_a", 40, 2), ECS_u: fc("ECS_u", 20, 1), GH_X_g: fc("GH_X_g", 10, 0.5) };
const total: ForecastTotal = {
  soFar: 70,
  monthEnd: { p10: 95, p50: 105, p90: 115 },
  band: flat(21, 30, 3.5).map((d) => ({ date: d.date, p10: d.amount * 0.8, p50: d.amount, p90: d.amount * 1.2 })),
};

describe("computeBudget", () => {
  test("all spend counts; baseline = unmanaged + prio 0 + ghosts; gap at P50", () => {
    const b = computeBudget({ roots, forecasts, total, target: 100, quantile: "p50", period, now, lastCompleteDay: "2026-11-20" });
    expect(b.spendSoFar).toBe(70);
    expect(b.forecast.p50).toBe(105);
    expect(b.gap).toBeCloseTo(5, 10);
    expect(b.status).toBe("OVER");
    expect(b.baseline.spendSoFar).toBeCloseTo(30, 10);
    // Baseline rest 15 at P50 (spread factor 1).
    expect(b.baseline.monthEnd).toBeCloseTo(45, 10);
    expect(b.baselineExceedsBudget).toBe(false);
    expect(b.dailyTotals.length).toBe(20);
    expect(b.dailyTotals[0]).toEqual({ date: "2026-11-01", amount: 3.5 });
    expect(b.burnPerDay).toBeCloseTo(3.5, 10);
    expect(b.burnPerHour).toBeCloseTo(3.5 / 24, 10);
    expect(b.forecastBand.length).toBe(10);
  });

  test("AT_RISK when only P90 is over; OK when P90 is under; gap measured at P90 for the cautious", () => {
    const atRisk = computeBudget({ roots, forecasts, total, target: 110, quantile: "p50", period, now });
    expect(atRisk.status).toBe("AT_RISK");
    expect(atRisk.gap).toBeCloseTo(-5, 10);
    const cautious = computeBudget({ roots, forecasts, total, target: 110, quantile: "p90", period, now });
    expect(cautious.status).toBe("OVER");
    expect(cautious.gap).toBeCloseTo(5, 10);
    // At P90 the baseline's rest is scaled by the total's spread: (115-70)/(105-70).
    expect(cautious.baseline.monthEnd).toBeCloseTo(30 + 15 * (45 / 35), 10);
    expect(computeBudget({ roots, forecasts, total, target: 120, quantile: "p50", period, now }).status).toBe("OK");
  });

  test("baseline alone over budget is flagged", () => {
    const b = computeBudget({ roots, forecasts, total, target: 40, quantile: "p50", period, now });
    expect(b.baselineExceedsBudget).toBe(true);
  });

  test("spend excluded by ot3c_instance counts in the total, the baseline and the daily totals", () => {
    const excludedSpend = {
      soFar: 20,
      monthEnd: { p10: 28, p50: 30, p90: 32 },
      band: flat(21, 30, 1).map((d) => ({ date: d.date, p10: 0.8, p50: 1, p90: 1.2 })),
      daily: flat(1, 20, 1),
    };
    const b = computeBudget({ roots, forecasts, total, target: 100, quantile: "p50", period, now, excludedSpend });
    expect(b.spendSoFar).toBe(90);
    expect(b.forecast.p50).toBe(135);
    expect(b.gap).toBeCloseTo(35, 10);
    expect(b.baseline.spendSoFar).toBeCloseTo(50, 10);
    expect(b.baseline.monthEnd).toBeCloseTo(75, 10);
    expect(b.dailyTotals[0].amount).toBeCloseTo(4.5, 10);
    expect(b.forecastBand[0].p50).toBeCloseTo(4.5, 10);
    expect(b.lastCompleteDay).toBe("2026-11-20");
  });

  test("no data at all: zero burn, empty daily totals", () => {
    const b = computeBudget({
      roots: [],
      forecasts: {},
      total: { soFar: 0, monthEnd: { p10: 0, p50: 0, p90: 0 }, band: [] },
      target: 10,
      quantile: "p50",
      period,
      now,
    });
    expect(b.status).toBe("OK");
    expect(b.burnPerDay).toBe(0);
    expect(b.dailyTotals).toEqual([]);
    expect(b.gap).toBe(-10);
  });
});
