/**
 * Month-end intervals (P10/P50/P90) from backtested errors at the same point of the period — split conformal
 * prediction with a per-series scale.
 *
 * Method
 * 1. Calibration (offline, `bun src/engine/forecast/calibrate.ts --write`, output calibration.json): on synthetic
 *    series from a *calibration seed* (never the seed the backtest reports on), for every model and every origin
 *    d = 0 … 31 complete days into the period, forecast the rest of the period exactly as at run time and record
 *    the normalised error
 *        e = (actual rest − predicted rest) / scale,   scale = remaining days × level,
 *        level = max(mean of the last 7 cleaned days, predicted mean daily cost).
 *    Dividing by the scale makes errors of a 2 €/day volume and a 2,000 €/day cluster comparable, and since the
 *    scale grows with the remaining days, e is the error of the *average daily rate* still to come. Origins whose
 *    scale is 0 (nothing spent recently and nothing predicted) cannot be normalised and are left out; such series
 *    get a zero-width band at run time. The 10th/50th/90th percentiles of e per model and d (pooled with the
 *    neighbouring days d−1 … d+1 for stability) form the table.
 * 2. Two pools: `resource` (single series, used for resources and groups) and `total` (synthetic portfolios: the
 *    point forecast is the sum of per-resource forecasts, the scale comes from the portfolio's own total series).
 *    Quantiles do not add across resources, so the total's interval is never the sum of resource intervals.
 * 3. Run time: P50 = so far + Σ point path (kept equal to the path the planner sums), and
 *        P10 = so far + predicted rest + q10(d) × scale,   P90 = … + q90(d) × scale,
 *    clamped so that P10 ≥ so far (costs already booked cannot shrink) and P10 ≤ P50 ≤ P90.
 *    The daily band of the total applies the same quantiles to one day: path ± q(d) × level (the uncertainty of
 *    the daily rate, not of single-day spikes).
 * The backtest (`ot3c forecast backtest`) reports the resulting P10–P90 coverage on a different seed set.
 */
import type { ForecastModelName, Quantiles } from "../types.ts";
import { recentMean } from "./model.ts";
import type { PreparedSeries } from "./series.ts";
import calibration from "./calibration.json" with { type: "json" };

export type PoolName = "resource" | "total";
export type QuantileRow = [number, number, number];

export interface CalibrationTable {
  generatedBy: string;
  calibrationSeed: number;
  series: number;
  portfolios: number;
  /** pools[pool][model][d] = [q10, q50, q90] of the normalised error, d = complete days of the period (0…31). */
  pools: Record<PoolName, Partial<Record<ForecastModelName, Array<QuantileRow | null>>>>;
}

const ZERO: QuantileRow = [0, 0, 0];

export function quantilesAt(table: CalibrationTable, pool: PoolName, model: ForecastModelName, elapsed: number): QuantileRow {
  const rows = table.pools[pool]?.[model];
  if (!rows || rows.length === 0) return ZERO;
  const d = Math.max(0, Math.min(rows.length - 1, elapsed));
  // Nearest calibrated day when this one had no usable samples.
  for (let off = 0; off < rows.length; off++) {
    const a = rows[d - off];
    if (a) return a;
    const b = rows[d + off];
    if (b) return b;
  }
  return ZERO;
}

/** The per-series error scale: remaining days × recent daily level (see the method above). */
export function errorLevel(s: PreparedSeries, predictedRest: number): number {
  const h = s.ctx.horizon;
  if (h === 0) return 0;
  return Math.max(recentMean(s.y, 7), predictedRest / h);
}

export function monthEndBand(soFar: number, predictedRest: number, scale: number, q: QuantileRow): Quantiles {
  const p50 = soFar + predictedRest;
  let p10 = p50 + q[0] * scale;
  let p90 = p50 + q[2] * scale;
  if (p10 < soFar) p10 = soFar;
  if (p10 > p50) p10 = p50;
  if (p90 < p50) p90 = p50;
  return { p10, p50, p90 };
}

export const CALIBRATION = calibration as unknown as CalibrationTable;
