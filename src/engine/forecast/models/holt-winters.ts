/**
 * Holt-Winters, additive weekly season (period 7) with a damped additive trend (ETS(A,Ad,A) point forecasts).
 *
 *   ŷ(t)   = l + φb + s[t mod 7]
 *   l'     = α (y − s[t mod 7]) + (1 − α)(l + φb)
 *   b'     = β (l' − l) + (1 − β) φb
 *   s'     = γ (y − l') + (1 − γ) s[t mod 7]
 *   ŷ(n+h) = l + (φ + … + φ^h) b + s[(n−1+h) mod 7]
 *
 * Initial state from the first two weeks (level = first week's mean, centred; trend = week-over-week change / 7;
 * season = first week minus the centred level). Parameters come from a small grid minimising the one-step-ahead
 * SSE after the first week: a handful of combinations keeps 100k series cheap, and a coarse grid is known to lose
 * little against a fine optimiser on short, noisy series. The damping keeps a fitted trend from running away
 * over a 30-day horizon. Series shorter than two weeks fall back to the last week's mean (a season cannot be
 * estimated from less); flat and stopped series skip the fit.
 */
import { constantPath, isFlat, isStopped, recentMean, type ForecastModel } from "../model.ts";
import type { PreparedSeries } from "../series.ts";

export const HW_MIN_DAYS = 14;
export const HW_GRID = {
  alpha: [0.1, 0.3, 0.6],
  beta: [0, 0.1],
  gamma: [0.05, 0.3],
  phi: [0.9],
};

export interface HoltWintersFit {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  sse: number;
  level: number;
  trend: number;
  season: Float64Array;
}

const seasonScratch = new Float64Array(7);

/** Runs the recursions for one parameter set; returns the SSE and leaves the final state in `season`/returned. */
function run(y: Float64Array, alpha: number, beta: number, gamma: number, phi: number, season: Float64Array): { sse: number; level: number; trend: number } {
  const n = y.length;
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < 7; i++) m0 += y[i];
  m0 /= 7;
  for (let i = 7; i < 14; i++) m1 += y[i];
  m1 /= 7;
  let trend = (m1 - m0) / 7;
  let level = m0 + 3 * trend;
  for (let j = 0; j < 7; j++) season[j] = y[j] - (m0 + (j - 3) * trend);
  let sse = 0;
  for (let t = 7; t < n; t++) {
    const k = t % 7;
    const sk = season[k];
    const damped = phi * trend;
    const err = y[t] - (level + damped + sk);
    sse += err * err;
    const newLevel = alpha * (y[t] - sk) + (1 - alpha) * (level + damped);
    trend = beta * (newLevel - level) + (1 - beta) * damped;
    season[k] = gamma * (y[t] - newLevel) + (1 - gamma) * sk;
    level = newLevel;
  }
  return { sse, level, trend };
}

export function fitHoltWinters(y: Float64Array): HoltWintersFit {
  let best: HoltWintersFit | undefined;
  for (const alpha of HW_GRID.alpha)
    for (const beta of HW_GRID.beta)
      for (const gamma of HW_GRID.gamma)
        for (const phi of HW_GRID.phi) {
          const r = run(y, alpha, beta, gamma, phi, seasonScratch);
          if (!best || r.sse < best.sse - 1e-12) {
            best = { alpha, beta, gamma, phi, sse: r.sse, level: r.level, trend: r.trend, season: Float64Array.from(seasonScratch) };
          }
        }
  return best!;
}

export function holtWintersForecast(fit: HoltWintersFit, n: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  let damp = 0;
  let pow = 1;
  for (let h = 1; h <= steps; h++) {
    pow *= fit.phi;
    damp += pow;
    const v = fit.level + damp * fit.trend + fit.season[(n - 1 + h) % 7];
    out[h - 1] = v > 0 ? v : 0;
  }
  return out;
}

export const holtWinters: ForecastModel = {
  name: "holt-winters",
  predictSteps(s: PreparedSeries, steps: number): Float64Array {
    const y = s.y;
    if (s.n === 0 || isStopped(y)) return constantPath(0, steps);
    if (s.n < HW_MIN_DAYS || isFlat(y, HW_MIN_DAYS)) return constantPath(recentMean(y, 7), steps);
    return holtWintersForecast(fitHoltWinters(y), s.n, steps);
  },
};
