import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { computeCalibration, serialiseCalibration } from "../../../src/engine/forecast/calibrate.ts";
import { evaluateSeries } from "../../../src/engine/forecast/backtest.ts";
import { CALIBRATION, monthEndBand, volatility, type CalibrationTable } from "../../../src/engine/forecast/intervals.ts";
import { generateSeries, periodTotal } from "../../../src/engine/forecast/synthetic.ts";
import type { ForecastModelName } from "../../../src/engine/types.ts";

const HELD_OUT_SEED = 11;

function coverage(table: CalibrationTable, model: ForecastModelName, d: number, count = 200): number {
  let n = 0;
  let covered = 0;
  for (const s of generateSeries(count, HELD_OUT_SEED)) {
    const r = evaluateSeries(s, model, d, table, periodTotal(s));
    if (!r || !(r.truth > 0)) continue;
    n++;
    if (r.truth >= r.band.p10 - 1e-9 && r.truth <= r.band.p90 + 1e-9) covered++;
  }
  return covered / n;
}

describe("interval calibration", () => {
  test("the committed calibration.json is exactly what calibrate.ts generates", () => {
    const committed = readFileSync(join(import.meta.dir, "../../../src/engine/forecast/calibration.json"), "utf8");
    expect(serialiseCalibration(computeCalibration())).toBe(committed);
  }, 30_000);

  test("it was calibrated on a seed other than the ones the tests and the backtest report on", () => {
    expect(CALIBRATION.calibrationSeed).toBe(1);
    expect(HELD_OUT_SEED).not.toBe(CALIBRATION.calibrationSeed);
  });

  for (const model of ["ensemble", "holt-winters", "run-rate", "steady-state"] as const) {
    test(`${model}: P10–P90 covers 68–90 % of held-out month ends at day 5, 10 and 20`, () => {
      for (const d of [5, 10, 20]) {
        const c = coverage(CALIBRATION, model, d);
        expect(c).toBeGreaterThan(0.68);
        expect(c).toBeLessThan(0.9);
      }
    });
  }

  test("a broken (zero-width) interval fails that band", () => {
    const zero: CalibrationTable = { ...CALIBRATION, pools: { resource: {}, total: {} } };
    expect(coverage(zero, "ensemble", 10)).toBeLessThan(0.5);
  });
});

describe("interval arithmetic", () => {
  test("the band never drops below what is already spent and always contains P50", () => {
    expect(monthEndBand(100, 50, 50, [-3, 0, 0.4])).toEqual({ p10: 100, p50: 150, p90: 170 });
    expect(monthEndBand(100, 50, 50, [0.2, 0.3, 0.4])).toEqual({ p10: 150, p50: 150, p90: 170 });
    expect(monthEndBand(100, 50, 50, [-0.4, -0.3, -0.2])).toEqual({ p10: 130, p50: 150, p90: 150 });
  });
  test("volatility ignores a stable weekly pattern and sees noise", () => {
    const weekly = Float64Array.from({ length: 35 }, (_, t) => (t % 7 < 5 ? 10 : 2));
    expect(volatility(weekly)).toBe(0);
    const noisy = Float64Array.from({ length: 35 }, (_, t) => 10 + (t % 3) * 2);
    expect(volatility(noisy)).toBeGreaterThan(0.1);
    expect(volatility(new Float64Array(10))).toBeNaN();
  });
});
