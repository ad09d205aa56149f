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
 *    get a zero-width band at run time. Samples are split into strata: `short` (< 2 weeks of history), `flat`
 *    (volatility exactly 0: a volume billed the same every day) and the terciles `b0`/`b1`/`b2` of the other
 *    series' volatility (`volatility()`, boundaries = the pool's own terciles), because a flat volume and a spiky
 *    autoscaling group are not equally predictable. (`flat` is separate because mixing its zero errors into the
 *    lowest bin made the bands of merely quiet series far too narrow.) The 10th/50th/
 *    90th percentiles of e per model, stratum and d form the table; neighbouring days d±1 … d±5 are pooled
 *    until a cell has at least 60 samples (sparse strata and the first days).
 * 2. Two pools: `resource` (single series; used for resources and groups) and `total` (synthetic portfolios, i.e.
 *    projects of 5–200 resources). Quantiles do not add across resources, so the total gets its own: its point
 *    forecast is the sum of the root forecasts and its error is normalised by the total series' own level, as
 *    above. How large that error is relative to the level depends on how diversified the project is, so the
 *    total pool is stratified by the *diversification ratio* √Σwᵢ² ÷ scale, where wᵢ are the roots' P10–P90
 *    widths (√Σwᵢ² is the spread if resource errors were independent: small against the level for a large project
 *    of steady resources, large for three spiky ones). Quintiles of that ratio in the pool give `b0` … `b4`.
 *    Errors that do not diversify (resources created after the origin, common bias) stay in the level-normalised
 *    e; projects more diversified than any in the pool land in `b0`, which for them is the conservative side. The total pool is
 *    computed after the resource pool, since the widths use it.
 * 3. Run time: a resource's stratum picks its row; P50 = so far + Σ point path (kept equal to the path the planner
 *    sums), and
 *        P10 = so far + predicted rest + q10(d) × scale,   P90 = … + q90(d) × scale,
 *    clamped so that P10 ≥ so far (costs already booked cannot shrink) and P10 ≤ P50 ≤ P90.
 *    The daily band of the total applies the same quantiles to one day's share of the scale (scale ÷ remaining
 *    days): the uncertainty of the daily rate, not of single-day spikes.
 * The backtest (`ot3c forecast backtest`) reports the resulting P10–P90 coverage on a different seed set.
 */
import type { ForecastModelName, Quantiles } from "../types.ts";
import { recentMean } from "./model.ts";
import type { PreparedSeries } from "./series.ts";
import calibration from "./calibration.json" with { type: "json" };

export type PoolName = "resource" | "total";
export type QuantileRow = [number, number, number];
/** Below this many days of history a series has no volatility figure (and Holt-Winters no season). */
export const SHORT_DAYS = 14;

/**
 * `short` when the stratifying figure cannot be computed (a resource with under two weeks of history), `flat` when
 * it is exactly 0, else `b<i>`:
 * the bin of the figure among the pool's own quantile boundaries (volatility terciles for resources,
 * diversification-ratio quintiles for the total).
 */
export type Stratum = string;
/** How many bins each pool is split into (besides `short`). */
export const STRATA_BINS: Record<PoolName, number> = { resource: 3, total: 5 };

export interface CalibrationTable {
  generatedBy: string;
  calibrationSeed: number;
  series: number;
  portfolios: number;
  /** Ascending bin boundaries of the stratifying figure per pool (quantiles of the calibration samples). */
  bounds: Record<PoolName, number[]>;
  /** pools[pool][model][stratum][d] = [q10, q50, q90] of the normalised error, d = complete days (0…31). */
  pools: Record<PoolName, Partial<Record<ForecastModelName, Record<Stratum, Array<QuantileRow | null>>>>>;
}

export function strataOf(pool: PoolName): Stratum[] {
  return ["short", "flat", ...Array.from({ length: STRATA_BINS[pool] }, (_, i) => `b${i}`)];
}

export function binStratum(value: number, bounds: number[] | undefined): Stratum {
  if (Number.isNaN(value)) return "short";
  if (value === 0) return "flat";
  const b = bounds ?? [];
  let i = 0;
  while (i < b.length && value > b[i]) i++;
  return `b${i}`;
}

const ZERO: QuantileRow = [0, 0, 0];

/**
 * How much a series moves relative to its level: mean |y(t) − y(t−7)| over the last three weeks ÷ mean of the last
 * four weeks. Week-over-week differences ignore a stable weekly pattern (which every model but the seed's
 * forecasts), so this measures what the models cannot foresee: noise, spikes, steps, trend. NaN under two weeks.
 */
export function volatility(y: Float64Array): number {
  const n = y.length;
  if (n < SHORT_DAYS) return NaN;
  let diff = 0;
  let k = 0;
  for (let t = Math.max(7, n - 21); t < n; t++, k++) diff += Math.abs(y[t] - y[t - 7]);
  let level = 0;
  const m = Math.min(28, n);
  for (let t = n - m; t < n; t++) level += y[t];
  level /= m;
  return level > 0 ? diff / k / level : 0;
}

export function stratumOf(table: CalibrationTable, y: Float64Array): Stratum {
  return binStratum(volatility(y), table.bounds?.resource);
}

export function totalStratumOf(table: CalibrationTable, ratio: number): Stratum {
  return binStratum(ratio, table.bounds?.total);
}

export function quantilesAt(table: CalibrationTable, pool: PoolName, model: ForecastModelName, stratum: Stratum, elapsed: number): QuantileRow {
  const rows = table.pools[pool]?.[model]?.[stratum];
  if (!rows || rows.length === 0) return ZERO;
  const d = Math.max(0, Math.min(rows.length - 1, elapsed));
  // Nearest calibrated day when this one had too few samples.
  for (let off = 0; off < rows.length; off++) {
    const a = rows[d - off];
    if (a) return a;
    const b = rows[d + off];
    if (b) return b;
  }
  return ZERO;
}

/** Every stratum's quantiles of a pool at one point of the period (looked up once per forecast run). */
export function quantilesByStratum(table: CalibrationTable, pool: PoolName, model: ForecastModelName, elapsed: number): Record<Stratum, QuantileRow> {
  const out: Record<Stratum, QuantileRow> = {};
  for (const st of strataOf(pool)) out[st] = quantilesAt(table, pool, model, st, elapsed);
  return out;
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
