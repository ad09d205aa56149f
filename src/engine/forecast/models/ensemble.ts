/**
 * Ensemble: per day, the median of three cheap, differently-biased forecasters —
 *   1. the mean of the last 7 days (robust to the weekly mix, blind to trend),
 *   2. seasonal naive (repeats last week: catches the weekly shape, noisy),
 *   3. Holt-Winters (season + damped trend, can over-react to a step).
 * The median ignores whichever one is the outlier on a given series, which is what made combinations win M4. The
 * choice of the median over the mean (and of these three members) is the backtest's: see `ot3c forecast backtest`.
 * With less than two weeks of history only members 1 and 2 exist (their mean), with less than one week only 1.
 */
import { constantPath, isFlat, isStopped, recentMean, seasonalNaive, type ForecastModel } from "../model.ts";
import type { PreparedSeries } from "../series.ts";
import { fitHoltWinters, holtWintersForecast, HW_MIN_DAYS } from "./holt-winters.ts";

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

export const ensemble: ForecastModel = {
  name: "ensemble",
  predictSteps(s: PreparedSeries, steps: number): Float64Array {
    const y = s.y;
    if (s.n === 0 || isStopped(y)) return constantPath(0, steps);
    const mean7 = recentMean(y, 7);
    if (s.n < 7 || isFlat(y, HW_MIN_DAYS)) return constantPath(mean7, steps);
    const naive = seasonalNaive(y, steps);
    const out = new Float64Array(steps);
    if (s.n < HW_MIN_DAYS) {
      for (let h = 0; h < steps; h++) out[h] = (mean7 + naive[h]) / 2;
      return out;
    }
    const hw = holtWintersForecast(fitHoltWinters(y), s.n, steps);
    for (let h = 0; h < steps; h++) out[h] = median3(mean7, naive[h], hw[h]);
    return out;
  },
};
