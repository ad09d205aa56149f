import { describe, expect, test } from "bun:test";
import type { ForecastModelName } from "../../../src/engine/types.ts";
import { forecastPath, isStopped } from "../../../src/engine/forecast/model.ts";
import { MODELS, MODEL_NAMES } from "../../../src/engine/forecast/models/index.ts";
import { fitHoltWinters, holtWintersForecast } from "../../../src/engine/forecast/models/holt-winters.ts";
import { prepareSeries, seriesContext } from "../../../src/engine/forecast/series.ts";
import { seriesOf } from "../../../src/engine/virtual/day-series.ts";
import { NOV, series, span, weekday } from "./helpers.ts";
import type { DailyCost } from "../../../src/engine/types.ts";

/** Month-end point forecast (so far + Σ path) of one model. */
function monthEnd(model: ForecastModelName, daily: DailyCost[], lastCompleteDay: string, period = NOV) {
  const s = prepareSeries(seriesOf(daily), seriesContext(period, lastCompleteDay));
  const path = forecastPath(MODELS[model], s);
  return { soFar: s.soFar, rest: Array.from(path), total: s.soFar + path.reduce((a, b) => a + b, 0) };
}

describe("flat series", () => {
  const daily = series("2026-10-01", span("2026-10-01", "2026-11-12"), () => 5);
  for (const model of MODEL_NAMES) {
    test(`${model}: a flat 5/day series gives exactly 150 for November`, () => {
      const r = monthEnd(model, daily, "2026-11-12");
      expect(r.soFar).toBeCloseTo(60, 9);
      expect(r.rest).toHaveLength(18);
      expect(r.total).toBeCloseTo(150, 9);
    });
  }
});

describe("weekly season", () => {
  // Weekdays 10, weekends 2, six weeks before November plus ten days of it (Nov 1 is a Sunday: 4 of the first 10
  // days are weekend days, 4 of the remaining 20): run-rate extrapolates the wrong weekday mix.
  const shape = (date: string) => (weekday(date) === 0 || weekday(date) === 6 ? 2 : 10);
  const daily = series("2026-09-20", span("2026-09-20", "2026-11-10"), shape);
  const truth = series("2026-11-01", 30, shape).reduce((a, r) => a + r.amount, 0);
  test("Holt-Winters is (nearly) exact and beats run-rate", () => {
    const hw = monthEnd("holt-winters", daily, "2026-11-10").total;
    const rr = monthEnd("run-rate", daily, "2026-11-10").total;
    expect(Math.abs(hw - truth) / truth).toBeLessThan(0.005);
    expect(Math.abs(hw - truth)).toBeLessThan(Math.abs(rr - truth) / 5);
  });
  test("the ensemble follows the weekly shape too", () => {
    const ens = monthEnd("ensemble", daily, "2026-11-10").total;
    expect(Math.abs(ens - truth) / truth).toBeLessThan(0.01);
  });
  test("weekend zeros of a weekdays-only machine are not a stop", () => {
    const officeOnly = series("2026-09-20", span("2026-09-20", "2026-11-08"), (d) => (weekday(d) === 0 || weekday(d) === 6 ? 0 : 8));
    // Nov 8 is a Sunday: the last two days cost nothing, as every weekend before.
    expect(isStopped(prepareSeries(seriesOf(officeOnly), seriesContext(NOV, "2026-11-08")).y)).toBe(false);
    const r = monthEnd("ensemble", officeOnly, "2026-11-08");
    expect(r.rest[0]).toBeCloseTo(8, 6); // Monday
    expect(r.total).toBeCloseTo(8 * 21, 6); // November 2026 has 21 weekdays
  });
});

describe("stopped resources", () => {
  // 6/day until Nov 9, then nothing for three days.
  const daily = series("2026-10-01", span("2026-10-01", "2026-11-09"), () => 6);
  for (const model of ["run-rate", "holt-winters", "ensemble"] as const) {
    test(`${model}: recent zeros forecast 0`, () => {
      const r = monthEnd(model, daily, "2026-11-12");
      expect(r.soFar).toBeCloseTo(54, 9);
      expect(r.total).toBeCloseTo(54, 9);
    });
  }
  test("steady-state (the seed) keeps repeating the last record, from the day after it, for 30 days", () => {
    const r = monthEnd("steady-state", daily, "2026-11-12");
    // Items Nov 10 … Dec 9; those after the last complete day and inside November: Nov 13 … Nov 30.
    expect(r.rest).toHaveLength(18);
    expect(r.rest.every((v) => v === 6)).toBe(true);
  });
  test("one zero day after two weeks of daily cost counts as stopped; one zero day in a sporadic series does not", () => {
    const steady = series("2026-10-20", span("2026-10-20", "2026-11-11"), () => 3);
    expect(isStopped(prepareSeries(seriesOf(steady), seriesContext(NOV, "2026-11-12")).y)).toBe(true);
    const sporadic = series("2026-10-20", span("2026-10-20", "2026-11-11"), (_, i) => (i % 5 === 1 ? 0 : 3)); // zero on Nov 10, cost on Nov 11, none on Nov 12
    expect(isStopped(prepareSeries(seriesOf(sporadic), seriesContext(NOV, "2026-11-12")).y)).toBe(false);
  });
});

describe("month-start lump charges", () => {
  // 2/day usage plus a 60 recurring fee on the 1st of each month.
  const daily = series("2026-09-20", span("2026-09-20", "2026-11-10"), (d) => 2 + (d.endsWith("-01") ? 60 : 0));
  for (const model of ["holt-winters", "ensemble"] as const) {
    test(`${model}: the lump is counted once, not extrapolated`, () => {
      const r = monthEnd(model, daily, "2026-11-10");
      expect(r.soFar).toBeCloseTo(80, 9);
      expect(r.total).toBeCloseTo(60 + 2 * 30, 6);
    });
  }
  test("run-rate is the plain formula: MTD ÷ elapsed × days, so the lump is extrapolated (the baseline's known bias)", () => {
    const r = monthEnd("run-rate", daily, "2026-11-10");
    expect(r.soFar).toBeCloseTo(80, 9);
    expect(r.total).toBeCloseTo((80 / 10) * 30, 6);
  });
  test("with no day of the period known yet, the previous period's lump is expected on the 1st", () => {
    const r = monthEnd("ensemble", daily.filter((x) => x.date <= "2026-10-31"), "2026-10-31");
    expect(r.soFar).toBe(0);
    expect(r.rest).toHaveLength(30);
    expect(r.rest[0]).toBeCloseTo(62, 6);
    expect(r.rest[1]).toBeCloseTo(2, 6);
  });
});

describe("little history and new resources", () => {
  test("a resource created mid-period is projected from its own days, not diluted by the days before it", () => {
    const daily = series("2026-11-08", span("2026-11-08", "2026-11-12"), () => 4);
    for (const model of ["holt-winters", "ensemble"] as const) {
      const r = monthEnd(model, daily, "2026-11-12");
      expect(r.total).toBeCloseTo(4 * 23, 6);
    }
    // The run-rate baseline divides by every elapsed day of the period, existing or not: 20 ÷ 12 per day.
    expect(monthEnd("run-rate", daily, "2026-11-12").total).toBeCloseTo(20 + (20 / 12) * 18, 6);
  });
  test("three days of history: the ensemble falls back to their mean", () => {
    const daily = [
      { date: "2026-11-10", amount: 3 },
      { date: "2026-11-11", amount: 6 },
      { date: "2026-11-12", amount: 9 },
    ];
    const r = monthEnd("ensemble", daily, "2026-11-12");
    expect(r.rest.every((v) => Math.abs(v - 6) < 1e-9)).toBe(true);
  });
  test("no history: every model forecasts nothing", () => {
    for (const model of MODEL_NAMES) expect(monthEnd(model, [], "2026-11-12").total).toBe(0);
  });
});

describe("Holt-Winters fit", () => {
  test("recovers a trending weekly series (next day within 0.5 %; a damped trend under-extrapolates a clean line, by < 2.5 % after a week)", () => {
    const season = [3, 1, 0, 2, -1, -2, -3];
    const f = (t: number) => 100 + 0.5 * t + season[t % 7];
    const y = Float64Array.from({ length: 56 }, (_, t) => f(t));
    const fit = fitHoltWinters(y);
    const next = holtWintersForecast(fit, y.length, 7);
    expect(Math.abs(next[0] - f(56)) / f(56)).toBeLessThan(0.005);
    for (let h = 1; h <= 7; h++) expect(Math.abs(next[h - 1] - f(55 + h)) / f(55 + h)).toBeLessThan(0.025);
  });
  test("forecasts never go negative", () => {
    const y = Float64Array.from({ length: 35 }, (_, t) => Math.max(0, 50 - 1.5 * t) + (t % 7 === 0 ? 5 : 0));
    const next = holtWintersForecast(fitHoltWinters(y), y.length, 30);
    expect(Math.min(...next)).toBeGreaterThanOrEqual(0);
  });
});
