/**
 * Generates calibration.json — the normalised-error quantiles behind the intervals (method: intervals.ts).
 *
 *   bun src/engine/forecast/calibrate.ts --write   # regenerate the committed table
 *   bun src/engine/forecast/calibrate.ts           # print it (a test regenerates it and compares)
 *
 * It runs on CALIBRATION_SEED only; the backtest reports on other seeds, so the coverage it prints is held out.
 * Regenerate whenever a model, the series preparation or the synthetic generator changes.
 */
import type { ForecastModelName } from "../types.ts";
import { evaluatePortfolio, evaluateSeries, asVirtual } from "./backtest.ts";
import type { CalibrationTable, PoolName, QuantileRow } from "./intervals.ts";
import { MODEL_NAMES } from "./models/index.ts";
import { generatePortfolios, generateSeries, periodTotal } from "./synthetic.ts";

export const CALIBRATION_SEED = 1;
export const CALIBRATION_SERIES = 800;
export const CALIBRATION_PORTFOLIOS = 150;
/** Same size range as the backtest's portfolios (log-uniform): small teams to mid-size projects. */
export const CALIBRATION_PORTFOLIO_SIZES: [number, number] = [5, 100];
/** Origins d = 0 … MAX_DAY complete days (a 31-day month has 30 origins with something left to forecast). */
const MAX_DAY = 31;

/** Linear-interpolated sample quantile (type 7), on a sorted array. */
export function quantileSorted(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Rounded so the committed JSON is stable and readable (errors are relative; 1e-4 is far below their spread). */
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function table(samples: number[][]): Array<QuantileRow | null> {
  const rows: Array<QuantileRow | null> = [];
  for (let d = 0; d <= MAX_DAY; d++) {
    const pooled: number[] = [];
    for (let k = Math.max(0, d - 1); k <= Math.min(MAX_DAY, d + 1); k++) pooled.push(...samples[k]);
    if (pooled.length < 20) {
      rows.push(null);
      continue;
    }
    pooled.sort((a, b) => a - b);
    rows.push([r4(quantileSorted(pooled, 0.1)), r4(quantileSorted(pooled, 0.5)), r4(quantileSorted(pooled, 0.9))]);
  }
  return rows;
}

export function computeCalibration(opts: { seed?: number; series?: number; portfolios?: number; portfolioSizes?: [number, number] } = {}): CalibrationTable {
  const seed = opts.seed ?? CALIBRATION_SEED;
  const nSeries = opts.series ?? CALIBRATION_SERIES;
  const nPf = opts.portfolios ?? CALIBRATION_PORTFOLIOS;
  const sizes = opts.portfolioSizes ?? CALIBRATION_PORTFOLIO_SIZES;
  const series = generateSeries(nSeries, seed);
  const truths = series.map(periodTotal);
  const pfs = generatePortfolios(nPf, sizes[0], sizes[1], seed);
  const roots = pfs.map((m) => m.map(asVirtual));
  // Errors do not depend on the interval table, so an empty one is enough to collect them.
  const empty: CalibrationTable = { generatedBy: "", calibrationSeed: seed, series: 0, portfolios: 0, pools: { resource: {}, total: {} } };
  const pools: CalibrationTable["pools"] = { resource: {}, total: {} };
  for (const model of MODEL_NAMES as ForecastModelName[]) {
    const byDay: Record<PoolName, number[][]> = { resource: [], total: [] };
    for (let d = 0; d <= MAX_DAY; d++) {
      const res: number[] = [];
      series.forEach((s, i) => {
        const r = evaluateSeries(s, model, d, empty, truths[i]);
        if (r?.e !== undefined && Number.isFinite(r.e)) res.push(r.e);
      });
      const tot: number[] = [];
      pfs.forEach((members, i) => {
        const r = evaluatePortfolio(members, model, d, empty, roots[i]);
        if (r?.e !== undefined && Number.isFinite(r.e)) tot.push(r.e);
      });
      byDay.resource.push(res);
      byDay.total.push(tot);
    }
    pools.resource[model] = table(byDay.resource);
    pools.total[model] = table(byDay.total);
  }
  return {
    generatedBy: "bun src/engine/forecast/calibrate.ts --write",
    calibrationSeed: seed,
    series: nSeries,
    portfolios: nPf,
    pools,
  };
}

export function serialiseCalibration(t: CalibrationTable): string {
  const lines: string[] = [];
  lines.push("{");
  lines.push(`  "generatedBy": ${JSON.stringify(t.generatedBy)},`);
  lines.push(`  "calibrationSeed": ${t.calibrationSeed},`);
  lines.push(`  "series": ${t.series},`);
  lines.push(`  "portfolios": ${t.portfolios},`);
  lines.push(`  "pools": {`);
  const poolNames = Object.keys(t.pools) as PoolName[];
  poolNames.forEach((pool, pi) => {
    lines.push(`    ${JSON.stringify(pool)}: {`);
    const models = Object.keys(t.pools[pool]) as ForecastModelName[];
    models.forEach((m, mi) => {
      const rows = t.pools[pool][m]!.map((r) => JSON.stringify(r)).join(", ");
      lines.push(`      ${JSON.stringify(m)}: [${rows}]${mi < models.length - 1 ? "," : ""}`);
    });
    lines.push(`    }${pi < poolNames.length - 1 ? "," : ""}`);
  });
  lines.push("  }");
  lines.push("}");
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const t0 = performance.now();
  const text = serialiseCalibration(computeCalibration());
  if (process.argv.includes("--write")) {
    const path = new URL("./calibration.json", import.meta.url).pathname;
    await Bun.write(path, text);
    process.stderr.write(`wrote ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } else {
    process.stdout.write(text);
  }
}
