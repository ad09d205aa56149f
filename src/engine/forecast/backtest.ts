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
import type { BillingPeriod, DailyCost, ForecastModelName, Quantiles, VirtualResource } from "../types.ts";
import { isoDay, epochDay } from "./dates.ts";
import { forecastWithScale } from "./index.ts";
import { CALIBRATION, errorLevel, monthEndBand, quantilesAt, stratumOf, volatility, type CalibrationTable } from "./intervals.ts";
import { forecastPath, recentMean } from "./model.ts";
import { getModel, MODEL_NAMES } from "./models/index.ts";
import { prepareSeries, seriesContext, sumDaily } from "./series.ts";
import { seriesOf } from "../virtual/day-series.ts";
import { generatePortfolios, generateSeries, periodTotal, type SyntheticSeries } from "./synthetic.ts";

export const REPORT_DAYS = [5, 10, 20];

export interface OriginResult {
  truth: number;
  soFar: number;
  band: Quantiles;
  /** Normalised error of the rest (intervals.ts); undefined when the scale is 0. */
  e?: number;
  /** The stratifying figure at the origin: a series' volatility (NaN under two weeks) or a total's diversification ratio. */
  vol: number;
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
  const s = prepareSeries(seriesOf(series.daily), ctx);
  if (s.n === 0) return undefined;
  const predicted = sum(forecastPath(getModel(model), s));
  const scale = ctx.horizon * errorLevel(s, predicted);
  const band = monthEndBand(s.soFar, predicted, scale, quantilesAt(table, "resource", model, stratumOf(table, s.y), ctx.elapsed));
  return { truth, soFar: s.soFar, band, e: scale > 0 ? (truth - s.soFar - predicted) / scale : undefined, vol: volatility(s.y) };
}

export function asVirtual(series: SyntheticSeries): VirtualResource {
  return { id: series.id, kind: "ECS", name: series.id, prio: 1, tags: {}, members: [], daily: seriesOf(series.daily) };
}

/** One portfolio (its members share the target period), one model, one origin, through forecastResources. */
export function evaluatePortfolio(members: SyntheticSeries[], model: ForecastModelName, d: number, table: CalibrationTable, roots = members.map(asVirtual)): OriginResult | undefined {
  const period = members[0].period;
  const r = forecastWithScale({ roots, period, lastCompleteDay: isoDay(epochDay(period.startDate) + d - 1), model, calibration: table });
  if (r.total.band.length === 0) return undefined;
  let truth = 0;
  for (const m of members) truth += periodTotal(m);
  const predicted = r.total.monthEnd.p50 - r.total.soFar;
  return { truth, soFar: r.total.soFar, band: r.total.monthEnd, e: r.totalScale > 0 ? (truth - r.total.soFar - predicted) / r.totalScale : undefined, vol: r.totalDiversification };
}

export interface DayStats {
  n: number;
  mape: number;
  bias: number;
  /** NaN for rows without an interval (the textbook run-rate reference). */
  coverage: number;
}

/** `run-rate (textbook)` is a reference row, not a selectable model: see textbookRunRate. */
export type RowName = ForecastModelName | typeof TEXTBOOK;
export const TEXTBOOK = "run-rate (textbook)";

export interface ModelRow {
  model: RowName;
  days: Record<number, DayStats>;
}

/**
 * The run-rate as the literature states it (field-anchors §5, method 1): MTD ÷ elapsed period days × days in the
 * period, with the month-start lump left in MTD, days before a mid-period creation counted as elapsed, and no
 * stopped-resource rule; with no elapsed day, the last week's mean. Our `run-rate` model is the same formula plus
 * the stopped-resource rule and a week's mean for the first days of a period (models/run-rate.ts). Both rows are
 * reported so the ensemble's skill is shown against each.
 */
export function textbookRunRate(daily: DailyCost[], period: BillingPeriod, d: number): { soFar: number; monthEnd: number } | undefined {
  const ctx = seriesContext(period, isoDay(epochDay(period.startDate) + d - 1));
  if (ctx.horizon === 0) return undefined;
  const s = prepareSeries(seriesOf(daily), ctx);
  if (s.n === 0) return undefined;
  const rate = ctx.elapsed > 0 ? s.soFar / ctx.elapsed : recentMean(s.y, 7);
  return { soFar: s.soFar, monthEnd: s.soFar + rate * ctx.horizon };
}

function textbookResult(daily: DailyCost[], period: BillingPeriod, d: number, truth: number): OriginResult | undefined {
  const r = textbookRunRate(daily, period, d);
  return r && { truth, soFar: r.soFar, band: { p10: NaN, p50: r.monthEnd, p90: NaN }, vol: NaN };
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
    else if (Number.isNaN(r.band.p10)) this.covered = NaN;
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
  /** Portfolio sizes are drawn log-uniformly from this range. */
  portfolioSizes?: [number, number];
  days?: number[];
  models?: ForecastModelName[];
  calibration?: CalibrationTable;
}

export interface BacktestReport {
  seed: number;
  series: number;
  portfolios: number;
  portfolioSizes: [number, number];
  calibrationSeed: number;
  inSample: boolean;
  days: number[];
  resources: ModelRow[];
  totals: ModelRow[];
}

interface Unit {
  series: SyntheticSeries[];
  truth: number;
  roots?: VirtualResource[];
}

function rowsFor(units: Unit[], single: boolean, days: number[], models: ForecastModelName[], table: CalibrationTable): ModelRow[] {
  const rows: ModelRow[] = [];
  for (const model of [...models, TEXTBOOK] as RowName[]) {
    const row: ModelRow = { model, days: {} };
    for (const d of days) {
      const acc = new Acc();
      for (const u of units) {
        if (model === TEXTBOOK) {
          const daily = single ? u.series[0].daily : sumDaily(u.series.map((s) => s.daily));
          acc.add(textbookResult(daily, u.series[0].period, d, u.truth));
        } else if (single) acc.add(evaluateSeries(u.series[0], model, d, table, u.truth));
        else acc.add(evaluatePortfolio(u.series, model, d, table, u.roots));
      }
      row.days[d] = acc.stats();
    }
    rows.push(row);
  }
  return rows;
}

export const DEFAULT_BACKTEST = { seed: 2, series: 300, portfolios: 100, portfolioSizes: [5, 200] as [number, number] };

export function runBacktest(opts: BacktestOptions = {}): BacktestReport {
  const seed = opts.seed ?? DEFAULT_BACKTEST.seed;
  const count = opts.series ?? DEFAULT_BACKTEST.series;
  const portfolios = opts.portfolios ?? DEFAULT_BACKTEST.portfolios;
  const sizes = opts.portfolioSizes ?? DEFAULT_BACKTEST.portfolioSizes;
  const days = opts.days ?? REPORT_DAYS;
  const models = opts.models ?? MODEL_NAMES;
  const table = opts.calibration ?? CALIBRATION;
  const singles: Unit[] = generateSeries(count, seed).map((s) => ({ series: [s], truth: periodTotal(s) }));
  const pfs: Unit[] = generatePortfolios(portfolios, sizes[0], sizes[1], seed).map((members) => ({
    series: members,
    truth: members.reduce((a, m) => a + periodTotal(m), 0),
    roots: members.map(asVirtual),
  }));
  return {
    seed,
    series: count,
    portfolios,
    portfolioSizes: sizes,
    calibrationSeed: table.calibrationSeed,
    inSample: seed === table.calibrationSeed,
    days,
    resources: rowsFor(singles, true, days, models, table),
    totals: pfs.length ? rowsFor(pfs, false, days, models, table) : [],
  };
}

/** Backtest on arbitrary real-shaped series (e.g. the simulator's per-resource costs) that share one period. */
export function backtestDailySeries(
  items: Array<{ id: string; daily: DailyCost[] }>,
  period: BillingPeriod,
  opts: { days?: number[]; models?: ForecastModelName[]; calibration?: CalibrationTable } = {},
): { resources: ModelRow[]; totals: ModelRow[] } {
  const days = opts.days ?? REPORT_DAYS;
  const table = opts.calibration ?? CALIBRATION;
  const models = opts.models ?? MODEL_NAMES;
  const series: SyntheticSeries[] = items.map((it) => ({ id: it.id, period, daily: it.daily, traits: [] }));
  const singles: Unit[] = series.map((s) => ({ series: [s], truth: periodTotal(s) }));
  const total: Unit = { series, truth: singles.reduce((a, u) => a + u.truth, 0), roots: series.map(asVirtual) };
  return { resources: rowsFor(singles, true, days, models, table), totals: rowsFor([total], false, days, models, table) };
}

export interface TargetCheck {
  name: string;
  value: number;
  limit: string;
  pass: boolean;
}

/** The targets, on the per-series rows: ensemble MAPE@10 vs steady-state and run-rate, coverage band. */
export function checkTargets(rows: ModelRow[], day = 10): TargetCheck[] {
  const at = (m: RowName) => rows.find((r) => r.model === m)?.days[day];
  const ens = at("ensemble");
  const ss = at("steady-state");
  const out: TargetCheck[] = [];
  if (ens && ss) out.push({ name: `ensemble MAPE@${day} / steady-state`, value: ens.mape / ss.mape, limit: "≤ 0.50", pass: ens.mape <= 0.5 * ss.mape });
  for (const rrName of [TEXTBOOK, "run-rate"] as RowName[]) {
    const rr = at(rrName);
    if (ens && rr) out.push({ name: `ensemble MAPE@${day} / ${rrName}`, value: ens.mape / rr.mape, limit: "≤ 0.80", pass: ens.mape <= 0.8 * rr.mape });
  }
  const ensRow = rows.find((r) => r.model === "ensemble");
  if (ensRow) {
    for (const d of Object.keys(ensRow.days).map(Number)) {
      const c = ensRow.days[d].coverage;
      out.push({ name: `ensemble P10–P90 coverage@${d}`, value: c, limit: "0.75–0.85", pass: c >= 0.75 && c <= 0.85 });
    }
  }
  return out;
}

const pct = (x: number) => (Number.isNaN(x) ? "—" : `${(100 * x).toFixed(1)}%`).padStart(7);

export function formatRows(title: string, rows: ModelRow[], days: number[]): string {
  const head =
    "model".padEnd(20) +
    days.map((d) => `MAPE@${d}`.padStart(8)).join("") +
    days.map((d) => `bias@${d}`.padStart(8)).join("") +
    days.map((d) => `cov@${d}`.padStart(8)).join("") +
    "  n@" + days.join("/");
  const lines = rows.map(
    (r) =>
      r.model.padEnd(20) +
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
    `Backtest: month-end forecast on ${r.series} synthetic series and ${r.portfolios} portfolios of ${r.portfolioSizes[0]}–${r.portfolioSizes[1]} series (seed ${r.seed}).`,
    note,
    "MAPE = mean |forecast − actual| / actual; bias > 0 = over-forecast; cov = share of actual totals in [P10, P90].",
    "",
    formatRows("Per resource (month-end of each series):", r.resources, r.days),
    "",
    formatRows("Project total (sum over a portfolio; interval from the total pool):", r.totals, r.days),
  ].join("\n");
}

/** Per-resource daily series (summed over products) from dashboard-style records, e.g. a simulated world's costs. */
export function dailyByResource(records: Array<{ date: string; resourceId: string; amount: number }>): Array<{ id: string; daily: DailyCost[] }> {
  const by = new Map<string, Map<string, number>>();
  for (const r of records) {
    let m = by.get(r.resourceId);
    if (!m) by.set(r.resourceId, (m = new Map()));
    m.set(r.date, (m.get(r.date) ?? 0) + r.amount);
  }
  return [...by.entries()].map(([id, m]) => ({
    id,
    daily: [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([date, amount]) => ({ date, amount })),
  }));
}
