/**
 * The seed's "steady state" model (reference otc-and-ot3c.md §4.1), kept for comparison.
 *
 * Kept exactly:
 * - the last record's amount is repeated for 30 daily items dated +1 … +30 days after that record;
 * - nothing else is looked at: no trend, no weekly pattern, no stopped-resource detection, no lump handling
 *   (a lump on the last record day is repeated 30 times, as the seed would);
 * - an empty history gives an empty (all-zero) forecast.
 * Changed so the models are comparable:
 * - the items are restricted to the remaining days of the period (after `lastCompleteDay`, before the period end —
 *   the seed sums up to and *including* the period end, the first day of the next period: that off-by-one day is
 *   not counted here);
 *   items dated on or before `lastCompleteDay` are dropped (those days are actual data, the seed double counts them
 *   when the last record is older than the last complete day) and days beyond +30 get nothing (the seed's limit);
 * - every leaf kind gets this forecast (the seed forecast only ECS and EVS, leaving other spend out);
 * - "last record" is the last *day* of our per-day summed history up to `lastCompleteDay` (the seed takes the last
 *   element of the unsorted, per-product list as returned, which under-forecasts multi-product resources — we do
 *   not reproduce that list-order accident, nor its use of a still-incomplete day).
 */
import type { ForecastModel } from "../model.ts";
import type { PreparedSeries } from "../series.ts";

export const SEED_FORECAST_DAYS = 30;

export const steadyState: ForecastModel = {
  name: "steady-state",
  handlesLumps: false,
  predictSteps(s: PreparedSeries, steps: number): Float64Array {
    const out = new Float64Array(steps);
    if (s.lastRecordDay === undefined) return out;
    const first = s.ctx.lastCompleteDay + 1;
    for (let h = 0; h < steps; h++) {
      const offset = first + h - s.lastRecordDay;
      if (offset >= 1 && offset <= SEED_FORECAST_DAYS) out[h] = s.lastRecordAmount;
    }
    return out;
  },
};
