/**
 * Run-rate: month-to-date ÷ elapsed days, continued for every remaining day (= MTD ÷ elapsed × days in period for
 * the total). "Elapsed" counts only the period days on which the resource existed, and the month-start lump is
 * taken out of MTD (series.ts) so it is not extrapolated. Fallback: with fewer than `MIN_ELAPSED` days of this
 * period the rate is the mean of the last week of history (previous period included), since one or two days are
 * dominated by their weekday and by a partial creation day.
 */
import { constantPath, isStopped, recentMean, type ForecastModel } from "../model.ts";
import type { PreparedSeries } from "../series.ts";

export const MIN_ELAPSED = 3;

export const runRate: ForecastModel = {
  name: "run-rate",
  predictSteps(s: PreparedSeries, steps: number): Float64Array {
    if (s.n === 0 || isStopped(s.y)) return constantPath(0, steps);
    const rate = s.elapsedExisting >= MIN_ELAPSED ? s.cleanSoFar / s.elapsedExisting : recentMean(s.y, 7);
    return constantPath(rate, steps);
  },
};
