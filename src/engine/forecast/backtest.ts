/**
 * Backtest of the month-end forecast on synthetic series with known truth (synthetic.ts).
 *
 * For every series and origin d (d complete days of the target period are known, i.e. lastCompleteDay is the d-th
 * day) each model forecasts the month-end total exactly as at run time; we compare with the actual total:
 * MAPE (mean |forecast − actual| / actual), signed bias (mean (forecast − actual) / actual; > 0 = over-forecast)
 * and the share of actual totals inside [P10, P90]. Series that do not exist yet at d, or whose month total is 0,
 * are skipped at that origin. Portfolios (projects of many series) are scored on their total the same way.
 *
 * The intervals come from a calibration table computed on a *different* seed (calibrate.ts); when the reported
 * seed equals the calibration seed the report says "in-sample" — those coverage figures are not evidence.
 */
import type { DailyCost, ForecastModelName, Quantiles, VirtualResource } from "../types.ts";
import { isoDay, epochDay } from "./dates.ts";
import { forecastWithScale } from "./index.ts";
import { CALIBRATION, errorLevel, monthEndBand, quantilesAt, type CalibrationTable } from "./intervals.ts";
import { forecastPath } from "./model.ts";
import { getModel, MODEL_NAMES } from "./models/index.ts";
import { prepareSeries, seriesContext } from "./series.ts";
import { generatePortfolios, generateSeries, periodTotal, type SyntheticSeries } from "./synthetic.ts";

export const REPORT_DAYS = [5, 10, 20];

export interface OriginResult {
  truth: number;
  soFar: number;
  band: Quantiles;
  /** Normalised error of the rest (intervals.ts); undefined when the scale is 0. */
  e?: number;
}

function sum(p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i];
  return s;
}

/** One series, one model, one origin — the same steps forecastResources takes for a leaf. */
export function evaluateSeries(series: SyntheticSeries, model: ForecastModelName, d: number, table: CalibrationTable, truth = periodTotal(series)): OriginResult | undefined {
  const ctx = seriesContext(series.period, isoDay(epochDay(series.period.startDate) + d - 1));
  if (ctx.horizon === 0) return undefined;
  const s = prepareSeries(series.daily, ctx);
  if (s.n === 0) return undefined;
  const predicted = sum(forecastPath(getModel(model), s));
  const scale = ctx.horizon * errorLevel(s, predicted);
  const band = monthEndBand(s.soFar, predicted, scale, quantilesAt(table, "resource", model, ctx.elapsed));
  return { truth, soFar: s.soFar, band, e: scale > 0 ? (truth - s.soFar - predicted) / scale : undefined };
}

export function asVirtual(series: SyntheticSeries): VirtualResource {
  return { id: series.id, kind: "ECS", name: series.id, prio: 1, tags: {}, members: [], daily: series.daily };
}

/** One portfolio (its members share the target period), one model, one origin, through forecastResources. */
export function evaluatePortfolio(members: SyntheticSeries[], model: ForecastModelName, d: number, table: CalibrationTable, roots = members.map(asVirtual)): OriginResult | undefined {
  const period = members[0].period;
  const r = forecastWithScale({ roots, period, lastCompleteDay: isoDay(epochDay(period.startDate) + d - 1), model, calibration: table });
  if (r.total.band.length === 0) return undefined;
  let truth = 0;
  for (const m of members) truth += periodTotal(m);
  const predicted = r.total.monthEnd.p50 - r.total.soFar;
  return { truth, soFar: r.total.soFar, band: r.total.monthEnd, e: r.totalScale > 0 ? (truth - r.total.soFar - predicted) / r.totalScale : undefined };
}

export interface DayStats {
  n: number;
  mape: number;
  bias: number;
  coverage: number;
}

export interface ModelRow {
  model: ForecastModelName;
  days: Record<number, DayStats>;
}

class Acc {
  n = 0;
  ape = 0;
  pe = 0;
  covered = 0;
  add(r: OriginResult | undefined): void {
    if (!r || !(r.truth > 0)) return;
    const err = (r.band.p50 - r.truth) / r.truth;
    this.n++;
    this.ape += Math.abs(err);
    this.pe += err;
    const tol = 1e-9 * r.truth;
    if (r.truth >= r.band.p10 - tol && r.truth <= r.band.p90 + tol) this.covered++;
  }
  stats(): DayStats {
    const n = this.n || 1;
    return { n: this.n, mape: this.ape / n, bias: this.pe / n, coverage: this.covered / n };
  }
}

export interface BacktestOptions {
  series?: number;
  seed?: number;
  portfolios?: number;
  portfolioSize?: number;
  days?: number[];
  models?: ForecastModelName[];
  calibration?: CalibrationTable;
}

export interface BacktestReport {
  seed: number;
  series: number;
  portfolios: number;
  portfolioSize: number;
  calibrationSeed: number;
  inSample: boolean;
  days: number[];
  resources: ModelRow[];
  totals: ModelRow[];
}

export function runBacktest(opts: BacktestOptions = {}): BacktestReport {
  const seed = opts.seed ?? 2;
  const count = opts.series ?? 300;
  const portfolios = opts.portfolios ?? 40;
  const size = opts.portfolioSize ?? 25;
  const days = opts.days ?? REPORT_DAYS;
  const models = opts.models ?? MODEL_NAMES;
  const table = opts.calibration ?? CALIBRATION;
  const series = generateSeries(count, seed);
  const truths = series.map(periodTotal);
  const pfs = generatePortfolios(portfolios, size, seed);
  const resources: ModelRow[] = [];
  const totals: ModelRow[] = [];
  for (const model of models) {
    const rRow: ModelRow = { model, days: {} };
    const tRow: ModelRow = { model, days: {} };
    for (const d of days) {
      const acc = new Acc();
      series.forEach((s, i) => acc.add(evaluateSeries(s, model, d, table, truths[i])));
      rRow.days[d] = acc.stats();
      const tAcc = new Acc();
      for (const members of pfs) tAcc.add(evaluatePortfolio(members, model, d, table));
      tRow.days[d] = tAcc.stats();
    }
    resources.push(rRow);
    totals.push(tRow);
  }
  return {
    seed,
    series: count,
    portfolios,
    portfolioSize: size,
    calibrationSeed: table.calibrationSeed,
    inSample: seed === table.calibrationSeed,
    days,
    resources,
    totals,
  };
}

/** Backtest on arbitrary real-shaped series (e.g. the simulator's per-resource costs) that share one period. */
export function backtestDailySeries(
  items: Array<{ id: string; daily: DailyCost[] }>,
  period: SyntheticSeries["period"],
  opts: { days?: number[]; models?: ForecastModelName[]; calibration?: CalibrationTable } = {},
): { resources: ModelRow[]; totals: ModelRow[] } {
  const days = opts.days ?? REPORT_DAYS;
  const table = opts.calibration ?? CALIBRATION;
  const series: SyntheticSeries[] = items.map((it) => ({ id: it.id, period, daily: it.daily, traits: [] }));
  const resources: ModelRow[] = [];
  const totals: ModelRow[] = [];
  for (const model of opts.models ?? MODEL_NAMES) {
    const rRow: ModelRow = { model, days: {} };
    const tRow: ModelRow = { model, days: {} };
    for (const d of days) {
      const acc = new Acc();
      for (const s of series) acc.add(evaluateSeries(s, model, d, table));
      rRow.days[d] = acc.stats();
      const tAcc = new Acc();
      tAcc.add(evaluatePortfolio(series, model, d, table));
      tRow.days[d] = tAcc.stats();
    }
    resources.push(rRow);
    totals.push(tRow);
  }
  return { resources, totals };
}

export interface TargetCheck {
  name: string;
  value: number;
  limit: string;
  pass: boolean;
}

/** The targets, on the per-series rows: ensemble MAPE@10 vs steady-state and run-rate, coverage band. */
export function checkTargets(rows: ModelRow[], day = 10): TargetCheck[] {
  const at = (m: ForecastModelName) => rows.find((r) => r.model === m)?.days[day];
  const ens = at("ensemble");
  const ss = at("steady-state");
  const rr = at("run-rate");
  const out: TargetCheck[] = [];
  if (ens && ss) out.push({ name: `ensemble MAPE@${day} / steady-state`, value: ens.mape / ss.mape, limit: "≤ 0.50", pass: ens.mape <= 0.5 * ss.mape });
  if (ens && rr) out.push({ name: `ensemble MAPE@${day} / run-rate`, value: ens.mape / rr.mape, limit: "≤ 0.80", pass: ens.mape <= 0.8 * rr.mape });
  const ensRow = rows.find((r) => r.model === "ensemble");
  if (ensRow) {
    for (const d of Object.keys(ensRow.days).map(Number)) {
      const c = ensRow.days[d].coverage;
      out.push({ name: `ensemble P10–P90 coverage@${d}`, value: c, limit: "0.75–0.85", pass: c >= 0.75 && c <= 0.85 });
    }
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

export function formatRows(title: string, rows: ModelRow[], days: number[]): string {
  const head =
    "model".padEnd(14) +
    days.map((d) => `MAPE@${d}`.padStart(8)).join("") +
    days.map((d) => `bias@${d}`.padStart(8)).join("") +
    days.map((d) => `cov@${d}`.padStart(8)).join("") +
    "  n@" + days.join("/");
  const lines = rows.map(
    (r) =>
      r.model.padEnd(14) +
      days.map((d) => " " + pct(r.days[d].mape)).join("") +
      days.map((d) => " " + pct(r.days[d].bias)).join("") +
      days.map((d) => " " + pct(r.days[d].coverage)).join("") +
      "  " + days.map((d) => r.days[d].n).join("/"),
  );
  return [title, head, ...lines].join("\n");
}

export function formatReport(r: BacktestReport): string {
  const note = r.inSample
    ? `WARNING: seed ${r.seed} is the calibration seed — coverage below is in-sample and proves nothing.`
    : `Intervals calibrated on seed ${r.calibrationSeed}; reported on seed ${r.seed} (held out).`;
  return [
    `Backtest: month-end forecast on ${r.series} synthetic series and ${r.portfolios} portfolios × ${r.portfolioSize} (seed ${r.seed}).`,
    note,
    "MAPE = mean |forecast − actual| / actual; bias > 0 = over-forecast; cov = share of actual totals in [P10, P90].",
    "",
    formatRows("Per resource (month-end of each series):", r.resources, r.days),
    "",
    formatRows("Project total (sum over a portfolio; interval from the total pool):", r.totals, r.days),
  ].join("\n");
}
