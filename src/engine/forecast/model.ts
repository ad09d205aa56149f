/**
 * One interface for every month-end model. A model sees a prepared series (see series.ts for what "a day without a
 * record" means and how lumps are cleaned) and returns its point forecast for each day after `lastCompleteDay`
 * up to the end of the period; `forecastPath` trims the days before the period (data that ends before the period
 * starts) and re-adds an expected month-start lump, so every model is compared on the same footing.
 */
import type { ForecastModelName } from "../types.ts";
import type { PreparedSeries } from "./series.ts";

export interface ForecastModel {
  readonly name: ForecastModelName;
  /**
   * Point forecast for the `steps` days following lastCompleteDay (index 0 = lastCompleteDay + 1). Values are daily
   * amounts ≥ 0 of the cleaned series (no lump).
   */
  predictSteps(s: PreparedSeries, steps: number): Float64Array;
  /** The seed's model must not be "improved" by the shared lump handling. */
  readonly handlesLumps?: boolean;
}

/** The P50 path over the remaining period days (length ctx.horizon). */
export function forecastPath(model: ForecastModel, s: PreparedSeries): Float64Array {
  const { gap, horizon } = s.ctx;
  if (horizon === 0) return new Float64Array(0);
  const steps = model.predictSteps(s, gap + horizon);
  const path = gap === 0 ? steps : steps.subarray(gap);
  if (model.handlesLumps !== false && s.expectedLump > 0) path[0] += s.expectedLump;
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// Small building blocks shared by the models.

/** Mean of the last `k` values (fewer when the series is shorter); 0 for an empty series. */
export function recentMean(y: Float64Array, k: number): number {
  const n = y.length;
  const m = Math.min(k, n);
  if (m === 0) return 0;
  let sum = 0;
  for (let i = n - m; i < n; i++) sum += y[i];
  return sum / m;
}

export function constantPath(value: number, steps: number): Float64Array {
  return new Float64Array(steps).fill(Math.max(0, value));
}

/** Seasonal naive (period 7): each future day repeats the same weekday of the last observed week. */
export function seasonalNaive(y: Float64Array, steps: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(steps);
  if (n < 7) return constantPath(recentMean(y, 7), steps);
  for (let h = 1; h <= steps; h++) out[h - 1] = y[n - 7 + ((h - 1) % 7)];
  return out;
}

/**
 * A resource is stopped (forecast 0) when its last complete day(s) cost nothing and that is not simply its weekly
 * pattern: the zero run is a week or longer, or the same weekdays a week earlier did cost something. A single zero
 * day only counts when the two weeks before it had no zero day at all — a resource that is sometimes idle (usage
 * billing) is not declared stopped by one quiet day, while a server that was billed every day and then nothing is.
 */
export function isStopped(y: Float64Array): boolean {
  const n = y.length;
  let z = 0;
  while (z < n && y[n - 1 - z] <= 1e-12) z++;
  if (z === 0) return false;
  if (z === n) return true;
  if (z >= 7 || n < z + 7) return z >= 2 || n < 8;
  for (let j = 0; j < z; j++) if (y[n - 1 - j - 7] <= 1e-12) return false;
  if (z === 1) for (let i = Math.max(0, n - 15); i < n - 1; i++) if (y[i] <= 1e-12) return false;
  return true;
}

/** True when the last `k` values are all equal (all models agree on a flat series, so fitting is skipped). */
export function isFlat(y: Float64Array, k: number): boolean {
  const n = y.length;
  if (n === 0) return true;
  const v = y[n - 1];
  const tol = Math.abs(v) * 1e-9;
  for (let i = Math.max(0, n - k); i < n; i++) if (Math.abs(y[i] - v) > tol) return false;
  return true;
}
