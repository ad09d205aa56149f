/**
 * Entry point of the forecast: per-resource month-end forecasts (P50 path + P10/P50/P90) for every root virtual
 * resource and, recursively, every group member, plus the total over all spend with its own interval.
 *
 * - Leaves (ghosts included): the chosen model on the leaf's own daily series (series.ts explains zeros, lag and
 *   lumps). A ghost may be a deleted resource or a live one of a service ot3c does not inventory, so it is not
 *   zeroed: once a deleted resource's days come in empty the stopped rule ends its forecast.
 * - Groups: the path and "so far" are the sums of the members' (so terminating a group avoids exactly what its
 *   members would have cost); the interval is computed on the group's own summed series.
 * - Total: P50 = so far + Σ root paths (the same numbers the planner sums); interval from the `total` calibration
 *   pool on the total's own series (intervals.ts) — never a sum of resource quantiles.
 */
import type { BillingPeriod, DaySeries, ForecastModelName, ForecastSummary, IsoDate, Quantiles, VirtualResource } from "../types.ts";
import { seriesBefore, sumSeries } from "../virtual/day-series.ts";
import { epochDay, isoDay } from "./dates.ts";
import { CALIBRATION, errorLevel, monthEndBand, quantilesAt, quantilesByStratum, stratumOf, totalStratumOf, type CalibrationTable, type QuantileRow } from "./intervals.ts";
import { forecastPath } from "./model.ts";
import { getModel } from "./models/index.ts";
import { prepareSeries, seriesContext, type PartialFirstDay, type PreparedSeries, type SeriesContext } from "./series.ts";
import { addDays as localAddDays, dayStart, DEFAULT_TIME_ZONE, isoDay as localIsoDay } from "../period.ts";

export interface ForecastInput {
  roots: VirtualResource[];
  period: BillingPeriod;
  /** The newest day whose cost data is complete (the dashboard lags by about a day). */
  lastCompleteDay: IsoDate;
  model: ForecastModelName;
  /** Interval table; defaults to the committed calibration. Tests and the backtest pass their own. */
  calibration?: CalibrationTable;
  /**
   * Leaves the engine stopped or deleted (leaf id → epoch day of the call). Their path is forecast from the history
   * *before* that day — what they would cost untouched — so that the closed loop (engine/closed-loop) can apply
   * the action once, whether or not the cost data has caught up with it yet.
   */
  actedFrom?: Map<string, number>;
  /** Time zone of the cost days (creation instants are placed in it); default Europe/Berlin. */
  timeZone?: string;
}

export interface ForecastResult {
  /** Per unit: cost so far and month-end band (its median path is in `paths`). */
  perResource: Record<string, ForecastSummary>;
  total: { soFar: number; monthEnd: Quantiles; band: Array<{ date: IsoDate } & Quantiles> };
  /** The remaining days (the index of every path). */
  dates: IsoDate[];
  /** Per unit: the median path over `dates` (no object per day: 100,000 units × the month's remaining days). */
  paths: Map<string, Float64Array>;
  totalPath: Float64Array;
}

interface Node {
  soFar: number;
  path: Float64Array;
  /** P10–P90 width of this node's own interval. */
  width: number;
}

function sumPath(p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i];
  return s;
}

export function forecastResources(input: ForecastInput): ForecastResult {
  const { perResource, total, dates, paths, totalPath } = forecastWithScale(input);
  return { perResource, total, dates, paths, totalPath };
}

/** As forecastResources, plus the total's error scale (the calibration needs it to normalise errors). */
export function forecastWithScale(input: ForecastInput): ForecastResult & { totalScale: number; totalDiversification: number } {
  const ctx = seriesContext(input.period, input.lastCompleteDay);
  const model = getModel(input.model);
  const table = input.calibration ?? CALIBRATION;
  const dates: IsoDate[] = [];
  const firstDay = ctx.periodEnd - ctx.horizon;
  for (let k = 0; k < ctx.horizon; k++) dates.push(isoDay(firstDay + k));
  const qResource = quantilesByStratum(table, "resource", input.model, ctx.elapsed);
  const perResource: Record<string, ForecastSummary> = {};
  const paths = new Map<string, Float64Array>();
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;

  /** Records the forecast; returns its unclamped P10–P90 width (the total's scale adds these in quadrature). */
  const emit = (vr: VirtualResource, node: Node, s: PreparedSeries): number => {
    const predicted = sumPath(node.path);
    const scale = ctx.horizon * errorLevel(s, predicted);
    const q = qResource[stratumOf(table, s.y)];
    perResource[vr.id] = { vrId: vr.id, costSoFar: node.soFar, monthEnd: monthEndBand(node.soFar, predicted, scale, q) };
    paths.set(vr.id, node.path);
    return scale * (q[2] - q[0]);
  };

  const visit = (vr: VirtualResource): Node => {
    if (vr.kind === "GROUP" && vr.members.length > 0) {
      const path = new Float64Array(ctx.horizon);
      let soFar = 0;
      for (const m of vr.members) {
        const child = visit(m);
        soFar += child.soFar;
        for (let k = 0; k < path.length; k++) path[k] += child.path[k];
      }
      const own = vr.daily.days.length > 0 ? vr.daily : sumSeries(vr.members.map((m) => m.daily));
      const node = { soFar, path, width: 0 };
      node.width = emit(vr, node, prepareSeries(own, ctx));
      return node;
    }
    const partial = partialFirstDay(vr.resource?.createdAt, timeZone);
    const s = prepareSeries(vr.daily, ctx, partial);
    const acted = input.actedFrom?.get(vr.id);
    const path = acted !== undefined && acted <= ctx.lastCompleteDay ? pathBefore(vr.daily, acted, input.period, model, ctx, partial) : forecastPath(model, s);
    const node = { soFar: s.soFar, path, width: 0 };
    node.width = emit(vr, node, s);
    return node;
  };

  const totalPath = new Float64Array(ctx.horizon);
  let totalSoFar = 0;
  let widthSquares = 0;
  for (const root of input.roots) {
    const node = visit(root);
    totalSoFar += node.soFar;
    widthSquares += node.width * node.width;
    for (let k = 0; k < totalPath.length; k++) totalPath[k] += node.path[k];
  }
  // The total is normalised by its own level (like a resource) and stratified by how diversified it is: the root
  // widths added in quadrature (√Σwᵢ², the spread if errors were independent) relative to that level scale.
  const totalSeries = prepareSeries(totalDaily(input.roots, ctx), ctx);
  const totalScale = ctx.horizon * errorLevel(totalSeries, sumPath(totalPath));
  const totalDiversification = totalScale > 0 ? Math.sqrt(widthSquares) / totalScale : NaN;
  const q = quantilesAt(table, "total", input.model, totalStratumOf(table, totalDiversification), ctx.elapsed);
  return { perResource, total: totalForecast(ctx, totalSoFar, totalPath, totalScale, q, dates), totalScale, totalDiversification, dates, paths, totalPath };
}

/** Per creation instant and zone (the same resources come back every sync; the zone arithmetic is not cheap). */
const partialCache = new Map<string, PartialFirstDay | null>();

/** The creation day of a resource and the part of it the resource existed, when it was created after midnight. */
function partialFirstDay(createdAt: string | undefined, timeZone: string): PartialFirstDay | undefined {
  if (!createdAt) return undefined;
  const key = `${timeZone}|${createdAt}`;
  let hit = partialCache.get(key);
  if (hit === undefined) {
    hit = computePartialFirstDay(createdAt, timeZone) ?? null;
    if (partialCache.size > 200_000) partialCache.clear();
    partialCache.set(key, hit);
  }
  return hit ?? undefined;
}

function computePartialFirstDay(createdAt: string, timeZone: string): PartialFirstDay | undefined {
  const t = Date.parse(createdAt);
  if (!Number.isFinite(t)) return undefined;
  const day = localIsoDay(t, timeZone);
  const start = dayStart(day, timeZone);
  const end = dayStart(localAddDays(day, 1), timeZone);
  const fraction = (end - t) / (end - start);
  return fraction > 0 && fraction < 0.999 ? { day: epochDay(day), fraction } : undefined;
}

/**
 * The path of the remaining days as the resource's history before `actedDay` predicts it: what it would cost had
 * nothing been done (the days since show the action itself).
 */
function pathBefore(daily: DaySeries, actedDay: number, period: BillingPeriod, model: ReturnType<typeof getModel>, ctx: SeriesContext, partial?: PartialFirstDay): Float64Array {
  const before = seriesBefore(daily, actedDay);
  const ctxBefore = seriesContext(period, isoDay(actedDay - 1));
  const full = forecastPath(model, prepareSeries(before, ctxBefore, partial));
  // ctxBefore's path starts earlier (at actedDay or the period start); the last `horizon` days are ours.
  return full.slice(Math.max(0, full.length - ctx.horizon));
}

/** The total series over the history window, built densely (one pass over all roots' days, no per-date maps). */
function totalDaily(roots: VirtualResource[], ctx: SeriesContext): DaySeries {
  const len = Math.max(0, ctx.lastCompleteDay - ctx.windowStart + 1);
  const sum = new Float64Array(len);
  const seen = new Uint8Array(len);
  for (const root of roots) {
    const { days, amounts } = root.daily;
    for (let r = 0; r < days.length; r++) {
      const idx = days[r]! - ctx.windowStart;
      if (idx < 0 || idx >= len) continue;
      sum[idx] += amounts[r]!;
      seen[idx] = 1;
    }
  }
  let n = 0;
  for (let i = 0; i < len; i++) n += seen[i]!;
  const days = new Int32Array(n);
  const amounts = new Float64Array(n);
  for (let i = 0, k = 0; i < len; i++) {
    if (!seen[i]) continue;
    days[k] = ctx.windowStart + i;
    amounts[k++] = sum[i]!;
  }
  return { days, amounts };
}

function totalForecast(ctx: SeriesContext, soFar: number, path: Float64Array, scale: number, q: QuantileRow, dates: IsoDate[]): ForecastResult["total"] {
  const predicted = sumPath(path);
  const monthEnd = monthEndBand(soFar, predicted, scale, q);
  const level = ctx.horizon > 0 ? scale / ctx.horizon : 0;
  const band = dates.map((date, k) => {
    const p50 = path[k];
    return { date, p10: Math.min(p50, Math.max(0, p50 + q[0] * level)), p50, p90: Math.max(p50, p50 + q[2] * level) };
  });
  return { soFar, monthEnd, band };
}

export { MODEL_NAMES, getModel } from "./models/index.ts";
export type { CalibrationTable } from "./intervals.ts";
