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
import { binStratum, STRATA_BINS, strataOf, type CalibrationTable, type PoolName, type QuantileRow, type Stratum } from "./intervals.ts";
import { MODEL_NAMES } from "./models/index.ts";
import { generatePortfolios, generateSeries, periodTotal } from "./synthetic.ts";

export const CALIBRATION_SEED = 1;
export const CALIBRATION_SERIES = 800;
export const CALIBRATION_PORTFOLIOS = 200;
/** Same size range as the backtest's portfolios (log-uniform): small teams to mid-size projects. */
export const CALIBRATION_PORTFOLIO_SIZES: [number, number] = [5, 200];
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

interface Sample {
  d: number;
  e: number;
  vol: number;
}

/** Minimum samples per cell; days d±1 … d±MAX_WIDEN are pooled until it is reached (sparse strata, early days). */
const MIN_SAMPLES = 60;
const MAX_WIDEN = 5;

function rowsFor(samples: Sample[]): Array<QuantileRow | null> {
  const byDay: number[][] = Array.from({ length: MAX_DAY + 1 }, () => []);
  for (const s of samples) byDay[s.d].push(s.e);
  const rows: Array<QuantileRow | null> = [];
  for (let d = 0; d <= MAX_DAY; d++) {
    let pooled: number[] = [];
    for (let w = 1; w <= MAX_WIDEN; w++) {
      pooled = [];
      for (let k = Math.max(0, d - w); k <= Math.min(MAX_DAY, d + w); k++) pooled.push(...byDay[k]);
      if (pooled.length >= MIN_SAMPLES) break;
    }
    if (pooled.length < MIN_SAMPLES) {
      rows.push(null);
      continue;
    }
    pooled.sort((a, b) => a - b);
    rows.push([r4(quantileSorted(pooled, 0.1)), r4(quantileSorted(pooled, 0.5)), r4(quantileSorted(pooled, 0.9))]);
  }
  return rows;
}

function strataRows(pool: PoolName, samples: Sample[], bounds: number[]): Record<Stratum, Array<QuantileRow | null>> {
  const by = new Map<Stratum, Sample[]>();
  for (const s of samples) {
    const st = binStratum(s.vol, bounds);
    let list = by.get(st);
    if (!list) by.set(st, (list = []));
    list.push(s);
  }
  const out: Record<Stratum, Array<QuantileRow | null>> = {};
  for (const st of strataOf(pool)) out[st] = rowsFor(by.get(st) ?? []);
  return out;
}

/** Boundaries splitting the samples' stratifying figure into `bins` equally populated bins. */
function quantileBounds(samples: Sample[], bins: number): number[] {
  const v = samples.map((s) => s.vol).filter((x) => !Number.isNaN(x) && x !== 0).sort((a, b) => a - b);
  if (v.length === 0) return [];
  return Array.from({ length: bins - 1 }, (_, i) => r4(quantileSorted(v, (i + 1) / bins)));
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
  // A resource's error does not depend on the interval table, so an empty one is enough to collect them.
  const empty: CalibrationTable = { generatedBy: "", calibrationSeed: seed, series: 0, portfolios: 0, bounds: { resource: [], total: [] }, pools: { resource: {}, total: {} } };
  const resourceSamples = new Map<ForecastModelName, Sample[]>();
  for (const model of MODEL_NAMES as ForecastModelName[]) {
    const res: Sample[] = [];
    for (let d = 0; d <= MAX_DAY; d++) {
      series.forEach((s, i) => {
        const r = evaluateSeries(s, model, d, empty, truths[i]);
        if (r?.e !== undefined && Number.isFinite(r.e)) res.push({ d, e: r.e, vol: r.vol });
      });
    }
    resourceSamples.set(model, res);
  }
  const bounds = quantileBounds([...resourceSamples.values()].flat(), STRATA_BINS.resource);
  const table: CalibrationTable = {
    generatedBy: "bun src/engine/forecast/calibrate.ts --write",
    calibrationSeed: seed,
    series: nSeries,
    portfolios: nPf,
    bounds: { resource: bounds, total: [] },
    pools: { resource: {}, total: {} },
  };
  for (const [model, list] of resourceSamples) table.pools.resource[model] = strataRows("resource", list, bounds);
  // The total's scale is built from the resource intervals, so its errors are collected with the resource pool.
  const totalSamples = new Map<ForecastModelName, Sample[]>();
  for (const model of MODEL_NAMES as ForecastModelName[]) {
    const tot: Sample[] = [];
    for (let d = 0; d <= MAX_DAY; d++) {
      pfs.forEach((members, i) => {
        const r = evaluatePortfolio(members, model, d, table, roots[i]);
        if (r?.e !== undefined && Number.isFinite(r.e)) tot.push({ d, e: r.e, vol: r.vol });
      });
    }
    totalSamples.set(model, tot);
  }
  table.bounds.total = quantileBounds([...totalSamples.values()].flat(), STRATA_BINS.total);
  for (const [model, list] of totalSamples) table.pools.total[model] = strataRows("total", list, table.bounds.total);
  return table;
}

/** One line per (pool, model, stratum) so diffs of a regenerated table stay readable. */
export function serialiseCalibration(t: CalibrationTable): string {
  const lines: string[] = ["{"];
  lines.push(`  "generatedBy": ${JSON.stringify(t.generatedBy)},`);
  lines.push(`  "calibrationSeed": ${t.calibrationSeed},`);
  lines.push(`  "series": ${t.series},`);
  lines.push(`  "portfolios": ${t.portfolios},`);
  lines.push(`  "bounds": ${JSON.stringify(t.bounds)},`);
  lines.push(`  "pools": {`);
  const poolNames = Object.keys(t.pools) as PoolName[];
  poolNames.forEach((pool, pi) => {
    lines.push(`    ${JSON.stringify(pool)}: {`);
    const models = Object.keys(t.pools[pool]) as ForecastModelName[];
    models.forEach((m, mi) => {
      lines.push(`      ${JSON.stringify(m)}: {`);
      const strata = Object.keys(t.pools[pool][m]!) as Stratum[];
      strata.forEach((st, si) => {
        const rows = t.pools[pool][m]![st]!.map((r) => JSON.stringify(r)).join(", ");
        lines.push(`        ${JSON.stringify(st)}: [${rows}]${si < strata.length - 1 ? "," : ""}`);
      });
      lines.push(`      }${mi < models.length - 1 ? "," : ""}`);
    });
    lines.push(`    }${pi < poolNames.length - 1 ? "," : ""}`);
  });
  lines.push("  }", "}");
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
