/**
 * Run-rate, as the field defines it: month-to-date ÷ elapsed period days, continued for every remaining day
 * (= MTD ÷ elapsed × days in period). It is the baseline the ensemble must beat, so it keeps the formula's known
 * biases — a month-start lump charge and the days before a resource existed both go into the rate — and handles
 * only what any forecast here must: the dashboard's lag (elapsed counts complete days only), stopped resources
 * (recent zeros → 0), and too little of the period (fewer than `MIN_ELAPSED` days: the mean of the last week of
 * history, previous period included, since one or two days are dominated by their weekday).
 */
import { constantPath, isStopped, recentMean, type ForecastModel } from "../model.ts";
import type { PreparedSeries } from "../series.ts";

export const MIN_ELAPSED = 3;

export const runRate: ForecastModel = {
  name: "run-rate",
  predictSteps(s: PreparedSeries, steps: number): Float64Array {
    if (s.n === 0 || isStopped(s.y)) return constantPath(0, steps);
    const elapsed = s.ctx.elapsed;
    const rate = elapsed >= MIN_ELAPSED ? s.soFar / elapsed : recentMean(s.y, 7);
    return constantPath(rate, steps);
  },
};
